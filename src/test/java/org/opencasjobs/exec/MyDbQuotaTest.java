package org.opencasjobs.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.opencasjobs.catalog.Catalog;
import org.opencasjobs.catalog.H2Catalog;
import org.opencasjobs.jobs.CasJobsException;
import org.opencasjobs.jobs.Job;
import org.opencasjobs.jobs.JobStatus;
import org.opencasjobs.jobs.MyDb;
import org.opencasjobs.testing.Core;

/** A MyDB holds at most casjobs.mydb.quota.mb of live data: jobs and uploads past it fail and leave nothing behind. */
class MyDbQuotaTest {
    private static final long MB = 1024 * 1024;
    /** About 20 MB of rows: four times the quota. */
    private static final String TWENTY_MB = "SELECT x AS id, REPEAT('x', 1000) AS s FROM SYSTEM_RANGE(1, 20000)";

    @TempDir
    Path dir;
    private Core core;

    @BeforeEach
    void start() throws Exception {
        // A 5 MB quota; a batch queue limit of 120 s (a "minute" lasts a second here).
        core = new Core(dir, Map.of("casjobs.mydb.quota.mb", "5", "casjobs.queue.batch.minutes", "120"));
        sql("CREATE TABLE MyDB.Keep AS SELECT x AS id FROM SYSTEM_RANGE(1, 100)");
    }

    @AfterEach
    void stop() {
        core.close();
    }

    private void sql(String statement) throws Exception {
        try (Connection c = core.catalog.connect(core.alice.wsid(), MyDb.NAME); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    private boolean has(String table) throws Exception {
        try (Connection c = core.catalog.connect(core.alice.wsid(), MyDb.NAME)) {
            return H2Catalog.myDbTableExists(c, table);
        }
    }

    private long keptRows() throws Exception {
        try (Connection c = core.catalog.connect(core.alice.wsid(), MyDb.NAME); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM MyDB.Keep")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private Job runInto(String query, String table) {
        long id = core.queued(core.alice, "Sample", query, table);
        assertTrue(core.executor.claim(id));
        core.executor.executeQueued(id, core.queues.batchFor("Sample", 0));
        return core.jobs.find(id).orElseThrow();
    }

    @Test
    void anIntoPastTheQuotaFailsSayingSoAndLeavesTheOtherTables() throws Exception {
        Job job = runInto(TWENTY_MB, "Big");
        assertEquals(JobStatus.FAILED, job.status());
        assertTrue(job.error().startsWith("Your MyDB would exceed its 5 MB quota (it uses "), job.error());
        assertTrue(job.error().endsWith("drop tables you no longer need (DROP TABLE mydb.T) and try again."));
        assertFalse(has("Big"), "the half-written table is removed");
        assertEquals(100, keptRows());
        assertTrue(core.catalog.myDbUsedBytes(core.alice.wsid()) < 5 * MB);

        Job small = runInto("SELECT TOP 10 objID FROM PhotoObj", "Small");
        assertEquals(JobStatus.FINISHED, small.status(), small.error());
        assertEquals(10, small.rows());
    }

    @Test
    @Timeout(value = 100, unit = TimeUnit.SECONDS)
    void aRunningIntoIsStoppedWhenItPassesTheQuota() throws Exception {
        // Gigabytes, for minutes: only the executor's periodic check can end it in time.
        long id = core.queued(core.alice, "Sample",
                "SELECT x AS id, REPEAT('x', 1000) AS s FROM SYSTEM_RANGE(1, 2000000)", "Huge");
        assertTrue(core.executor.claim(id));
        CompletableFuture<Void> run = CompletableFuture.runAsync(
                () -> core.executor.executeQueued(id, core.queues.batchFor("Sample", 0)));
        while (!run.isDone()) {
            core.executor.checkQuotas();
            Thread.sleep(100);
        }
        run.get();
        Job job = core.jobs.find(id).orElseThrow();
        assertEquals(JobStatus.FAILED, job.status());
        assertTrue(job.error().startsWith("Your MyDB would exceed its 5 MB quota"), job.error());
        assertFalse(has("Huge"));
        assertEquals(100, keptRows());
    }

    @Test
    void aJobCreatingATableIsRefusedWhileOverTheQuotaAndRunsAfterADrop() throws Exception {
        sql("CREATE TABLE MyDB.Old AS " + TWENTY_MB); // past the quota, as a lowered quota would leave it
        Job refused = runInto("SELECT TOP 10 objID FROM PhotoObj", "Small");
        assertEquals(JobStatus.FAILED, refused.status());
        assertTrue(refused.error().startsWith("Your MyDB has reached its 5 MB quota (it uses "), refused.error());
        assertFalse(has("Small"));
        assertTrue(has("Old"));

        // The way out the message names: a DROP TABLE, which is not refused.
        Job drop = runInto("DROP TABLE mydb.Old", null);
        assertEquals(JobStatus.FINISHED, drop.status(), drop.error());
        Job small = runInto("SELECT TOP 10 objID FROM PhotoObj", "Small");
        assertEquals(JobStatus.FINISHED, small.status(), small.error());
        assertEquals(100, keptRows());
    }

    @Test
    void usageIsLiveDataSoADropGivesItBackAtOnce() throws Exception {
        long before = core.catalog.myDbUsedBytes(core.alice.wsid());
        sql("CREATE TABLE MyDB.Old AS " + TWENTY_MB);
        long full = core.catalog.myDbUsedBytes(core.alice.wsid());
        assertTrue(full > 15 * MB && full < 30 * MB, "20 MB of rows: " + full);
        sql("DROP TABLE MyDB.Old");
        long after = core.catalog.myDbUsedBytes(core.alice.wsid());
        long file = Files.size(dir.resolve("catalog/mydb/U" + core.alice.wsid() + ".mv.db"));
        assertTrue(after < before + 2 * MB, "after the drop: " + after + ", before: " + before);
        assertTrue(file > 15 * MB, "the file itself does not shrink while open: " + file);
    }

    @Test
    void anUploadPastTheQuotaIsRefusedAndAddsNothing() throws Exception {
        StringBuilder csv = new StringBuilder("id,s\n");
        String row = "x".repeat(1000);
        for (int i = 0; i < 20000; i++) {
            csv.append(i).append(',').append(row).append('\n');
        }
        CasJobsException e = assertThrows(CasJobsException.class,
                () -> core.service.uploadData(Core.as(core.alice), "Up", csv.toString(), false));
        assertTrue(e.getMessage().startsWith("Your MyDB would exceed its 5 MB quota (it uses "), e.getMessage());
        assertFalse(has("Up"));
        core.service.uploadData(Core.as(core.alice), "Up", "id,s\n1," + row + "\n", false);
        e = assertThrows(CasJobsException.class,
                () -> core.service.uploadData(Core.as(core.alice), "Up", csv.toString(), true));
        assertTrue(e.getMessage().startsWith("Your MyDB would exceed its 5 MB quota"), e.getMessage());
        try (Connection c = core.catalog.connect(core.alice.wsid(), MyDb.NAME); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM MyDB.Up")) {
            rs.next();
            assertEquals(1, rs.getLong(1), "an append past the quota adds no row");
        }
        assertEquals(100, keptRows());

        sql("CREATE TABLE MyDB.Old AS " + TWENTY_MB);
        e = assertThrows(CasJobsException.class,
                () -> core.service.uploadData(Core.as(core.alice), "Up2", "id\n1\n", false));
        assertTrue(e.getMessage().startsWith("Your MyDB has reached its 5 MB quota"), e.getMessage());
        assertFalse(has("Up2"));
    }
}
