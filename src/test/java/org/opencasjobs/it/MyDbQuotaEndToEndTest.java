package org.opencasjobs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.xml.ws.soap.SOAPFaultException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opencasjobs.jobs.Job;
import org.opencasjobs.jobs.JobStatus;
import org.opencasjobs.testing.Await;
import org.opencasjobs.wire.JobsSoap;

/** The MyDB quota as a client meets it: a SubmitJob writing gigabytes is stopped by the scheduler, an upload refused. */
class MyDbQuotaEndToEndTest {
    private static final String QUOTA = "Your MyDB would exceed its 5 MB quota (it uses ";

    @Test
    void aJobPastTheQuotaIsStoppedWhileItRunsAndAnUploadIsRefused() throws Exception {
        try (TestServer server = new TestServer(Map.of("casjobs.mydb.quota.mb", "5"))) {
            JobsSoap c = server.client(true);
            long wsid = server.alice.wsid();
            c.uploadData(wsid, TestServer.ALICE_PW, "Kept", "id,name\n1,a\n2,b\n", false);
            // About 2 GB for minutes unless stopped: only the scheduler's periodic check ends it soon.
            long id = c.submitJob(wsid, TestServer.ALICE_PW,
                    "SELECT x AS id, REPEAT('x', 1000) AS s INTO mydb.Huge FROM SYSTEM_RANGE(1, 2000000)", "Sample",
                    "huge", 1);
            Job job = Await.finalJob(server.server.jobStore(), id);
            assertEquals(JobStatus.FAILED, job.status());
            assertTrue(job.error().startsWith(QUOTA), job.error());
            String tables = c.executeQuickJob(wsid, TestServer.ALICE_PW,
                    "SELECT TABLE_NAME FROM information_schema.TABLES ORDER BY TABLE_NAME", "MyDB", "t", false);
            assertTrue(tables.contains("Kept") && !tables.contains("Huge"), tables);

            StringBuilder csv = new StringBuilder("id,s\n");
            for (int i = 0; i < 20000; i++) {
                csv.append(i).append(',').append("y".repeat(1000)).append('\n');
            }
            SOAPFaultException e = assertThrows(SOAPFaultException.class,
                    () -> c.uploadData(wsid, TestServer.ALICE_PW, "Up", csv.toString(), false));
            assertTrue(e.getMessage().contains(QUOTA), e.getMessage());

            long small = c.submitJob(wsid, TestServer.ALICE_PW, "SELECT TOP 10 objID INTO mydb.Small FROM PhotoObj",
                    "Sample", "small", 1);
            Job done = Await.finalJob(server.server.jobStore(), small);
            assertEquals(JobStatus.FINISHED, done.status(), done.error());
            assertEquals(10, done.rows());
        }
    }
}
