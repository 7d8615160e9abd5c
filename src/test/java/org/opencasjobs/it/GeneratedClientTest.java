package org.opencasjobs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.xml.ws.soap.SOAPFaultException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.opencasjobs.wire.CJJob;
import org.opencasjobs.wire.CJQueue;
import org.opencasjobs.wire.CJType;
import org.opencasjobs.wire.Job;
import org.opencasjobs.wire.JobsSoap;

/** Every implemented operation through the CXF client generated from our WSDL, on both SOAP ports. */
class GeneratedClientTest {
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new TestServer().holdJobs();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    /** The SOAP 1.1 and the SOAP 1.2 port of the generated client, pointed at the test server. */
    static Stream<String> ports() {
        return Stream.of("JobsSoap", "JobsSoap12");
    }

    private static JobsSoap client(String port) {
        return server.client(port.equals("JobsSoap12"));
    }

    private static String faultOf(org.junit.jupiter.api.function.Executable call) {
        return assertThrows(SOAPFaultException.class, call).getMessage();
    }

    @ParameterizedTest
    @MethodSource("ports")
    void submitThenStatusThenCancel(String port) throws Exception {
        JobsSoap c = client(port);
        long id = c.submitJob(server.alice.wsid(), TestServer.ALICE_PW, "SELECT TOP 10 * FROM PhotoObj", "sample",
                "mine", 30);
        assertTrue(id > 0);
        assertEquals(0, c.getJobStatus(server.alice.wsid(), TestServer.ALICE_PW, id));
        c.cancelJob(server.alice.wsid(), TestServer.ALICE_PW, id);
        int status = c.getJobStatus(server.alice.wsid(), TestServer.ALICE_PW, id);
        assertTrue(status == 2 || status == 3, "canceling or already cancelled, was " + status);
        assertEquals(3, waitForStatus(c, id, 3));
        CJJob job = c.getJobs(server.alice.wsid(), TestServer.ALICE_PW, "jobid:" + id, false).getCJJob().get(0);
        assertNotEquals("0001-01-01T00:00:00", job.getTimeEnd().toXMLFormat(), "TimeEnd set on cancellation");
    }

    private static int waitForStatus(JobsSoap c, long id, int wanted) throws InterruptedException {
        int status = -1;
        for (int i = 0; i < 50 && status != wanted; i++) {
            status = c.getJobStatus(server.alice.wsid(), TestServer.ALICE_PW, id);
            Thread.sleep(100);
        }
        return status;
    }

    @ParameterizedTest
    @MethodSource("ports")
    void getJobsReportsEveryFieldOfTheJob(String port) {
        JobsSoap c = client(port);
        long id = c.submitJob(server.alice.wsid(), TestServer.ALICE_PW, "SELECT 1", "Sample", "fields", 400);
        List<CJJob> jobs = c.getJobs(server.alice.wsid(), TestServer.ALICE_PW, "JobID : " + id, false).getCJJob();
        assertEquals(1, jobs.size());
        CJJob j = jobs.get(0);
        assertEquals(id, j.getJobID());
        assertEquals(server.alice.wsid(), j.getWebServicesID());
        assertEquals(0, j.getStatus());
        assertEquals(500, j.getQueue());
        assertEquals("fields", j.getTaskName());
        assertEquals("SELECT 1", j.getQuery());
        assertEquals("Sample", j.getContext());
        assertEquals("QUERY", j.getType());
        assertNull(j.getOutputLoc());
        assertNull(j.getError());
        assertEquals("0001-01-01T00:00:00", j.getTimeStart().toXMLFormat());

        List<Job> full = c.getJobsJob(server.alice.wsid(), TestServer.ALICE_PW, "jobid:" + id, false).getJob();
        assertEquals(1, full.size());
        assertEquals(400, full.get(0).getEstimate());
        assertEquals("127.0.0.1", full.get(0).getHostIP());
        assertEquals("Sample", full.get(0).getTarget());
    }

    @ParameterizedTest
    @MethodSource("ports")
    void getJobsListsOnlyTheCallersJobsNewestFirst(String port) throws Exception {
        JobsSoap c = client(port);
        long bobs = c.submitJob(server.bob.wsid(), TestServer.BOB_PW, "SELECT 2", "MYDB", "b", 1);
        long first = server.submit(server.alice, TestServer.ALICE_PW);
        long second = server.submit(server.alice, TestServer.ALICE_PW);
        List<Long> ids = c.getJobs(server.alice.wsid(), TestServer.ALICE_PW, "", false).getCJJob().stream()
                .map(CJJob::getJobID).toList();
        assertTrue(ids.indexOf(second) >= 0 && ids.indexOf(second) < ids.indexOf(first), ids.toString());
        assertTrue(!ids.contains(bobs), "bob's job is not alice's");
        List<Long> all = c.getJobs(server.admin.wsid(), TestServer.ADMIN_PW, "wsid:" + server.bob.wsid(), false)
                .getCJJob().stream().map(CJJob::getJobID).toList();
        assertTrue(all.contains(bobs) && !all.contains(first), "an administrator filters by WSID: " + all);
        assertTrue(faultOf(() -> c.getJobs(server.alice.wsid(), TestServer.ALICE_PW, "wsid:1", false))
                .contains("administrators"));
        assertTrue(faultOf(() -> c.getJobs(server.alice.wsid(), TestServer.ALICE_PW, "colour:red", false))
                .contains("colour"));
    }

    @ParameterizedTest
    @MethodSource("ports")
    void queuesAndTypes(String port) {
        JobsSoap c = client(port);
        List<String> queues = c.getQueues(server.bob.wsid(), TestServer.BOB_PW).getCJQueue().stream()
                .map(q -> q.getContext() + "/" + q.getTimeout()).toList();
        assertEquals(List.of("MyDB/1", "MyDB/500", "Sample/1", "Sample/500"), queues);
        List<String> types = c.getJobTypes(server.bob.wsid(), TestServer.BOB_PW).getCJType().stream()
                .map(CJType::getType).toList();
        assertEquals(List.of("QUERY", "CSV", "DataSet", "FITS", "VOTable"), types);
        assertTrue(c.getQueues(server.bob.wsid(), TestServer.BOB_PW).getCJQueue().stream()
                .map(CJQueue::getContext).allMatch(ctx -> ctx != null && !ctx.isEmpty()));
    }

    @ParameterizedTest
    @MethodSource("ports")
    void credentialsAndOwnershipAreChecked(String port) throws Exception {
        JobsSoap c = client(port);
        long id = server.submit(server.alice, TestServer.ALICE_PW);
        String wrong = faultOf(() -> c.getJobStatus(server.alice.wsid(), "nope", id));
        String unknown = faultOf(() -> c.getJobStatus(999L, "nope", id));
        assertEquals("Server was unable to process request. ---> Invalid WebServicesID or password.", wrong);
        assertEquals(wrong, unknown, "unknown wsid and wrong password look the same");
        assertEquals("Server was unable to process request. ---> Job " + id + " belongs to another user.",
                faultOf(() -> c.cancelJob(server.bob.wsid(), TestServer.BOB_PW, id)));
        assertEquals(0, c.getJobStatus(server.alice.wsid(), TestServer.ALICE_PW, id), "bob's attempt changed nothing");
        assertTrue(faultOf(() -> c.getJobStatus(server.alice.wsid(), TestServer.ALICE_PW, 987_654_321L))
                .endsWith("Job 987654321 does not exist."));
        c.cancelJob(server.alice.wsid(), TestServer.ALICE_PW, 987_654_321L); // no such job: no error
        c.cancelJob(server.admin.wsid(), TestServer.ADMIN_PW, id);           // administrators may
        assertEquals(3, waitForStatus(c, id, 3));
        assertTrue(faultOf(() -> c.submitJob(server.alice.wsid(), TestServer.ALICE_PW, "SELECT 1", "DR99", "", 1))
                .contains("Unknown context 'DR99'. Available contexts: MyDB, Sample."));
    }

    @ParameterizedTest
    @MethodSource("ports")
    void serviceStatesAreForAdministrators(String port) throws Exception {
        JobsSoap c = client(port);
        long wsid = server.admin.wsid();
        String pw = TestServer.ADMIN_PW;
        assertEquals("RUNNING", c.getServiceState(wsid, pw, "MyDB/1"));
        assertEquals("SUSPENDED", c.getServiceState(wsid, pw, "Scheduler"), "held by this test class");
        c.setServiceState(wsid, pw, "mydb/1", "SUSPENDING");
        assertEquals("SUSPENDED", waitForState(c, "MyDB/1", "SUSPENDED"));
        c.setServiceState(wsid, pw, "MyDB/1", "waking");
        assertEquals("RUNNING", waitForState(c, "MyDB/1", "RUNNING"));
        assertTrue(faultOf(() -> c.getServiceState(server.bob.wsid(), TestServer.BOB_PW, "Scheduler"))
                .contains("Only administrators"));
        assertTrue(faultOf(() -> c.setServiceState(wsid, pw, "Scheduler", "PAUSED")).contains("SUSPENDING or WAKING"));
        assertTrue(faultOf(() -> c.getServiceState(wsid, pw, "Nowhere")).contains("Unknown service 'Nowhere'"));
    }

    private static String waitForState(JobsSoap c, String name, String wanted) throws InterruptedException {
        String state = null;
        for (int i = 0; i < 50 && !wanted.equals(state); i++) {
            state = c.getServiceState(server.admin.wsid(), TestServer.ADMIN_PW, name);
            Thread.sleep(100);
        }
        return state;
    }
}
