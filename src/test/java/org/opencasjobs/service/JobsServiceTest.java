package org.opencasjobs.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opencasjobs.testing.Core.as;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencasjobs.jobs.CasJobsException;
import org.opencasjobs.jobs.JobStatus;
import org.opencasjobs.testing.Core;

/** The use cases and their checks, called directly: no web server, no scheduler loop. */
class JobsServiceTest {
    @TempDir
    Path dir;
    private Core core;
    private JobsService service;

    @BeforeEach
    void start() throws Exception {
        core = new Core(dir);
        service = core.service;
    }

    @AfterEach
    void stop() {
        core.close();
    }

    private String fault(Runnable call) {
        return assertThrows(CasJobsException.class, call::run).getMessage();
    }

    @Test
    void aWrongPasswordIsRefusedAndRecordsNothing() {
        Credentials wrong = new Credentials(core.alice.wsid(), "wrong", "127.0.0.1");
        assertEquals("Invalid WebServicesID or password.",
                fault(() -> service.submitJob(wrong, "SELECT 1", "Sample", "t", 500)));
        assertEquals(0, service.getJobs(as(core.alice), "", true).size());
    }

    @Test
    void aQuickJobAnswersTypedCsvAndIsRecordedFinished() {
        String csv = service.executeQuickJob(as(core.alice), "SELECT TOP 2 objID FROM PhotoObj", "sample", "q", false);
        assertEquals(3, csv.lines().count(), csv);
        assertTrue(csv.startsWith("[objID]:"), csv);
        assertEquals(JobStatus.FINISHED, service.getJobs(as(core.alice), "", false).get(0).status());
    }

    @Test
    void aBatchQueryThatDoesNotParseIsRefusedBeforeItIsQueued() {
        String message = fault(() -> service.submitJob(as(core.alice), "SELEC objID FROM PhotoObj", "Sample", "t", 500));
        assertTrue(message.contains("SELEC"), message);
        assertEquals(0, service.getJobs(as(core.alice), "", true).size());
        assertEquals(0, core.wakes);
    }

    @Test
    void aSubmittedJobWaitsAndWakesTheScheduler() {
        long id = service.submitJob(as(core.alice), "SELECT TOP 1 objID FROM PhotoObj", "Sample", "t", 500);
        assertEquals(0, service.getJobStatus(as(core.alice), id));
        assertEquals(1, core.wakes);
    }

    @Test
    void namesLongerThanTheJobStoreKeepsAreRefusedSayingSo() {
        assertEquals("The task name is 2000 characters long; at most 1024 are allowed.",
                fault(() -> service.submitJob(as(core.alice), "SELECT 1 AS x", "Sample", "t".repeat(2000), 500)));
        assertEquals("The table name is 300 characters long; at most 256 are allowed.",
                fault(() -> service.submitJobInto(as(core.alice), "SELECT 1 AS x", "Sample", "T".repeat(300), "t", 500)));
        service.uploadData(as(core.alice), "Small", "a\n1\n", false);
        assertTrue(fault(() -> service.submitExtractJob(as(core.alice), "Small", "CSV", "http://" + "h".repeat(600)))
                .startsWith("The server address this request used (its Host header) is 607 characters long"));
        assertEquals(0, service.getJobs(as(core.alice), "", true).size(), "nothing recorded");
    }

    @Test
    void oneUserCannotFillABatchQueue() throws Exception {
        try (Core small = new Core(dir.resolve("small"), java.util.Map.of("casjobs.queue.batch.waiting.per.user", "2"))) {
            small.service.submitJob(as(small.alice), "SELECT 1 AS x", "Sample", "t", 500);
            small.service.submitJob(as(small.alice), "SELECT 1 AS x", "Sample", "t", 500);
            assertEquals("You already have 2 jobs waiting in the Sample/500 queue, the most one user may; wait for"
                    + " some to start, or cancel some.",
                    fault(() -> small.service.submitJob(as(small.alice), "SELECT 1 AS x", "Sample", "t", 500)));
            small.service.submitJob(as(small.bob), "SELECT 1 AS x", "Sample", "t", 500); // others still may
            small.service.submitJob(as(small.alice), "SELECT 1 AS x", "MyDB", "t", 500); // and so may she elsewhere
        }
    }

    @Test
    void onlyTheOwnerOrAnAdministratorMayCancelOrReadAJob() {
        long id = service.submitJob(as(core.alice), "SELECT 1 AS x", "Sample", "t", 500);
        assertEquals("Job " + id + " belongs to another user.", fault(() -> service.cancelJob(as(core.bob), id)));
        assertEquals("Job " + id + " belongs to another user.", fault(() -> service.getJobStatus(as(core.bob), id)));
        service.cancelJob(as(core.admin), id);
        assertEquals(2, service.getJobStatus(as(core.alice), id));
        service.cancelJob(as(core.alice), id + 1000); // unknown ids are left alone, as CasJobs does
    }

    @Test
    void anExtractOfATableThatDoesNotExistIsRefused() {
        assertEquals("Table 'Nothing' does not exist in MyDB.",
                fault(() -> service.submitExtractJob(as(core.alice), "[mydb].[Nothing]", "CSV", "http://x")));
        assertTrue(fault(() -> service.submitExtractJob(as(core.alice), "T", "PDF", "http://x"))
                .startsWith("Unknown output type 'PDF'"));
    }

    @Test
    void serviceStatesAreForAdministratorsAndTakeOnlyRequests() {
        assertEquals("Only administrators may read or change service states.",
                fault(() -> service.getServiceState(as(core.alice), "Scheduler")));
        assertEquals("RUNNING", service.getServiceState(as(core.admin), "scheduler"));
        assertEquals("Unknown state 'PAUSED'. Use SUSPENDING or WAKING.",
                fault(() -> service.setServiceState(as(core.admin), "Sample/500", "PAUSED")));
        service.setServiceState(as(core.admin), "sample/500", " suspending ");
        assertEquals("SUSPENDING", service.getServiceState(as(core.admin), "Sample/500"));
        assertTrue(fault(() -> service.getServiceState(as(core.admin), "Nowhere/1"))
                .startsWith("Unknown service 'Nowhere/1'. Services: Scheduler, MyDB/1, MyDB/500"));
    }
}
