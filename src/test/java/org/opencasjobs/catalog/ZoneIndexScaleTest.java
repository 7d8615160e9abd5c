package org.opencasjobs.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencasjobs.catalog.sdss.ZoneIndex;
import org.opencasjobs.config.ServerConfig;

/**
 * A 1' cone on a 1,000,000-row PhotoObjAll asks the context only for the rows of a few zones, as
 * the context database itself records: H2's query statistics there list every statement the
 * user's linked Zone table sent over. Each must carry the zone condition (which the context's
 * (zoneID, ra) B-tree answers), and there are only a few: a scan would send one statement with no
 * condition. (The rows each returned are not counted there: the links read lazily, and H2 counts
 * no rows of a lazy result.)
 */
class ZoneIndexScaleTest {
    private static final int ROWS = 1_000_000;

    @TempDir
    Path dir;

    @Test
    void aOneArcminuteConeOnAMillionRowsAsksTheContextForAFewZones() throws Exception {
        ServerConfig config = ServerConfig.of(Map.of("casjobs.data.dir", dir.toString(), "casjobs.sample.rows", "10",
                "casjobs.contexts", "Sample,Big"));
        final H2Catalog catalog = H2Catalog.open(config);
        try (Statement s = catalog.contextAdmins.get("Big").createStatement()) {
            // 1,000,000 objects in 10 x 1.25 degrees around (180, 0): 80,000 per square degree,
            // about SDSS's density. Spread by two multiplicative hashes, the same on every run.
            s.execute("CREATE TABLE \"Big\".PhotoObjAll (objID BIGINT, ra FLOAT, dec FLOAT, mode TINYINT)");
            s.execute("INSERT INTO \"Big\".PhotoObjAll SELECT X, 175 + MOD(X * 2654435761, 1000003) * 10.0 / 1000003,"
                    + " -0.625 + MOD(X * 40503 + 7, 999983) * 1.25 / 999983, CASE WHEN MOD(X, 5) = 0 THEN 2 ELSE 1 END"
                    + " FROM SYSTEM_RANGE(1, " + ROWS + ")");
        }
        try {
            long start = System.nanoTime();
            ZoneIndex.build(catalog.contextAdmins.get("Big"), "Big"); // as Catalog does when it opens the context
            System.out.printf("zone index of %,d rows built in %d ms%n", ROWS, (System.nanoTime() - start) / 1_000_000);
            Connection context = catalog.contextAdmins.get("Big");
            long inCone = count(context, "SELECT COUNT(*) FROM \"Big\".PhotoObjAll WHERE mode = 1 AND"
                    + " 2 * DEGREES(ASIN(SQRT(POWER(SIN(RADIANS(dec) / 2), 2)"
                    + " + COS(RADIANS(dec)) * POWER(SIN(RADIANS(ra - 180) / 2), 2)))) * 60 < 1");
            try (Statement s = context.createStatement()) {
                s.execute("SET QUERY_STATISTICS TRUE");
            }
            try (Connection user = catalog.connect(77, "Big")) {
                // The plan of the function's per-zone query: the linked table's index, not a scan.
                String plan = one(user, "EXPLAIN SELECT objID FROM Zone WHERE zoneID = 10800 AND ra BETWEEN 179.9 AND 180.1");
                assertTrue(plan.contains(": zoneID = 10800") && plan.contains("ra >= 179.9"), plan);
                assertFalse(plan.toLowerCase(java.util.Locale.ROOT).contains("scan"), plan);

                Map<String, Long> before = sentToZone(context); // linking and EXPLAIN ran some too
                long found = count(user, "SELECT COUNT(*) FROM dbo.fGetNearbyObjEq(180, 0, 1)");
                assertEquals(inCone, found, "the cone's objects");
                assertTrue(found > 20, "too sparse a test: " + found);
                Map<String, Long> sent = sentToZone(context);
                sent.replaceAll((sql, n) -> n - before.getOrDefault(sql, 0L));
                sent.values().removeIf(n -> n == 0);
                assertFalse(sent.isEmpty(), "the cone asked the context nothing");
                sent.keySet().forEach(sql -> assertTrue(sql.contains("zoneID") && sql.contains("WHERE"),
                        "a statement on Zone without the zone condition: " + sql));
                long statements = sent.values().stream().mapToLong(Long::longValue).sum();
                // 1' either side of the centre spans 4 or 5 zones of 30" (6 statements seen: a zone's
                // margin too); a scan would be one statement, with no condition
                assertTrue(statements <= 8, "statements the context ran for a 1' cone: " + sent);
                System.out.printf("1' cone on %,d rows: %d objects found by %d statements on the Zone index%n", ROWS,
                        found, statements);
            }
        } finally {
            catalog.close();
        }
    }

    /** Each statement the context database ran on its Zone table so far, with how often it ran. */
    private static Map<String, Long> sentToZone(Connection context) throws SQLException {
        Map<String, Long> sent = new java.util.TreeMap<>();
        try (Statement s = context.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT SQL_STATEMENT, EXECUTION_COUNT FROM INFORMATION_SCHEMA.QUERY_STATISTICS"
                + " WHERE SQL_STATEMENT LIKE '%Zone%' AND SQL_STATEMENT NOT LIKE '%QUERY_STATISTICS%'")) {
            while (rs.next()) {
                sent.put(rs.getString(1), rs.getLong(2));
            }
        }
        return sent;
    }

    private static long count(Connection c, String sql) throws SQLException {
        return Long.parseLong(one(c, sql));
    }

    private static String one(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
