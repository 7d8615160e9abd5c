package org.opencasjobs.catalog.sdss;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.opencasjobs.dialect.Engine;

/**
 * The one place where the generated catalog's SQL differs between engines: how a schema, table
 * and index are named, which column types SDSS's types become, how rows get in, and what is done
 * before and after. The table families ({@link PhotoObjects}, {@link Spectroscopy}, …) declare
 * their columns once, in SQL Server's types as SkyServer does (TINYINT, FLOAT, VARCHAR(n)), and
 * write their rows through {@link TableWriter}; they never ask which engine they write to.
 */
abstract class SampleDatabase {
    protected final Connection c;

    SampleDatabase(Connection c) {
        this.c = c;
    }

    /** The database for {@code engine} over an admin connection, writing into {@code schema}. */
    static SampleDatabase of(Engine engine, Connection c, String schema) throws SQLException {
        return engine == Engine.POSTGRESQL ? new PostgresSampleDatabase(c, schema) : new H2SampleDatabase(c, schema);
    }

    Connection connection() {
        return c;
    }

    /** The schema as written in SQL (quoted as needed). */
    abstract String schema();

    /** The qualified name a table or view is created under, from its SDSS spelling. */
    abstract String relation(String name);

    /** A column definition "name TYPE [constraints]" in SQL Server's types, as this engine writes it. */
    abstract String column(String definition);

    /** Where the rows of a new table go; {@code definitions} as given to {@link #column}. */
    abstract RowSink rows(String qualifiedTable, List<String> definitions) throws SQLException;

    /**
     * Keeps how SDSS spells a table or view just created and its columns (none for a view), where
     * the engine folds names to lower case; H2 keeps the names as created.
     */
    abstract void spelled(String table, List<String> columns) throws SQLException;

    /** The column names of "name TYPE …" definitions. */
    static List<String> names(List<String> definitions) {
        return definitions.stream().map(d -> d.strip().split("\\s+", 2)[0]).toList();
    }

    /** CREATE INDEX on a table of the schema; {@code columns} may be expressions. */
    abstract String index(String name, String table, String columns);

    /** COMMENT ON a view (H2 takes TABLE for both; PostgreSQL insists on VIEW). */
    abstract String commentOnView(String qualifiedView, String text);

    /** Before a generation: {@link #prepare()} and what generating needs besides. */
    abstract void begin() throws SQLException;

    /** Before creating any table: the types text columns need, the schema. */
    abstract void prepare() throws SQLException;

    /** After every table and view of a context with a PhotoObjAll: sky index, statistics. */
    abstract void end() throws SQLException;

    /**
     * Whether DDL is rolled back with the transaction (PostgreSQL); otherwise a failed generation
     * drops what it created by hand ({@link SdssSample}).
     */
    abstract boolean transactionalDdl();

    /** The type of a name/description column of the lookup tables. */
    String text(int length) {
        String definition = column("x VARCHAR(" + length + ")");
        return definition.substring(definition.indexOf(' ') + 1);
    }

    void execute(List<String> statements) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
        }
    }

    static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }
}
