package org.opencasjobs.catalog.sdss;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import org.opencasjobs.dialect.Engine;

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

    /** {@link #build(Connection, Engine, String)} on H2. */
    public static void build(Connection admin, String schema) throws SQLException {
        build(admin, Engine.H2, schema);
    }

    /**
     * Creates each lookup table missing from {@code schema}, and fills again one whose row count
     * differs from the constants (an older build); others are left as they are. On PostgreSQL the
     * schema and table names are lower case and name and description are citext, as the
     * generated catalog's text ({@link PostgresSampleDatabase}).
     */
    public static void build(Connection admin, Engine engine, String schema) throws SQLException {
        SampleDatabase db = SampleDatabase.of(engine, admin, schema);
        db.prepare();
        String stored = engine == Engine.POSTGRESQL ? schema.toLowerCase(Locale.ROOT) : schema;
        for (SdssConstants.Enumeration e : SdssConstants.ALL) {
            String existing = ZoneIndex.tableName(admin, stored, e.table());
            if (existing != null && rows(admin, stored, existing) == e.values().size()) {
                continue;
            }
            // A new table's name as the engine names the catalog's (H2: as PhotoObjAll's; PostgreSQL: lower case).
            String t = existing != null ? ZoneIndex.quote(stored) + "." + ZoneIndex.quote(existing) : db.relation(e.table());
            try (Statement st = admin.createStatement()) {
                st.execute("DROP TABLE IF EXISTS " + t);
                st.execute("CREATE TABLE " + t + " (name " + db.text(64) + " NOT NULL, \"value\" BIGINT NOT NULL,"
                        + " description " + db.text(256) + " NOT NULL)");
                db.spelled(e.table(), List.of("name", "value", "description"));
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
