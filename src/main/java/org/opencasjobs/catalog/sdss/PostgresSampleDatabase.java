package org.opencasjobs.catalog.sdss;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.opencasjobs.catalog.postgres.Spellings;

/**
 * The catalog in a PostgreSQL schema, as the PostgreSQL catalog lays it out: schema, tables,
 * views, columns and indexes all in lower case (what PostgreSQL folds unquoted names to, so
 * {@code PhotoObj.objID} and {@code [PhotoObj]} written by users find them), SQL Server's types
 * mapped (TINYINT → SMALLINT, FLOAT → DOUBLE PRECISION), rows in by COPY, then a q3c index on
 * {@code photoobjall (q3c_ang2ipix(ra, dec))} and ANALYZE.
 *
 * <p><b>Text without regard to case.</b> SkyServer's collation is case-insensitive
 * ({@code class = 'galaxy'} finds the galaxies), and H2 gets it from VARCHAR_IGNORECASE. Here the
 * text columns are {@code citext}: a trusted extension (PostgreSQL 13+) the database's owner may
 * create, whose operators make {@code =}, {@code <}, {@code LIKE}, {@code IN}, {@code GROUP BY}
 * and {@code DISTINCT} ignore case. A nondeterministic ICU collation was the other way, but
 * PostgreSQL 15 refuses LIKE on such columns, and SkyServer queries use LIKE. citext has no
 * length: VARCHAR(n)'s n is not enforced (the generator writes no longer values). Its operators
 * resolve for users only while citext's schema ({@code public}) is on their search_path;
 * without it {@code =} falls back to text's, which heeds case.
 */
final class PostgresSampleDatabase extends SampleDatabase {
    private static final Pattern VARCHAR = Pattern.compile("(?i)VARCHAR\\(\\d+\\)");
    private final String schema;
    private final String bare;
    private final List<String> tables = new ArrayList<>();
    private String citext;

    PostgresSampleDatabase(Connection c, String schema) {
        super(c);
        this.bare = schema.toLowerCase(Locale.ROOT);
        this.schema = quote(bare);
    }

    @Override
    String schema() {
        return schema;
    }

    @Override
    String relation(String name) {
        return schema + "." + quote(name.toLowerCase(Locale.ROOT));
    }

    @Override
    String column(String definition) {
        String[] nameTypeRest = definition.split(" ", 3);
        return quote(nameTypeRest[0].toLowerCase(Locale.ROOT)) + " " + type(definition)
                + (nameTypeRest.length > 2 ? " " + nameTypeRest[2] : "");
    }

    /** The PostgreSQL type of a column definition "name TYPE [constraints]" in SQL Server's types. */
    private String type(String definition) {
        String type = definition.split(" ", 3)[1].toUpperCase(Locale.ROOT);
        return switch (type) {
            case "TINYINT" -> "SMALLINT";
            case "FLOAT" -> "DOUBLE PRECISION";
            default -> VARCHAR.matcher(type).matches() ? citext() : type;
        };
    }

    private String citext() {
        if (citext == null) {
            throw new IllegalStateException("begin() first: the citext extension is created there");
        }
        return citext;
    }

    @Override
    RowSink rows(String qualifiedTable, List<String> definitions) throws SQLException {
        tables.add(qualifiedTable);
        return new CopyRows(c, qualifiedTable, definitions.stream().map(this::type).toList());
    }

    /** In the catalog's spellings ({@link Spellings}), in this generation's transaction. */
    @Override
    void spelled(String table, List<String> columns) throws SQLException {
        Spellings.table(c, bare, table, columns);
    }

    @Override
    String index(String name, String table, String columns) {
        // an index lives in its table's schema: its name takes no schema
        return "CREATE INDEX " + quote(name.toLowerCase(Locale.ROOT)) + " ON " + relation(table) + " (" + columns + ")";
    }

    @Override
    String commentOnView(String qualifiedView, String text) {
        return "COMMENT ON VIEW " + qualifiedView + " IS " + literal(text);
    }

    @Override
    void begin() throws SQLException {
        q3cSchema(c); // fail before generating anything
        prepare();
    }

    @Override
    void prepare() throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("CREATE EXTENSION IF NOT EXISTS citext SCHEMA public");
            st.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
        }
        citext = quote(extensionSchema(c, "citext")) + ".citext";
    }

    /** The q3c index on photoobjall, then statistics of every table, so the planner knows a cone is small. */
    @Override
    void end() throws SQLException {
        List<String> all = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT tablename FROM pg_tables WHERE schemaname = ? ORDER BY 1")) {
            ps.setString(1, bare);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    all.add(rs.getString(1));
                }
            }
        }
        try (Statement st = c.createStatement()) {
            if (tables.contains(relation(ZoneIndex.SOURCE))) {
                st.execute("CREATE INDEX " + quote("ix_photoobjall_q3c") + " ON " + relation(ZoneIndex.SOURCE)
                        + " (" + quote(q3cSchema(c)) + ".q3c_ang2ipix(ra, dec))");
            }
            for (String t : all) {
                st.execute("ANALYZE " + schema + "." + quote(t));
            }
        }
    }

    @Override
    boolean transactionalDdl() {
        return true;
    }

    /** The schema q3c's functions are in; a clear error naming the superuser's command if it is not installed. */
    static String q3cSchema(Connection c) throws SQLException {
        String s = extensionSchema(c, "q3c");
        if (s == null) {
            throw new SQLException("The q3c extension is not installed in database " + c.getCatalog()
                    + ", and only a superuser may install it: run CREATE EXTENSION q3c; in that database as a"
                    + " superuser (Debian package postgresql-15-q3c).", "58P01");
        }
        return s;
    }

    static String extensionSchema(Connection c, String extension) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = ?")) {
            ps.setString(1, extension);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
