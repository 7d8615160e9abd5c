package org.opencasjobs.bench;

import jakarta.jws.WebService;
import org.opencasjobs.bench.wire.ArrayOfCJJob;
import org.opencasjobs.bench.wire.ArrayOfCJQueue;
import org.opencasjobs.bench.wire.ArrayOfCJType;
import org.opencasjobs.bench.wire.ArrayOfJob;
import org.opencasjobs.bench.wire.ExecuteQuickJobDSResponse;
import org.opencasjobs.bench.wire.JobsSoap;

/**
 * The reference for GetJobStatus: the interface CXF generates from the product's own
 * {@code wsdl/jobs.wsdl}, answering a constant status with no logic at all. Whatever the product
 * spends beyond this is its own (login, job store, logs, metrics, filters).
 */
@WebService(serviceName = "Jobs", portName = "JobsSoap12", targetNamespace = "http://Services.Cas.jhu.edu",
        endpointInterface = "org.opencasjobs.bench.wire.JobsSoap", wsdlLocation = "classpath:wsdl/jobs.wsdl")
public class BareEndpoint implements JobsSoap {
    /** Finished, the status a polled job usually has. */
    static final int STATUS = 5;

    @Override
    public int getJobStatus(long wsId, String pw, long jobId) {
        return STATUS;
    }

    private static UnsupportedOperationException notBenchmarked() {
        return new UnsupportedOperationException("the bare endpoint answers GetJobStatus only");
    }

    @Override
    public String executeQuickJob(long wsid, String pw, String qry, String context, String taskname, boolean isSystem) {
        throw notBenchmarked();
    }

    @Override
    public long submitJobInto(long wsid, String pw, String qry, String context, String table, String taskname,
                              int estimate) {
        throw notBenchmarked();
    }

    @Override
    public ArrayOfCJJob getJobs(long ownerWsid, String ownerPw, String conditions, boolean includeSystem) {
        throw notBenchmarked();
    }

    @Override
    public ArrayOfCJType getJobTypes(long wsid, String pw) {
        throw notBenchmarked();
    }

    @Override
    public void cancelJob(long wsId, String pw, long jobId) {
        throw notBenchmarked();
    }

    @Override
    public long submitJob(long wsid, String pw, String qry, String context, String taskname, int estimate) {
        throw notBenchmarked();
    }

    @Override
    public String getServiceState(long wsid, String pw, String serviceName) {
        throw notBenchmarked();
    }

    @Override
    public ArrayOfCJQueue getQueues(long wsid, String pw) {
        throw notBenchmarked();
    }

    @Override
    public void setServiceState(long wsid, String pw, String serviceName, String state) {
        throw notBenchmarked();
    }

    @Override
    public ArrayOfJob getJobsJob(long ownerWsid, String ownerPw, String conditions, boolean includeSystem) {
        throw notBenchmarked();
    }

    @Override
    public void uploadData(long wsid, String pw, String tableName, String data, Boolean tableExists) {
        throw notBenchmarked();
    }

    @Override
    public ExecuteQuickJobDSResponse.ExecuteQuickJobDSResult executeQuickJobDS(long wsid, String pw, String qry,
            String context, String taskname, boolean isSystem) {
        throw notBenchmarked();
    }

    @Override
    public long submitExtractJob(long wsid, String pw, String tableName, String type) {
        throw notBenchmarked();
    }
}
