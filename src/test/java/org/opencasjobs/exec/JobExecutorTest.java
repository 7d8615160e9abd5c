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
import org.opencasjobs.catalog.H2Catalog;
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
            return H2Catalog.myDbTableExists(c, table);
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
        long quickLeftWaiting = newQuick("SELECT 4 AS x");
        executor.claim(started);
        executor.claim(canceling);
        executor.abort(jobs.find(canceling).orElseThrow());
        executor.recover();
        assertEquals(JobStatus.FAILED, jobs.find(started).orElseThrow().status());
        assertEquals(JobExecutor.RESTARTED, jobs.find(started).orElseThrow().error());
        assertEquals(JobStatus.CANCELLED, jobs.find(canceling).orElseThrow().status());
        assertEquals(JobStatus.READY, jobs.find(waiting).orElseThrow().status());
        assertEquals(JobStatus.FAILED, jobs.find(quickLeftWaiting).orElseThrow().status(),
                "no queue runs a quick job left waiting");
        assertEquals(JobExecutor.RESTARTED, jobs.find(quickLeftWaiting).orElseThrow().error());
    }

    // ---------------------------------------------------------------- extracts: cancel, limit, recovery

    /** An extract of a view that streams for minutes unless stopped. */
    private long bigExtract(String view) throws Exception {
        try (Connection c = core.catalog.connect(core.alice.wsid(), MyDb.NAME);
             java.sql.Statement st = c.createStatement()) {
            st.execute("CREATE VIEW MyDB." + view + " AS SELECT X AS id, REPEAT('x', 50) AS pad"
                    + " FROM SYSTEM_RANGE(1, 2000000000)");
        }
        Queue q = core.queues.batchFor(MyDb.NAME, 0);
        return jobs.insert(new NewJob(core.alice.wsid(), q, false, "CSV", view, null, null, MyDb.NAME, 0,
                "127.0.0.1", null), LocalDateTime.now());
    }

    private List<String> outputFolders() throws Exception {
        try (var s = java.nio.file.Files.list(dir.resolve("outputs"))) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }

    private Job awaitFinal(long id) {
        return Await.until("job " + id + " to end", () -> {
            executor.tick();
            return jobs.find(id).orElseThrow();
        }, j -> j.status().isFinal());
    }

    @Test
    void aCancelStopsAnExtractMidWriteAndLeavesNoFile() throws Exception {
        long id = bigExtract("Endless");
        executor.claim(id);
        CompletableFuture<Void> run = CompletableFuture.runAsync(
                () -> executor.executeQueued(id, core.queues.batchFor(MyDb.NAME, 0)));
        // Mid-write: the partial file exists and grows.
        Await.until("the extract to write", () -> {
            try (var files = java.nio.file.Files.walk(dir.resolve("outputs"))) {
                return files.filter(java.nio.file.Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
            } catch (java.io.IOException e) {
                return 0L;
            }
        }, n -> n > 100_000);
        assertTrue(executor.abort(jobs.find(id).orElseThrow()));
        Job job = awaitFinal(id);
        run.get(30, TimeUnit.SECONDS);
        assertEquals(JobStatus.CANCELLED, job.status(), String.valueOf(job.error()));
        assertNull(job.outputLoc());
        assertEquals(List.of(), outputFolders(), "a stopped extract leaves no file");
        assertEquals(List.of("0>1", "1>2", "2>3"), jobs.transitions(id).stream()
                .map(t -> t.from().code + ">" + t.to().code).toList());
    }

    @Test
    void anExtractPastItsQueuesLimitIsStoppedAndLeavesNoFile() throws Exception {
        core.close();
        // The MyDB batch queue's limit: 2 "minutes" of one second each.
        core = new Core(dir.resolve("limited"), java.util.Map.of("casjobs.queue.batch.minutes", "2"));
        executor = core.executor;
        jobs = core.jobs;
        Path outputs = dir.resolve("limited").resolve("outputs");
        long id = bigExtract("TooLong");
        executor.claim(id);
        CompletableFuture<Void> run = CompletableFuture.runAsync(
                () -> executor.executeQueued(id, core.queues.batchFor(MyDb.NAME, 0)));
        Job job = awaitFinal(id);
        run.get(30, TimeUnit.SECONDS);
        assertEquals(JobStatus.FAILED, job.status());
        assertTrue(job.error().contains("ran longer than the 2-minute limit"), job.error());
        try (var s = java.nio.file.Files.list(outputs)) {
            assertEquals(List.of(), s.toList(), "a stopped extract leaves no file");
        }
    }

    @Test
    void recoveryDropsTheTableAJobLeftStartedWasCreatingAndCleansTheOutputsFolder() throws Exception {
        long id = core.queued(core.alice, "Sample", "SELECT 1 AS x INTO mydb.LeftOver", null);
        executor.claim(id);
        assertTrue(jobs.recordCreating(id, "LeftOver"));
        try (Connection c = core.catalog.connect(core.alice.wsid(), MyDb.NAME);
             java.sql.Statement st = c.createStatement()) {
            st.execute("CREATE TABLE MyDB.LeftOver (x INT)"); // as the killed run had
            st.execute("CREATE TABLE MyDB.Kept (x INT)"); // no job was creating it
        }
        Path out = dir.resolve("outputs");
        java.nio.file.Files.createDirectories(out.resolve(".partial-0123").resolve("x"));
        java.nio.file.Files.createDirectories(out.resolve("abcd"));
        executor.recover();
        assertEquals(JobStatus.FAILED, jobs.find(id).orElseThrow().status());
        assertFalse(myDbHas("LeftOver"), "the table the killed job was creating is gone");
        assertTrue(myDbHas("Kept"));
        assertEquals(List.of(), outputFolders(), "partial and unreferenced output folders are gone");
    }
}
