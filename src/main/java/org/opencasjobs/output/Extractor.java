package org.opencasjobs.output;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.opencasjobs.jobs.CasJobsException;
import org.opencasjobs.jobs.MyDb;
import uk.ac.starlink.fits.FitsTableWriter;
import uk.ac.starlink.table.ColumnInfo;
import uk.ac.starlink.table.DescribedValue;
import uk.ac.starlink.table.Tables;
import uk.ac.starlink.votable.DataFormat;
import uk.ac.starlink.votable.VOStarTable;
import uk.ac.starlink.votable.VOTableVersion;
import uk.ac.starlink.votable.VOTableWriter;

/**
 * Writes a MyDB table to a file for SubmitExtractJob (CONTRACT §7, NOTES §8.7). Rows stream from
 * the database to the file one at a time: the query runs forward-only and read-only with H2's
 * lazy execution on, so a table of millions of rows never sits in memory.
 *
 * <ul>
 * <li><b>CSV</b> ({@code .csv}): RFC 4180 via Commons CSV. A header line of column names, then one
 *     line per row; every line ends with CRLF (RFC 4180, as the Windows original wrote). UTF-8
 *     without a BOM. Fields holding a comma, quote, CR or LF are quoted, quotes doubled (Commons
 *     CSV's minimal quoting also quotes a few harmless ones, e.g. a leading space). NULL is an
 *     empty field, and so is an empty string, except in the first column, where an empty string
 *     is written {@code ""} (so that a one-column line is never blank). Integers in full;
 *     REAL/DOUBLE as text that reads back as the same value, in .NET's layout
 *     ({@code 0.1}, {@code 18}, {@code 1E-05}, {@code NaN}, {@code Infinity}; see
 *     {@link Column#formatDouble}); DECIMAL as plain digits; booleans
 *     {@code True}/{@code False}; date/times {@code yyyy-MM-dd HH:mm:ss[.fff]}; binaries
 *     {@code 0x…}.</li>
 * <li><b>FITS</b> ({@code .fit}, the extension CasJobs used; UGALI finds the URL with
 *     {@code http://.*\.fit}, which would cut a {@code .fits} name short): STIL's plain
 *     "fits-basic" layout, an empty primary HDU and the table as a BINTABLE in HDU 1
 *     ({@code EXTNAME} = table name), which astropy reads with {@code fits.open(f)[1].data}.
 *     BIGINT → K, INT → J, SMALLINT and TINYINT → I, REAL → E, DOUBLE and DECIMAL → D, BOOLEAN →
 *     L (NULL as the 0 byte), everything else as fixed-width text (A): strings, date/times as
 *     ISO-8601 ({@code 2020-01-02T03:04:05.500}, {@code TXTYP = 'timestamp'}; a zoned timestamp
 *     in UTC with {@code Z}), GUIDs, binaries as hex. NULL: NaN in E/D columns, blanks in A
 *     columns, and in an integer column that has NULLs a {@code TNULLn} value: the type's
 *     minimum if no row holds it, else its maximum, else the first free value of minimum+1 …
 *     minimum+16; failing all three a SMALLINT column is widened to J and an INT to K, and a
 *     BIGINT is refused with a {@link CasJobsException}. FITS text is ASCII: other characters
 *     become {@code ?} (STIL's default). String widths (the longest value, at least 1),
 *     integer NULL markers and the
 *     row count come from one aggregate query run first, inside one REPEATABLE READ transaction
 *     with the SELECT, so STIL writes in a single pass.</li>
 * <li><b>VOTable</b> ({@code .xml}): VOTable 1.4 with inline BINARY2 data (null flags for every
 *     type), written by STIL in one pass. Types as for FITS but strings are variable-length
 *     ({@code arraysize="*"}) {@code unicodeChar} (1.4's {@code char} is ASCII only; being
 *     UCS-2 it cannot hold characters beyond U+FFFF, which STIL writes as {@code ?}), and
 *     date/times carry {@code xtype="timestamp"}. STIL reads an empty string back as null.</li>
 * <li><b>DataSet</b> ({@code .xml}): what .NET's {@code DataSet.WriteXml(file,
 *     XmlWriteMode.WriteSchema)} writes, see {@link DataSetWriter}.</li>
 * </ul>
 * Column names are the table's, made unique as ADO.NET does (see
 * {@link org.opencasjobs.output.TypedCsv#columnNames}).
 */
public final class Extractor {

    private Extractor() {
    }

    /** The output types of SubmitExtractJob (the CJType names other than QUERY). */
    public enum Format {
        CSV("CSV", "csv", "text/csv"),
        FITS("FITS", "fit", "application/fits"),
        VOTABLE("VOTable", "xml", "application/x-votable+xml"),
        DATASET("DataSet", "xml", "text/xml");

        private final String typeName;
        private final String extension;
        private final String contentType;

        Format(String typeName, String extension, String contentType) {
            this.typeName = typeName;
            this.extension = extension;
            this.contentType = contentType;
        }

        /** The job type name as CasJobs spells it: CSV, FITS, VOTable, DataSet. */
        public String typeName() {
            return typeName;
        }

        /** File name extension, without the dot. */
        public String extension() {
            return extension;
        }

        /** MIME type to serve the file with. */
        public String contentType() {
            return contentType;
        }

        /**
         * The format of a SubmitExtractJob {@code type}, matched case-insensitively; anything
         * else (QUERY included) is refused with a {@link CasJobsException} listing the valid types.
         */
        public static Format of(String jobType) {
            if (jobType != null) {
                String t = jobType.trim();
                for (Format f : values()) {
                    if (f.typeName.equalsIgnoreCase(t)) {
                        return f;
                    }
                }
            }
            throw new CasJobsException("'" + jobType + "' is not an output type. The output types are CSV, DataSet,"
                    + " FITS and VOTable.");
        }
    }

    /**
     * Writes the whole of {@code SELECT * FROM MyDB."table"} (run on {@code c}, the account's
     * own connection) to {@code file}, replacing it; returns the row count. A failed extract
     * deletes the file.
     *
     * @throws CasJobsException the table does not exist in MyDB
     */
    public static long extract(Connection c, String table, Format format, Path file)
            throws SQLException, IOException {
        return extract(c, table, format, file, st -> { });
    }

    /**
     * As {@link #extract(Connection, String, Format, Path)}, telling {@code running} each
     * statement as it starts to run (so that a cancel can {@link Statement#cancel()} it) and
     * {@code null} when it has finished.
     */
    public static long extract(Connection c, String table, Format format, Path file, Consumer<Statement> running)
            throws SQLException, IOException {
        return extract(c, MyDb.NAME, table, format, file, running);
    }

    /**
     * As {@link #extract(Connection, String, Format, Path, Consumer)}, from the MyDB whose schema
     * is {@code schema} on {@code c} (H2: MyDB; PostgreSQL: the account's own schema).
     */
    public static long extract(Connection c, String schema, String table, Format format, Path file,
                               Consumer<Statement> running) throws SQLException, IOException {
        String name = resolveTable(c, schema, table);
        // MyDB quoted: unquoted it becomes MYDB on a database opened without DATABASE_TO_UPPER=FALSE.
        String sql = "SELECT * FROM " + quote(schema) + "." + quote(name);
        boolean lazy = setLazy(c, true);
        boolean done = false;
        try {
            long rows = switch (format) {
                case CSV -> csv(c, sql, file, running);
                case DATASET -> dataSet(c, sql, file, running);
                case FITS -> fits(c, sql, name, file, running);
                case VOTABLE -> voTable(c, sql, name, file, running);
            };
            done = true;
            return rows;
        } catch (IOException e) {
            SQLException sqlCause = sqlCause(e);
            if (sqlCause != null) {
                throw sqlCause;
            }
            throw e;
        } finally {
            if (lazy) {
                try {
                    setLazy(c, false);
                } catch (SQLException ignored) {
                    // the connection is gone (a cancel may close it): nothing left to restore
                }
            }
            if (!done) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // keep the extract's own error; an unreadable partial file is left behind
                }
            }
        }
    }

    // ---- table, statements ------------------------------------------------------------------

    /** The table's name as stored (matched case-insensitively, as SQL Server does). */
    static String resolveTable(Connection c, String table) throws SQLException {
        return resolveTable(c, MyDb.NAME, table);
    }

    /** As {@link #resolveTable(Connection, String)}, in the MyDB schema {@code schema}. */
    static String resolveTable(Connection c, String schema, String table) throws SQLException {
        String wanted = table == null ? "" : table.trim();
        if (wanted.length() > 2 && wanted.startsWith("[") && wanted.endsWith("]")) {
            wanted = wanted.substring(1, wanted.length() - 1);
        }
        String found = null;
        if (!wanted.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES"
                    + " WHERE TABLE_SCHEMA = ? AND UPPER(TABLE_NAME) = UPPER(?)")) {
                ps.setString(1, schema);
                ps.setString(2, wanted);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String n = rs.getString(1);
                        if (found == null || n.equals(wanted)) {
                            found = n;
                        }
                    }
                }
            }
        }
        if (found == null) {
            throw new CasJobsException("Table '" + table + "' does not exist in MyDB.");
        }
        return found;
    }

    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    static PreparedStatement prepare(Connection c, String sql) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
        ps.setFetchSize(QueryStarTable.FETCH_SIZE);
        return ps;
    }

    /**
     * Turns H2's lazy query execution on or off for this session (off is H2's default). Without
     * it H2 computes a whole SELECT result before handing out the first row (spilling big ones
     * to temporary files); with it rows are produced as they are fetched. A plain database user
     * may set it. Returns false (and does nothing) on other databases.
     */
    private static boolean setLazy(Connection c, boolean on) throws SQLException {
        if (!c.getMetaData().getDatabaseProductName().equals("H2")) {
            return false;
        }
        try (Statement s = c.createStatement()) {
            s.execute("SET LAZY_QUERY_EXECUTION " + (on ? "TRUE" : "FALSE"));
        }
        return true;
    }

    private static SQLException sqlCause(Throwable t) {
        for (int depth = 0; t != null && depth < 10; depth++, t = t.getCause()) {
            if (t instanceof SQLException s) {
                return s;
            }
        }
        return null;
    }

    // ---- CSV ----------------------------------------------------------------------------------

    private static final CSVFormat CSV_FORMAT = CSVFormat.RFC4180.builder().setRecordSeparator("\r\n").get();

    private static long csv(Connection c, String sql, Path file, Consumer<Statement> running)
            throws SQLException, IOException {
        try (PreparedStatement ps = prepare(c, sql)) {
            running.accept(ps);
            try (ResultSet rs = ps.executeQuery()) {
                Column[] cols = Column.of(rs.getMetaData());
                String[] names = new String[cols.length];
                for (int i = 0; i < cols.length; i++) {
                    names[i] = cols[i].name;
                }
                long count = 0;
                try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
                     CSVPrinter p = new CSVPrinter(w, CSV_FORMAT.builder().setHeader(names).get())) {
                    while (rs.next()) {
                        for (Column col : cols) {
                            Object v = col.read(rs);
                            p.print(v == null ? null : col.csv(v));
                        }
                        p.println();
                        count++;
                    }
                }
                return count;
            } finally {
                running.accept(null);
            }
        }
    }

    // ---- DataSet ------------------------------------------------------------------------------

    private static long dataSet(Connection c, String sql, Path file, Consumer<Statement> running)
            throws SQLException, IOException {
        try (PreparedStatement ps = prepare(c, sql)) {
            running.accept(ps);
            try (ResultSet rs = ps.executeQuery();
                 Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                return DataSetWriter.write(rs, Column.of(rs.getMetaData()), w);
            } finally {
                running.accept(null);
            }
        }
    }

    // ---- VOTable ------------------------------------------------------------------------------

    private static long voTable(Connection c, String sql, String name, Path file, Consumer<Statement> running)
            throws SQLException, IOException {
        Column[] cols = columns(c, sql);
        ColumnInfo[] infos = new ColumnInfo[cols.length];
        for (int i = 0; i < cols.length; i++) {
            Column col = cols[i];
            ColumnInfo info = new ColumnInfo(col.name, col.kind.starClass, null);
            info.setNullable(true); // BINARY2 flags NULLs itself: no magic values needed
            if (col.kind == Column.Kind.STRING) {
                info.setAuxDatum(new DescribedValue(VOStarTable.DATATYPE_INFO, "unicodeChar"));
            }
            info.setXtype(col.xtype());
            infos[i] = info;
        }
        QueryStarTable table = new QueryStarTable(c, sql, cols, infos, -1, running);
        table.setName(name);
        VOTableWriter writer = new VOTableWriter(DataFormat.BINARY2, true, VOTableVersion.V14);
        try (OutputStream out = output(file)) {
            writer.writeStarTable(table, out);
        }
        return table.rowsRead;
    }

    // ---- FITS ---------------------------------------------------------------------------------

    private static long fits(Connection c, String sql, String name, Path file, Consumer<Statement> running)
            throws SQLException, IOException {
        // The aggregate pass and the SELECT must see the same rows: one REPEATABLE READ
        // transaction, unless the caller already runs one of its own.
        boolean ownTransaction = c.getAutoCommit();
        int isolation = c.getTransactionIsolation();
        if (ownTransaction) {
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setAutoCommit(false);
        }
        boolean ok = false;
        try {
            Column[] cols = columns(c, sql);
            FitsShape shape = FitsShape.measure(c, sql, cols, running);
            QueryStarTable table = new QueryStarTable(c, sql, cols, shape.infos, shape.rows, running);
            table.setName(name);
            FitsTableWriter writer = new FitsTableWriter();
            writer.setPrimaryType(FitsTableWriter.PrimaryType.BASIC);
            try (OutputStream out = output(file)) {
                writer.writeStarTable(table, out);
            }
            if (table.rowsRead != shape.rows) { // only possible inside a caller's own transaction
                throw new SQLException("The table changed while it was extracted (" + shape.rows + " rows counted, "
                        + table.rowsRead + " read). Try again.");
            }
            ok = true;
            return shape.rows;
        } finally {
            if (ownTransaction) {
                try {
                    if (ok) {
                        c.commit();
                    } else {
                        c.rollback();
                    }
                } finally {
                    c.setAutoCommit(true);
                    c.setTransactionIsolation(isolation);
                }
            }
        }
    }

    /** The columns of the SELECT, from its metadata (the query does not run). */
    private static Column[] columns(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql)) {
            ResultSetMetaData md = ps.getMetaData();
            return Column.of(md);
        }
    }

    private static OutputStream output(Path file) throws IOException {
        return new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
    }

    /**
     * What a FITS BINTABLE must know before its first row: the row count, the width of each
     * text column and, for integer columns holding NULLs, a value to mark them (TNULLn), all
     * from one aggregate query.
     */
    private static final class FitsShape {
        final long rows;
        final ColumnInfo[] infos;

        private FitsShape(long rows, ColumnInfo[] infos) {
            this.rows = rows;
            this.infos = infos;
        }

        static FitsShape measure(Connection c, String sql, Column[] cols, Consumer<Statement> running)
                throws SQLException {
            String from = sql.substring(sql.indexOf(" FROM "));
            StringBuilder q = new StringBuilder("SELECT COUNT(*)");
            List<Integer> firstAggregate = new ArrayList<>();
            int next = 2;
            for (Column col : cols) {
                firstAggregate.add(next);
                String id = quote(col.sourceName);
                switch (col.kind) {
                    case STRING -> {
                        q.append(", MAX(CHAR_LENGTH(").append(id).append("))");
                        next += 1;
                    }
                    case BINARY -> {
                        q.append(", MAX(OCTET_LENGTH(").append(id).append("))");
                        next += 1;
                    }
                    case BIGINT, INT, SMALLINT, TINYINT -> {
                        q.append(", COUNT(").append(id).append("), MIN(").append(id).append("), MAX(")
                                .append(id).append(')');
                        next += 3;
                    }
                    default -> {
                        // fixed widths or no TNULL needed
                    }
                }
            }
            q.append(from);
            ColumnInfo[] infos = new ColumnInfo[cols.length];
            long rows;
            try (PreparedStatement ps = prepare(c, q.toString())) {
                running.accept(ps);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    rows = rs.getLong(1);
                    for (int i = 0; i < cols.length; i++) {
                        infos[i] = info(c, sql, cols[i], rs, firstAggregate.get(i), rows, running);
                    }
                } finally {
                    running.accept(null);
                }
            }
            return new FitsShape(rows, infos);
        }

        private static ColumnInfo info(Connection c, String sql, Column col, ResultSet agg, int at, long rows,
                                       Consumer<Statement> running) throws SQLException {
            ColumnInfo info = new ColumnInfo(col.name, col.kind.starClass, null);
            info.setXtype(col.xtype());
            info.setNullable(true);
            switch (col.kind) {
                case STRING -> info.setElementSize(Math.max(1, agg.getInt(at)));
                case BINARY -> info.setElementSize(Math.max(1, 2 + 2 * agg.getInt(at)));
                case GUID -> info.setElementSize(36);
                case DATE, TIME, TIMESTAMP, TIME_TZ, TIMESTAMP_TZ -> info.setElementSize(col.temporalWidth());
                case BIGINT, INT, SMALLINT, TINYINT -> {
                    long nonNull = agg.getLong(at);
                    if (nonNull == rows) {
                        info.setNullable(false);
                    } else {
                        long min = agg.getLong(at + 1);
                        long max = agg.getLong(at + 2);
                        nullMarker(c, sql, col, info, nonNull == 0, min, max, running);
                    }
                }
                default -> {
                    // REAL, DOUBLE, DECIMAL: NaN; BOOLEAN: the 0 byte
                }
            }
            return info;
        }

        /**
         * Picks the TNULL value of an integer column with NULLs: a value of its type that no row
         * holds (widening SMALLINT → INT → BIGINT when the column uses its type's whole range).
         */
        private static void nullMarker(Connection c, String sql, Column col, ColumnInfo info, boolean allNull,
                                       long min, long max, Consumer<Statement> running) throws SQLException {
            Class<?> type = col.kind.starClass;
            while (true) {
                long lo = type == Long.class ? Long.MIN_VALUE : type == Integer.class ? Integer.MIN_VALUE
                        : Short.MIN_VALUE;
                long hi = type == Long.class ? Long.MAX_VALUE : type == Integer.class ? Integer.MAX_VALUE
                        : Short.MAX_VALUE;
                Long marker = null;
                if (allNull || min > lo) {
                    marker = lo;
                } else if (max < hi) {
                    marker = hi;
                } else {
                    marker = unusedNear(c, sql, col, lo, running);
                }
                if (marker != null) {
                    info.setContentClass(type);
                    Number boxed = type == Long.class ? (Number) marker : type == Integer.class
                            ? (Number) marker.intValue() : (Number) marker.shortValue();
                    info.setAuxDatum(new DescribedValue(Tables.NULL_VALUE_INFO, boxed));
                    return;
                }
                if (type == Long.class) {
                    throw new CasJobsException("Column '" + col.name + "' uses every BIGINT value near both ends of"
                            + " the range and has NULLs, which FITS cannot mark. Extract it as CSV or VOTable.");
                }
                type = type == Short.class ? Integer.class : Long.class;
            }
        }

        /** A value in lo+1 … lo+16 that the column does not hold, or null. */
        private static Long unusedNear(Connection c, String sql, Column col, long lo, Consumer<Statement> running)
                throws SQLException {
            String from = sql.substring(sql.indexOf(" FROM "));
            String q = "SELECT COUNT(*)" + from + " WHERE " + quote(col.sourceName) + " = ?";
            try (PreparedStatement ps = prepare(c, q)) {
                running.accept(ps);
                try {
                    for (long v = lo + 1; v <= lo + 16; v++) {
                        ps.setLong(1, v);
                        try (ResultSet rs = ps.executeQuery()) {
                            rs.next();
                            if (rs.getLong(1) == 0) {
                                return v;
                            }
                        }
                    }
                } finally {
                    running.accept(null);
                }
            }
            return null;
        }
    }
}
