package org.opencasjobs.catalog.sdss;

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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencasjobs.output.TypedCsv;

/** The generated Sample: determinism, SDSS's names and meanings, and physical plausibility. */
class SdssSampleTest {
    private static final AtomicInteger DB = new AtomicInteger();
    private static final String URL = ";MODE=MSSQLServer;DATABASE_TO_UPPER=FALSE;CASE_INSENSITIVE_IDENTIFIERS=TRUE";
    /** One catalog of 6000 rows shared by the read-only tests. */
    private static Connection shared;
    private final List<Connection> open = new ArrayList<>();

    private static Connection db() throws SQLException {
        return DriverManager.getConnection("jdbc:h2:mem:sdsssample" + DB.incrementAndGet() + URL);
    }

    private static Connection catalog(String context, int rows, long seed) throws SQLException {
        Connection c = db();
        try (Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA DR");
        }
        SdssSample.generate(c, "DR", context, rows, seed);
        try (Statement st = c.createStatement()) {
            st.execute("SET SCHEMA DR");
        }
        return c;
    }

    private Connection own(String context, int rows, long seed) throws SQLException {
        Connection c = catalog(context, rows, seed);
        open.add(c);
        return c;
    }

    @BeforeAll
    static void generateShared() throws SQLException {
        shared = catalog(SdssSample.SAMPLE, 6000, 20031118L);
    }

    @AfterAll
    static void closeShared() throws SQLException {
        shared.close();
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

    private static double number(String sql) throws SQLException {
        return Double.parseDouble(one(shared, sql));
    }

    private static long count(String sql) throws SQLException {
        return (long) number(sql);
    }

    private static String dump(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return TypedCsv.write(rs, -1, -1);
        }
    }

    private static String checksum(Connection c) throws SQLException {
        return one(c, "SELECT COUNT(*), SUM(objID), SUM(CAST(r AS DOUBLE)), SUM(ra), SUM(dec), SUM(flags), SUM(type),"
                + " SUM(htmID), SUM(specObjID) FROM PhotoObjAll")
                + " / " + one(c, "SELECT COUNT(*), SUM(specObjID), SUM(bestObjID), SUM(CAST(z AS DOUBLE)),"
                + " SUM(LENGTH(class) + LENGTH(subClass) * 7), SUM(plate + mjd + fiberID) FROM SpecObjAll")
                + " / " + one(c, "SELECT COUNT(*), SUM(distance) FROM Neighbors")
                + " / " + one(c, "SELECT COUNT(*), SUM(w1mpro) FROM wise_allsky")
                + " / " + one(c, "SELECT COUNT(*), SUM(teff) FROM aspcapStar")
                + " / " + one(c, "SELECT COUNT(*), SUM(z) FROM Photoz");
    }

    @Test
    void sameSizeAndSeedSameCatalog() throws SQLException {
        Connection a = own(SdssSample.SAMPLE, 3000, 42);
        Connection b = own(SdssSample.SAMPLE, 3000, 42);
        assertEquals(checksum(a), checksum(b));
        assertEquals(dump(a, "SELECT * FROM PhotoObjAll ORDER BY objID"), dump(b, "SELECT * FROM PhotoObjAll ORDER BY objID"));
        assertEquals(dump(a, "SELECT * FROM SpecObjAll ORDER BY specObjID"), dump(b, "SELECT * FROM SpecObjAll ORDER BY specObjID"));
        assertNotEquals(checksum(a), checksum(own(SdssSample.SAMPLE, 3000, 43)));
    }

    @Test
    void photoObjAllHasExactlyTheRowsAskedFor() throws SQLException {
        assertEquals(6000, count("SELECT COUNT(*) FROM PhotoObjAll"));
        Connection empty = own(SdssSample.SAMPLE, 0, 1);
        assertEquals("0|0|0", one(empty, "SELECT (SELECT COUNT(*) FROM PhotoObjAll), (SELECT COUNT(*) FROM SpecObjAll),"
                + " (SELECT COUNT(*) FROM Galaxy)"));
        Connection tiny = own(SdssSample.SAMPLE, 7, 1);
        assertEquals("7", one(tiny, "SELECT COUNT(*) FROM PhotoObjAll"));
    }

    @Test
    void viewsHaveSdssMeanings() throws SQLException {
        long all = count("SELECT COUNT(*) FROM PhotoObjAll");
        long primary = count("SELECT COUNT(*) FROM PhotoPrimary");
        long secondary = count("SELECT COUNT(*) FROM PhotoSecondary");
        long family = count("SELECT COUNT(*) FROM PhotoFamily");
        assertEquals(all, primary + secondary + family);
        assertEquals(primary + secondary, count("SELECT COUNT(*) FROM PhotoObj"));
        assertTrue(secondary > 0.04 * primary && secondary < 0.12 * primary, "secondaries: " + secondary);
        assertTrue(family > 0, "deblend parents");
        assertEquals(0, count("SELECT COUNT(*) FROM PhotoPrimary WHERE mode <> 1"));
        assertEquals(0, count("SELECT COUNT(*) FROM PhotoObj WHERE mode NOT IN (1, 2)"));
        assertEquals(0, count("SELECT COUNT(*) FROM Galaxy WHERE type <> 3 OR mode <> 1"));
        assertEquals(0, count("SELECT COUNT(*) FROM Star WHERE type <> 6 OR mode <> 1"));
        assertEquals(primary, count("SELECT (SELECT COUNT(*) FROM Galaxy) + (SELECT COUNT(*) FROM Star)"
                + " + (SELECT COUNT(*) FROM Sky) + (SELECT COUNT(*) FROM \"Unknown\")"));
        for (String v : List.of("Galaxy", "Star", "Sky", "\"Unknown\"")) {
            assertTrue(count("SELECT COUNT(*) FROM " + v) > 0, v);
        }
        double galaxies = number("SELECT AVG(CASE WHEN type = 3 THEN 1.0 ELSE 0.0 END) FROM PhotoPrimary");
        assertTrue(galaxies > 0.45 && galaxies < 0.65, "about half are galaxies: " + galaxies);
        assertEquals(all, count("SELECT COUNT(*) FROM PhotoTag"));
        assertEquals(count("SELECT COUNT(*) FROM SpecObjAll WHERE sciencePrimary = 1"), count("SELECT COUNT(*) FROM SpecObj"));
        assertTrue(count("SELECT COUNT(*) FROM SpecObjAll WHERE sciencePrimary = 0") > 0, "repeat spectra");
        assertEquals(count("SELECT COUNT(*) FROM SpecPhotoAll WHERE sciencePrimary = 1 AND mode = 1"),
                count("SELECT COUNT(*) FROM SpecPhoto"));
    }

    @Test
    void secondariesReobserveAPrimaryAndPrimariesAreUnique() throws SQLException {
        // every secondary sits within 0.1″ of a primary observed in another run
        assertEquals(0, count("SELECT COUNT(*) FROM PhotoSecondary s WHERE NOT EXISTS (SELECT 1 FROM Neighbors n"
                + " JOIN PhotoPrimary p ON p.objID = n.neighborObjID WHERE n.objID = s.objID AND n.distance < 0.1 / 3600 * 60"
                + " AND p.run <> s.run)"));
        // no two primaries share a position (duplicates are within 0.1″; deblended children are arcseconds apart,
        // and chance pairs closer than 0.2″ are a tenth of one in this catalog)
        assertEquals(0, count("SELECT COUNT(*) FROM Neighbors WHERE mode = 1 AND neighborMode = 1 AND distance < 0.2 / 3600 * 60"));
        assertTrue(count("SELECT COUNT(*) FROM Neighbors WHERE mode = 2 AND neighborMode = 1 AND distance < 0.1 / 60")
                >= count("SELECT COUNT(*) FROM PhotoSecondary"));
        // a deblend parent has two primary children, flagged CHILD, and the parent is BLENDED
        assertEquals(0, count("SELECT COUNT(*) FROM PhotoFamily f WHERE f.nChild <> 2 OR BITAND(f.flags, 8) = 0"
                + " OR (SELECT COUNT(*) FROM PhotoPrimary c WHERE c.parentID = f.objID AND BITAND(c.flags, 16) <> 0) <> 2"));
        assertEquals(0, count("SELECT COUNT(*) FROM PhotoObjAll WHERE (parentID <> 0) <> (BITAND(flags, 16) <> 0)"));
    }

    @Test
    void neighborsAreExactlyThePairsWithinHalfAnArcminute() throws SQLException {
        Connection c = own(SdssSample.SAMPLE, 1500, 5);
        String distance = "DEGREES(2 * ASIN(SQRT(POWER(SIN(RADIANS(b.dec - a.dec) / 2), 2)"
                + " + COS(RADIANS(a.dec)) * COS(RADIANS(b.dec)) * POWER(SIN(RADIANS(b.ra - a.ra) / 2), 2)))) * 60";
        String brute = "SELECT COUNT(*), SUM(" + distance + ") FROM PhotoObj a JOIN PhotoObj b ON a.objID <> b.objID"
                + " AND ABS(a.dec - b.dec) <= 0.5 / 60 WHERE " + distance + " <= 0.5";
        String[] expected = one(c, brute).split("\\|");
        String[] got = one(c, "SELECT COUNT(*), SUM(distance) FROM Neighbors").split("\\|");
        assertEquals(expected[0], got[0], "pairs");
        assertTrue(Long.parseLong(got[0]) > 500, "there are neighbours: " + got[0]);
        assertEquals(Double.parseDouble(expected[1]), Double.parseDouble(got[1]), 1e-6, "distances in arcmin");
        assertEquals("0", one(c, "SELECT COUNT(*) FROM Neighbors n WHERE NOT EXISTS (SELECT 1 FROM Neighbors m"
                + " WHERE m.objID = n.neighborObjID AND m.neighborObjID = n.objID AND m.distance = n.distance)"), "both ways");
        assertEquals("0", one(c, "SELECT COUNT(*) FROM Neighbors n JOIN PhotoObjAll a ON a.objID = n.objID"
                + " JOIN PhotoObjAll b ON b.objID = n.neighborObjID WHERE a.type <> n.type OR b.type <> n.neighborType"
                + " OR a.mode <> n.mode OR b.mode <> n.neighborMode"));
    }

    @Test
    void magnitudesAndColoursFollowTheClass() throws SQLException {
        // SDSS's star/galaxy separation: galaxies are extended, psfMag − modelMag > 0.145
        assertEquals(0, count("SELECT COUNT(*) FROM Galaxy WHERE psfMag_r - modelMag_r <= 0.145"));
        assertEquals(0, count("SELECT COUNT(*) FROM Star WHERE psfMag_r - modelMag_r > 0.145"));
        assertTrue(number("SELECT AVG(petroR50_r) FROM Galaxy WHERE r < 19") > 2 * number("SELECT AVG(petroR50_r) FROM Star"));
        double qsoUg = number("SELECT AVG(dered_u - dered_g) FROM SpecPhoto WHERE class = 'QSO' AND z < 2.0");
        double starUg = number("SELECT AVG(dered_u - dered_g) FROM SpecPhoto WHERE class = 'STAR'");
        assertTrue(qsoUg < 0.5 && starUg > 0.9, "the quasars' UV excess: u-g " + qsoUg + " vs stars " + starUg);
        double red = number("SELECT AVG(dered_g - dered_r) FROM SpecPhoto WHERE class = 'GALAXY' AND z > 0.3");
        double near = number("SELECT AVG(dered_g - dered_r) FROM SpecPhoto WHERE class = 'GALAXY' AND z < 0.1");
        assertTrue(red > near + 0.2, "galaxies redden with redshift: " + near + " → " + red);
        assertTrue(number("SELECT AVG(err_r) FROM PhotoPrimary WHERE r > 21.5") > 3 * number("SELECT AVG(err_r) FROM PhotoPrimary WHERE r < 18"));
        assertEquals(0, count("SELECT COUNT(*) FROM PhotoObjAll WHERE ABS(dered_r - (modelMag_r - extinction_r)) > 1e-4"
                + " OR u <> modelMag_u OR err_z <> modelMagErr_z OR extinction_u <= extinction_r OR extinction_r <= 0"));
        String[] r = one(shared, "SELECT MIN(r), MAX(r) FROM Galaxy").split("\\|");
        assertTrue(Double.parseDouble(r[0]) > 12 && Double.parseDouble(r[1]) < 26, "r range");
    }

    @Test
    void redshiftsFollowTheClass() throws SQLException {
        assertEquals(0, count("SELECT COUNT(*) FROM SpecObjAll WHERE class = 'STAR' AND ABS(z) > 0.005"));
        assertEquals(0, count("SELECT COUNT(*) FROM SpecObjAll WHERE class = 'GALAXY' AND (z <= 0 OR z > 1.3)"));
        assertEquals(0, count("SELECT COUNT(*) FROM SpecObjAll WHERE class = 'QSO' AND (z < 0.25 OR z > 5.1)"));
        assertEquals(0, count("SELECT COUNT(*) FROM SpecObjAll WHERE class NOT IN ('STAR', 'GALAXY', 'QSO') OR zErr <= 0"
                + " OR survey NOT IN ('sdss', 'boss', 'segue1') OR fiberID NOT BETWEEN 1 AND 1000 OR velDisp < 0"));
        for (String cls : List.of("STAR", "GALAXY", "QSO")) {
            assertTrue(count("SELECT COUNT(*) FROM SpecObj WHERE class = '" + cls + "'") > 5, cls);
        }
        // the legacy main sample reaches petroMag_r 17.77; BOSS goes fainter
        assertEquals(0, count("SELECT COUNT(*) FROM SpecObj s JOIN PhotoObjAll p ON p.objID = s.bestObjID"
                + " WHERE s.survey = 'sdss' AND s.class = 'GALAXY' AND p.petroMag_r >= 17.77"));
        assertTrue(number("SELECT AVG(z) FROM SpecObj WHERE survey = 'boss' AND class = 'GALAXY'")
                > number("SELECT AVG(z) FROM SpecObj WHERE survey = 'sdss' AND class = 'GALAXY'"));
        double photoz = number("SELECT AVG(ABS(pz.z - s.z)) FROM Photoz pz JOIN SpecObj s ON s.bestObjID = pz.objID"
                + " WHERE s.class = 'GALAXY'");
        assertTrue(photoz < 0.08, "photometric redshifts scatter around the spectroscopic ones: " + photoz);
    }

    @Test
    void spectraAreJoinedToTheirPhotometricObject() throws SQLException {
        assertEquals(0, count("SELECT COUNT(*) FROM SpecObjAll s LEFT JOIN PhotoPrimary p ON p.objID = s.bestObjID"
                + " WHERE p.objID IS NULL"), "every bestObjID is a primary");
        double offset = number("SELECT MAX(DEGREES(ACOS(LEAST(1, s.cx * p.cx + s.cy * p.cy + s.cz * p.cz))) * 3600)"
                + " FROM SpecObjAll s JOIN PhotoObjAll p ON p.objID = s.bestObjID");
        assertTrue(offset < 0.5, "fibres sit on their object: " + offset + "″");
        assertEquals(count("SELECT COUNT(*) FROM SpecObj"), count("SELECT COUNT(*) FROM PhotoObjAll WHERE specObjID <> 0"));
        assertEquals(0, count("SELECT COUNT(*) FROM PhotoObjAll p JOIN SpecObj s ON s.specObjID = p.specObjID"
                + " WHERE s.bestObjID <> p.objID"));
        assertEquals(count("SELECT COUNT(*) FROM SpecObjAll"), count("SELECT COUNT(*) FROM SpecPhotoAll"));
        assertEquals(0, count("SELECT COUNT(*) FROM SpecPhotoAll sp JOIN PhotoObjAll p ON p.objID = sp.objID"
                + " WHERE sp.photoRa <> p.ra OR sp.modelMag_r <> p.modelMag_r OR sp.type <> p.type"));
        assertEquals(0, count("SELECT COUNT(*) FROM SpecObjAll s LEFT JOIN PlateX x ON x.plateID = s.plateID"
                + " WHERE x.plateID IS NULL OR x.plate <> s.plate OR x.mjd <> s.mjd OR x.survey <> s.survey"));
        assertEquals(count("SELECT COUNT(*) FROM SpecObjAll"), count("SELECT SUM(nSpec) FROM PlateX"));
        // specObjIDs keep SDSS's bit encoding of plate, fiber and MJD
        assertEquals(0, count("SELECT COUNT(*) FROM SpecObjAll WHERE BITAND(RSHIFT(specObjID, 50), 16383) <> plate"
                + " OR BITAND(RSHIFT(specObjID, 38), 4095) <> fiberID OR BITAND(RSHIFT(specObjID, 24), 16383) + 50000 <> mjd"));
    }

    @Test
    void valueAddedTablesDescribeTheirObjects() throws SQLException {
        assertEquals(0, count("SELECT COUNT(*) FROM galSpecLine g JOIN SpecObjAll s ON s.specObjID = g.specObjID"
                + " WHERE s.class <> 'GALAXY'"));
        assertEquals(count("SELECT COUNT(*) FROM SpecObjAll WHERE class = 'GALAXY'"), count("SELECT COUNT(*) FROM galSpecInfo"));
        double sfHa = number("SELECT AVG(h_alpha_flux) FROM galSpecLine g JOIN SpecObjAll s ON s.specObjID = g.specObjID"
                + " WHERE s.subClass = 'STARFORMING'");
        double earlyHa = number("SELECT AVG(h_alpha_flux) FROM galSpecLine g JOIN SpecObjAll s ON s.specObjID = g.specObjID"
                + " WHERE s.subClass = ''");
        assertTrue(sfHa > 2 * earlyHa, "star-forming galaxies have strong Hα: " + sfHa + " vs " + earlyHa);
        assertEquals(0, count("SELECT COUNT(*) FROM galSpecLine WHERE h_alpha_flux < 2.8 * h_beta_flux"), "Balmer decrement");
        assertEquals(0, count("SELECT COUNT(*) FROM sppParams p JOIN SpecObjAll s ON s.specObjID = p.specObjID"
                + " WHERE s.class <> 'STAR' OR p.bestObjID <> s.bestObjID"));
        assertTrue(number("SELECT AVG(p.teffadop) FROM sppParams p JOIN SpecPhotoAll s ON s.specObjID = p.specObjID"
                + " WHERE s.dered_g - s.dered_r < 0.4") > number("SELECT AVG(p.teffadop) FROM sppParams p"
                + " JOIN SpecPhotoAll s ON s.specObjID = p.specObjID WHERE s.dered_g - s.dered_r > 0.8"), "bluer stars are hotter");
        assertEquals(0, count("SELECT COUNT(*) FROM zooSpec z JOIN Galaxy g ON g.objID = z.objID JOIN SpecObj s"
                + " ON s.specObjID = z.specObjID WHERE s.bestObjID <> z.objID OR ABS(z.p_el + z.p_cs + z.p_mg + z.p_dk - 1) > 0.01"));
        assertTrue(count("SELECT COUNT(*) FROM zooSpec") > 0 && count("SELECT COUNT(*) FROM zooNoSpec") > 0);
        assertEquals(0, count("SELECT COUNT(*) FROM zooNoSpec z JOIN PhotoObjAll p ON p.objID = z.objID WHERE p.specObjID <> 0"));
        assertEquals(0, count("SELECT COUNT(*) FROM wise_xmatch x LEFT JOIN wise_allsky w ON w.cntr = x.wise_cntr"
                + " LEFT JOIN PhotoPrimary p ON p.objID = x.sdss_objid WHERE w.cntr IS NULL OR p.objID IS NULL OR x.match_dist > 4"));
        assertTrue(number("SELECT AVG(w.w1mpro - w.w2mpro) FROM wise_xmatch x JOIN wise_allsky w ON w.cntr = x.wise_cntr"
                + " JOIN SpecObj s ON s.bestObjID = x.sdss_objid WHERE s.class = 'QSO'") > 0.8, "quasars are red in W1-W2");
        assertEquals(count("SELECT COUNT(*) FROM apogeeStar"), count("SELECT COUNT(*) FROM aspcapStar a JOIN apogeeStar s"
                + " ON s.apstar_id = a.apstar_id AND s.apogee_id = a.apogee_id"));
        assertTrue(count("SELECT COUNT(*) FROM apogeeStar WHERE apogee_id LIKE '2M%' AND h < j AND k < h") > 0);
        assertEquals(0, count("SELECT COUNT(*) FROM FIRST f JOIN PhotoPrimary p ON p.objID = f.objID"
                + " WHERE ABS(f.dec - p.dec) > 5.0 / 3600 OR f.peak <= 0"));
        assertTrue(number("SELECT AVG(mstellar_median) FROM stellarMassPCAWisc") > 9.5);
    }

    @Test
    void objectsLieInStripesAndFields() throws SQLException {
        assertEquals(0, count("SELECT COUNT(*) FROM PhotoObjAll WHERE NOT (dec BETWEEN -1.26 AND 1.26"
                + " OR dec BETWEEN 31.24 AND 33.76 OR dec BETWEEN 61.24 AND 63.76)"), "only in the stripes");
        assertTrue(count("SELECT COUNT(*) FROM PhotoObjAll WHERE ra > 359 OR ra < 1") > 0, "Stripe 82 crosses ra 0");
        assertTrue(count("SELECT COUNT(*) FROM PhotoObjAll WHERE ra BETWEEN 179 AND 181 AND dec BETWEEN -1 AND 1") > 0);
        assertEquals(0, count("SELECT COUNT(*) FROM PhotoObjAll WHERE ra < 0 OR ra >= 360"));
        assertEquals(0, count("SELECT COUNT(*) FROM PhotoObjAll p LEFT JOIN Field f ON f.fieldID = p.fieldID"
                + " WHERE f.fieldID IS NULL OR f.run <> p.run OR f.camcol <> p.camcol OR f.field <> p.field"
                + " OR p.dec < f.decMin - 1e-9 OR p.dec > f.decMax + 1e-9"));
        assertEquals(count("SELECT COUNT(*) FROM PhotoObjAll"), count("SELECT SUM(nObjects) FROM Field"));
        try (Statement st = shared.createStatement();
             ResultSet rs = st.executeQuery("SELECT objID, skyVersion, rerun, run, camcol, field, obj FROM PhotoObjAll")) {
            while (rs.next()) {
                long id = rs.getLong(1);
                assertEquals(rs.getInt(2), id >>> 59, "sky version");
                assertEquals(rs.getInt(3), (id >>> 48) & 0x7FF, "rerun");
                assertEquals(rs.getInt(4), (id >>> 32) & 0xFFFF, "run");
                assertEquals(rs.getInt(5), (id >>> 29) & 0x7, "camcol");
                assertEquals(rs.getInt(6), (id >>> 16) & 0xFFF, "field");
                assertEquals(rs.getInt(7), id & 0xFFFF, "obj");
            }
        }
    }

    @Test
    void positionsCarryTheirUnitVectorsHtmIdsAndGalacticCoordinates() throws SQLException {
        assertEquals(0, count("SELECT COUNT(*) FROM PhotoObjAll WHERE ABS(cx - COS(RADIANS(dec)) * COS(RADIANS(ra))) > 1e-12"
                + " OR ABS(cz - SIN(RADIANS(dec))) > 1e-12"));
        // depth 20: the root trixel (8…15) then 40 bits; N trixels north of the equator
        assertEquals(0, count("SELECT COUNT(*) FROM PhotoObjAll WHERE RSHIFT(htmID, 40) < 8 OR RSHIFT(htmID, 40) >= 16"
                + " OR (dec > 0.001 AND RSHIFT(htmID, 40) < 12) OR (dec < -0.001 AND RSHIFT(htmID, 40) >= 12)"));
        // a secondary is a tenth of an arcsecond from its primary: their trixels (~0.3″) mostly agree
        // from level 16 (~5″) down
        assertTrue(number("SELECT AVG(CASE WHEN RSHIFT(s.htmID, 8) = RSHIFT(p.htmID, 8) THEN 1.0 ELSE 0.0 END) FROM PhotoSecondary s"
                + " JOIN Neighbors n ON n.objID = s.objID AND n.distance < 0.1 / 60 JOIN PhotoPrimary p ON p.objID = n.neighborObjID") > 0.8);
        // the north galactic pole is at ra 192.86, dec 27.13: Stripe 10 near ra 180 is at b ≈ 60
        String[] bl = one(shared, "SELECT AVG(b), MIN(b) FROM PhotoObjAll WHERE ra BETWEEN 175 AND 185 AND ABS(dec) < 1.3").split("\\|");
        assertTrue(Double.parseDouble(bl[0]) > 55 && Double.parseDouble(bl[0]) < 65, "b " + bl[0]);
    }

    @Test
    void flagsArePlausible() throws SQLException {
        assertTrue(number("SELECT AVG(CASE WHEN BITAND(flags, 268435456) <> 0 THEN 1.0 ELSE 0.0 END) FROM Galaxy") > 0.8, "BINNED1");
        assertEquals(0, count("SELECT COUNT(*) FROM PhotoObjAll WHERE clean = 1 AND (mode <> 1 OR BITAND(flags, 4) <> 0"
                + " OR BITAND(flags, 262144) <> 0 OR BITAND(flags, 32) <> 0 OR BITAND(flags, 524288) <> 0)"));
        assertTrue(number("SELECT AVG(CAST(clean AS DOUBLE)) FROM PhotoPrimary") > 0.7);
        assertEquals(0, count("SELECT COUNT(*) FROM PhotoObjAll WHERE (BITAND(flags, 4) <> 0) <> (colc < 16 OR colc > 2032)"), "EDGE");
        assertEquals(0, count("SELECT COUNT(*) FROM PhotoObjAll WHERE BITAND(flags_r, BITNOT(flags)) <> 0"), "flags hold the bands' flags");
        assertEquals(0, count("SELECT COUNT(*) FROM PhotoObjAll WHERE (mode = 1) <> (BITAND(status, 8192) <> 0)"
                + " OR (mode = 2) <> (BITAND(status, 4096) <> 0) OR (mode = 1) <> (BITAND(resolveStatus, 256) <> 0)"));
        assertTrue(count("SELECT COUNT(*) FROM SpecObjAll WHERE zWarning <> 0") < count("SELECT COUNT(*) FROM SpecObjAll") / 10);
    }

    @Test
    void namesAreSpelledAsSdssSpellsThem() throws SQLException {
        String csv = dump(shared, "SELECT TOP 1 objID, psfMag_r, dered_r, cModelMagErr_g, fracDeV_i, petroR50_r, htmID,"
                + " nChild FROM PHOTOOBJ ORDER BY objID");
        assertTrue(csv.startsWith("[objID]:Integer,[psfMag_r]:Float,[dered_r]:Float,[cModelMagErr_g]:Float,"
                + "[fracDeV_i]:Float,[petroR50_r]:Float,[htmID]:Integer,[nChild]:Integer\n"), csv);
        String spec = dump(shared, "SELECT TOP 1 specObjID, zWarning, sciencePrimary, programname, class FROM specobj");
        assertTrue(spec.startsWith("[specObjID]:Integer,[zWarning]:Integer,[sciencePrimary]:Integer,[programname]:String,"
                + "[class]:String\n"), spec);
        List<String> tables = new ArrayList<>();
        try (Statement st = shared.createStatement();
             ResultSet rs = st.executeQuery("SELECT TABLE_NAME, REMARKS FROM INFORMATION_SCHEMA.TABLES"
                     + " WHERE TABLE_SCHEMA = 'DR' ORDER BY TABLE_NAME")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
                assertTrue(rs.getString(2).contains("not real observations") || rs.getString(2).startsWith("View of"),
                        rs.getString(1) + ": " + rs.getString(2));
            }
        }
        assertTrue(tables.containsAll(List.of("PhotoObjAll", "PhotoObj", "PhotoPrimary", "PhotoSecondary", "PhotoFamily",
                "PhotoTag", "Galaxy", "Star", "Sky", "Unknown", "SpecObjAll", "SpecObj", "SpecPhotoAll", "SpecPhoto",
                "Field", "PlateX", "Neighbors", "Photoz", "galSpecLine", "galSpecInfo", "sppParams", "sppLines",
                "apogeeStar", "aspcapStar", "zooSpec", "zooNoSpec", "FIRST", "wise_xmatch", "wise_allsky",
                "stellarMassPCAWisc")), tables.toString());
    }

    @Test
    void commonQueriesUseIndexes() throws SQLException {
        for (String[] ix : new String[][] {{"PhotoObjAll", "objID"}, {"PhotoObjAll", "run"}, {"PhotoObjAll", "ra"},
                {"SpecObjAll", "specObjID"}, {"SpecObjAll", "bestObjID"}, {"Field", "fieldID"}, {"Neighbors", "objID"},
                {"SpecPhotoAll", "objID"}, {"Photoz", "objID"}}) {
            assertTrue(Long.parseLong(one(shared, "SELECT COUNT(*) FROM INFORMATION_SCHEMA.INDEX_COLUMNS WHERE TABLE_SCHEMA = 'DR'"
                    + " AND TABLE_NAME = '" + ix[0] + "' AND COLUMN_NAME = '" + ix[1] + "' AND ORDINAL_POSITION = 1")) >= 1,
                    ix[0] + "." + ix[1]);
        }
    }

    @Test
    void stripe82IsADeeperCoAddOfItsOwn() throws SQLException {
        Connection c = own(SdssSample.STRIPE82, 800, 9);
        assertEquals("800", one(c, "SELECT COUNT(*) FROM PhotoObjAll"));
        assertEquals("0", one(c, "SELECT COUNT(*) FROM PhotoObjAll WHERE ABS(dec) > 1.26"));
        assertEquals("0", one(c, "SELECT COUNT(*) FROM PhotoPrimary WHERE run NOT IN (106, 206)"), "the co-add runs");
        assertTrue(Double.parseDouble(one(c, "SELECT MAX(r) FROM Galaxy")) > Double.parseDouble(one(shared, "SELECT MAX(r) FROM Galaxy")));
        assertEquals(one(c, "SELECT COUNT(*) FROM PhotoObjAll"), one(c, "SELECT SUM(nObjects) FROM Field"));
        for (String v : List.of("PhotoObj", "PhotoPrimary", "Galaxy", "Star")) {
            one(c, "SELECT COUNT(*) FROM " + v);
        }
    }

    @Test
    void schemaIsMatchedCaseInsensitivelyAndFailureLeavesNothing() throws SQLException {
        Connection c = db();
        open.add(c);
        try (Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA \"Sample Cat\"");
            st.execute("CREATE TABLE \"Sample Cat\".Mine (x INT)");
        }
        SdssSample.generate(c, "sample cat", SdssSample.SAMPLE, 50, 1);
        assertEquals("50", one(c, "SELECT COUNT(*) FROM \"Sample Cat\".PhotoObjAll"));
        assertThrows(SQLException.class, () -> SdssSample.generate(c, "nope", SdssSample.SAMPLE, 10, 1));

        Connection d = db();
        open.add(d);
        try (Statement st = d.createStatement()) {
            st.execute("CREATE SCHEMA DR");
            st.execute("CREATE TABLE DR.Mine (x INT)");
            st.execute("CREATE TABLE DR.Neighbors (x INT)"); // generation fails when it reaches Neighbors
        }
        assertTrue(d.getAutoCommit());
        assertThrows(SQLException.class, () -> SdssSample.generate(d, "DR", SdssSample.SAMPLE, 100, 1));
        assertTrue(d.getAutoCommit());
        assertEquals("2", one(d, "SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'DR'"),
                "what it created is gone, what was there stays");
    }
}
