package org.opencasjobs.catalog.sdss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencasjobs.dialect.Engine;
import org.opencasjobs.testing.Postgres;

/**
 * Every SkyServer function of {@link SkyFunctionContracts} gives the same answers on PostgreSQL
 * (q3c bodies, {@link PostgresSkyFunctions}) as on H2 (Java bodies over the Zone table), over the
 * same generated catalog; the functions read the context on the caller's search_path, with the
 * caller's privileges. PostgreSQL 15 and q3c required (CI: -Dpostgresql.required=true).
 */
class SkyFunctionsPostgresTest {
    private static final int ROWS = 5000;
    private static final long SEED = 7L;
    /** Distances may differ in the last bits (Java's and the C library's sin and cos). */
    private static final double TOLERANCE = 1e-9;
    private static Postgres.Database db;
    private static Connection pg;
    private static Connection h2;
    private static final Set<String> called = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);

    @BeforeAll
    static void generateBoth() throws SQLException {
        db = Postgres.newDatabase();
        pg = db.connect();
        h2 = DriverManager.getConnection("jdbc:h2:mem:skypg;MODE=MSSQLServer;DATABASE_TO_UPPER=FALSE;"
                + "CASE_INSENSITIVE_IDENTIFIERS=TRUE");
        try (Statement st = h2.createStatement()) {
            st.execute("CREATE SCHEMA \"Sample\"");
            st.execute("CREATE SCHEMA \"Stripe82\"");
        }
        for (String context : List.of(SdssSample.SAMPLE, SdssSample.STRIPE82)) {
            int rows = SdssSample.rowsFor(context, ROWS);
            SdssSample.generate(pg, Engine.POSTGRESQL, context, context, rows, SEED);
            LookupTables.build(pg, Engine.POSTGRESQL, context);
            SdssSample.generate(h2, Engine.H2, context, context, rows, SEED);
            ZoneIndex.build(h2, context);
            LookupTables.build(h2, context);
        }
        SkyFunctionInstaller.installPostgres(pg, SdssSample.SAMPLE);
        SkyFunctionInstaller.install(h2);
        context(SdssSample.SAMPLE);
    }

    @AfterAll
    static void close() throws SQLException {
        if (h2 != null) {
            h2.close();
        }
        if (pg != null) {
            pg.close();
        }
        if (db != null) {
            db.close();
        }
    }

    /** Both connections in a context, as a job's connection is. */
    private static void context(String context) throws SQLException {
        try (Statement st = h2.createStatement()) {
            st.execute("SET SCHEMA \"" + context + "\"");
            st.execute("SET SCHEMA_SEARCH_PATH \"" + context + "\", dbo");
        }
        try (Statement st = pg.createStatement()) {
            st.execute("SET search_path = " + context.toLowerCase(Locale.ROOT) + ", dbo, public");
        }
    }

    private static String literal(Object v) {
        return v == null ? "NULL" : v.toString();
    }

    /** The rows of a query, each value as text; doubles kept as numbers to compare within the tolerance. */
    private static List<List<Object>> rows(Connection c, String sql) throws SQLException {
        List<List<Object>> out = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    Object v = switch (md.getColumnType(i)) {
                        case Types.DOUBLE, Types.FLOAT, Types.REAL -> rs.getDouble(i);
                        case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT -> rs.getLong(i);
                        default -> rs.getString(i);
                    };
                    row.add(rs.wasNull() ? null : v);
                }
                out.add(row);
            }
        }
        return out;
    }

    private static void assertSame(List<List<Object>> expected, List<List<Object>> actual, String what) {
        assertEquals(expected.size(), actual.size(), what + ": rows\n" + expected + "\n" + actual);
        for (int r = 0; r < expected.size(); r++) {
            List<Object> e = expected.get(r);
            List<Object> a = actual.get(r);
            assertEquals(e.size(), a.size(), what + ": columns");
            for (int i = 0; i < e.size(); i++) {
                if (e.get(i) instanceof Double x && a.get(i) instanceof Double y) {
                    assertTrue(Math.abs(x - y) <= TOLERANCE || x.equals(y), what + " row " + r + " column " + i + ": " + x + " vs " + y);
                } else {
                    assertEquals(e.get(i), a.get(i), what + " row " + r + " column " + i);
                }
            }
        }
    }

    /** Calls a function with the same arguments on both engines and compares the answers. */
    private static List<List<Object>> same(String function, Object... args) throws SQLException {
        SkyFunctionContracts.Contract f = SkyFunctionContracts.named(function);
        called.add(f.name());
        List<String> a = new ArrayList<>();
        for (Object arg : args) {
            a.add(literal(arg));
        }
        String call = "(" + String.join(", ", a) + ")";
        String h2Sql = f.tableValued() ? "SELECT * FROM dbo." + f.name() + call : "SELECT dbo." + f.name() + call;
        String pgSql = f.tableValued() ? "SELECT * FROM dbo." + f.name().toLowerCase(Locale.ROOT) + call
                : "SELECT dbo." + f.name().toLowerCase(Locale.ROOT) + call;
        List<List<Object>> expected = rows(h2, h2Sql);
        assertSame(expected, rows(pg, pgSql), function + call);
        return expected;
    }

    /** Some objects' positions: every n-th by objID. */
    private static List<double[]> centres(int count) throws SQLException {
        List<double[]> out = new ArrayList<>();
        for (List<Object> r : rows(h2, "SELECT ra, dec FROM PhotoObjAll ORDER BY objID")) {
            out.add(new double[] {(Double) r.get(0), (Double) r.get(1)});
        }
        List<double[]> picked = new ArrayList<>();
        for (int k = 0; k < count && !out.isEmpty(); k++) {
            picked.add(out.get(k * out.size() / count));
        }
        return picked;
    }

    private static List<Long> longs(String sql) throws SQLException {
        List<Long> out = new ArrayList<>();
        for (List<Object> r : rows(h2, sql)) {
            out.add((Long) r.get(0));
        }
        return out;
    }

    @Test
    void conesAndRectanglesGiveTheSameObjects() throws SQLException {
        for (String context : List.of(SdssSample.SAMPLE, SdssSample.STRIPE82)) {
            context(context);
            int found = 0;
            for (double[] c : centres(12)) {
                for (double r : new double[] {0.5, 1, 2.5, 6}) {
                    for (String f : List.of("fGetNearbyObjEq", "fGetNearbyObjAllEq", "fGetNearestObjEq", "fGetNearestObjAllEq")) {
                        found += same(f, c[0], c[1], r).size();
                    }
                    double[] n = ZoneSearch.unit(c[0], c[1]);
                    for (String f : List.of("fGetNearbyObjXYZ", "fGetNearbyObjAllXYZ", "fGetNearestObjXYZ")) {
                        same(f, n[0], n[1], n[2], r);
                        same(f, 2 * n[0], 2 * n[1], 2 * n[2], r);
                    }
                    same("fGetNearestObjIdEq", c[0], c[1], r);
                    same("fGetNearestObjIdAllEq", c[0], c[1], r);
                    same("fFootprintEq", c[0], c[1], r);
                }
                double h = 0.05;
                found += same("fGetObjFromRectEq", c[0] - h, c[1] - h, c[0] + h, c[1] + h).size();
                same("fGetObjFromRect", c[0] - h, c[0] + h, c[1] - h, c[1] + h);
                same("fGetObjFromRectEq", c[0] - h, c[1] + h, c[0] + h, c[1] - h); // dec1 > dec2: nothing
                same("fGetNearbyObjEq", c[0] + 360, c[1], 1.0); // ra past 360
            }
            assertTrue(found > 100, "the searches found objects: " + found);
            // no radius, none, nowhere, the pole, the wrap at ra 0 and a zero vector
            same("fGetNearbyObjEq", 185.0, 0.0, 0.0);
            same("fGetNearbyObjEq", 185.0, 0.0, -1.0);
            same("fGetNearbyObjAllEq", null, 0.0, 1.0);
            same("fGetNearbyObjEq", 185.0, null, 1.0);
            same("fGetNearbyObjEq", 185.0, 0.0, null);
            same("fGetNearbyObjEq", 10.0, 89.999, 30.0);
            same("fGetNearbyObjAllEq", 0.02, 0.0, 6.0);
            same("fGetNearbyObjAllEq", 359.98, 0.5, 10.0);
            same("fGetObjFromRectEq", 359.8, -1.25, 0.2, 1.25);
            same("fGetObjFromRect", 359.9, 0.1, -1.25, 1.25);
            same("fGetNearbyObjXYZ", 0.0, 0.0, 0.0, 1.0);
            same("fFootprintEq", 185.0, 0.0, -1.0);
            same("fFootprintEq", 120.0, -60.0, 1.0);
            same("fGetNearestObjIdEq", 120.0, -60.0, 1.0);
        }
        context(SdssSample.SAMPLE);
    }

    @Test
    void lookupTablesHoldTheSameRowsAndTextIgnoresCase() throws SQLException {
        for (SdssConstants.Enumeration e : SdssConstants.ALL) {
            String sql = "SELECT name, \"value\", description FROM " + e.table() + " ORDER BY \"value\", description";
            List<List<Object>> rows = rows(h2, sql);
            assertEquals(e.values().size(), rows.size(), e.table());
            assertSame(rows, rows(pg, sql.replace(e.table(), e.table().toLowerCase(Locale.ROOT))), e.table());
        }
        assertEquals(List.of(List.of((Object) (1L << 18))),
                rows(pg, "SELECT \"value\" FROM photoflags WHERE name = 'saturated'"));
        LookupTables.build(pg, Engine.POSTGRESQL, "Sample"); // again: the tables are kept
        assertEquals(List.of(List.of((Object) 3L)), rows(pg, "SELECT \"value\" FROM phototype WHERE name = 'galaxy'"));
    }

    @Test
    void distancesAndTheConeWidth() throws SQLException {
        same("fDistanceArcMinEq", 185.0, 0.0, 185.01, 0.01);
        same("fDistanceArcMinEq", 0.0, 0.0, 359.99, 0.0);
        same("fDistanceArcMinEq", 10.0, 89.0, 190.0, 89.0);
        same("fDistanceArcMinEq", 10.0, 20.0, 10.0, 20.0);
        same("fDistanceArcMinEq", null, 1.0, 2.0, 3.0);
        same("fDistanceEq", 185.0, 0.0, 5.0, 0.0);
        same("fDistanceArcMinXYZ", 1.0, 0.0, 0.0, 0.0, 1.0, 0.0);
        same("fDistanceArcMinXYZ", 0.6, 0.8, 0.0, 0.6, 0.8, 0.0);
        same("fDistanceArcMinXYZ", 1.0, 0.0, 0.0, -1.0, 0.0, null);
        for (double[] a : new double[][] {{1, 0}, {0.5, 45}, {10, 75}, {0.1, 89.85}, {2, -30}, {0.01, 89.8}, {0, 0}}) {
            same("fGetAlpha", a[0], a[1]);
        }
        same("fGetAlpha", null, 1.0);
    }

    @Test
    void flagsAndTypesByNameAndByValue() throws SQLException {
        List<Long> flags = longs("SELECT DISTINCT flags FROM PhotoObjAll ORDER BY flags FETCH FIRST 25 ROWS ONLY");
        List<Long> status = longs("SELECT DISTINCT status FROM PhotoObjAll ORDER BY status FETCH FIRST 10 ROWS ONLY");
        List<Long> zWarning = longs("SELECT DISTINCT zWarning FROM SpecObjAll ORDER BY zWarning FETCH FIRST 10 ROWS ONLY");
        List<Long> starflag = longs("SELECT DISTINCT starflag FROM apogeeStar ORDER BY starflag FETCH FIRST 10 ROWS ONLY");
        List<Long> aspcap = longs("SELECT DISTINCT aspcapflag FROM aspcapStar ORDER BY aspcapflag FETCH FIRST 10 ROWS ONLY");
        List<Long> target = longs("SELECT DISTINCT apogee_target1 FROM apogeeStar ORDER BY apogee_target1 FETCH FIRST 10 ROWS ONLY");
        assertFalse(flags.isEmpty());
        Object[][] families = {
            {"fPhotoFlags", SdssConstants.PHOTO_FLAGS, flags}, {"fPhotoStatus", SdssConstants.PHOTO_STATUS, status},
            {"fPhotoType", SdssConstants.PHOTO_TYPE, List.of()}, {"fPhotoMode", SdssConstants.PHOTO_MODE, List.of()},
            {"fSpecClass", SdssConstants.SPEC_CLASS, List.of()}, {"fSpecZWarning", SdssConstants.SPEC_ZWARNING, zWarning},
            {"fApogeeStarFlag", SdssConstants.APOGEE_STAR_FLAG, starflag},
            {"fApogeeAspcapFlag", SdssConstants.APOGEE_ASPCAP_FLAG, aspcap},
            {"fApogeeTarget1", SdssConstants.APOGEE_TARGET1, target}};
        for (Object[] family : families) {
            String f = (String) family[0];
            SdssConstants.Enumeration e = (SdssConstants.Enumeration) family[1];
            for (SdssConstants.Constant c : e.values()) {
                same(f, "'" + c.name() + "'");
                same(f + "N", c.value());
            }
            same(f, "' " + e.values().get(0).name().toLowerCase(Locale.ROOT) + " '");
            same(f, "'NO_SUCH_NAME'");
            same(f, (Object) null);
            same(f + "N", (Object) null);
            same(f + "N", 0L);
            same(f + "N", 99L);
            same(f + "N", -1L);
            @SuppressWarnings("unchecked")
            List<Long> seen = (List<Long>) family[2];
            for (Long v : seen) {
                same(f + "N", v);
            }
        }
        assertEquals("OK", same("fSpecZWarningN", 0L).get(0).get(0));
        assertEquals("NULL", same("fSpecZWarningN", (Object) null).get(0).get(0));
    }

    @Test
    void objIdsTheirPartsAndTheObjectsThatHaveThem() throws SQLException {
        List<Long> ids = longs("SELECT objID FROM PhotoObjAll ORDER BY objID");
        List<Long> some = List.of(ids.get(0), ids.get(ids.size() / 3), ids.get(ids.size() / 2), ids.get(ids.size() - 1));
        for (long id : some) {
            for (String f : List.of("fSkyVersion", "fRerun", "fRun", "fCamcol", "fField", "fObj", "fSDSS", "fPrimaryObjID", "fObjID")) {
                same(f, id);
            }
            long other = id ^ SkyScalarFunctions.FIRST_FIELD_BIT;
            same("fPrimaryObjID", other);
            same("fObjID", other);
        }
        long parent = longs("SELECT MIN(objID) FROM PhotoObjAll WHERE mode = 3").get(0);
        assertEquals(0L, same("fPrimaryObjID", parent).get(0).get(0));
        assertEquals(parent, same("fObjID", parent).get(0).get(0));
        same("fObjID", 42L);
        same("fObjID", (Object) null);
        same("fSDSS", (Object) null);
        same("fRun", (Object) null);
        same("fSkyVersion", -1L);
        same("fFirstFieldBit");
        same("fObjidFromSDSS", 2, 3704, 301, 3, 91, 146);
        same("fObjidFromSDSS", -1, 3704, 301, 3, 91, 146);
        same("fObjidFromSDSS", 2, null, 301, 3, 91, 146);
        same("fObjidFromSDSSWithFF", 2, 3704, 301, 3, 91, 146, 1);
        same("fObjidFromSDSSWithFF", 2, 3704, 301, 3, 91, 146, null);
        assertNull(same("fObjidFromSDSS", 2, null, 301, 3, 91, 146).get(0).get(0));
    }

    @Test
    void timesAndAnglesAsText() throws SQLException {
        for (Double mjd : new Double[] {51578.0, 51578.123456789, 55000.5, 58000.99999999, 0.0, 1.0E-4, 53000.041666666664, null}) {
            same("fMJDToGMT", mjd);
        }
        for (String f : List.of("fHMS", "fDMS")) {
            for (Double deg : new Double[] {0.0, 185.123456, -12.3456789, 359.99999999, 0.00001, -0.0, 89.999999, 15.0, null}) {
                same(f, deg);
                for (Object[] tp : new Object[][] {{1, 3}, {0, 0}, {0, 12}, {null, null}, {0, 5}, {1, 1}}) {
                    same(f + "base", deg, tp[0], tp[1]);
                }
            }
        }
        assertEquals("12:20:29.63", same("fHMS", 185.123456).get(0).get(0));
    }

    @Test
    void everyContractHasAPostgresBodyAndIsCompared() throws SQLException {
        assertTrue(new PostgresSkyFunctions("public").coversEveryContract());
        conesAndRectanglesGiveTheSameObjects();
        distancesAndTheConeWidth();
        flagsAndTypesByNameAndByValue();
        objIdsTheirPartsAndTheObjectsThatHaveThem();
        timesAndAnglesAsText();
        Set<String> all = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        SkyFunctionContracts.ALL.forEach(f -> all.add(f.name()));
        all.removeAll(called);
        assertEquals(Set.of(), all, "functions no test compares");
    }

    @Test
    void functionsReadTheContextOnTheSearchPathWithTheCallersRights() throws SQLException {
        try (Statement st = pg.createStatement()) {
            long stripe = longOf(st, "SELECT objid FROM stripe82.photoobjall ORDER BY objid FETCH FIRST 1 ROWS ONLY");
            String centre = "(SELECT ra FROM stripe82.photoobjall WHERE objid = " + stripe + "), "
                    + "(SELECT dec FROM stripe82.photoobjall WHERE objid = " + stripe + ")";
            st.execute("SET search_path = stripe82, dbo, public");
            assertEquals(stripe, longOf(st, "SELECT objid FROM fgetnearbyobjalleq(" + centre + ", 0.001)"));
            st.execute("SET search_path = sample, dbo, public");
            assertEquals(0, longOf(st, "SELECT COUNT(*) FROM fgetnearbyobjalleq(" + centre + ", 0.001) n"
                    + " WHERE n.objid = " + stripe));
            // a schema without photoobjall (a MyDB) reads the default context's, through dbo.photoobjall
            st.execute("CREATE SCHEMA mydb_1");
            st.execute("SET search_path = mydb_1, dbo, public");
            long sample = longOf(st, "SELECT objid FROM sample.photoobjall WHERE mode = 1 ORDER BY objid FETCH FIRST 1 ROWS ONLY");
            assertEquals(sample, longOf(st, "SELECT fgetnearestobjideq(p.ra, p.dec, 0.01) FROM sample.photoobjall p"
                    + " WHERE p.objid = " + sample));
            st.execute("SET search_path = sample, dbo, public");
        }
        // a role that may not read the context cannot read it through a function either (SECURITY INVOKER)
        String role = "skyreader" + ProcessHandle.current().pid();
        String password = Postgres.newLoginRole(role);
        try (Statement st = pg.createStatement()) {
            st.execute("GRANT USAGE ON SCHEMA sample TO " + role); // dbo: PUBLIC's already
        }
        try (Connection u = db.connectAs(role, password); Statement st = u.createStatement()) {
            st.execute("SET search_path = sample, dbo, public");
            assertEquals("'SATURATED'", "'" + stringOf(st, "SELECT fphotoflagsn(fphotoflags('saturated'))").strip() + "'");
            SQLException denied = assertThrows(SQLException.class, () -> st.executeQuery("SELECT * FROM fgetnearbyobjeq(185, 0, 1)"));
            assertEquals("42501", denied.getSQLState(), denied.getMessage());
        }
        try (Statement st = pg.createStatement()) {
            st.execute("GRANT SELECT ON ALL TABLES IN SCHEMA sample TO " + role);
        }
        try (Connection u = db.connectAs(role, password); Statement st = u.createStatement()) {
            st.execute("SET search_path = sample, dbo, public");
            double[] c = centres(1).get(0);
            assertTrue(longOf(st, "SELECT COUNT(*) FROM fgetnearbyobjeq(" + c[0] + ", " + c[1] + ", 1)") > 0);
            SQLException readOnly = assertThrows(SQLException.class, () -> st.execute("DELETE FROM photoobjall"));
            assertEquals("42501", readOnly.getSQLState());
        }
    }

    private static long longOf(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            assertTrue(rs.next(), sql);
            return rs.getLong(1);
        }
    }

    private static String stringOf(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            assertTrue(rs.next(), sql);
            return rs.getString(1);
        }
    }
}
