package org.opencasjobs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opencasjobs.it.TestServer.ALICE_PW;
import static org.opencasjobs.it.TestServer.form;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencasjobs.catalog.sdss.LookupTables;
import org.opencasjobs.catalog.sdss.ZoneIndex;

/**
 * The SkyServer functions through the real service (ExecuteQuickJob over HTTP POST): in FROM,
 * joined with PhotoObj, in WHERE clauses, qualified with dbo. and not. The catalog is a context
 * {@code Sky} in a database the test makes (PhotoObjAll with a PhotoObj view, its Zone table and
 * lookup tables built by the same code that builds them in managed contexts), so the test does not
 * depend on which Sample generator is in the build; what it checks of Sample holds for both.
 */
class SkyFunctionsServiceTest {
    private static final String USER = "sky_owner";
    private static final String PW = "Sky-S3cret-Pw-1";
    static Path extDir;
    static String url;
    static TestServer s;

    @BeforeAll
    static void start() throws Exception {
        extDir = Files.createTempDirectory("opencasjobs-sky");
        // Names kept as written, as in the managed contexts.
        url = "jdbc:h2:file:" + extDir.resolve("sky") + ";TRACE_LEVEL_FILE=0;MODE=MSSQLServer;DATABASE_TO_UPPER=FALSE"
                + ";CASE_INSENSITIVE_IDENTIFIERS=TRUE";
        try (Connection c = DriverManager.getConnection(url, USER, PW); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA sky");
            st.execute("CREATE TABLE sky.PhotoObjAll (objID BIGINT PRIMARY KEY, ra FLOAT, dec FLOAT, type INT,"
                    + " mode TINYINT, flags BIGINT, r REAL)");
            Random rnd = new Random(99);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO sky.PhotoObjAll VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                for (int i = 0; i < 3000; i++) {
                    ps.setLong(1, 1237645876861272064L + i);
                    ps.setDouble(2, 179.9 + rnd.nextDouble() * 0.2);
                    ps.setDouble(3, -0.1 + rnd.nextDouble() * 0.2);
                    ps.setInt(4, i % 2 == 0 ? 3 : 6);
                    ps.setInt(5, i % 4 == 0 ? 2 : 1);
                    ps.setLong(6, i % 3 == 0 ? 0x40000L : 0x10L);
                    ps.setFloat(7, 15 + rnd.nextFloat() * 7);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            st.execute("CREATE VIEW sky.PhotoObj AS SELECT * FROM sky.PhotoObjAll WHERE mode IN (1, 2)");
            ZoneIndex.build(c, "sky");
            LookupTables.build(c, "sky");
        }
        s = new TestServer(Map.of("casjobs.contexts", "Sample,Sky", "casjobs.context.sky.url", url,
                "casjobs.context.sky.user", USER, "casjobs.context.sky.password", PW, "casjobs.context.sky.schema", "sky"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (s != null) {
            s.close();
        }
        try (Stream<Path> files = Files.walk(extDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** The CSV lines of a quick job's answer, header first; fails with the body if the job failed. */
    static List<String> quick(String sql, String context) throws Exception {
        HttpResponse<String> r = post(sql, context);
        assertEquals(200, r.statusCode(), () -> sql + ": " + r.body());
        String csv = TestServer.xml(r.body()).getDocumentElement().getTextContent();
        List<String> lines = new ArrayList<>(List.of(csv.split("\n")));
        lines.removeIf(String::isBlank);
        return lines;
    }

    static HttpResponse<String> post(String sql, String context) throws Exception {
        return s.post("/services/jobs.asmx/ExecuteQuickJob", form("wsid", s.alice.wsid(), "pw", ALICE_PW, "qry", sql,
                "context", context, "taskname", "sky", "isSystem", "false"),
                "Content-Type", "application/x-www-form-urlencoded");
    }

    /** How many primary objects of the catalog lie strictly within r arcmin of (ra, dec), by brute force. */
    static long bruteForce(double ra, double dec, double r, String extra) throws Exception {
        try (Connection c = DriverManager.getConnection(url, USER, PW); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM sky.PhotoObjAll WHERE mode = 1" + extra
                     + " AND 2 * DEGREES(ASIN(SQRT(POWER(SIN(RADIANS(dec - " + dec + ") / 2), 2) + COS(RADIANS(dec))"
                     + " * COS(RADIANS(" + dec + ")) * POWER(SIN(RADIANS(ra - " + ra + ") / 2), 2)))) * 60 < " + r)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void aConeSearchInFromReturnsSkyServersColumns() throws Exception {
        List<String> lines = quick("SELECT * FROM dbo.fGetNearbyObjEq(180, 0, 3)", "Sky");
        assertEquals("[objID]:Integer,[run]:Integer,[camcol]:Integer,[field]:Integer,[rerun]:Integer,[type]:Integer,"
                + "[cx]:Float,[cy]:Float,[cz]:Float,[htmID]:Integer,[distance]:Float", lines.get(0));
        long expected = bruteForce(180, 0, 3, "");
        assertTrue(expected > 50, "a sparse test cone: " + expected);
        assertEquals(expected, lines.size() - 1);
        // nearest first, all within 3'
        double last = 0;
        for (String row : lines.subList(1, lines.size())) {
            String[] f = row.split(",");
            assertEquals("94", f[1], row); // run, from the objID's bits
            double d = Double.parseDouble(f[10]);
            assertTrue(d >= last && d < 3, row);
            last = d;
        }
    }

    @Test
    void conesJoinPhotoObjAndFlagFunctionsFilterRows() throws Exception {
        List<String> joined = quick("SELECT p.objID, n.distance FROM dbo.fGetNearbyObjEq(180, 0, 2) n"
                + " JOIN PhotoObj p ON p.objID = n.objID WHERE p.r < 20", "Sky");
        assertEquals("[objID]:Integer,[distance]:Float", joined.get(0));
        assertEquals(bruteForce(180, 0, 2, " AND r < 20"), joined.size() - 1);

        List<String> saturated = quick("SELECT COUNT(*) AS n FROM fGetNearbyObjEq(180, 0, 2) n JOIN PhotoObj p"
                + " ON p.objID = n.objID WHERE BITAND(p.flags, dbo.fPhotoFlags('SATURATED')) <> 0", "Sky");
        assertEquals(String.valueOf(bruteForce(180, 0, 2, " AND flags = 262144")), saturated.get(1));

        List<String> names = quick("SELECT TOP 1 dbo.fPhotoFlagsN(flags) AS f, dbo.fPhotoTypeN(type) AS t FROM PhotoObj"
                + " WHERE flags = dbo.fPhotoFlags('saturated') AND type = dbo.fPhotoType('Galaxy')", "Sky");
        assertEquals("\"SATURATED \",\"GALAXY\"", names.get(1));
    }

    @Test
    void theNearestObjectAndTheLookupTables() throws Exception {
        List<String> nearest = quick("SELECT objID, distance FROM dbo.fGetNearestObjEq(180, 0, 3)", "Sky");
        assertEquals(2, nearest.size(), nearest.toString());
        List<String> first = quick("SELECT TOP 1 objID FROM dbo.fGetNearbyObjEq(180, 0, 3) ORDER BY distance", "Sky");
        assertEquals(first.get(1), nearest.get(1).split(",")[0]);
        List<String> types = quick("SELECT name FROM PhotoType WHERE \"value\" = 6", "Sky");
        assertEquals("\"STAR\"", types.get(1));
    }

    @Test
    void inSampleTheFunctionsReadItsZoneIndex() throws Exception {
        List<String> tables = quick("SELECT COUNT(*) AS n FROM information_schema.tables"
                + " WHERE UPPER(table_name) IN ('PHOTOOBJALL', 'ZONE')", "Sample");
        assertEquals("2", tables.get(1), "the SDSS-shaped Sample: PhotoObjAll and its zone index");
        assertEquals(2, quick("SELECT TOP 1 objID FROM dbo.fGetNearbyObjAllEq(180, 0, 10800)", "Sample").size());
        // The scalar functions need no table: they work in any context and in MyDB.
        assertEquals("262144", quick("SELECT dbo.fPhotoFlags('SATURATED') AS f", "Sample").get(1));
        assertEquals("262144", quick("SELECT fPhotoFlags('SATURATED') AS f", "MyDB").get(1));
    }
}
