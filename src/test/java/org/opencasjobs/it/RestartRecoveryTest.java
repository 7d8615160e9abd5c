package org.opencasjobs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencasjobs.app.OpenCasJobs;
import org.opencasjobs.config.ServerConfig;
import org.opencasjobs.jobs.Job;
import org.opencasjobs.jobs.JobStatus;
import org.opencasjobs.jobs.NewJob;
import org.opencasjobs.jobs.Queue;
import org.opencasjobs.store.JdbcJobStore;
import org.opencasjobs.store.JobStore;
import org.opencasjobs.store.JobStoreDatabase;

/** Jobs a stopped process left active are ended on the next start, never left active forever; waiting ones run. */
class RestartRecoveryTest {
    @TempDir
    Path dataDir;

    private ServerConfig config() {
        return ServerConfig.of(Map.of("casjobs.port", "0", "casjobs.bind.address", "127.0.0.1",
                "casjobs.data.dir", dataDir.toString(), "casjobs.sample.rows", "1000"));
    }

    @Test
    void activeJobsAreEndedAndWaitingJobsKeptOnRestart() throws Exception {
        long waiting;
        long canceling;
        long running;
        long demoWsid;
        // A first run creates the store and the demo account, and leaves its credentials beside the data.
        try (OpenCasJobs first = OpenCasJobs.start(config(), Clock.systemDefaultZone())) {
            assertNotNull(first.demoAccount());
            demoWsid = first.demoAccount().wsid();
            assertTrue(Files.readString(dataDir.resolve("demo-account.properties")).contains("wsid=" + demoWsid));
        }
        // What a process that died mid-work leaves behind: a started job, and a started job being canceled.
        try (JobStoreDatabase db = JobStoreDatabase.open(config())) {
            JobStore store = new JdbcJobStore(db.dataSource());
            LocalDateTime now = LocalDateTime.now();
            Queue q = new Queue("Sample", 500, false);
            waiting = store.insert(new NewJob(demoWsid, q, false, "QUERY", "w", "SELECT 1 AS one", null, "Sample", 500, "x", null), now);
            canceling = store.insert(new NewJob(demoWsid, q, false, "QUERY", "c", "SELECT 1", null, "Sample", 500, "x", null), now);
            running = store.insert(new NewJob(demoWsid, q, false, "QUERY", "r", "SELECT 1", null, "Sample", 500, "x", null), now);
            assertTrue(store.transition(canceling, JobStatus.READY, JobStatus.STARTED, now));
            assertTrue(store.transition(canceling, JobStatus.STARTED, JobStatus.CANCELING, now));
            assertTrue(store.transition(running, JobStatus.READY, JobStatus.STARTED, now));
        }
        try (OpenCasJobs second = OpenCasJobs.start(config(), Clock.systemDefaultZone())) {
            assertNull(second.demoAccount(), "the demo account is made only for an empty data folder");
            JobStore store = second.jobStore();
            Job c = store.find(canceling).orElseThrow();
            assertEquals(JobStatus.CANCELLED, c.status());
            assertNotNull(c.timeEnd());
            Job r = store.find(running).orElseThrow();
            assertEquals(JobStatus.FAILED, r.status());
            assertTrue(r.error().contains("server restarted"), r.error());
            Job w = store.find(waiting).orElseThrow();
            for (int i = 0; i < 100 && !w.status().isFinal(); i++) {
                Thread.sleep(100);
                w = store.find(waiting).orElseThrow();
            }
            assertEquals(JobStatus.FINISHED, w.status(), "a job that was waiting runs after the restart: " + w.error());
            assertEquals(List.of("0>1", "1>5"),
                    store.transitions(waiting).stream().map(t -> t.from().code + ">" + t.to().code).toList());
        }
    }
}
