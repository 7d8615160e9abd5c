package org.opencasjobs.catalog.sdss;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The catalog in an H2 schema: names as SDSS spells them (H2 keeps their case), SQL Server's
 * types as H2 takes them, and text columns VARCHAR_IGNORECASE ({@code SET IGNORECASE TRUE}), as
 * under SkyServer's case-insensitive collation.
 */
final class H2SampleDatabase extends SampleDatabase {
    private final String schema;

    H2SampleDatabase(Connection c, String schema) throws SQLException {
        super(c);
        this.schema = quote(schemaName(c, schema));
    }

    /** H2 keeps every name as created: nothing to keep beside it. */
    @Override
    void spelled(String table, List<String> columns) {
    }

    @Override
    String schema() {
        return schema;
    }

    @Override
    String relation(String name) {
        return schema + "." + quote(name);
    }

    @Override
    String column(String definition) {
        return definition;
    }

    @Override
    RowSink rows(String qualifiedTable, List<String> definitions) throws SQLException {
        return new BatchRows(c, qualifiedTable, definitions.size());
    }

    @Override
    String index(String name, String table, String columns) {
        return "CREATE INDEX " + schema + "." + name + " ON " + schema + "." + table + " (" + columns + ")";
    }

    @Override
    String commentOnView(String qualifiedView, String text) {
        return "COMMENT ON TABLE " + qualifiedView + " IS " + literal(text);
    }

    @Override
    void begin() throws SQLException {
        try (Statement st = c.createStatement()) {
            // Text compares without regard to case, as under SQL Server's default collation that
            // SkyServer uses (class = 'galaxy' finds the galaxies): the text columns of the tables
            // made from here on are VARCHAR_IGNORECASE, and linked tables keep that type.
            st.execute("SET IGNORECASE TRUE");
        }
    }

    @Override
    void prepare() {
        // the schema exists (checked when made); lookup tables keep the session's case setting
    }

    @Override
    void end() {
        // H2's cone searches read the Zone table, which Catalog builds when it opens the context.
    }

    @Override
    boolean transactionalDdl() {
        return false;
    }

    /** The schema's name unquoted, as stored. */
    String schemaName() {
        return schema.substring(1, schema.length() - 1).replace("\"\"", "\"");
    }

    /**
     * The schema's name as stored: H2 (2.5, even with CASE_INSENSITIVE_IDENTIFIERS=TRUE) matches
     * schema names case-sensitively, so {@code dr7} would not find {@code DR7}.
     */
    private static String schemaName(Connection c, String schema) throws SQLException {
        String found = null;
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT SCHEMA_NAME FROM INFORMATION_SCHEMA.SCHEMATA WHERE UPPER(SCHEMA_NAME) = UPPER(?)")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String name = rs.getString(1);
                    if (name.equals(schema) || found == null) {
                        found = name;
                    }
                }
            }
        }
        if (found == null) {
            throw new SQLException("Schema " + schema + " does not exist");
        }
        return found;
    }
}
