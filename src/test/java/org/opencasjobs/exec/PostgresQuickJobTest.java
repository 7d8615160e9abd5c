package org.opencasjobs.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencasjobs.catalog.Catalog;
import org.opencasjobs.catalog.QuickResultTooLarge;
import org.opencasjobs.config.ServerConfig;
import org.opencasjobs.dialect.SqlTranslator;
import org.opencasjobs.jobs.CasJobsException;
import org.opencasjobs.output.TypedCsv;
import org.opencasjobs.testing.Postgres;

/**
 * Quick jobs on PostgreSQL read a narrow query's rows in one Execute, so that PostgreSQL may run
 * it in parallel, and stay within the quick limits all the same: too many rows, a value too large,
 * rows of NULLs (which the driver's byte cap does not count) all fail with the answer's own
 * messages; a wide result is read through the cursor. Statements here are the engine's SQL, run
 * by {@link QueryRunner} as the executor runs a quick job, answered by {@link TypedCsv}.
 */
class PostgresQuickJobTest {
    private static final long WSID = 31;
    private static final long MAX_ROWS = 1000;
    private static final long MAX_BYTES = 16384;
    /**
     * The job's backend, kept in a setting: pg_backend_pid() itself is parallel restricted (a
     * query naming it has no Gather), current_setting() is parallel safe.
     */
    private static final String REMEMBER_BACKEND =
            "SELECT set_config('casjobs_test.backend', pg_backend_pid()::text, false) AS kept";
    private static final String BACKEND = "current_setting('casjobs_test.backend')";
    private static final AtomicLong JOBS = new AtomicLong(1);
    private static Postgres.Database database;
    private static Catalog catalog;
    private static QueryRunner runner;

    @BeforeAll
    static void open() throws Exception {
        database = Postgres.newDatabase();
        Path dataDir = Files.createTempDirectory("opencasjobs-pg-quick");
        Map<String, String> settings = new HashMap<>(database.settings());
        settings.put("casjobs.data.dir", dataDir.toString());
        settings.put("casjobs.sample.rows", "0");
        settings.put("casjobs.quick.max.rows", Long.toString(MAX_ROWS));
        settings.put("casjobs.quick.max.bytes", Long.toString(MAX_BYTES));
        catalog = Catalog.open(ServerConfig.of(settings));
        runner = new QueryRunner(catalog, new RunningStatements());
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            // Runs where it is evaluated: in a parallel worker, that worker's process. It claims to be
            // parallel safe so that the planner may send it there.
            s.execute("CREATE FUNCTION public.evaluating_pid() RETURNS int LANGUAGE sql VOLATILE PARALLEL SAFE"
                    + " AS 'SELECT pg_backend_pid()'");
        }
    }

    @AfterAll
    static void close() {
        if (catalog != null) {
            catalog.close();
        }
        if (database != null) {
            database.close();
        }
    }

    /** Runs the statements as one quick job in MyDB; the typed CSV of the last one's rows. */
    private static String quick(String... statements) throws Exception {
        return quickCreating(null, statements);
    }

    private static String quickCreating(String created, String... statements) throws Exception {
        SqlTranslator.Translation sql = new SqlTranslator.Translation(List.of(statements), created, true);
        return runner.run(JOBS.getAndIncrement(), WSID, "MyDB", sql, 30, true,
                rs -> TypedCsv.write(rs, MAX_ROWS, MAX_BYTES), t -> { }).answer();
    }

    @Test
    void aNarrowQueryRunsInAParallelWorker() throws Exception {
        // force_parallel_mode: a Gather wherever a plan may be parallel, so the function runs in a worker
        String csv = quick("SET force_parallel_mode = on", REMEMBER_BACKEND,
                "SELECT evaluating_pid() AS worker, " + BACKEND + " AS backend");
        String[] pids = csv.strip().lines().toList().get(1).split(",");
        assertNotEquals(pids[1].replace("\"", ""), pids[0], "evaluated in a parallel worker, not in the job's backend: " + csv);
    }

    @Test
    void aWideQueryIsReadThroughTheCursorWithoutParallelWorkers() throws Exception {
        // 40 columns: more than the driver could hold for MAX_ROWS rows within its cap (see PostgresQuickReads)
        StringBuilder wide = new StringBuilder("SELECT evaluating_pid() AS worker, " + BACKEND + " AS backend");
        for (int i = 0; i < 38; i++) {
            wide.append(", ").append(i).append(" AS c").append(i);
        }
        String csv = quick("SET force_parallel_mode = on", REMEMBER_BACKEND, wide.toString());
        String[] values = csv.strip().lines().toList().get(1).split(",");
        assertEquals(40, values.length);
        assertEquals(values[1].replace("\"", ""), values[0], "a cursor's portal runs without workers: " + csv);
    }

    @Test
    void rowsWithinTheLimitsAreAnsweredWhole() throws Exception {
        String csv = quick("SELECT g AS n FROM generate_series(1, " + MAX_ROWS + ") g ORDER BY g DESC");
        List<String> lines = csv.strip().lines().toList();
        assertEquals(MAX_ROWS + 1, lines.size());
        assertEquals("[n]:Integer", lines.get(0));
        assertEquals(Long.toString(MAX_ROWS), lines.get(1), "the query's own ORDER BY is kept");
        assertEquals("1", lines.get(lines.size() - 1));
    }

    @Test
    void manyRowsFailWithTheRowLimitsMessage() {
        String expected = TypedCsv.tooManyRows(MAX_ROWS).getMessage();
        // a hundred million short rows (within the byte limit up to the row limit): PostgreSQL stops
        // at the limit, the job does not hold them
        String hundredMillion = " FROM generate_series(1, 10000) a, generate_series(1, 10000) b";
        assertEquals(expected, assertThrows(CasJobsException.class,
                () -> quick("SELECT 1 AS one" + hundredMillion)).getMessage());
        // NULLs are no bytes to the driver's cap: only the row cap stops them
        assertEquals(expected, assertThrows(CasJobsException.class,
                () -> quick("SELECT NULL AS a, NULL AS b" + hundredMillion)).getMessage());
    }

    @Test
    void aValueLargerThanTheDriverMayHoldFailsWithTheByteLimitsMessage() throws Exception {
        String expected = new QuickResultTooLarge(MAX_BYTES).getMessage();
        // 100 MB in one value: the driver stops reading at its cap (about 1 MiB here)
        CasJobsException e = assertThrows(CasJobsException.class, () -> quickCreating("kept",
                "CREATE TABLE mydb_" + WSID + ".kept AS SELECT 1 AS x", "SELECT REPEAT('x', 100000000) AS s"));
        assertEquals(expected, e.getMessage());
        // the driver closed the job's connection; the table the job made is dropped all the same
        try (Connection c = database.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'mydb_" + WSID + "'")) {
            rs.next();
            assertEquals(0, rs.getInt(1), "no table left in MyDB");
        }
        // a value within the driver's cap but over the answer's limit: the answer stops it, saying the same
        assertEquals(expected, assertThrows(CasJobsException.class,
                () -> quick("SELECT REPEAT('x', " + (MAX_BYTES + 1) + ") AS s")).getMessage());
        assertTrue(quick("SELECT REPEAT('x', 4000) AS s").contains("x".repeat(4000)));
    }

    @Test
    void statementsThatAreNotQueriesRunAsTheyAre() throws Exception {
        // a CTE that writes must stay at the top; a ? must not become a parameter
        assertEquals("[n]:Integer\n1\n", quick("CREATE TABLE mydb_" + WSID + ".w (n int)",
                "WITH ins AS (INSERT INTO mydb_" + WSID + ".w VALUES (1) RETURNING n) SELECT n FROM ins"));
        assertFalse(quick("SELECT '?' AS q -- what?").isEmpty());
        assertEquals("[n]:Integer\n1\n", quick("SELECT n FROM mydb_" + WSID + ".w -- a comment at the end"));
        quick("DROP TABLE mydb_" + WSID + ".w");
    }
}
