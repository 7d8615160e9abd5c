package org.opencasjobs.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.h2.api.ErrorCode;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreTool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencasjobs.config.ServerConfig;
import org.opencasjobs.jobs.MyDb;

/**
 * The kill -9 finding of issue 15 that CrashSafetyTest met at 10 kills: after a restart, a user's
 * uploads failed with "The database has been closed" while the same user's queries worked. The
 * cause, reproduced here: the killed process left a transaction open in the MyDB, and H2 2.5.252
 * could not read a page of its undo log when the file was opened again. H2 then keeps a closed
 * map in that transaction's slot, and every later write given that slot fails (see
 * {@link UndoLogs}). The file here is what kill -9 leaves (a copy taken with the transaction open,
 * after its undo log was written), with one page of that undo log made unreadable, as H2 found it.
 */
class UnreadableUndoLogTest {
    private static final long WSID = 7;
    private static final Pattern CHUNK = Pattern.compile("^[0-9a-f]+ chunkHeader chunk:[0-9a-f]+,block:([0-9a-f]+),");
    private static final Pattern LEAF = Pattern.compile("^\\+([0-9a-f]+) leaf, map ([0-9a-f]+),");

    @TempDir
    Path dir;

    @Test
    void aMyDbWhoseOpenTransactionsUndoLogCannotBeReadTakesWritesAgain() throws Exception {
        Path image = dir.resolve("image");
        Path raw = dir.resolve("raw");
        crashImageWithAnOpenTransaction(List.of(image, raw));
        for (Path copy : List.of(image, raw)) {
            breakLastUndoLogLeaf(copy.resolve("U" + WSID + ".mv.db"));
        }
        // The server starts again on its data folder, holding the file the kill left.
        Path live = dir.resolve("live");
        Files.copy(image.resolve("U" + WSID + ".mv.db"), live.resolve("catalog").resolve("mydb").resolve("U" + WSID
                + ".mv.db"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        String admin = CatalogSecrets.load(live.resolve("catalog").resolve("secret")).password("admin");

        // H2 on its own: the file opens and reads, and some of several concurrent writers fail.
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + raw.resolve("U" + WSID) + H2Catalog.MODE,
                "catalog_admin", admin)) {
            assertTrue(UndoLogs.unwritable(c), "H2 kept the unreadable undo log's closed map in its slot");
            List<String> refused = concurrentWrites(() -> DriverManager.getConnection("jdbc:h2:file:"
                    + raw.resolve("U" + WSID) + ";IFEXISTS=TRUE", "catalog_admin", admin), "MyDB.Big");
            assertFalse(refused.isEmpty(), "without the catalog's check a writer is refused");
            assertTrue(refused.stream().allMatch(m -> m.contains("The database has been closed")), refused::toString);
        }

        // Through the catalog: every writer and an upload succeed.
        try (Catalog catalog = Catalog.open(config(live))) {
            assertEquals(List.of(), concurrentWrites(() -> catalog.connect(WSID, MyDb.NAME), "Big"));
            try (Connection c = catalog.connect(WSID, MyDb.NAME)) {
                assertEquals(2, CsvUpload.load(c, "Again", "id\n1\n2\n", false));
            }
        }
    }

    private static ServerConfig config(Path dataDir) {
        return ServerConfig.of(Map.of("casjobs.data.dir", dataDir.toString(), "casjobs.sample.rows", "50"));
    }

    /**
     * Copies a MyDB file to each of {@code to} while a transaction of its user is open and has
     * written its undo log to the file (a checkpoint): the file a kill -9 at that moment leaves.
     */
    private void crashImageWithAnOpenTransaction(List<Path> to) throws Exception {
        Path live = dir.resolve("live");
        try (Catalog catalog = Catalog.open(config(live))) {
            try (Connection c = catalog.connect(WSID, MyDb.NAME)) {
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE TABLE Big (id BIGINT, v VARCHAR(20))");
                }
                // Another transaction left open takes the first slot, as a concurrent upload or job
                // would: so the broken undo log's slot is not the one the catalog's own statements take.
                Connection small = catalog.connect(WSID, MyDb.NAME);
                small.setAutoCommit(false);
                try (Statement s = small.createStatement()) {
                    s.execute("INSERT INTO Big VALUES (-100, 'small')");
                }
                c.setAutoCommit(false);
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO Big VALUES (?, ?)")) {
                    for (int i = 0; i < 20_000; i++) {
                        ps.setLong(1, i);
                        ps.setString(2, "row " + i);
                        ps.addBatch();
                        if (i % 1000 == 999) {
                            ps.executeBatch();
                        }
                    }
                }
                Path mydb = live.resolve("catalog").resolve("mydb");
                try (Connection admin = DriverManager.getConnection("jdbc:h2:file:" + mydb.resolve("U" + WSID)
                        + ";IFEXISTS=TRUE", "catalog_admin",
                        CatalogSecrets.load(live.resolve("catalog").resolve("secret")).password("admin"));
                     Statement s = admin.createStatement()) {
                    s.execute("CHECKPOINT");
                }
                for (Path target : to) {
                    Files.createDirectories(target);
                    Files.copy(mydb.resolve("U" + WSID + ".mv.db"), target.resolve("U" + WSID + ".mv.db"));
                }
                c.rollback();
                small.rollback();
                small.close();
            }
        }
    }

    /**
     * Makes the last-written leaf page of the open transaction's undo log unreadable (its check
     * bytes overwritten): H2 reads it for the log's last key when it opens the file.
     */
    private static void breakLastUndoLogLeaf(Path file) throws Exception {
        Set<String> undoLogIds = new HashSet<>();
        MVStore store = new MVStore.Builder().fileName(file.toString()).readOnly().open();
        try {
            for (String name : store.getMapNames()) {
                String id = store.getMetaMap().get("name." + name);
                if (name.startsWith("undoLog") && store.getLayoutMap().get("root." + id) != null) {
                    undoLogIds.add(id);
                }
            }
        } finally {
            store.close();
        }
        assertFalse(undoLogIds.isEmpty(), "the copy holds the open transaction's undo log");
        StringWriter dump = new StringWriter();
        MVStoreTool.dump(file.toString(), dump, true);
        long block = -1;
        Map<String, List<Long>> leaves = new java.util.HashMap<>();
        for (String line : dump.toString().split("\n")) {
            Matcher chunk = CHUNK.matcher(line);
            Matcher leaf = LEAF.matcher(line);
            if (chunk.find()) {
                block = Long.parseLong(chunk.group(1), 16);
            } else if (leaf.find() && undoLogIds.contains(leaf.group(2)) && block >= 0) {
                leaves.computeIfAbsent(leaf.group(2), k -> new ArrayList<>())
                        .add(block * 4096 + Long.parseLong(leaf.group(1), 16));
            }
        }
        // The big transaction's log (the small one's is a single page, its root, which H2 reads
        // before it keeps the map; the big one's last leaf is read after).
        List<Long> big = leaves.values().stream().max(java.util.Comparator.comparingInt(List::size)).orElse(List.of());
        assertTrue(big.size() > 1, "found the leaves of the big transaction's undo log: " + leaves.keySet());
        long last = big.get(big.size() - 1);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(last + 4);
            f.write(new byte[] {-1, -1, -1, -1, -1, -1, -1, -1});
        }
    }

    private interface Connector {
        Connection connect() throws SQLException;
    }

    /**
     * Eight writers at once, each in a transaction of its own (so they take different slots); the
     * messages of those refused.
     */
    private static List<String> concurrentWrites(Connector connector, String table) throws SQLException {
        List<Connection> open = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                Connection c = connector.connect();
                open.add(c);
                c.setAutoCommit(false);
                try (Statement s = c.createStatement()) {
                    s.execute("INSERT INTO " + table + " VALUES (" + (-1 - i) + ", 'writer')");
                } catch (SQLException e) {
                    assertEquals(ErrorCode.DATABASE_IS_CLOSED, e.getErrorCode(), e::toString);
                    refused.add(e.getMessage());
                }
            }
        } finally {
            for (Connection c : open) {
                try {
                    c.rollback();
                } catch (SQLException ignored) {
                    // refused already
                }
                c.close();
            }
        }
        return refused;
    }
}
