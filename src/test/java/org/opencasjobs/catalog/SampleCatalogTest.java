package org.opencasjobs.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opencasjobs.output.TypedCsv;

class SampleCatalogTest {
    private static final AtomicInteger DB = new AtomicInteger();
    private final List<Connection> open = new ArrayList<>();

    private Connection db() throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:h2:mem:samplecat" + DB.incrementAndGet()
                + ";MODE=MSSQLServer;DATABASE_TO_UPPER=FALSE;CASE_INSENSITIVE_IDENTIFIERS=TRUE");
        open.add(c);
        return c;
    }

    private Connection catalog(int rows, long seed) throws SQLException {
        Connection c = db();
        try (Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA DR7");
        }
        SampleCatalog.generate(c, "DR7", rows, seed);
        try (Statement st = c.createStatement()) {
            st.execute("SET SCHEMA DR7");
        }
        return c;
    }

    @AfterEach
    void close() throws SQLException {
        for (Connection c : open) {
            c.close();
        }
    }

    private static String one(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            assertTrue(rs.next(), sql);
            StringBuilder sb = new StringBuilder();
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                sb.append(i > 1 ? "|" : "").append(rs.getString(i));
            }
            return sb.toString();
        }
    }

    private static double number(Connection c, String sql) throws SQLException {
        return Double.parseDouble(one(c, sql));
    }

    private static String checksum(Connection c) throws SQLException {
        return one(c, "SELECT COUNT(*), SUM(objID), SUM(CAST(r AS DOUBLE)), SUM(ra), SUM(dec), SUM(flags), SUM(type)"
                + " FROM PhotoObj") + " / "
                + one(c, "SELECT COUNT(*), SUM(specObjID), SUM(bestObjID), SUM(CAST(z AS DOUBLE)),"
                + " SUM(LENGTH(class) + LENGTH(subClass) * 7), SUM(plate + mjd + fiberID) FROM SpecObj");
    }

    private static String dump(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return TypedCsv.write(rs, -1, -1);
        }
    }

    @Test
    void sameSeedSameData() throws SQLException {
        Connection a = catalog(3000, 42);
        Connection b = catalog(3000, 42);
        assertEquals(checksum(a), checksum(b));
        assertEquals(dump(a, "SELECT * FROM PhotoObj ORDER BY objID"), dump(b, "SELECT * FROM PhotoObj ORDER BY objID"));
        assertEquals(dump(a, "SELECT * FROM SpecObj ORDER BY specObjID"), dump(b, "SELECT * FROM SpecObj ORDER BY specObjID"));
        Connection other = catalog(3000, 43);
        assertNotEquals(checksum(a), checksum(other));
    }

    @Test
    void knownValuesForSeed42() throws SQLException {
        // pins the generator (SplittableRandom + StrictMath): any JVM, any machine, same numbers
        Connection c = catalog(200, 42);
        assertEquals("200|247529175372254432900", one(c, "SELECT COUNT(*), SUM(objID) FROM PhotoObj"));
        assertEquals("16|4791867824467771392", one(c, "SELECT COUNT(*), SUM(specObjID) FROM SpecObj"));
        assertEquals("[objID]:Integer,[ra]:Float,[dec]:Float,[r]:Float,[err_r]:Float,[type]:Integer,[run]:Integer,"
                + "[camcol]:Integer,[field]:Integer,[flags]:Integer\n"
                + "1237645876861272065,57.56774143569124,-26.282524635859854,17.551548,0.004243674,3,94,1,11,268697600\n",
                dump(c, "SELECT TOP 1 objID, ra, dec, r, err_r, type, run, camcol, field, flags FROM PhotoObj ORDER BY objID"));
        assertEquals("[specObjID]:Integer,[bestObjID]:Integer,[z]:Float,[class]:String,[subClass]:String,[plate]:Integer,"
                + "[mjd]:Integer,[fiberID]:Integer\n"
                + "299489677444933632,1237645876861272066,2.9677954,\"QSO\",\"BROADLINE\",266,51630,1\n",
                dump(c, "SELECT TOP 1 specObjID, bestObjID, z, class, subClass, plate, mjd, fiberID FROM SpecObj ORDER BY specObjID"));
    }

    @Test
    void rowCountsAndSpectraShare() throws SQLException {
        Connection c = catalog(20000, 7);
        assertEquals(20000, (long) number(c, "SELECT COUNT(*) FROM PhotoObj"));
        double spectra = number(c, "SELECT COUNT(*) FROM SpecObj");
        assertTrue(spectra > 0.08 * 20000 && spectra < 0.12 * 20000, "about 10% have spectra: " + spectra);
        assertEquals(0, (long) number(c, "SELECT COUNT(*) FROM SpecObj s LEFT JOIN PhotoObj p ON p.objID = s.bestObjID"
                + " WHERE p.objID IS NULL"), "every bestObjID is a PhotoObj");
        assertEquals(0, (long) number(c, "SELECT COUNT(*) FROM SpecObj s JOIN PhotoObj p ON p.objID = s.bestObjID"
                + " WHERE s.ra <> p.ra OR s.dec <> p.dec"), "spectra sit on their object");
        assertEquals((long) spectra, (long) number(c, "SELECT COUNT(DISTINCT bestObjID) FROM SpecObj"));
    }

    @Test
    void valuesArePlausible() throws SQLException {
        Connection c = catalog(20000, 11);
        String[] radec = one(c, "SELECT MIN(ra), MAX(ra), MIN(dec), MAX(dec) FROM PhotoObj").split("\\|");
        assertTrue(Double.parseDouble(radec[0]) >= 0 && Double.parseDouble(radec[1]) < 360);
        assertTrue(Double.parseDouble(radec[2]) >= -90 && Double.parseDouble(radec[3]) <= 90);
        assertTrue(Double.parseDouble(radec[1]) > 350 && Double.parseDouble(radec[0]) < 10, "ra spans the sky");
        // uniform on the sphere: half the area lies within 30 degrees of the equator
        double equatorial = number(c, "SELECT AVG(CASE WHEN ABS(dec) < 30 THEN 1.0 ELSE 0.0 END) FROM PhotoObj");
        assertTrue(equatorial > 0.47 && equatorial < 0.53, "sin(30°) = 0.5 of objects: " + equatorial);
        String[] r = one(c, "SELECT MIN(r), MAX(r), AVG(r) FROM PhotoObj").split("\\|");
        assertTrue(Double.parseDouble(r[0]) >= 14 && Double.parseDouble(r[1]) <= 23, "r in 14..23");
        assertTrue(Double.parseDouble(r[2]) > 19, "more faint objects than bright ones: mean r " + r[2]);
        double ug = number(c, "SELECT AVG(u - g) FROM PhotoObj");
        assertTrue(ug > 1.1 && ug < 1.8, "u-g ≈ 1.4: " + ug);
        double gr = number(c, "SELECT AVG(g - r) FROM PhotoObj WHERE type = 3");
        assertTrue(gr > 0.5 && gr < 1.0, "galaxy g-r: " + gr);
        double galaxies = number(c, "SELECT AVG(CASE WHEN type = 3 THEN 1.0 ELSE 0.0 END) FROM PhotoObj");
        assertTrue(galaxies > 0.52 && galaxies < 0.58, "55% galaxies: " + galaxies);
        assertEquals(0, (long) number(c, "SELECT COUNT(*) FROM PhotoObj WHERE type NOT IN (3, 6) OR mode <> 1"));
        assertEquals(0, (long) number(c, "SELECT COUNT(*) FROM PhotoObj WHERE err_r <= 0 OR err_u < err_r * 0.5"
                + " OR camcol NOT BETWEEN 1 AND 6 OR field < 11 OR run < 94"));
        assertTrue(number(c, "SELECT AVG(err_r) FROM PhotoObj WHERE r > 22") > number(c, "SELECT AVG(err_r) FROM PhotoObj WHERE r < 17"),
                "faint objects have larger errors");

        assertEquals(0, (long) number(c, "SELECT COUNT(*) FROM SpecObj WHERE class = 'STAR' AND ABS(z) > 0.01"));
        assertEquals(0, (long) number(c, "SELECT COUNT(*) FROM SpecObj WHERE class = 'GALAXY' AND (z < 0.01 OR z > 0.7)"));
        assertEquals(0, (long) number(c, "SELECT COUNT(*) FROM SpecObj WHERE class = 'QSO' AND (z < 0.3 OR z > 4)"));
        assertEquals(0, (long) number(c, "SELECT COUNT(*) FROM SpecObj WHERE class NOT IN ('STAR', 'GALAXY', 'QSO')"
                + " OR zErr <= 0 OR plate < 266 OR fiberID NOT BETWEEN 1 AND 640 OR mjd < 51630"));
        for (String cls : new String[] {"STAR", "GALAXY", "QSO"}) {
            assertTrue(number(c, "SELECT COUNT(*) FROM SpecObj WHERE class = '" + cls + "'") > 10, cls);
        }
        double galaxyGalaxy = number(c, "SELECT AVG(CASE WHEN s.class = 'GALAXY' THEN 1.0 ELSE 0.0 END)"
                + " FROM SpecObj s JOIN PhotoObj p ON p.objID = s.bestObjID WHERE p.type = 3");
        assertTrue(galaxyGalaxy > 0.85, "class follows type: " + galaxyGalaxy);
    }

    @Test
    void objIDsEncodeRunCamcolFieldTheSdssWay() throws SQLException {
        Connection c = catalog(5000, 3);
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT objID, run, camcol, field FROM PhotoObj ORDER BY objID")) {
            long previousKey = -1;
            while (rs.next()) {
                long id = rs.getLong(1);
                assertEquals(2, id >>> 59, "sky version");
                assertEquals(301, (id >>> 48) & 0x7FF, "rerun");
                assertEquals(rs.getInt(2), (id >>> 32) & 0xFFFF, "run");
                assertEquals(rs.getInt(3), (id >>> 29) & 0x7, "camcol");
                assertEquals(rs.getInt(4), (id >>> 16) & 0xFFF, "field");
                long key = ((long) rs.getInt(2) << 20) | ((long) rs.getInt(3) << 16) | rs.getInt(4);
                assertTrue(key >= previousKey, "objID order follows run, camcol, field");
                previousKey = key;
            }
        }
        assertTrue(number(c, "SELECT MIN(specObjID) FROM SpecObj") > 0);
    }

    @Test
    void usersQueriesWorkAsWritten() throws SQLException {
        Connection c = catalog(100, 1);
        // dec, type, mode and class are not reserved in H2's MSSQLServer mode: no brackets needed
        String csv = dump(c, "SELECT TOP 2 ra, dec, type, mode FROM PhotoObj WHERE dec > -90 ORDER BY dec");
        assertTrue(csv.startsWith("[ra]:Float,[dec]:Float,[type]:Integer,[mode]:Integer\n"), csv);
        assertEquals(3, csv.split("\n").length);
        String spec = dump(c, "SELECT TOP 1 p.objID, s.class, s.z FROM PhotoObj AS p JOIN SpecObj AS s"
                + " ON s.bestObjID = p.objID ORDER BY p.objID");
        assertTrue(spec.startsWith("[objID]:Integer,[class]:String,[z]:Float\n"), spec);
        // labels keep the declared case whatever case the query uses
        assertTrue(dump(c, "SELECT TOP 1 OBJID, [DEC] FROM photoobj").startsWith("[objID]:Integer,[dec]:Float\n"));
        // H2 gives COUNT(*) an empty label in this mode, so it is Column1, as .NET names it
        assertEquals("[Column1]:Integer\n100\n", dump(c, "SELECT COUNT(*) FROM PhotoObj"));
        assertEquals("[n]:Integer\n100\n", dump(c, "SELECT COUNT(*) AS n FROM PhotoObj"));
        assertTrue(dump(c, "SELECT * FROM PhotoObj WHERE objID = 0").startsWith("[objID]:Integer,[ra]:Float,[dec]:Float,"
                + "[u]:Float,[g]:Float,[r]:Float,[i]:Float,[z]:Float,[err_u]:Float,[err_g]:Float,[err_r]:Float,"
                + "[err_i]:Float,[err_z]:Float,[type]:Integer,[mode]:Integer,[run]:Integer,[camcol]:Integer,"
                + "[field]:Integer,[flags]:Integer\n"));
    }

    @Test
    void tablesSayTheyAreSyntheticAndAreIndexed() throws SQLException {
        Connection c = catalog(10, 5);
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT TABLE_NAME, REMARKS FROM INFORMATION_SCHEMA.TABLES"
                     + " WHERE TABLE_SCHEMA = 'DR7' ORDER BY TABLE_NAME")) {
            int n = 0;
            while (rs.next()) {
                n++;
                assertTrue(rs.getString(2).startsWith("Synthetic SDSS-like test data"), rs.getString(1));
                assertTrue(rs.getString(2).contains("not real observations"));
            }
            assertEquals(2, n);
        }
        String indexes = one(c, "SELECT COUNT(*) FROM INFORMATION_SCHEMA.INDEX_COLUMNS WHERE TABLE_SCHEMA = 'DR7'"
                + " AND ((TABLE_NAME = 'PhotoObj' AND COLUMN_NAME = 'ra') OR (TABLE_NAME = 'SpecObj' AND COLUMN_NAME = 'bestObjID'))");
        assertEquals("2", indexes);
    }

    @Test
    void schemaNameIsMatchedCaseInsensitively() throws SQLException {
        Connection c = db();
        try (Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA \"Sample Cat\"");
        }
        SampleCatalog.generate(c, "sample cat", 10, 1);
        assertEquals("10", one(c, "SELECT COUNT(*) FROM \"Sample Cat\".PhotoObj"));
        assertThrows(SQLException.class, () -> SampleCatalog.generate(c, "nope", 10, 1));
    }

    @Test
    void failureRollsBackAndRestoresAutoCommit() throws SQLException {
        Connection c = catalog(10, 1);
        assertTrue(c.getAutoCommit());
        assertThrows(SQLException.class, () -> SampleCatalog.generate(c, "DR7", 10, 1), "tables exist already");
        assertTrue(c.getAutoCommit());
        assertEquals("10", one(c, "SELECT COUNT(*) FROM PhotoObj"));
    }

    @Test
    void zeroRows() throws SQLException {
        Connection c = catalog(0, 1);
        assertEquals("0|0", one(c, "SELECT (SELECT COUNT(*) FROM PhotoObj), (SELECT COUNT(*) FROM SpecObj)"));
    }

    @Test
    void hundredThousandRowsTakeSeconds() throws SQLException {
        Connection c = db();
        try (Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA big");
        }
        long t0 = System.nanoTime();
        SampleCatalog.generate(c, "big", 100_000, 2026);
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("SampleCatalog: 100,000 PhotoObj rows (+%s SpecObj) in %.2f s%n",
                one(c, "SELECT COUNT(*) FROM big.SpecObj"), seconds);
        assertEquals("100000", one(c, "SELECT COUNT(*) FROM big.PhotoObj"));
        assertTrue(seconds < 30, "took " + seconds + " s");
    }
}
