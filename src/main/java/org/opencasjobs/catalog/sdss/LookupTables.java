package org.opencasjobs.catalog.sdss;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The small tables SkyServer keeps behind its flag and type functions ({@code PhotoType},
 * {@code PhotoFlags}, {@code SpecZWarning}, …: name, value, description), written into a
 * context from {@link SdssConstants}, so that {@code SELECT * FROM PhotoFlags} and joins on
 * them work as on SkyServer. ({@code value} is a keyword in H2, so a query names that column
 * quoted, {@code "value"}, or with H2's {@code SET NON_KEYWORDS VALUE} in the session.)
 */
public final class LookupTables {
    private LookupTables() {
    }

    /**
     * Creates each lookup table missing from {@code schema}, and fills again one whose row count
     * differs from the constants (an older build); others are left as they are.
     */
    public static void build(Connection admin, String schema) throws SQLException {
        for (SdssConstants.Enumeration e : SdssConstants.ALL) {
            String existing = ZoneIndex.tableName(admin, schema, e.table());
            if (existing != null && rows(admin, schema, existing) == e.values().size()) {
                continue;
            }
            // A new table's name unquoted, so it takes the database's identifier case (as PhotoObjAll's).
            String t = ZoneIndex.quote(schema) + "." + (existing != null ? ZoneIndex.quote(existing) : e.table());
            try (Statement st = admin.createStatement()) {
                st.execute("DROP TABLE IF EXISTS " + t);
                st.execute("CREATE TABLE " + t + " (name VARCHAR(64) NOT NULL, \"value\" BIGINT NOT NULL,"
                        + " description VARCHAR(256) NOT NULL)");
                st.execute("COMMENT ON TABLE " + t + " IS 'SDSS " + e.table() + (e.bits() ? " bits" : " values")
                        + ": name, value, description (dbo.f" + e.table() + "(name) and dbo.f" + e.table() + "N(value))'");
            }
            try (PreparedStatement ps = admin.prepareStatement("INSERT INTO " + t + " VALUES (?, ?, ?)")) {
                for (SdssConstants.Constant c : e.values()) {
                    ps.setString(1, c.name());
                    ps.setLong(2, c.value());
                    ps.setString(3, c.description());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
    }

    private static long rows(Connection c, String schema, String table) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + ZoneIndex.quote(schema) + "." + ZoneIndex.quote(table))) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
