package org.opencasjobs.catalog.sdss;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * SkyServer's {@code Zone} table: every PhotoObjAll object once, with its declination zone,
 * in a B-tree on (zoneID, ra), so that a cone or rectangle search reads a few narrow ra ranges
 * of a few zones instead of the whole catalog (Gray, Szalay et al., "There Goes the
 * Neighborhood: Relational Algebra for Spatial Data Search", 2004).
 *
 * <p>Zones are 30 arcsec high, as SkyServer's own Zone table: {@code zoneID = floor((dec + 90) /
 * h)}, counted from the south pole. A 1' cone then spans five zones; a smaller height reads
 * fewer rows outside the cone but makes more range look-ups, a larger one the reverse.
 *
 * <p>Besides SkyServer's columns (zoneID, ra, dec, objID, type, mode, cx, cy, cz) the table
 * keeps run, rerun, camcol, field and htmID, so that the cone functions answer from this table
 * alone, with one index range look-up per zone and no join back to PhotoObjAll.
 */
public final class ZoneIndex {
    /** The zone height in degrees: 30 arcsec. */
    public static final double ZONE_HEIGHT_DEG = 30.0 / 3600.0;
    public static final String TABLE = "Zone";
    public static final String SOURCE = "PhotoObjAll";

    private ZoneIndex() {
    }

    /** The zone of a declination; the same double arithmetic as the table's build. */
    public static int zoneOf(double decDeg) {
        return (int) Math.floor((decDeg + 90.0) / ZONE_HEIGHT_DEG);
    }

    /** Whether {@code schema} has a PhotoObjAll table, the zone index's source. */
    public static boolean hasSource(Connection admin, String schema) throws SQLException {
        return tableName(admin, schema, SOURCE) != null;
    }

    /**
     * Whether {@code schema} has a PhotoObjAll whose Zone table is missing or out of date (another
     * row count), so {@link #build} should run.
     */
    public static boolean needsBuild(Connection admin, String schema) throws SQLException {
        String source = tableName(admin, schema, SOURCE);
        if (source == null) {
            return false;
        }
        String zone = tableName(admin, schema, TABLE);
        return zone == null || count(admin, schema, zone) != count(admin, schema, source);
    }

    /**
     * (Re)creates {@code schema.Zone} from {@code schema.PhotoObjAll} with its (zoneID, ra)
     * index, in one transaction. PhotoObjAll needs objID, ra and dec; columns it lacks are
     * derived: cx, cy, cz from ra and dec; run, rerun, camcol and field from the objID's bits;
     * type 0 (unknown), mode 1 (primary), htmID NULL.
     */
    public static void build(Connection admin, String schema) throws SQLException {
        String source = tableName(admin, schema, SOURCE);
        if (source == null) {
            throw new SQLException("There is no " + SOURCE + " table in " + schema + " to build the zone index from.");
        }
        Set<String> cols = columns(admin, schema, source);
        for (String needed : new String[] {"objid", "ra", "dec"}) {
            if (!cols.contains(needed)) {
                throw new SQLException(schema + "." + source + " has no " + needed + " column: the zone index needs objID, ra and dec.");
            }
        }
        String s = quote(schema);
        String select = "SELECT CAST(FLOOR((CAST(dec AS DOUBLE PRECISION) + CAST(90 AS DOUBLE PRECISION))"
                + " / CAST(? AS DOUBLE PRECISION)) AS INT), ra, dec, objID, "
                + or(cols, "type", "0") + ", " + or(cols, "mode", "1") + ", "
                + or(cols, "cx", "COS(RADIANS(dec)) * COS(RADIANS(ra))") + ", "
                + or(cols, "cy", "COS(RADIANS(dec)) * SIN(RADIANS(ra))") + ", "
                + or(cols, "cz", "SIN(RADIANS(dec))") + ", "
                + or(cols, "run", "BITAND(objID / 4294967296, 65535)") + ", "
                + or(cols, "rerun", "BITAND(objID / 281474976710656, 2047)") + ", "
                + or(cols, "camcol", "BITAND(objID / 536870912, 7)") + ", "
                + or(cols, "field", "BITAND(objID / 65536, 4095)") + ", "
                + or(cols, "htmID", "CAST(NULL AS BIGINT)")
                + " FROM " + s + "." + quote(source) + " WHERE ra IS NOT NULL AND dec IS NOT NULL";
        boolean autoCommit = admin.getAutoCommit();
        admin.setAutoCommit(false);
        try (Statement st = admin.createStatement()) {
            st.execute("DROP TABLE IF EXISTS " + s + "." + TABLE);
            st.execute("CREATE TABLE " + s + "." + TABLE + " (zoneID INT NOT NULL, ra DOUBLE PRECISION NOT NULL,"
                    + " dec DOUBLE PRECISION NOT NULL, objID BIGINT NOT NULL, type TINYINT NOT NULL,"
                    + " mode TINYINT NOT NULL, cx DOUBLE PRECISION NOT NULL, cy DOUBLE PRECISION NOT NULL,"
                    + " cz DOUBLE PRECISION NOT NULL, run INT, rerun INT, camcol INT, field INT, htmID BIGINT)");
            st.execute("COMMENT ON TABLE " + s + "." + TABLE + " IS 'PhotoObjAll by declination zones of 30 arcsec"
                    + " (zoneID = floor((dec + 90) * 120)), indexed on (zoneID, ra) for the cone search functions.'");
            try (PreparedStatement ps = admin.prepareStatement("INSERT INTO " + s + "." + TABLE + " " + select)) {
                ps.setDouble(1, ZONE_HEIGHT_DEG);
                ps.executeUpdate();
            }
            st.execute("CREATE INDEX " + quote(TABLE + "_zoneID_ra") + " ON " + s + "." + TABLE + " (zoneID, ra)");
            admin.commit();
        } catch (SQLException | RuntimeException e) {
            admin.rollback();
            throw e;
        } finally {
            admin.setAutoCommit(autoCommit);
        }
    }

    /** {@code column} if PhotoObjAll has it, else the expression that stands in for it. */
    private static String or(Set<String> cols, String column, String otherwise) {
        return cols.contains(column.toLowerCase(Locale.ROOT)) ? column : otherwise;
    }

    /** The exact name of a table of the schema, matched in any case; null if it has none. */
    static String tableName(Connection c, String schema, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES"
                + " WHERE UPPER(TABLE_SCHEMA) = UPPER(?) AND UPPER(TABLE_NAME) = UPPER(?)")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static Set<String> columns(Connection c, String schema, String table) throws SQLException {
        Set<String> out = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT COLUMN_NAME FROM INFORMATION_SCHEMA.COLUMNS"
                + " WHERE UPPER(TABLE_SCHEMA) = UPPER(?) AND TABLE_NAME = ?")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1).toLowerCase(Locale.ROOT));
                }
            }
        }
        return out;
    }

    private static long count(Connection c, String schema, String table) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + quote(schema) + "." + quote(table)
                     + " WHERE ra IS NOT NULL AND dec IS NOT NULL")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
