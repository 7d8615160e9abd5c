package org.opencasjobs.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencasjobs.config.ServerConfig;
import org.opencasjobs.dialect.SqlTranslator;

/**
 * CROSS APPLY and OUTER APPLY of the cone functions as a user writes them, translated by the
 * dialect and run in a MyDB, against the function called once per target: a context {@code Sky}
 * whose objects crowd both poles and the ra 0/360 line, and targets there and elsewhere.
 */
class ConeApplyCatalogTest {
    private static final long WSID = 4343;
    static Path dir;
    static H2Catalog catalog;

    @BeforeAll
    static void open() throws Exception {
        dir = Files.createTempDirectory("opencasjobs-apply");
        ServerConfig config = ServerConfig.of(Map.of("casjobs.data.dir", dir.toString(), "casjobs.sample.rows", "50",
                "casjobs.contexts", "Sample,Sky"));
        catalog = H2Catalog.open(config);
        fill(catalog.contextAdmins.get("Sky"));
        catalog.close();
        catalog = H2Catalog.open(config); // opening the context builds its zone index
        try (Connection c = catalog.connect(WSID, "Sky"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE MyDB.targets (id INT, ra FLOAT, dec FLOAT)");
            Random rnd = new Random(11);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO MyDB.targets VALUES (?, ?, ?)")) {
                for (int i = 0; i < 40; i++) {
                    ps.setInt(1, i);
                    ps.setDouble(2, switch (i % 4) {
                        case 0 -> (359.9 + rnd.nextDouble() * 0.2) % 360; // across ra 0/360
                        default -> 360 * rnd.nextDouble();
                    });
                    ps.setDouble(3, switch (i % 4) {
                        case 1 -> 89.6 + rnd.nextDouble() * 0.4; // at the north pole
                        case 2 -> -89.9 + rnd.nextDouble() * 0.1; // at the south pole
                        default -> rnd.nextDouble() * 2 - 1;
                    });
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
    }

    @AfterAll
    static void close() throws Exception {
        catalog.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** 20,000 objects: a fifth secondary, a third within 1° of a pole, a third in a band across ra 0/360. */
    private static void fill(Connection admin) throws SQLException {
        try (Statement s = admin.createStatement()) {
            s.execute("CREATE TABLE \"Sky\".PhotoObjAll (objID BIGINT PRIMARY KEY, ra FLOAT, dec FLOAT, type INT,"
                    + " mode TINYINT, run INT, rerun INT, camcol INT, field INT, cx FLOAT, cy FLOAT, cz FLOAT,"
                    + " htmID BIGINT)");
        }
        Random rnd = new Random(5);
        try (PreparedStatement ps = admin.prepareStatement(
                "INSERT INTO \"Sky\".PhotoObjAll VALUES (?, ?, ?, ?, ?, ?, 301, ?, ?, ?, ?, ?, ?)")) {
            for (int i = 0; i < 20_000; i++) {
                double ra = 360 * rnd.nextDouble();
                double dec = switch (i % 3) {
                    case 0 -> (rnd.nextBoolean() ? 1 : -1) * (90 - rnd.nextDouble());
                    case 1 -> Math.toDegrees(Math.asin(2 * rnd.nextDouble() - 1));
                    default -> rnd.nextDouble() * 4 - 2;
                };
                if (i % 3 == 2) {
                    ra = ((rnd.nextDouble() - 0.5) + 360) % 360;
                }
                double d = Math.toRadians(dec);
                double a = Math.toRadians(ra);
                ps.setLong(1, 1_000_000L + i);
                ps.setDouble(2, ra);
                ps.setDouble(3, dec);
                ps.setInt(4, rnd.nextBoolean() ? 3 : 6);
                ps.setInt(5, rnd.nextInt(5) == 0 ? 2 : 1);
                ps.setInt(6, 94 + i % 7);
                ps.setInt(7, 1 + i % 6);
                ps.setInt(8, 11 + i / 1000);
                ps.setDouble(9, Math.cos(d) * Math.cos(a));
                ps.setDouble(10, Math.cos(d) * Math.sin(a));
                ps.setDouble(11, Math.sin(d));
                ps.setLong(12, i);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** The rows of a user's query as the service runs it: translated, the last statement on the MyDB connection. */
    private static List<List<Object>> query(Connection c, String tsql) throws SQLException {
        List<String> statements = SqlTranslator.quick(tsql, "Sample", "Sky").statements();
        List<List<Object>> out = new java.util.ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(statements.get(statements.size() - 1))) {
            while (rs.next()) {
                List<Object> row = new java.util.ArrayList<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.add(rs.getObject(i));
                }
                out.add(row);
            }
        }
        return out;
    }

    /** For each target, "id:objID" → the function's distance, calling {@code function(ra, dec, r)} once per target. */
    private static Map<String, Double> perTarget(Connection c, String function, double r) throws SQLException {
        Map<String, Double> out = new TreeMap<>();
        try (Statement s = c.createStatement(); ResultSet t = s.executeQuery("SELECT id, ra, dec FROM MyDB.targets");
             PreparedStatement f = c.prepareStatement("SELECT objID, distance FROM dbo." + function + "(?, ?, ?)")) {
            while (t.next()) {
                f.setDouble(1, t.getDouble(2));
                f.setDouble(2, t.getDouble(3));
                f.setDouble(3, r);
                try (ResultSet rs = f.executeQuery()) {
                    while (rs.next()) {
                        out.put(t.getInt(1) + ":" + rs.getLong(1), rs.getDouble(2));
                    }
                }
            }
        }
        return out;
    }

    private static void assertSameRows(Map<String, Double> expected, List<List<Object>> rows) {
        Map<String, Double> got = new TreeMap<>();
        for (List<Object> row : rows) {
            String key = row.get(0) + ":" + row.get(1);
            assertEquals(null, got.put(key, ((Number) row.get(2)).doubleValue()), "a match twice: " + key);
        }
        assertEquals(expected.keySet(), got.keySet());
        for (Map.Entry<String, Double> e : expected.entrySet()) {
            assertEquals(e.getValue(), got.get(e.getKey()), 1e-9, e.getKey());
        }
    }

    @Test
    void crossApplyGivesTheFunctionsRowsForEveryTarget() throws Exception {
        try (Connection c = catalog.connect(WSID, "Sky")) {
            for (double r : new double[] {3, 20}) {
                Map<String, Double> expected = perTarget(c, "fGetNearbyObjEq", r);
                assertTrue(expected.size() > 40, "few matches: " + expected.size());
                assertSameRows(expected, query(c, "SELECT t.id, n.objID, n.distance\nFROM mydb.targets t\n"
                        + "CROSS APPLY dbo.fGetNearbyObjEq(t.ra, t.dec, " + r + ") n"));
            }
        }
    }

    @Test
    void allModesKeepTheSecondaryObjectsAndTheirMode() throws Exception {
        try (Connection c = catalog.connect(WSID, "Sky")) {
            Map<String, Double> expected = perTarget(c, "fGetNearbyObjAllEq", 10);
            assertTrue(expected.size() > perTarget(c, "fGetNearbyObjEq", 10).size());
            assertSameRows(expected, query(c, "SELECT t.id, n.objID, n.distance FROM mydb.targets t"
                    + " CROSS APPLY fGetNearbyObjAllEq(t.ra, t.dec, 10) AS n"));
            List<List<Object>> modes = query(c, "SELECT DISTINCT n.mode FROM mydb.targets t"
                    + " CROSS APPLY dbo.fGetNearbyObjAllEq(t.ra, t.dec, 10) n ORDER BY n.mode");
            assertEquals("[[1], [2]]", modes.toString());
        }
    }

    /** n.*, an unqualified distance in WHERE and ORDER BY, and a join after the APPLY. */
    @Test
    void theFunctionsColumnsReadAsTheyDoInSqlServer() throws Exception {
        try (Connection c = catalog.connect(WSID, "Sky")) {
            Map<String, Double> expected = new TreeMap<>(perTarget(c, "fGetNearbyObjEq", 20));
            expected.values().removeIf(d -> d >= 5);
            List<List<Object>> rows = query(c, "SELECT t.id, n.* FROM mydb.targets t"
                    + " CROSS APPLY dbo.fGetNearbyObjEq(t.ra, t.dec, 20) n JOIN PhotoObjAll p ON p.objID = n.objID"
                    + " WHERE distance < 5 OR p.objID < 0 ORDER BY t.id, distance");
            assertEquals(1 + 11, rows.get(0).size()); // t.id and the function's 11 columns
            Map<String, Double> got = new TreeMap<>();
            double last = -1;
            Object lastId = null;
            for (List<Object> row : rows) {
                got.put(row.get(0) + ":" + row.get(1), ((Number) row.get(11)).doubleValue());
                double d = ((Number) row.get(11)).doubleValue();
                assertTrue(!row.get(0).equals(lastId) || d >= last, "not nearest first");
                last = d;
                lastId = row.get(0);
            }
            assertEquals(expected, got);
        }
    }

    @Test
    void outerApplyOfTheNearestGivesOneRowPerTarget() throws Exception {
        try (Connection c = catalog.connect(WSID, "Sky")) {
            Map<Integer, Long> expected = new TreeMap<>();
            try (Statement s = c.createStatement(); ResultSet t = s.executeQuery("SELECT id, ra, dec FROM MyDB.targets");
                 PreparedStatement f = c.prepareStatement("SELECT objID FROM dbo.fGetNearestObjEq(?, ?, 2)")) {
                while (t.next()) {
                    f.setDouble(1, t.getDouble(2));
                    f.setDouble(2, t.getDouble(3));
                    try (ResultSet rs = f.executeQuery()) {
                        expected.put(t.getInt(1), rs.next() ? rs.getLong(1) : null);
                    }
                }
            }
            assertTrue(expected.containsValue(null) && expected.values().stream().anyMatch(v -> v != null), expected.toString());
            Map<Integer, Long> got = new TreeMap<>();
            for (List<Object> row : query(c, "SELECT t.id, n.objID, n.distance FROM mydb.targets t"
                    + " OUTER APPLY dbo.fGetNearestObjEq(t.ra, t.dec, 2) n")) {
                assertEquals(null, got.put((Integer) row.get(0), row.get(1) == null ? null : ((Number) row.get(1)).longValue()));
                assertTrue(row.get(1) == null ? row.get(2) == null : ((Number) row.get(2)).doubleValue() < 2, row.toString());
            }
            assertEquals(expected, got);
            Map<Integer, Long> inner = new TreeMap<>(expected);
            inner.values().removeIf(v -> v == null);
            Map<Integer, Long> crossed = new TreeMap<>();
            for (List<Object> row : query(c, "SELECT t.id, n.objID FROM mydb.targets t"
                    + " CROSS APPLY dbo.fGetNearestObjEq(t.ra, t.dec, 2) n")) {
                crossed.put((Integer) row.get(0), ((Number) row.get(1)).longValue());
            }
            assertEquals(inner, crossed);
        }
    }
}
