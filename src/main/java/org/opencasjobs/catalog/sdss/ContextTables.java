package org.opencasjobs.catalog.sdss;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Which context a SkyServer function reads when it runs in a user's MyDB database: the
 * connection's current schema (the context the query was submitted to), as on SkyServer where
 * each function reads its own database. A query run in MyDB reads the first context that has
 * the table (Sample before others); the user reads only what their own database user may, as
 * the function runs on their connection.
 */
final class ContextTables {
    private static final String MYDB = "MyDB";

    private ContextTables() {
    }

    /** The qualified Zone table the cone searches read. */
    static String zoneTable(Connection c) throws SQLException {
        return table(c, ZoneIndex.TABLE);
    }

    /** The qualified name of {@code table} in the current context (or the first that has it). */
    static String table(Connection c, String table) throws SQLException {
        String current = c.getSchema();
        if (current != null && !current.equalsIgnoreCase(MYDB)) {
            if (exists(c, current, table)) {
                return ZoneIndex.quote(current) + "." + ZoneIndex.quote(table);
            }
            throw new SQLException("This SkyServer function reads the context's " + table + " table, and context "
                    + current + " has no " + table + " table" + (table.equals(ZoneIndex.TABLE)
                            ? " (the zone index is built from a PhotoObjAll table, which it lacks)." : "."), "42S02");
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT TABLE_SCHEMA FROM INFORMATION_SCHEMA.TABLES"
                + " WHERE UPPER(TABLE_NAME) = UPPER(?) AND TABLE_SCHEMA NOT IN ('MyDB', 'INFORMATION_SCHEMA', 'dbo')"
                + " ORDER BY CASE WHEN TABLE_SCHEMA = 'Sample' THEN 0 ELSE 1 END, TABLE_SCHEMA")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return ZoneIndex.quote(rs.getString(1)) + "." + ZoneIndex.quote(table);
                }
            }
        }
        throw new SQLException("This SkyServer function reads a context's " + table
                + " table, and no context here has one: run the query in a context with a PhotoObjAll table.", "42S02");
    }

    private static boolean exists(Connection c, String schema, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM INFORMATION_SCHEMA.TABLES"
                + " WHERE TABLE_SCHEMA = ? AND UPPER(TABLE_NAME) = UPPER(?)")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }
}
