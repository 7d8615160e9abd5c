package org.opencasjobs.soap;

import jakarta.jws.WebService;
import org.opencasjobs.ops.CurrentRequest;
import org.opencasjobs.ops.RequestOrigin;
import org.opencasjobs.service.Credentials;
import org.opencasjobs.service.JobsService;
import org.opencasjobs.wire.ArrayOfCJJob;
import org.opencasjobs.wire.ArrayOfCJQueue;
import org.opencasjobs.wire.ArrayOfCJType;
import org.opencasjobs.wire.ArrayOfJob;
import org.opencasjobs.wire.ExecuteQuickJobDSResponse;
import org.opencasjobs.wire.JobsSoap;

/**
 * The one implementation of the generated {@link JobsSoap} interface, reached by SOAP 1.1 and
 * 1.2 through CXF and by HTTP GET/POST through the ASMX filter. It only converts between wire
 * and domain types; the rules live in {@link JobsService}, whose errors every protocol turns
 * into its own fault shape.
 */
@WebService(serviceName = "Jobs", portName = "JobsSoap12", targetNamespace = "http://Services.Cas.jhu.edu",
        endpointInterface = "org.opencasjobs.wire.JobsSoap", wsdlLocation = "classpath:wsdl/jobs.wsdl")
public class JobsEndpoint implements JobsSoap {
    private final JobsService service;

    public JobsEndpoint(JobsService service) {
        this.service = service;
    }

    /** The caller's credentials, noting the operation and wsid for the request log. */
    private static Credentials who(String operation, long wsid, String pw) {
        CurrentRequest.operation(operation, wsid);
        return new Credentials(wsid, pw, RequestOrigin.address());
    }

    /** Notes the job a request created, for the request log. */
    private static long created(long jobId) {
        CurrentRequest.job(jobId);
        return jobId;
    }

    @Override
    public String executeQuickJob(long wsid, String pw, String qry, String context, String taskname,
                                  boolean isSystem) {
        return service.executeQuickJob(who("ExecuteQuickJob", wsid, pw), qry, context, taskname, isSystem);
    }

    @Override
    public ExecuteQuickJobDSResponse.ExecuteQuickJobDSResult executeQuickJobDS(long wsid, String pw, String qry,
            String context, String taskname, boolean isSystem) {
        ExecuteQuickJobDSResponse.ExecuteQuickJobDSResult result = new ExecuteQuickJobDSResponse.ExecuteQuickJobDSResult();
        result.getAny().addAll(service.executeQuickJobDS(who("ExecuteQuickJobDS", wsid, pw), qry, context, taskname, isSystem));
        return result;
    }

    @Override
    public long submitJob(long wsid, String pw, String qry, String context, String taskname, int estimate) {
        return created(service.submitJob(who("SubmitJob", wsid, pw), qry, context, taskname, estimate));
    }

    @Override
    public long submitJobInto(long wsid, String pw, String qry, String context, String table, String taskname,
                              int estimate) {
        return created(service.submitJobInto(who("SubmitJobInto", wsid, pw), qry, context, table, taskname, estimate));
    }

    @Override
    public void cancelJob(long wsId, String pw, long jobId) {
        CurrentRequest.job(jobId);
        service.cancelJob(who("CancelJob", wsId, pw), jobId);
    }

    @Override
    public int getJobStatus(long wsId, String pw, long jobId) {
        CurrentRequest.job(jobId);
        return service.getJobStatus(who("GetJobStatus", wsId, pw), jobId);
    }

    @Override
    public ArrayOfCJJob getJobs(long ownerWsid, String ownerPw, String conditions, boolean includeSystem) {
        return WireTypes.cjJobs(service.getJobs(who("GetJobs", ownerWsid, ownerPw), conditions, includeSystem));
    }

    @Override
    public ArrayOfJob getJobsJob(long ownerWsid, String ownerPw, String conditions, boolean includeSystem) {
        return WireTypes.jobs(service.getJobs(who("GetJobsJob", ownerWsid, ownerPw), conditions, includeSystem));
    }

    @Override
    public ArrayOfCJQueue getQueues(long wsid, String pw) {
        return WireTypes.queues(service.getQueues(who("GetQueues", wsid, pw)));
    }

    @Override
    public ArrayOfCJType getJobTypes(long wsid, String pw) {
        return WireTypes.types(service.getJobTypes(who("GetJobTypes", wsid, pw)));
    }

    @Override
    public long submitExtractJob(long wsid, String pw, String tableName, String type) {
        return created(service.submitExtractJob(who("SubmitExtractJob", wsid, pw), tableName, type, RequestOrigin.baseUrl()));
    }

    @Override
    public void uploadData(long wsid, String pw, String tableName, String data, Boolean tableExists) {
        // Clients of the SDSS-III contract omit tableExists: it means a new table.
        service.uploadData(who("UploadData", wsid, pw), tableName, data, tableExists != null && tableExists);
    }

    @Override
    public void setServiceState(long wsid, String pw, String serviceName, String state) {
        service.setServiceState(who("SetServiceState", wsid, pw), serviceName, state);
    }

    @Override
    public String getServiceState(long wsid, String pw, String serviceName) {
        return service.getServiceState(who("GetServiceState", wsid, pw), serviceName);
    }
}
