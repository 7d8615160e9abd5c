package org.opencasjobs.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencasjobs.config.ServerConfig;
import org.opencasjobs.jobs.MyDb;

/**
 * The SkyServer functions as a user calls them: a context {@code Sky} with a PhotoObjAll of
 * 30,000 objects (uniform on the sphere, crowded at both poles and across ra 0/360), whose zone
 * index {@link Catalog} builds when it opens the context, and a MyDB in which
 * {@code Catalog.provision} installed the functions. Every cone and rectangle is compared with
 * a brute-force great-circle distance over the same objects.
 */
class SkyFunctionsCatalogTest {
    private static final long WSID = 4242;
    static Path dir;
    static H2Catalog catalog;
    /** objID → {ra, dec, mode}. */
    static final Map<Long, double[]> OBJECTS = new HashMap<>();

    @BeforeAll
    static void open() throws Exception {
        dir = Files.createTempDirectory("opencasjobs-sky");
        ServerConfig config = ServerConfig.of(Map.of("casjobs.data.dir", dir.toString(), "casjobs.sample.rows", "50",
                "casjobs.contexts", "Sample,Sky,Empty"));
        catalog = H2Catalog.open(config);
        fill(catalog.contextAdmins.get("Sky"));
        catalog.close();
        catalog = H2Catalog.open(config); // opening the context builds its zone index
    }

    @AfterAll
    static void close() throws Exception {
        catalog.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static void fill(Connection admin) throws SQLException {
        try (Statement s = admin.createStatement()) {
            s.execute("CREATE TABLE \"Sky\".PhotoObjAll (objID BIGINT PRIMARY KEY, ra FLOAT, dec FLOAT, type INT,"
                    + " mode TINYINT, flags BIGINT, run INT, rerun INT, camcol INT, field INT)");
        }
        Random rnd = new Random(20240611L);
        try (PreparedStatement ps = admin.prepareStatement(
                "INSERT INTO \"Sky\".PhotoObjAll VALUES (?, ?, ?, ?, ?, ?, ?, 301, ?, ?)")) {
            for (int i = 0; i < 30_000; i++) {
                double ra;
                double dec;
                switch (i % 6) {
                    case 0, 1 -> { // uniform on the sphere
                        ra = 360 * rnd.nextDouble();
                        dec = Math.toDegrees(Math.asin(2 * rnd.nextDouble() - 1));
                    }
                    case 2 -> { // within 3 degrees of the north pole
                        ra = 360 * rnd.nextDouble();
                        dec = 90 - 3 * rnd.nextDouble();
                    }
                    case 3 -> {
                        ra = 360 * rnd.nextDouble();
                        dec = -90 + 3 * rnd.nextDouble();
                    }
                    default -> { // a band across ra 0/360
                        ra = ((rnd.nextDouble() * 2 - 1) + 360) % 360;
                        dec = rnd.nextDouble() * 4 - 2;
                    }
                }
                int run = 94 + i % 7;
                int camcol = 1 + i % 6;
                int field = 11 + i / 1000;
                long objID = (2L << 59) + (301L << 48) + ((long) run << 32) + ((long) camcol << 29) + ((long) field << 16) + i;
                int mode = rnd.nextInt(5) == 0 ? 2 : 1;
                ps.setLong(1, objID);
                ps.setDouble(2, ra);
                ps.setDouble(3, dec);
                ps.setInt(4, rnd.nextBoolean() ? 3 : 6);
                ps.setInt(5, mode);
                ps.setLong(6, rnd.nextBoolean() ? 0x40000L : 0x8L);
                ps.setInt(7, run);
                ps.setInt(8, camcol);
                ps.setInt(9, field);
                ps.addBatch();
                OBJECTS.put(objID, new double[] {ra, dec, mode});
            }
            ps.executeBatch();
        }
    }

    /** The haversine great-circle distance in arcmin: another formula than the functions' chord. */
    static double haversineArcmin(double ra1, double dec1, double ra2, double dec2) {
        double p1 = Math.toRadians(dec1);
        double p2 = Math.toRadians(dec2);
        double dp = p2 - p1;
        double dl = Math.toRadians(ra2 - ra1);
        double h = Math.sin(dp / 2) * Math.sin(dp / 2) + Math.cos(p1) * Math.cos(p2) * Math.sin(dl / 2) * Math.sin(dl / 2);
        return Math.toDegrees(2 * Math.asin(Math.min(1, Math.sqrt(h)))) * 60;
    }

    private static Map<Long, Double> rows(Connection c, String sql, Object... args) throws SQLException {
        Map<Long, Double> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                boolean hasDistance = rs.getMetaData().getColumnCount() > 1;
                while (rs.next()) {
                    assertFalse(out.containsKey(rs.getLong(1)), "an object twice: " + rs.getLong(1));
                    out.put(rs.getLong(1), hasDistance ? rs.getDouble(2) : 0.0);
                }
            }
        }
        return out;
    }

    /** Checks one cone against brute force; returns how many objects it found. */
    private static int checkCone(Connection c, double ra, double dec, double r, boolean all) throws SQLException {
        Map<Long, Double> got = rows(c, "SELECT objID, distance FROM dbo." + (all ? "fGetNearbyObjAllEq" : "fGetNearbyObjEq")
                + "(?, ?, ?)", ra, dec, r);
        String cone = "cone (" + ra + ", " + dec + ", " + r + "')";
        int expected = 0;
        for (Map.Entry<Long, double[]> o : OBJECTS.entrySet()) {
            double[] v = o.getValue();
            if (!all && v[2] != 1) {
                assertFalse(got.containsKey(o.getKey()), cone + " returned a secondary object");
                continue;
            }
            double d = haversineArcmin(ra, dec, v[0], v[1]);
            if (Math.abs(d - r) < 1e-4) {
                continue; // on the edge, within rounding: either answer is right
            }
            if (d < r) {
                expected++;
                assertTrue(got.containsKey(o.getKey()), () -> cone + " missed " + o.getKey() + " at " + d + "'");
                assertEquals(d, got.get(o.getKey()), 1e-3, cone + " distance of " + o.getKey());
            } else {
                assertFalse(got.containsKey(o.getKey()), () -> cone + " returned " + o.getKey() + " at " + d + "'");
            }
        }
        return expected;
    }

    @Test
    void conesEqualBruteForceAcrossRaZeroThePolesAndAllRadii() throws Exception {
        Random rnd = new Random(7);
        int found = 0;
        try (Connection c = catalog.connect(WSID, "Sky")) {
            for (int i = 0; i < 160; i++) {
                double ra;
                double dec;
                switch (i % 4) {
                    case 0 -> { // across ra 0/360
                        ra = rnd.nextBoolean() ? 360 - rnd.nextDouble() * 0.2 : rnd.nextDouble() * 0.2;
                        dec = rnd.nextDouble() * 4 - 2;
                    }
                    case 1 -> { // |dec| > 85, the pole itself included
                        ra = 360 * rnd.nextDouble();
                        dec = (i % 8 == 1 ? 90 : 85 + 5 * rnd.nextDouble()) * (rnd.nextBoolean() ? 1 : -1);
                    }
                    default -> {
                        ra = 360 * rnd.nextDouble();
                        dec = Math.toDegrees(Math.asin(2 * rnd.nextDouble() - 1));
                    }
                }
                double r = switch (i % 5) {
                    case 0 -> 0;
                    case 1 -> 0.5 + rnd.nextDouble() * 10;
                    case 2 -> 10 + rnd.nextDouble() * 100;
                    case 3 -> 100 + rnd.nextDouble() * 600;
                    default -> i % 20 == 4 ? 5400 + rnd.nextDouble() * 6000 : 600 + rnd.nextDouble() * 1200;
                };
                int n = checkCone(c, ra, dec, r, i % 2 == 0);
                if (r == 0) {
                    assertEquals(0, n);
                }
                found += n;
            }
        }
        assertTrue(found > 10_000, "the cones found few objects: " + found);
    }

    @Test
    void theWholeSkyAndNegativeOrNullRadii() throws Exception {
        try (Connection c = catalog.connect(WSID, "Sky")) {
            assertEquals(OBJECTS.size(), rows(c, "SELECT objID FROM dbo.fGetNearbyObjAllEq(12, 34, 10801)").size());
            assertEquals(0, rows(c, "SELECT objID FROM dbo.fGetNearbyObjAllEq(12, 34, -1)").size());
            assertEquals(0, rows(c, "SELECT objID FROM dbo.fGetNearbyObjAllEq(12, 34, ?)", (Object) null).size());
        }
    }

    @Test
    void nearestAndXyzVariantsAgreeWithTheCone() throws Exception {
        Random rnd = new Random(11);
        try (Connection c = catalog.connect(WSID, "Sky")) {
            for (int i = 0; i < 40; i++) {
                double ra = i % 2 == 0 ? 360 * rnd.nextDouble() : 359.95 + rnd.nextDouble() * 0.1 - (i % 4 == 1 ? 0 : 360);
                double dec = i % 3 == 0 ? 88 + rnd.nextDouble() * 2 : rnd.nextDouble() * 2 - 1;
                double r = 5 + rnd.nextDouble() * 60;
                Long nearest = null;
                double best = Double.MAX_VALUE;
                for (Map.Entry<Long, double[]> o : OBJECTS.entrySet()) {
                    double d = haversineArcmin(ra, dec, o.getValue()[0], o.getValue()[1]);
                    if (o.getValue()[2] == 1 && d < r && d < best) {
                        best = d;
                        nearest = o.getKey();
                    }
                }
                Map<Long, Double> one = rows(c, "SELECT objID, distance FROM dbo.fGetNearestObjEq(?, ?, ?)", ra, dec, r);
                assertEquals(nearest == null ? Set.of() : Set.of(nearest), one.keySet());
                try (PreparedStatement ps = c.prepareStatement("SELECT dbo.fGetNearestObjIdEq(?, ?, ?)")) {
                    ps.setDouble(1, ra);
                    ps.setDouble(2, dec);
                    ps.setDouble(3, r);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        assertEquals(nearest, rs.getObject(1) == null ? null : rs.getLong(1));
                    }
                }
                double[] n = {Math.cos(Math.toRadians(dec)) * Math.cos(Math.toRadians(ra)),
                        Math.cos(Math.toRadians(dec)) * Math.sin(Math.toRadians(ra)), Math.sin(Math.toRadians(dec))};
                assertEquals(rows(c, "SELECT objID FROM dbo.fGetNearbyObjEq(?, ?, ?)", ra, dec, r).keySet(),
                        rows(c, "SELECT objID FROM dbo.fGetNearbyObjXYZ(?, ?, ?, ?)", n[0], n[1], n[2], r).keySet());
                assertEquals(rows(c, "SELECT objID FROM dbo.fGetNearbyObjAllEq(?, ?, ?)", ra, dec, r).keySet(),
                        rows(c, "SELECT objID FROM dbo.fGetNearbyObjAllXYZ(?, ?, ?, ?)", n[0], n[1], n[2], r).keySet());
            }
        }
    }

    @Test
    void rectanglesEqualBruteForceAcrossRaZeroAndNearThePoles() throws Exception {
        Random rnd = new Random(13);
        try (Connection c = catalog.connect(WSID, "Sky")) {
            for (int i = 0; i < 40; i++) {
                double ra1 = i % 2 == 0 ? 359 + rnd.nextDouble() * 0.9 : 360 * rnd.nextDouble();
                double width = rnd.nextDouble() * (i % 5 == 0 ? 300 : 3);
                double ra2 = (ra1 + width) % 360;
                double dec1 = i % 3 == 0 ? 86 + rnd.nextDouble() * 3 : rnd.nextDouble() * 3 - 2;
                double dec2 = dec1 + rnd.nextDouble() * 2;
                Set<Long> expected = new TreeSet<>();
                for (Map.Entry<Long, double[]> o : OBJECTS.entrySet()) {
                    double[] v = o.getValue();
                    double east = ((v[0] - ra1) % 360 + 360) % 360;
                    if (v[2] == 1 && v[1] > dec1 && v[1] < dec2 && east > 0 && east < width) {
                        expected.add(o.getKey());
                    }
                }
                assertEquals(expected, new TreeSet<>(rows(c, "SELECT objID FROM dbo.fGetObjFromRectEq(?, ?, ?, ?)",
                        ra1, dec1, ra2, dec2).keySet()), "rectangle " + ra1 + ".." + ra2 + ", " + dec1 + ".." + dec2);
                assertEquals(expected, new TreeSet<>(rows(c, "SELECT objID FROM dbo.fGetObjFromRect(?, ?, ?, ?)",
                        ra1, ra2, dec1, dec2).keySet()));
            }
        }
    }

    @Test
    void functionsWorkUnqualifiedInJoinsAndInWhereClauses() throws Exception {
        try (Connection c = catalog.connect(WSID, "Sky"); Statement s = c.createStatement()) {
            long cone = count(s, "SELECT COUNT(*) FROM dbo.fGetNearbyObjEq(0.5, 0, 30)");
            assertTrue(cone > 10, "few objects in the test cone: " + cone);
            assertEquals(cone, count(s, "SELECT COUNT(*) FROM fGetNearbyObjEq(0.5, 0, 30)"));
            assertEquals(cone, count(s, "SELECT COUNT(*) FROM dbo.FGETNEARBYOBJEQ(0.5, 0, 30)"));
            assertEquals(cone, count(s, "SELECT COUNT(*) FROM dbo.fGetNearbyObjEq(0.5, 0, 30) n"
                    + " JOIN PhotoObjAll p ON p.objID = n.objID WHERE p.mode = 1"));
            long saturated = count(s, "SELECT COUNT(*) FROM dbo.fGetNearbyObjEq(0.5, 0, 30) n JOIN PhotoObjAll p"
                    + " ON p.objID = n.objID WHERE BITAND(p.flags, dbo.fPhotoFlags('SATURATED')) <> 0");
            long blended = count(s, "SELECT COUNT(*) FROM fGetNearbyObjEq(0.5, 0, 30) n JOIN PhotoObjAll p"
                    + " ON p.objID = n.objID WHERE BITAND(p.flags, fPhotoFlags('blended')) <> 0");
            assertEquals(cone, saturated + blended);
            assertTrue(saturated > 0 && blended > 0);
            assertEquals(OBJECTS.size(), count(s, "SELECT COUNT(*) FROM Zone"));
            assertEquals(64, count(s, "SELECT COUNT(*) FROM PhotoFlags"));
            assertEquals(6, count(s, "SELECT \"value\" FROM PhotoType WHERE name = 'STAR'"));
        }
        // From MyDB the functions read the first context with a Zone table: Sample first.
        try (Connection my = catalog.connect(WSID, MyDb.NAME); Statement m = my.createStatement();
             Connection sample = catalog.connect(WSID, "Sample"); Statement s = sample.createStatement()) {
            String allSky = "SELECT COUNT(*) FROM dbo.fGetNearbyObjAllEq(180, 0, 10800)";
            assertTrue(count(s, allSky) > 0);
            assertEquals(count(s, allSky), count(m, allSky));
        }
        // A context has a zone index exactly when it has a PhotoObjAll; in one without, the cone
        // functions say what they miss rather than read another context.
        try (Connection c = catalog.connect(WSID, "Empty"); Statement s = c.createStatement()) {
            SQLException e = assertThrows(SQLException.class,
                    () -> count(s, "SELECT COUNT(*) FROM dbo.fGetNearbyObjEq(180, 0, 3)"));
            assertTrue(e.getMessage().contains("context Empty has no Zone table"), e.getMessage());
        }
    }

    /**
     * H2 has no LATERAL, so {@code FROM MyDB.targets q CROSS APPLY dbo.fGetNearbyObjEq(q.ra, q.dec, 10) n}
     * cannot run as written; the join on Zone that {@link org.opencasjobs.catalog.sdss.SkyFunctionContracts}
     * describes for the dialect gives, for every target, exactly the function's rows.
     */
    @Test
    void crossApplyRewrittenAsAZoneJoinGivesTheFunctionsRowsForEveryTarget() throws Exception {
        Random rnd = new Random(17);
        try (Connection c = catalog.connect(WSID, "Sky"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE MyDB.targets (id INT, ra FLOAT, dec FLOAT)");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO MyDB.targets VALUES (?, ?, ?)")) {
                for (int i = 0; i < 40; i++) {
                    ps.setInt(1, i);
                    ps.setDouble(2, i % 2 == 0 ? (rnd.nextDouble() * 0.4 + 359.8) % 360 : 360 * rnd.nextDouble());
                    ps.setDouble(3, i % 4 == 1 ? 89.5 + rnd.nextDouble() * 0.5 : rnd.nextDouble() * 2 - 1);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            Set<String> perRow = new TreeSet<>();
            try (ResultSet t = c.createStatement().executeQuery("SELECT id, ra, dec FROM MyDB.targets")) {
                while (t.next()) {
                    for (long objID : rows(c, "SELECT objID FROM dbo.fGetNearbyObjEq(?, ?, 10)", t.getDouble(2),
                            t.getDouble(3)).keySet()) {
                        perRow.add(t.getInt(1) + ":" + objID);
                    }
                }
            }
            String rewritten = "SELECT q.id, n.objID FROM MyDB.targets q"
                    + " JOIN SYSTEM_RANGE(-21, 21) dz ON 1 = 1" // zones within 10' (+1) of the target's
                    + " JOIN (VALUES (-360.0), (0.0), (360.0)) w(shift)"
                    + "   ON q.ra + w.shift - dbo.fGetAlpha(10 / 60.0, q.dec) < 360"
                    + "  AND q.ra + w.shift + dbo.fGetAlpha(10 / 60.0, q.dec) >= 0"
                    + " LEFT JOIN Zone n ON n.zoneID = CAST(FLOOR((q.dec + 90) * 120) + dz.X AS INT)"
                    + "  AND n.ra >= q.ra + w.shift - dbo.fGetAlpha(10 / 60.0, q.dec)"
                    + "  AND n.ra < q.ra + w.shift + dbo.fGetAlpha(10 / 60.0, q.dec)"
                    + " WHERE n.mode = 1 AND dbo.fDistanceArcMinXYZ(n.cx, n.cy, n.cz, COS(RADIANS(q.dec)) * COS(RADIANS(q.ra)),"
                    + "   COS(RADIANS(q.dec)) * SIN(RADIANS(q.ra)), SIN(RADIANS(q.dec))) < 10";
            List<String> joined = new java.util.ArrayList<>();
            try (ResultSet rs = s.executeQuery(rewritten)) {
                while (rs.next()) {
                    joined.add(rs.getInt(1) + ":" + rs.getLong(2));
                }
            }
            assertEquals(joined.size(), new TreeSet<>(joined).size(), "a match twice");
            assertEquals(perRow, new TreeSet<>(joined));
            assertTrue(perRow.size() > 400, "few matches: " + perRow.size());
            try (ResultSet rs = s.executeQuery("EXPLAIN " + rewritten)) {
                rs.next();
                String plan = rs.getString(1);
                assertTrue(plan.matches("(?s).*LEFT OUTER JOIN \"Sky\".\"Zone\" \"n\"\\s*/\\* Sky.\"\": zoneID = .*"), plan);
            }
        }
    }

    @Test
    void scalarFunctionsGiveSkyServersValues() throws Exception {
        try (Connection c = catalog.connect(WSID, "Sky"); Statement s = c.createStatement()) {
            assertEquals("262144", one(s, "SELECT dbo.fPhotoFlags('SATURATED')"));
            assertEquals("SATURATED BLENDED ", one(s, "SELECT dbo.fPhotoFlagsN(262152)"));
            assertEquals("6", one(s, "SELECT dbo.fPhotoType('Star')"));
            assertEquals("GALAXY", one(s, "SELECT dbo.fPhotoTypeN(3)"));
            assertEquals("1", one(s, "SELECT dbo.fPhotoMode('Primary')"));
            assertEquals("SECONDARY", one(s, "SELECT dbo.fPhotoModeN(2)"));
            assertEquals("8192", one(s, "SELECT dbo.fPhotoStatus('PRIMARY')"));
            assertEquals("PRIMARY GOOD ", one(s, "SELECT dbo.fPhotoStatusN(8194)"));
            assertEquals("128", one(s, "SELECT dbo.fSpecZWarning('UNPLUGGED')"));
            assertEquals("OK", one(s, "SELECT dbo.fSpecZWarningN(0)"));
            assertEquals("MANY_OUTLIERS SMALL_DELTA_CHI2 ", one(s, "SELECT dbo.fSpecZWarningN(20)"));
            assertEquals("3", one(s, "SELECT dbo.fSpecClass('QSO')"));
            assertEquals("GAL_EM", one(s, "SELECT dbo.fSpecClassN(7)"));
            assertEquals("2147483648", one(s, "SELECT dbo.fApogeeAspcapFlag('NO_ASPCAP_RESULT')"));
            assertEquals("STAR_BAD ", one(s, "SELECT dbo.fApogeeAspcapFlagN(8388608)"));
            assertEquals("16", one(s, "SELECT dbo.fApogeeStarFlag('LOW_SNR')"));
            assertEquals("LOW_SNR BAD_PIXELS ", one(s, "SELECT dbo.fApogeeStarFlagN(17)"));
            assertEquals("4", one(s, "SELECT dbo.fApogeeTarget1('APOGEE_BRIGHT')"));
            assertEquals("APOGEE_CHECKED ", one(s, "SELECT dbo.fApogeeTarget1N(2147483648)"));
            assertNull(one(s, "SELECT dbo.fPhotoFlags('NO_SUCH_FLAG')"));
            // objIDs: SkyServer's example objID of run 94, rerun 301, camcol 1, field 11, obj 9
            assertEquals("1237645876861272073", one(s, "SELECT dbo.fObjidFromSDSS(2, 94, 301, 1, 11, 9)"));
            assertEquals("2-94-301-1-11-9", one(s, "SELECT dbo.fSDSS(1237645876861272073)"));
            assertEquals("94 301 1 11 9 2", one(s, "SELECT CONCAT_WS(' ', dbo.fRun(1237645876861272073),"
                    + " dbo.fRerun(1237645876861272073), dbo.fCamcol(1237645876861272073), dbo.fField(1237645876861272073),"
                    + " dbo.fObj(1237645876861272073), dbo.fSkyVersion(1237645876861272073))"));
            assertEquals("268435456", one(s, "SELECT dbo.fFirstFieldBit()"));
            // times and angles (SkyServer's own examples)
            assertEquals("2000-01-01 00:00:00.000", one(s, "SELECT dbo.fMJDToGMT(51544)"));
            assertEquals("1858-11-17 12:00:00.000", one(s, "SELECT dbo.fMJDToGMT(0.5)"));
            assertEquals("2132-08-31 12:00:00.000", one(s, "SELECT dbo.fMJDToGMT(99999.5)"));
            assertEquals("12:30:00.00", one(s, "SELECT dbo.fHMS(187.5)"));
            assertEquals("+87:30:00.00", one(s, "SELECT dbo.fDMS(87.5)"));
            assertEquals("-00:30:36.00", one(s, "SELECT dbo.fDMS(-0.51)"));
            assertEquals("12:30:00.000", one(s, "SELECT dbo.fHMSBase(187.5, 1, 3)"));
            assertEquals("+87:30:00.0000", one(s, "SELECT dbo.fDMSbase(87.5, 1, 4)"));
            assertEquals("01:00:59.99", one(s, "SELECT dbo.fHMSbase(15.2499999, 1, 2)"));
            assertEquals(60.0, Double.parseDouble(one(s, "SELECT dbo.fDistanceArcMinEq(185, 0, 185, 1)")), 1e-9);
            assertEquals(60.0, Double.parseDouble(one(s, "SELECT dbo.fDistanceEq(0.5, 0, 359.5, 0)")), 1e-9);
            assertEquals(5400.0, Double.parseDouble(one(s, "SELECT dbo.fDistanceArcMinXYZ(1, 0, 0, 0, 0, 1)")), 1e-9);
            assertEquals(1.0, Double.parseDouble(one(s, "SELECT dbo.fGetAlpha(1, 0)")), 1e-12);
            assertEquals(2.0, Double.parseDouble(one(s, "SELECT dbo.fGetAlpha(1, 60)")), 1e-3); // 1 / cos 60
            assertEquals("180.0", one(s, "SELECT dbo.fGetAlpha(1, 89)"));
        }
    }

    @Test
    void primaryObjIdFindsTheObjectWhicheverItsFirstFieldBit() throws Exception {
        long primary = OBJECTS.entrySet().stream().filter(e -> e.getValue()[2] == 1).findFirst().orElseThrow().getKey();
        long secondary = OBJECTS.entrySet().stream().filter(e -> e.getValue()[2] == 2).findFirst().orElseThrow().getKey();
        try (Connection c = catalog.connect(WSID, "Sky"); Statement s = c.createStatement()) {
            assertEquals(String.valueOf(primary), one(s, "SELECT dbo.fPrimaryObjID(" + (primary | 0x10000000L) + ")"));
            assertEquals("0", one(s, "SELECT dbo.fPrimaryObjID(" + secondary + ")"));
            assertEquals(String.valueOf(secondary), one(s, "SELECT dbo.fObjID(" + secondary + ")"));
        }
    }

    @Test
    void usersCallTheFunctionsButCannotChangeThem() throws Exception {
        try (Connection c = catalog.connect(WSID, "Sky"); Statement s = c.createStatement()) {
            for (String sql : List.of("CREATE ALIAS MyDB.getp FOR 'java.lang.System.getProperty'",
                    "DROP ALIAS dbo.fPhotoFlags", "CREATE ALIAS dbo.x FOR 'java.lang.System.getProperty'",
                    "INSERT INTO Zone (zoneID, ra, dec, objID, type, mode, cx, cy, cz) VALUES (1, 1, 1, 1, 1, 1, 1, 1, 1)")) {
                assertThrows(SQLException.class, () -> s.execute(sql), sql);
            }
            assertEquals("262144", one(s, "SELECT dbo.fPhotoFlags('SATURATED')"));
        }
    }

    @Test
    void theZoneIndexIsMadeAgainWhenPhotoObjAllChanges() throws Exception {
        Connection admin = catalog.contextAdmins.get("Sky");
        assertFalse(org.opencasjobs.catalog.sdss.ZoneIndex.needsBuild(admin, "Sky"));
        try (Statement s = admin.createStatement()) {
            s.execute("INSERT INTO \"Sky\".PhotoObjAll (objID, ra, dec, mode) VALUES (1, 10, 10, 1)");
            assertTrue(org.opencasjobs.catalog.sdss.ZoneIndex.needsBuild(admin, "Sky"));
            s.execute("DELETE FROM \"Sky\".PhotoObjAll WHERE objID = 1");
        }
        assertFalse(org.opencasjobs.catalog.sdss.ZoneIndex.needsBuild(admin, "Sky"));
    }

    private static long count(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String one(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
