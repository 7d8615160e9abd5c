package org.opencasjobs.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencasjobs.catalog.h2.ContextLinks;
import org.opencasjobs.catalog.h2.LinkDriver;
import org.opencasjobs.config.ServerConfig;
import org.opencasjobs.jobs.MyDb;

/**
 * A MyDB's linked tables read a context lazily: H2 sends a link no LIMIT, so a {@code TOP 10}
 * must not make the context compute (and hold) the whole table before the first row. Seen here
 * through a context view whose rows past the 10,000th fail: computed whole, the TOP 10 fails.
 */
class ContextLinksTest {
    private static final String USER = "ext_owner";
    private static final String PASSWORD = "Ext-Pw-5521";

    @TempDir
    Path dir;
    private String extUrl;
    private ServerConfig config;

    @BeforeEach
    void makeContext() throws Exception {
        extUrl = "jdbc:h2:file:" + dir.resolve("survey") + ";TRACE_LEVEL_FILE=0";
        try (Connection c = DriverManager.getConnection(extUrl, USER, PASSWORD); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA sky");
            st.execute("CREATE TABLE sky.Obj (id INT PRIMARY KEY, mag REAL)");
            st.execute("INSERT INTO sky.Obj SELECT X, 10 + MOD(X, 7) FROM SYSTEM_RANGE(1, 20000)");
            // Row 10,001 divides by zero: only a reader that computes it fails.
            st.execute("CREATE VIEW sky.Late AS SELECT id, mag, 1 / (10001 - id) AS boom FROM sky.Obj");
        }
        config = ServerConfig.of(Map.of("casjobs.data.dir", dir.resolve("data").toString(), "casjobs.sample.rows", "50",
                "casjobs.contexts", "Sample,Ext", "casjobs.context.ext.url", extUrl, "casjobs.context.ext.user", USER,
                "casjobs.context.ext.password", PASSWORD, "casjobs.context.ext.schema", "sky"));
    }

    private static int count(Catalog catalog, String sql) throws SQLException {
        try (Connection c = catalog.connect(7, "Ext"); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = 0;
            while (rs.next()) {
                n++;
            }
            return n;
        }
    }

    @Test
    void aTopTenReadsOnlyTheRowsItNeedsFromTheContext() throws Exception {
        try (Catalog catalog = Catalog.open(config)) {
            assertEquals(10, count(catalog, "SELECT TOP 10 id, boom FROM Late WHERE mag < 15"));
            // The whole view still fails where the context computes row 10,001.
            SQLException e = assertThrows(SQLException.class, () -> count(catalog, "SELECT COUNT(*) FROM Late WHERE boom > 0"));
            assertTrue(e.getMessage().contains("Division by zero"), e.getMessage());
        }
    }

    @Test
    void linksAnOlderVersionMadeEagerAreMadeAgainLazilyKeepingTheUsersViews() throws Exception {
        try (Catalog catalog = Catalog.open(config)) {
            count(catalog, "SELECT TOP 1 id FROM Obj"); // provisions MyDB 7
        }
        // As an older version left them: links without the lazy setting, and a user's view over one.
        CatalogSecrets secrets = CatalogSecrets.load(dir.resolve("data").resolve("catalog").resolve("secret"));
        String myDb = "jdbc:h2:file:" + dir.resolve("data").resolve("catalog").resolve("mydb").resolve("U7") + H2Catalog.MODE;
        try (Connection admin = DriverManager.getConnection(myDb, "catalog_admin", secrets.password("admin"));
             Statement s = admin.createStatement()) {
            for (String table : new String[] {"OBJ", "LATE"}) { // as the survey's own H2 names them
                s.execute("DROP TABLE \"Ext\".\"" + table + "\" CASCADE");
                s.execute("CREATE LINKED TABLE \"Ext\".\"" + table + "\"('org.h2.Driver', '" + extUrl + "', '" + USER
                        + "', '" + PASSWORD + "', 'SKY', '" + table + "') READONLY FETCH_SIZE 1000");
            }
            s.execute("CREATE VIEW MyDB.Bright AS SELECT id FROM \"Ext\".\"Obj\" WHERE mag < 11");
            assertTrue(ContextLinks.madeWithOtherUrl(admin, "Ext", "LATE", ContextLinks.url("org.h2.Driver", extUrl)));
            s.execute("SHUTDOWN");
        }
        try (Catalog catalog = Catalog.open(config)) {
            assertEquals(10, count(catalog, "SELECT TOP 10 id, boom FROM Late"));
            // Obj was kept as it was (the user's view reads it), and still answers.
            assertEquals(20000 / 7, count(catalog, "SELECT id FROM MyDB.Bright"));
            assertEquals(3, count(catalog, "SELECT TOP 3 id FROM Obj"));
        }
    }

    /**
     * Two jobs of one account at once: one holds a lazy cursor of a join of links open and reads on
     * while the other runs joins and INTO over the same links. Each row of a join runs a statement
     * in the context; on one context session shared by both jobs (H2's own link connection), a
     * statement of one starting while the other's ended and committed failed with
     * "Transaction … is closed".
     */
    @Test
    void aCursorHeldOpenOnOneThreadSurvivesAnotherJobsQueriesOnTheSameLink() throws Exception {
        try (Catalog catalog = Catalog.open(config)) {
            count(catalog, "SELECT TOP 1 id FROM Obj"); // provisions MyDB 7 and its links
            for (int r = 0; r < 3; r++) {
                int round = r;
                try (Connection a = catalog.connect(7, "Ext"); Statement sa = a.createStatement()) {
                    catalog.streamRows(a); // the MyDB reads the links as it goes, as quick jobs do
                    try (ResultSet rs = sa.executeQuery(JOIN + " WHERE a.id <= 3000")) {
                        long rows = 0;
                        long ids = 0;
                        for (; rows < 5; rows++) {
                            assertTrue(rs.next());
                            ids += checkedId(rs);
                        }
                        AtomicBoolean aDone = new AtomicBoolean();
                        AtomicReference<Throwable> bFailed = new AtomicReference<>();
                        CountDownLatch bStarted = new CountDownLatch(1);
                        Thread b = new Thread(() -> otherJob(catalog, round, aDone, bStarted, bFailed), "job-b");
                        b.start();
                        assertTrue(bStarted.await(60, TimeUnit.SECONDS));
                        try {
                            for (; rs.next(); rows++) {
                                ids += checkedId(rs);
                            }
                        } finally {
                            aDone.set(true);
                            b.join();
                        }
                        assertEquals(3000, rows, "rows read by the job holding its cursor");
                        assertEquals(3000L * 3001 / 2, ids, "each of ids 1 to 3000 once");
                        if (bFailed.get() != null) {
                            throw new AssertionError("the other job failed", bFailed.get());
                        }
                    }
                }
            }
        }
    }

    /** Each row of Obj with its own row again, found through the link's primary key. */
    private static final String JOIN = "SELECT a.id, b.mag FROM Obj a JOIN Obj b ON b.id = a.id";

    /** The row's id, once its mag is checked to be the one the context gave that id. */
    private static long checkedId(ResultSet rs) throws SQLException {
        long id = rs.getLong(1);
        assertEquals(10 + id % 7, rs.getLong(2), "mag of id " + id);
        return id;
    }

    /** Joins and INTO on the links, over and over until the first job is done. */
    private static void otherJob(Catalog catalog, int round, AtomicBoolean done, CountDownLatch started,
                                 AtomicReference<Throwable> failed) {
        try (Connection b = catalog.connect(7, "Ext"); Statement s = b.createStatement()) {
            catalog.streamRows(b);
            for (int i = 0; i == 0 || !done.get(); i++) {
                try (ResultSet rs = s.executeQuery("SELECT COUNT(*), SUM(a.id) FROM (" + JOIN + " WHERE a.id <= 700) a")) {
                    assertTrue(rs.next());
                    assertEquals(700, rs.getLong(1));
                    assertEquals(700L * 701 / 2, rs.getLong(2));
                }
                String copy = "MyDB.Copy" + round + "_" + i;
                s.execute("CREATE TABLE " + copy + " AS " + JOIN + " WHERE a.id <= 700 AND a.mag = 10");
                try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + copy)) {
                    assertTrue(rs.next());
                    assertEquals(700 / 7, rs.getLong(1));
                }
                s.execute("DROP TABLE " + copy);
                started.countDown();
            }
        } catch (Throwable e) {
            failed.set(e);
            started.countDown();
        }
    }

    /**
     * A TOP 10 leaves its link cursor unread and H2 drops it unclosed: the same thread's next
     * queries on that link, on the same context session, still answer whole, also once the
     * dropped statements were collected and closed.
     */
    @Test
    void cursorsATopTenLeftOpenDoNotBreakTheThreadsNextQueries() throws Exception {
        try (Catalog catalog = Catalog.open(config); Connection c = catalog.connect(7, "Ext"); Statement s = c.createStatement()) {
            catalog.streamRows(c);
            for (int i = 0; i < 40; i++) {
                try (ResultSet rs = s.executeQuery("SELECT TOP 10 id FROM Obj WHERE mag >= 10")) {
                    for (int row = 1; row <= 10; row++) {
                        assertTrue(rs.next());
                        assertEquals(row, rs.getInt(1));
                    }
                    assertFalse(rs.next());
                }
                if (i % 10 == 9) {
                    System.gc(); // the dropped statements go back to their session, closed at its next statement
                }
                try (ResultSet rs = s.executeQuery("SELECT COUNT(*), MAX(id) FROM Obj WHERE id > " + i)) {
                    assertTrue(rs.next());
                    assertEquals(20000 - i, rs.getLong(1));
                    assertEquals(20000, rs.getLong(2));
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT a.id FROM Obj a JOIN Obj b ON b.id = a.id + 1 WHERE a.id < 4 ORDER BY a.id")) {
                for (int row = 1; row <= 3; row++) {
                    assertTrue(rs.next());
                    assertEquals(row, rs.getInt(1));
                }
                assertFalse(rs.next());
            }
        }
    }

    /**
     * Each thread reads a context on a session of its own there; the sessions of threads that
     * ended are closed when another thread opens one, and all of them with the catalog. Counted in
     * the context's own list of sessions.
     */
    @Test
    void sessionsOfEndedThreadsAndOfAClosedCatalogAreClosedInTheContext() throws Exception {
        try (Connection ext = DriverManager.getConnection(extUrl, USER, PASSWORD)) {
            Catalog catalog = Catalog.open(config);
            try {
                onNewThread(catalog); // provisions MyDB 7, from a thread that then ends
                int before = sessions(ext); // with that ended thread's session
                CountDownLatch read = new CountDownLatch(3);
                CountDownLatch end = new CountDownLatch(1);
                List<Thread> live = new ArrayList<>();
                AtomicReference<Throwable> failed = new AtomicReference<>();
                for (int i = 0; i < 3; i++) {
                    live.add(new Thread(() -> {
                        try {
                            assertEquals(20000, countOn(catalog));
                            read.countDown();
                            end.await();
                        } catch (Throwable e) {
                            failed.set(e);
                            read.countDown();
                        }
                    }));
                }
                live.forEach(Thread::start);
                assertTrue(read.await(60, TimeUnit.SECONDS));
                // A session for each of the three live threads; the first to open one closed the ended thread's.
                assertEquals(before - 1 + 3, sessions(ext));
                end.countDown();
                for (Thread t : live) {
                    t.join();
                }
                assertNull(failed.get());
                // Ended, their sessions are still open: no thread opened one since.
                assertEquals(before + 2, sessions(ext));
                onNewThread(catalog);
                // That thread's session opened, and the three of the ended threads were closed.
                assertEquals(before, sessions(ext));
                assertEquals(20000, countOn(catalog));
                assertEquals(20000, countOn(catalog));
                // This thread's one session (kept while it lives) opened, and the last ended thread's closed.
                assertEquals(before, sessions(ext));
                assertEquals(20000, countOn(catalog, 8));
                // Another account's MyDB links to the same context: its link's base session is new, this
                // thread's session the same (one per thread and context keeps the context's open
                // transactions, one per session reading, under H2's 255).
                assertEquals(before + 1, sessions(ext));
            } finally {
                catalog.close();
            }
            assertEquals(1, sessions(ext), "only this test's own session is left in the context");
        }
    }

    private static void onNewThread(Catalog catalog) throws Exception {
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                assertEquals(20000, countOn(catalog));
            } catch (Throwable e) {
                failed.set(e);
            }
        });
        t.start();
        t.join();
        if (failed.get() != null) {
            throw new AssertionError(failed.get());
        }
    }

    private static long countOn(Catalog catalog) throws SQLException {
        return countOn(catalog, 7);
    }

    private static long countOn(Catalog catalog, long wsid) throws SQLException {
        try (Connection c = catalog.connect(wsid, "Ext"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM Obj")) {
            assertTrue(rs.next());
            return rs.getLong(1);
        }
    }

    private static int sessions(Connection ext) throws SQLException {
        try (Statement s = ext.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS")) {
            assertTrue(rs.next());
            return rs.getInt(1);
        }
    }

    @Test
    void onlyH2ContextsAreReachedThroughTheLinkDriverWhichReadsLazily() {
        assertEquals("jdbc:opencasjobs-link:jdbc:h2:file:/x", ContextLinks.url("org.h2.Driver", "jdbc:h2:file:/x"));
        assertEquals(LinkDriver.class.getName(), ContextLinks.driver("org.h2.Driver"));
        assertEquals("jdbc:postgresql://h/db", ContextLinks.url("org.postgresql.Driver", "jdbc:postgresql://h/db"));
        assertEquals("org.postgresql.Driver", ContextLinks.driver("org.postgresql.Driver"));
        assertEquals("jdbc:h2:file:/x;LAZY_QUERY_EXECUTION=TRUE", LinkDriver.sessionUrl("jdbc:h2:file:/x"));
        assertEquals("jdbc:h2:file:/x;lazy_query_execution=false", LinkDriver.sessionUrl("jdbc:h2:file:/x;lazy_query_execution=false"));
    }
}
