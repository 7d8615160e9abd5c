package org.opencasjobs.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.LocalDateTime;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencasjobs.catalog.Catalog;
import org.opencasjobs.dialect.SqlTranslator;
import org.opencasjobs.jobs.CasJobsException;
import org.opencasjobs.jobs.Job;
import org.opencasjobs.jobs.JobStatus;
import org.opencasjobs.jobs.JobType;
import org.opencasjobs.jobs.MyDb;
import org.opencasjobs.jobs.NewJob;
import org.opencasjobs.jobs.Queue;
import org.opencasjobs.store.JobStore;
import org.opencasjobs.testing.Await;
import org.opencasjobs.testing.Core;

/** One run path for quick and queued jobs, below HTTP: endings, messages, cancels and stops. */
class JobExecutorTest {
    /** Runs for minutes unless stopped. */
    private static final String LONG = "SELECT COUNT(*) AS n FROM SYSTEM_RANGE(1, 100000) a, SYSTEM_RANGE(1, 100000) b";

    @TempDir
    Path dir;
    private Core core;
    private JobExecutor executor;
    private JobStore jobs;

    @BeforeEach
    void start() throws Exception {
        core = new Core(dir);
        executor = core.executor;
        jobs = core.jobs;
    }

    @AfterEach
    void stop() {
        core.close();
    }

    private long newQuick(String sql) {
        Queue q = core.queues.quick("Sample");
        return jobs.insert(new NewJob(core.alice.wsid(), q, false, JobType.QUERY, null, sql, null, "Sample", 0,
                "127.0.0.1", null), LocalDateTime.now());
    }

    private QueryRunner.Result<Long> quick(long id, String sql) {
        return executor.executeNow(id, core.alice.wsid(), core.queues.quick("Sample"),
                SqlTranslator.quick(sql, core.queues.catalogs()), rs -> {
                    long n = 0;
                    while (rs.next()) {
                        n++;
                    }
                    return n;
                });
    }

    private boolean myDbHas(String table) throws Exception {
        try (Connection c = core.catalog.connect(core.alice.wsid(), MyDb.NAME)) {
            return Catalog.myDbTableExists(c, table);
        }
    }

    @Test
    void aQuickJobAnswersAndFinishes() {
        long id = newQuick("SELECT TOP 5 objID FROM PhotoObj");
        assertEquals(5L, quick(id, "SELECT TOP 5 objID FROM PhotoObj").answer());
        Job job = jobs.find(id).orElseThrow();
        assertEquals(JobStatus.FINISHED, job.status());
        assertTrue(job.timeStart() != null && job.timeEnd() != null);
        assertEquals(List.of(JobStatus.STARTED, JobStatus.FINISHED),
                jobs.transitions(id).stream().map(JobStore.Transition::to).toList());
    }

    @Test
    void aFailingQuickJobEndsFailedWithTheMessageItsCallerGets() {
        long id = newQuick("SELECT nosuchcolumn FROM PhotoObj");
        CasJobsException e = assertThrows(CasJobsException.class, () -> quick(id, "SELECT nosuchcolumn FROM PhotoObj"));
        assertTrue(e.getMessage().toLowerCase().contains("nosuchcolumn"), e.getMessage());
        Job job = jobs.find(id).orElseThrow();
        assertEquals(JobStatus.FAILED, job.status());
        assertEquals(e.getMessage(), job.error());
    }

    @Test
    void aQueuedJobWhoseErrorIsVeryLongStillEnds() {
        long id = core.queued(core.alice, "Sample", "SELECT CAST('" + "x".repeat(5000) + "' AS INT) AS n", null);
        executor.claim(id);
        executor.executeQueued(id, core.queues.batchFor("Sample", 0));
        Job job = jobs.find(id).orElseThrow();
        assertEquals(JobStatus.FAILED, job.status());
        assertTrue(job.error().contains("xxxx"), job.error());
    }

    @Test
    void aQuickJobPastItsLimitFailsSayingWhichLimit() {
        long id = newQuick(LONG);
        CasJobsException e = assertThrows(CasJobsException.class, () -> quick(id, LONG));
        assertTrue(e.getMessage().contains("1-minute limit of the Sample quick queue"), e.getMessage());
        assertEquals(JobStatus.FAILED, jobs.find(id).orElseThrow().status());
    }

    @Test
    void aQueuedIntoJobWritesItsTableAndFinishes() throws Exception {
        long id = core.queued(core.alice, "Sample", "SELECT TOP 7 objID, ra INTO mydb.Seven FROM PhotoObj", null);
        assertTrue(executor.claim(id));
        assertFalse(executor.claim(id), "a job is claimed once");
        executor.executeQueued(id, core.queues.batchFor("Sample", 0));
        Job job = jobs.find(id).orElseThrow();
        assertEquals(JobStatus.FINISHED, job.status(), job.error());
        assertEquals(7, job.rows());
        assertEquals("Seven", job.createdTable());
        assertTrue(myDbHas("Seven"));
    }

    @Test
    void aFailingQueuedJobEndsFailedAndLeavesNoTable() throws Exception {
        long id = core.queued(core.alice, "Sample", "SELECT objID INTO mydb.Broken FROM NoSuchTable", null);
        executor.claim(id);
        executor.executeQueued(id, core.queues.batchFor("Sample", 0));
        Job job = jobs.find(id).orElseThrow();
        assertEquals(JobStatus.FAILED, job.status());
        assertTrue(job.error().toLowerCase().contains("nosuchtable"), job.error());
        assertFalse(myDbHas("Broken"));
    }

    @Test
    void abortStopsARunningJobWhichEndsCancelledWithoutItsHalfWrittenTable() throws Exception {
        long id = core.queued(core.alice, "Sample", LONG.replace(" FROM", " INTO mydb.Half FROM"), null);
        executor.claim(id);
        CompletableFuture<Void> run = CompletableFuture.runAsync(
                () -> executor.executeQueued(id, core.queues.batchFor("Sample", 0)));
        assertTrue(executor.abort(jobs.find(id).orElseThrow()));
        assertEquals(JobStatus.CANCELING, jobs.find(id).orElseThrow().status());
        // The statement may not have started when abort came: each tick stops it again.
        Job job = Await.until("job " + id + " to end", () -> {
            executor.tick();
            return jobs.find(id).orElseThrow();
        }, j -> j.status().isFinal());
        run.get(30, TimeUnit.SECONDS);
        assertEquals(JobStatus.CANCELLED, job.status());
        assertFalse(myDbHas("Half"));
    }

    @Test
    void aWaitingJobAskedToCancelIsCancelledAtTheNextTick() {
        long id = core.queued(core.alice, "Sample", "SELECT 1 AS x", null);
        assertTrue(executor.abort(jobs.find(id).orElseThrow()));
        assertFalse(executor.abort(jobs.find(id).orElseThrow()), "a second cancel moves nothing");
        executor.tick();
        Job job = jobs.find(id).orElseThrow();
        assertEquals(JobStatus.CANCELLED, job.status());
        assertNull(job.timeStart());
    }

    @Test
    void quickJobsCannotBeAborted() {
        long id = newQuick("SELECT 1");
        assertFalse(executor.abort(jobs.find(id).orElseThrow()));
        assertEquals(JobStatus.READY, jobs.find(id).orElseThrow().status());
    }

    @Test
    void aRunningJobStoppedByAShutdownWaitsAgainWithoutItsTable() throws Exception {
        long id = core.queued(core.alice, "Sample", LONG.replace(" FROM", " INTO mydb.Again FROM"), null);
        executor.claim(id);
        CompletableFuture<Void> run = CompletableFuture.runAsync(
                () -> executor.executeQueued(id, core.queues.batchFor("Sample", 0)));
        executor.beginStop();
        while (!run.isDone()) {
            executor.stopStatement(id);
            Thread.sleep(20);
        }
        run.get();
        Job job = jobs.find(id).orElseThrow();
        assertEquals(JobStatus.READY, job.status());
        assertNull(job.timeStart());
        assertFalse(myDbHas("Again"));
    }

    @Test
    void recoveryFailsJobsLeftStartedAndCancelsJobsLeftCanceling() {
        long started = core.queued(core.alice, "Sample", "SELECT 1 AS x", null);
        long canceling = core.queued(core.alice, "Sample", "SELECT 2 AS x", null);
        long waiting = core.queued(core.alice, "Sample", "SELECT 3 AS x", null);
        executor.claim(started);
        executor.claim(canceling);
        executor.abort(jobs.find(canceling).orElseThrow());
        executor.recover();
        assertEquals(JobStatus.FAILED, jobs.find(started).orElseThrow().status());
        assertEquals(JobExecutor.RESTARTED, jobs.find(started).orElseThrow().error());
        assertEquals(JobStatus.CANCELLED, jobs.find(canceling).orElseThrow().status());
        assertEquals(JobStatus.READY, jobs.find(waiting).orElseThrow().status());
    }
}
