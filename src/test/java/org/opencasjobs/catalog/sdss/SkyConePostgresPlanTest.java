package org.opencasjobs.catalog.sdss;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencasjobs.dialect.Engine;
import org.opencasjobs.testing.Postgres;

/**
 * The cone functions on PostgreSQL use photoobjall's q3c index, called alone and under LATERAL
 * (CROSS APPLY), on a Sample large enough (50,000 rows, analysed) that a scan would cost the
 * planner more; and a 1' cone reads few rows of it.
 */
class SkyConePostgresPlanTest {
    private static final int ROWS = 50_000;
    private static final String INDEX = "ix_photoobjall_q3c";
    private static Postgres.Database db;
    private static Connection pg;
    private static double ra;
    private static double dec;

    @BeforeAll
    static void generate() throws SQLException {
        db = Postgres.newDatabase();
        pg = db.connect();
        SdssSample.generate(pg, Engine.POSTGRESQL, SdssSample.SAMPLE, SdssSample.SAMPLE, ROWS, 20031118L);
        SkyFunctionInstaller.installPostgres(pg, SdssSample.SAMPLE);
        try (Statement st = pg.createStatement()) {
            st.execute("SET search_path = sample, dbo, public");
            try (ResultSet rs = st.executeQuery("SELECT ra, dec FROM photoobjall WHERE mode = 1 ORDER BY objid OFFSET 1234 LIMIT 1")) {
                rs.next();
                ra = rs.getDouble(1);
                dec = rs.getDouble(2);
            }
        }
    }

    @AfterAll
    static void close() throws SQLException {
        if (pg != null) {
            pg.close();
        }
        if (db != null) {
            db.close();
        }
    }

    private static String plan(String sql) throws SQLException {
        StringBuilder out = new StringBuilder();
        try (Statement st = pg.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.append(rs.getString(1)).append('\n');
            }
        }
        return out.toString();
    }

    @Test
    void everyConeFunctionUsesTheQ3cIndex() throws SQLException {
        double[] n = ZoneSearch.unit(ra, dec);
        for (String call : List.of("fgetnearbyobjeq(" + ra + ", " + dec + ", 1)", "fgetnearbyobjalleq(" + ra + ", " + dec + ", 1)",
                "fgetnearestobjeq(" + ra + ", " + dec + ", 1)", "fgetnearestobjalleq(" + ra + ", " + dec + ", 1)",
                "fgetnearbyobjxyz(" + n[0] + ", " + n[1] + ", " + n[2] + ", 1)",
                "fgetnearbyobjallxyz(" + n[0] + ", " + n[1] + ", " + n[2] + ", 1)",
                "fgetnearestobjxyz(" + n[0] + ", " + n[1] + ", " + n[2] + ", 1)",
                "ffootprinteq(" + ra + ", " + dec + ", 1)")) {
            String p = plan("EXPLAIN SELECT * FROM " + call);
            assertTrue(p.contains(INDEX), call + ":\n" + p);
            assertTrue(!p.contains("Seq Scan on photoobjall"), call + ":\n" + p);
        }
    }

    @Test
    void aConePerRowOfAnotherTableUsesTheIndexToo() throws SQLException {
        try (Statement st = pg.createStatement()) {
            st.execute("CREATE TEMP TABLE targets AS SELECT objid AS id, ra + 0.001 AS ra, dec AS dec"
                    + " FROM photoobjall WHERE mode = 1 ORDER BY objid LIMIT 200");
            st.execute("ANALYZE targets");
        }
        // T-SQL's FROM targets t CROSS APPLY dbo.fGetNearbyObjEq(t.ra, t.dec, 0.5) n, as the dialect renders it
        String p = plan("EXPLAIN SELECT t.id, n.objid, n.distance FROM targets t"
                + " CROSS JOIN LATERAL dbo.fgetnearbyobjeq(t.ra, t.dec, 0.5) n");
        assertTrue(p.contains(INDEX), p);
        assertTrue(!p.contains("Seq Scan on photoobjall"), p);
    }

    @Test
    void aOneArcminuteConeReadsFewRows() throws SQLException {
        String p = plan("EXPLAIN (ANALYZE, TIMING OFF) SELECT * FROM fgetnearbyobjeq(" + ra + ", " + dec + ", 1)");
        Matcher m = Pattern.compile("on " + INDEX + " .*?rows=(\\d+) loops=(\\d+)").matcher(p);
        long read = 0;
        int scans = 0;
        while (m.find()) {
            read += Long.parseLong(m.group(1)) * Long.parseLong(m.group(2));
            scans++;
        }
        assertTrue(scans > 0, p);
        assertTrue(read >= 1 && read < ROWS / 100, "index rows read: " + read + "\n" + p);
    }
}
