package org.opencasjobs.catalog;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import org.opencasjobs.catalog.postgres.PostgresNames;
import org.opencasjobs.catalog.postgres.Spellings;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * A catalog load into a context's schema of the PostgreSQL catalog, as its owner: the rows stream
 * through one {@code COPY … FROM STDIN} (text format) into {@code schema."~load~…"}, which then
 * gets its primary key, its q3c index, its own name and its statistics. Everything, from the
 * {@code CREATE TABLE} to the {@code ANALYZE}, is one transaction: a failure, or a killed loader,
 * leaves nothing behind (so {@link #complete} does not commit here; {@link #publish} does).
 *
 * <p>Names are lower-cased: the dialect writes users' unquoted names in lower case on PostgreSQL,
 * so {@code SELECT objID FROM Objects} finds {@code objects.objid}. Text columns are
 * {@code citext}, case-insensitive as SkyServer's collation and as the generated Sample's.
 */
final class PostgresLoadTarget implements LoadTarget {
    /** Bytes of COPY text gathered before they are sent. */
    private static final int CHUNK = 1 << 20;

    private final Connection owner;
    private final String schema;
    private final String table;
    /** The table's name and its columns' as the operator and the files spell them, kept beside the lower-case ones. */
    private final String tableSpelling;
    private List<String> columnSpellings = List.of();
    private final String staging = StagingTables.newName("load");
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream(CHUNK + (CHUNK >> 2));
    private final StringBuilder line = new StringBuilder(256);
    private CopyIn copy;
    private boolean began;

    /** Loads into {@code schema.table} (both lower-cased) over an owner's connection. */
    PostgresLoadTarget(Connection owner, String schema, String table) {
        this.owner = owner;
        this.schema = schema.toLowerCase(Locale.ROOT);
        this.table = table.toLowerCase(Locale.ROOT);
        this.tableSpelling = table;
    }

    private String stagingName() {
        return PostgresNames.quote(schema) + "." + PostgresNames.quote(staging);
    }

    private static String column(String name) {
        return PostgresNames.quote(name.toLowerCase(Locale.ROOT));
    }

    @Override
    public void create(List<LoadColumn> cols) throws SQLException {
        owner.setAutoCommit(false);
        began = true;
        columnSpellings = cols.stream().map(LoadColumn::name).toList();
        String text = cols.stream().anyMatch(c -> c.kind() == LoadColumn.Kind.VARCHAR) ? citext() : null;
        StringBuilder ddl = new StringBuilder("CREATE TABLE ").append(stagingName()).append(" (");
        for (int i = 0; i < cols.size(); i++) {
            ddl.append(i == 0 ? "" : ", ").append(column(cols.get(i).name())).append(' ').append(type(cols.get(i), text));
        }
        try (Statement st = owner.createStatement()) {
            st.execute(ddl.append(')').toString());
        }
        // FREEZE: the table is new in this transaction, so its rows need no later vacuum to be visible to all
        copy = owner.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + stagingName() + " FROM STDIN (FREEZE)");
    }

    /** SQL Server's type names as PostgreSQL spells them (it has no TINYINT, and FLOAT there is a double). */
    private static String type(LoadColumn c, String citext) {
        return switch (c.kind()) {
            case TINYINT, SMALLINT -> "SMALLINT";
            case INT -> "INTEGER";
            case BIGINT -> "BIGINT";
            case REAL -> "REAL";
            case FLOAT -> "DOUBLE PRECISION";
            case BOOLEAN -> "BOOLEAN";
            case VARCHAR -> citext; // its length was checked on every value (ContextLoader)
        };
    }

    /** citext, created if missing (a trusted extension: the database's owner may), named with its schema. */
    private String citext() throws SQLException {
        try (Statement st = owner.createStatement()) {
            st.execute("CREATE EXTENSION IF NOT EXISTS citext SCHEMA public");
        }
        return PostgresNames.quote(extensionSchema(owner, "citext")) + ".citext";
    }

    /** The schema an extension is installed in, or null when it is not installed. */
    static String extensionSchema(Connection c, String extension) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT n.nspname FROM pg_extension e"
                + " JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = ?")) {
            ps.setString(1, extension);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    @Override
    public void add(Object[] values) throws SQLException {
        line.setLength(0);
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                line.append('\t');
            }
            appendValue(line, values[i]);
        }
        line.append('\n');
        pending.writeBytes(line.toString().getBytes(StandardCharsets.UTF_8));
        if (pending.size() >= CHUNK) {
            send();
        }
    }

    /**
     * One value in COPY's text format, as {@link CsvCopy#append} writes an upload's: a file's
     * numbers and booleans as they are, anything else (text, dates, …) as its text.
     */
    static void appendValue(StringBuilder out, Object v) {
        CsvCopy.append(out, v == null || v instanceof Number || v instanceof Boolean ? v : v.toString());
    }

    private void send() throws SQLException {
        copy.writeToCopy(pending.toByteArray(), 0, pending.size());
        pending.reset();
    }

    /** Ends the COPY; the rows are committed with the rest in {@link #publish}. */
    @Override
    public void complete() throws SQLException {
        send();
        copy.endCopy();
        copy = null;
    }

    @Override
    public void primaryKey(String columnName) throws SQLException {
        String col = column(columnName);
        // a savepoint: a refused key aborts the transaction, and the scans that say why must still run
        Savepoint before = owner.setSavepoint();
        try (Statement st = owner.createStatement()) {
            st.execute("ALTER TABLE " + stagingName() + " ADD CONSTRAINT "
                    + PostgresNames.quote("pk_" + table) + " PRIMARY KEY (" + col + ")");
            owner.releaseSavepoint(before);
        } catch (SQLException e) {
            owner.rollback(before);
            try (Statement st = owner.createStatement()) {
                try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + stagingName() + " WHERE " + col + " IS NULL")) {
                    rs.next();
                    long n = rs.getLong(1);
                    if (n > 0) {
                        throw new IllegalArgumentException("--key " + columnName + ": " + n + (n == 1 ? " row has" : " rows have")
                                + " no value in column " + columnName + ", and a primary key needs one in every row.");
                    }
                }
                try (ResultSet rs = st.executeQuery("SELECT " + col + ", COUNT(*) FROM " + stagingName()
                        + " GROUP BY " + col + " HAVING COUNT(*) > 1 LIMIT 1")) {
                    if (rs.next()) {
                        throw new IllegalArgumentException("--key " + columnName + ": the value " + rs.getString(1) + " is in "
                                + rs.getLong(2) + " rows, and a primary key needs each value once.");
                    }
                }
            }
            throw e;
        }
    }

    /** A B-tree on one column (not used for the sky: see {@link #skyIndex}). */
    @Override
    public void index(String columnName) throws SQLException {
        try (Statement st = owner.createStatement()) {
            st.execute("CREATE INDEX " + PostgresNames.quote("ix_" + table + "_" + columnName.toLowerCase(Locale.ROOT))
                    + " ON " + stagingName() + " (" + column(columnName) + ")");
        }
    }

    /**
     * q3c's sky index, {@code q3c_ang2ipix(ra, dec)}: what {@code q3c_radial_query} and the
     * SkyServer cone functions of a {@code photoobjall} use.
     *
     * @throws SQLException q3c is not installed, naming the superuser's command
     */
    void skyIndex(String ra, String dec) throws SQLException {
        String q3c = extensionSchema(owner, "q3c");
        if (q3c == null) {
            throw new SQLException("The q3c extension is not installed in database " + owner.getCatalog()
                    + ", and only a superuser may install it: run CREATE EXTENSION q3c; in that database as a"
                    + " superuser (Debian package postgresql-15-q3c), or load without --ra/--dec.", "58P01");
        }
        try (Statement st = owner.createStatement()) {
            st.execute("CREATE INDEX " + PostgresNames.quote("ix_" + table + "_q3c") + " ON " + stagingName() + " ("
                    + PostgresNames.quote(q3c) + ".q3c_ang2ipix(" + column(ra) + ", " + column(dec) + "))");
        }
    }

    @Override
    public void publish() throws SQLException {
        try (Statement st = owner.createStatement()) {
            st.execute("ALTER TABLE " + stagingName() + " RENAME TO " + PostgresNames.quote(table));
            st.execute("ANALYZE " + PostgresNames.quote(schema) + "." + PostgresNames.quote(table));
        }
        Spellings.table(owner, schema, tableSpelling, columnSpellings); // in the load's transaction
        owner.commit();
        owner.setAutoCommit(true);
        began = false;
    }

    @Override
    public void discard() {
        try {
            if (copy != null && copy.isActive()) {
                copy.cancelCopy();
            }
        } catch (SQLException ignored) {
            // the rollback below ends the COPY too
        }
        copy = null;
        if (began) {
            try {
                owner.rollback(); // the CREATE TABLE with the rows: nothing is left
                owner.setAutoCommit(true);
                began = false;
            } catch (SQLException e) {
                throw new IllegalStateException("The load into " + schema + "." + table + " could not be rolled back ("
                        + LoadFile.oneLine(e) + "); its staging table " + staging + " may be left: drop it.", e);
            }
        }
    }

    @Override
    public void close() {
        discard();
    }
}
