package org.opencasjobs.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencasjobs.config.ServerConfig;
import org.opencasjobs.jobs.MyDb;

/**
 * Memory stays bounded in the number of accounts: beyond {@code casjobs.mydb.open.max}, the
 * least recently used MyDB databases that nothing uses are really closed, keep their tables, and
 * open again as they were; one in use is never closed under its user.
 */
class MyDbOpenLimitTest {
    @TempDir
    Path dir;
    private Catalog catalog;

    @BeforeEach
    void open() throws Exception {
        catalog = Catalog.open(ServerConfig.of(Map.of("casjobs.data.dir", dir.toString(), "casjobs.sample.rows", "50",
                "casjobs.mydb.open.max", "2")));
    }

    @AfterEach
    void close() {
        catalog.close();
    }

    private void createTable(long wsid) throws Exception {
        try (Connection c = catalog.connect(wsid, MyDb.NAME); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE Mine (x INT)");
            s.execute("INSERT INTO Mine VALUES (" + wsid + ")");
        }
    }

    /** Whether the database file is held open by this process (H2 locks the file while the database is open). */
    private boolean isOpen(long wsid) throws Exception {
        Path file = dir.resolve("catalog").resolve("mydb").resolve("U" + wsid + ".mv.db");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock lock = ch.tryLock();
            if (lock == null) {
                return true;
            }
            lock.release();
            return false;
        } catch (OverlappingFileLockException heldHere) {
            return true;
        }
    }

    @Test
    void theLeastRecentlyUsedAreClosedAndOpenAgainAsTheyWere() throws Exception {
        for (long wsid = 1; wsid <= 5; wsid++) {
            createTable(wsid);
            assertTrue(catalog.openMyDbCount() <= 2, "open: " + catalog.openMyDbCount());
        }
        assertFalse(isOpen(1), "the least recently used database is closed");
        assertFalse(isOpen(3));
        assertTrue(isOpen(5), "the most recently used stays open");
        try (Connection c = catalog.connect(1, MyDb.NAME); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT TOP 1 X FROM mine")) { // SQL Server's TOP and case, as before
            rs.next();
            assertEquals(1, rs.getInt(1));
        }
        assertTrue(isOpen(1));
        assertEquals(2, catalog.openMyDbCount());
    }

    @Test
    void aDatabaseInUseIsNeverClosedUnderItsUser() throws Exception {
        createTable(1);
        try (Connection running = catalog.connect(1, MyDb.NAME)) {
            for (long wsid = 2; wsid <= 5; wsid++) {
                createTable(wsid);
            }
            assertTrue(isOpen(1), "still open while a query uses it");
            try (Statement s = running.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM Mine")) {
                rs.next();
                assertEquals(1, rs.getInt(1));
            }
        }
        createTable(6); // the next use of the catalog closes it, now that nothing uses it
        assertFalse(isOpen(1));
        assertTrue(catalog.openMyDbCount() <= 2, "open: " + catalog.openMyDbCount());
    }
    @Test
    void idleMyDbsAreClosedButNotOneInUse() throws Exception {
        createTable(1);
        createTable(2);
        H2Catalog h2 = (H2Catalog) catalog;
        long hourLater = System.nanoTime() + java.util.concurrent.TimeUnit.HOURS.toNanos(1);
        assertEquals(0, h2.closeIdle(java.util.concurrent.TimeUnit.HOURS.toNanos(2), hourLater), "none idle that long");
        try (Connection running = catalog.connect(2, MyDb.NAME)) {
            assertEquals(1, h2.closeIdle(java.util.concurrent.TimeUnit.MINUTES.toNanos(5), hourLater));
            assertFalse(isOpen(1), "idle: closed");
            assertTrue(isOpen(2), "in use: kept open");
            assertEquals(1, catalog.openMyDbCount());
        }
        assertEquals(1, h2.closeIdle(java.util.concurrent.TimeUnit.MINUTES.toNanos(5), hourLater));
        assertEquals(0, catalog.openMyDbCount());
        try (Connection c = catalog.connect(1, MyDb.NAME); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT X FROM Mine")) {
            rs.next();
            assertEquals(1, rs.getInt(1), "opened again as it was");
        }
    }

    @Test
    void aClosingMyDbWithMuchFreeSpaceGivesItBack() throws Exception {
        Path file = dir.resolve("catalog").resolve("mydb").resolve("U1.mv.db");
        try (Connection c = catalog.connect(1, MyDb.NAME); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE Kept AS SELECT x AS id FROM SYSTEM_RANGE(1, 1000)");
            s.execute("CREATE TABLE Big AS SELECT x AS id, RANDOM_UUID() || REPEAT('x', 1000) AS s"
                    + " FROM SYSTEM_RANGE(1, 100000)");
            s.execute("DROP TABLE Big");
        }
        long before = java.nio.file.Files.size(file);
        assertTrue(before > H2Catalog.COMPACT_FREE_BYTES, "the file keeps its size while open: " + before);
        assertTrue(catalog.myDbUsedBytes(1) < 10L * 1024 * 1024, "but its data is small: " + catalog.myDbUsedBytes(1));
        createTable(2);
        createTable(3); // closes 1, the least recently used
        assertFalse(isOpen(1));
        long after = java.nio.file.Files.size(file);
        assertTrue(after < before / 2, "compacted on closing: " + before + " -> " + after);
        try (Connection c = catalog.connect(1, MyDb.NAME); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM Kept")) {
            rs.next();
            assertEquals(1000, rs.getInt(1));
        }
    }

    @Test
    void aMyDbThatH2ClosedAfterAnErrorIsOpenedAgainByItsNextUse() throws Exception {
        createTable(1);
        // As H2 does when it cannot read a page: its store closes at once, under the database and
        // under the catalog's own connection, which still looks open.
        CatalogSecrets secrets = CatalogSecrets.load(dir.resolve("catalog").resolve("secret"));
        Connection other = java.sql.DriverManager.getConnection("jdbc:h2:file:"
                + dir.resolve("catalog").resolve("mydb").resolve("U1") + ";IFEXISTS=TRUE", "catalog_admin",
                secrets.password("admin"));
        ((org.h2.engine.SessionLocal) other.unwrap(org.h2.jdbc.JdbcConnection.class).getSession()).getDatabase()
                .getStore().getMvStore().closeImmediately();
        try (Connection c = catalog.connect(1, MyDb.NAME); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM Mine")) {
            rs.next();
            assertEquals(1, rs.getInt(1));
        }
        assertTrue(catalog.myDbUsedBytes(1) >= 0);
    }
}
