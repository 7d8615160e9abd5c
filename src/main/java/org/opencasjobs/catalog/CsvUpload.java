package org.opencasjobs.catalog;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Types;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.h2.api.ErrorCode;
import org.opencasjobs.jobs.CasJobsException;
import org.opencasjobs.jobs.MyDb;

/**
 * {@code UploadData} (CONTRACT §7, NOTES §8.8): loads CSV text into a table of the account's
 * MyDB, all or nothing.
 *
 * <h2>Input</h2>
 * <ul>
 * <li>RFC 4180 CSV, read in place by {@link CsvRecords} (Apache Commons CSV's rules, which it
 *     used before): comma-separated, {@code "…"} quoting with
 *     {@code ""} for a quote inside, commas and line breaks allowed inside quotes; {@code \n},
 *     {@code \r\n} (or {@code \r}) line ends; a trailing line end is fine; a leading UTF-8 BOM is
 *     skipped. Empty lines and lines of blanks only are ignored.</li>
 * <li>The first line holds the column names: each a plain identifier (ASCII letters, digits and
 *     {@code _}, not starting with a digit, at most 128 characters; {@code [brackets]} around it
 *     are dropped); no two alike ignoring case.</li>
 * <li>Unquoted values are trimmed ({@code 1, 2.5} reads as {@code 1} and {@code 2.5}); quoted
 *     values are kept exactly. An empty value is SQL NULL. In non-text columns a value of blanks
 *     only ({@code " "}) is NULL too, and numbers and dates are trimmed.</li>
 * <li>Every line has exactly as many values as the header has names.</li>
 * <li>Line numbers in messages are physical lines of {@code data}, the header being line 1; a
 *     record with a quoted line break is reported at the line it starts on, a quote never closed
 *     at the line of its opening quote.</li>
 * </ul>
 *
 * <h2>New table ({@code tableExists=false})</h2>
 * The data is read twice: once to guess the column types, once to insert. Per column, ignoring
 * NULLs:
 * <ol>
 * <li>every value a whole number within 64 bits ({@code -42}, {@code +7}) → {@code BIGINT};</li>
 * <li>every value a whole number, some beyond 64 bits but at most 38 digits →
 *     {@code DECIMAL(38,0)} (so long identifiers keep every digit);</li>
 * <li>every value a decimal number ({@code 1}, {@code -2.5}, {@code .5}, {@code 1e-5},
 *     {@code 6.02E+23}) or {@code NaN}, {@code Inf}, {@code Infinity} (any case, optional
 *     sign, as numpy and astropy write them) → {@code DOUBLE PRECISION} (SQL Server's
 *     {@code float}). A number beyond the double range ({@code 1e400}) is not taken as a
 *     double;</li>
 * <li>every value an ISO date or date and time: {@code 2008-04-05},
 *     {@code 2008-04-05 12:34[:56[.fffffffff]]}, with a space or {@code T} →
 *     {@code TIMESTAMP(p)}, p = the most fractional second digits seen, at least 3 (SQL Server's
 *     {@code datetime}); no time zones;</li>
 * <li>otherwise text: {@code VARCHAR(n)}, n the longest value rounded up to a power of two, at
 *     least 16 and at most 8000; a longer value makes it {@code VARCHAR(MAX)}. A column with
 *     no values at all (every one NULL, or a header with no rows) is {@code VARCHAR(16)}.</li>
 * </ol>
 * The table is created under a staging name ({@code MyDB."~upload~…"}), its rows are inserted in
 * one transaction, and only then is it renamed {@code MyDB."name"}; if anything fails the staging
 * table is dropped again, and one left by a killed process is dropped by {@link StagingTables#dropLeftovers}
 * when the next process opens the MyDB. So the table appears complete or not at all. An existing object of that name (any case) is
 * refused with SQL Server's words: {@code There is already an object named 'T' in the database.}
 *
 * <h2>Existing table ({@code tableExists=true})</h2>
 * The header names a subset of the table's columns (any case, any order; columns not named get
 * their default). Each value is converted to its column's type: integers (a whole number; numpy's
 * {@code 1.000000000000000000e+00} counts; range checked), floating point, DECIMAL (rounded to its
 * scale, precision checked), BOOLEAN ({@code true}/{@code false}/{@code 1}/{@code 0}), text
 * (length checked), TIMESTAMP and DATE (formats above); other types are passed to the database
 * as text. A value that does not fit stops the upload with a message naming the line, the column
 * and the value, and no row is added.
 *
 * <h2>Resources</h2>
 * Rows are streamed from the request string (two passes for a new table, one for an append)
 * into INSERTs of up to 100 rows each (H2) or COPY text (PostgreSQL), written every
 * {@value #BATCH_ROWS} rows or so, when the quota is checked; nothing keeps a copy of the data
 * beyond one batch's values. The caller's auto-commit setting is restored; a connection must not carry pending
 * work of its own (creating a table commits it in H2).
 */
public final class CsvUpload {
    /** The schema of every user table; case matters to H2. */
    static final String SCHEMA = MyDb.NAME;

    /**
     * Where an upload writes: the MyDB schema's name in SQL, whether names fold to lower case
     * (PostgreSQL, where the user's unquoted names do) or are kept as written (H2, whose MyDB
     * databases ignore case), and whether rows go in by COPY (PostgreSQL) or batched INSERTs.
     */
    public record Into(String schema, boolean foldNames, boolean copy) {
        /** The embedded engine's MyDB. */
        public static final Into H2 = new Into(MyDb.NAME, false, false);

        /** A PostgreSQL MyDB schema: names fold to lower case, rows go in by COPY ({@link CsvCopy}). */
        public static Into postgresql(String schema) {
            return new Into(schema, true, true);
        }

        /** An identifier for SQL: quoted, in lower case where names fold. */
        String name(String identifier) {
            return quote(foldNames ? identifier.toLowerCase(Locale.ROOT) : identifier);
        }

        String table(String identifier) {
            return schema + "." + name(identifier);
        }

        /** SQL Server's VARCHAR(MAX) is PostgreSQL's text. */
        String type(String sqlType) {
            return foldNames && sqlType.equals("VARCHAR(MAX)") ? "TEXT" : sqlType;
        }
    }
    static final int BATCH_ROWS = 1000;
    static final int MIN_VARCHAR = 16;
    static final int MAX_VARCHAR = 8000;
    static final int MAX_NAME = 128;
    /** Timestamps keep at least milliseconds, like SQL Server's datetime. */
    static final int MIN_TIMESTAMP_DIGITS = 3;

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern SPECIAL = Pattern.compile("([+-]?)(nan|inf|infinity)", Pattern.CASE_INSENSITIVE);
    private static final Pattern TIMESTAMP = Pattern.compile(
            "([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[ T]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\\.([0-9]{1,9}))?)?)?");
    private static final String NO_DATA = "No data to upload: the first line must hold the column names"
            + " (e.g. id,ra,dec) and each further line one row of values.";
    private static final String NAME_RULE = "use letters, digits and underscores, not starting with a digit";

    private CsvUpload() {
    }

    /** Loads CSV text into MyDB.{table}; returns the number of rows loaded. All or nothing. */
    public static long load(Connection c, String table, String csv, boolean tableExists) throws SQLException {
        return load(c, table, csv, tableExists, () -> { });
    }

    /** What runs after each batch of rows, before they are committed; it stops the upload by throwing. */
    public interface Check {
        void run() throws SQLException;
    }

    /**
     * As {@link #load(Connection, String, String, boolean)}, calling {@code afterBatch} after each
     * batch of rows is written (the MyDB quota): if it throws, nothing is added.
     */
    public static long load(Connection c, String table, String csv, boolean tableExists, Check afterBatch)
            throws SQLException {
        return load(c, Into.H2, table, csv, tableExists, afterBatch);
    }

    /** As {@link #load(Connection, String, String, boolean, Check)}, into the MyDB {@code into}. */
    public static long load(Connection c, Into into, String table, String csv, boolean tableExists, Check afterBatch)
            throws SQLException {
        String name = tableName(table);
        if (csv == null || csv.isBlank()) {
            throw new CasJobsException(NO_DATA);
        }
        String[] header;
        long headerLine;
        CsvRecords first = new CsvRecords(csv);
        if (!first.next()) {
            throw new CasJobsException(NO_DATA);
        }
        headerLine = first.line();
        header = header(first, headerLine);
        if (tableExists) {
            String[] found = find(c, into, name);
            if (found == null) {
                throw new CasJobsException("Table '" + name + "' does not exist in " + SCHEMA
                        + "; upload with tableExists=false to create it.");
            }
            if (found[1] != null && found[1].toUpperCase(Locale.ROOT).contains("VIEW")) {
                throw new CasJobsException("'" + name + "' in " + SCHEMA + " is a view; rows can only be"
                        + " appended to a table.");
            }
            return insert(c, into, found[0], found[0], csv, header, headerLine, afterBatch);
        }
        if (find(c, into, name) != null) {
            throw alreadyExists(name);
        }
        String[] types = guessTypes(csv, header.length);
        // Created and filled under a staging name, then renamed in one step: a process killed
        // mid-upload leaves no table under the user's name to block the retry, only a staging
        // table that dropLeftovers removes when the next process opens this MyDB.
        String staging = StagingTables.newName("upload");
        StringBuilder ddl = new StringBuilder("CREATE TABLE ").append(into.table(staging))
                .append(" (");
        for (int i = 0; i < header.length; i++) {
            ddl.append(i == 0 ? "" : ", ").append(into.name(header[i])).append(' ').append(into.type(types[i]));
        }
        ddl.append(')');
        try (Statement st = c.createStatement()) {
            st.execute(ddl.toString());
        }
        try {
            long rows = insert(c, into, staging, name, csv, header, headerLine, afterBatch);
            try (Statement st = c.createStatement()) {
                st.execute("ALTER TABLE " + into.table(staging) + " RENAME TO " + into.name(name));
            } catch (SQLException e) {
                if (e.getErrorCode() == ErrorCode.TABLE_OR_VIEW_ALREADY_EXISTS_1 || "42P07".equals(e.getSQLState())) {
                    throw alreadyExists(name); // created by someone else since we looked
                }
                throw e;
            }
            return rows;
        } catch (SQLException | RuntimeException | Error e) {
            try (Statement st = c.createStatement()) {
                st.execute("DROP TABLE IF EXISTS " + into.table(staging));
            } catch (SQLException drop) {
                e.addSuppressed(drop);
            }
            throw e;
        }
    }

    // ---------------------------------------------------------------- staging tables

    private static CasJobsException alreadyExists(String name) {
        return new CasJobsException("There is already an object named '" + name + "' in the database.");
    }

    // ---------------------------------------------------------------- names

    /** The bare table name: {@code [T]}, {@code mydb.T}, {@code [MyDB].[T]} all give {@code T}. */
    static String tableName(String table) {
        if (table == null || table.isBlank()) {
            throw new CasJobsException("No table name given: name the MyDB table to upload into (" + NAME_RULE
                    + ", e.g. MyTable_1).");
        }
        String t = MyDb.tableName(table);
        if (!validName(t)) {
            throw new CasJobsException("'" + table + "' is not a valid table name: " + NAME_RULE
                    + " (e.g. MyTable_1), at most " + MAX_NAME + " characters.");
        }
        return t;
    }

    private static String unbracket(String s) {
        return s.length() >= 2 && s.startsWith("[") && s.endsWith("]") ? s.substring(1, s.length() - 1).strip() : s;
    }

    private static boolean validName(String s) {
        return s.length() <= MAX_NAME && IDENTIFIER.matcher(s).matches();
    }

    private static String[] header(CsvRecords r, long line) {
        String[] names = new String[r.size()];
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < names.length; i++) {
            String raw = r.get(i).strip();
            String n = unbracket(raw);
            String where = "Column " + (i + 1) + " of the header (line " + line + ")";
            if (n.isEmpty()) {
                throw new CasJobsException(where + " has no name: the first line must name every column ("
                        + NAME_RULE + ").");
            }
            if (!validName(n)) {
                throw new CasJobsException(where + " is named '" + shorten(raw) + "', which is not a valid column"
                        + " name: " + NAME_RULE + ", at most " + MAX_NAME + " characters.");
            }
            Integer before = seen.putIfAbsent(n.toLowerCase(Locale.ROOT), i + 1);
            if (before != null) {
                throw new CasJobsException("Columns " + before + " and " + (i + 1) + " of the header (line " + line
                        + ") are both named '" + n + "' (names ignore case): give every column its own name.");
            }
            names[i] = n;
        }
        return names;
    }

    /** The stored name and type of the MyDB table or view called {@code name} (any case), or null. */
    private static String[] find(Connection c, Into into, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT TABLE_NAME, TABLE_TYPE FROM INFORMATION_SCHEMA.TABLES"
                + " WHERE TABLE_SCHEMA = ? AND UPPER(TABLE_NAME) = UPPER(?)")) {
            ps.setString(1, into.schema());
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new String[] {rs.getString(1), rs.getString(2)} : null;
            }
        }
    }

    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    // ---------------------------------------------------------------- type guessing

    /** First pass: the SQL type of each column of a new table. */
    static String[] guessTypes(String csv, int columns) {
        Guess[] g = new Guess[columns];
        for (int i = 0; i < columns; i++) {
            g[i] = new Guess();
        }
        CsvRecords rows = new CsvRecords(csv);
        rows.next(); // the header
        while (rows.next()) {
            rows.checkWidth(columns);
            for (int i = 0; i < columns; i++) {
                g[i].see(rows.get(i));
            }
        }
        String[] types = new String[columns];
        for (int i = 0; i < columns; i++) {
            types[i] = g[i].sqlType();
        }
        return types;
    }

    /** What one column's values have in common so far. */
    private static final class Guess {
        boolean any;
        boolean isLong = true;
        boolean isInteger = true;
        boolean isDouble = true;
        boolean isTimestamp = true;
        int maxLength;
        int fractionDigits;

        void see(String v) {
            if (v.isEmpty()) {
                return;
            }
            maxLength = Math.max(maxLength, v.length());
            String s = v.strip();
            if (s.isEmpty()) {
                return; // NULL in any non-text column; text keeps it
            }
            any = true;
            Long whole = isLong || isInteger || isDouble ? parseLong(s) : null;
            if (whole == null) {
                isLong = false;
                if (isInteger && !(isIntegerText(s) && digits(s) <= 38)) {
                    isInteger = false;
                }
                if (isDouble && !isDoubleText(s)) {
                    isDouble = false;
                }
            }
            if (isTimestamp) {
                Matcher m = whole == null ? TIMESTAMP.matcher(s) : null;
                if (m != null && m.matches() && timestamp(m) != null) {
                    if (m.group(7) != null) {
                        fractionDigits = Math.max(fractionDigits, m.group(7).length());
                    }
                } else {
                    isTimestamp = false;
                }
            }
        }

        String sqlType() {
            if (any && isLong) {
                return "BIGINT";
            }
            if (any && isInteger) {
                return "DECIMAL(38,0)";
            }
            if (any && isDouble) {
                return "DOUBLE PRECISION";
            }
            if (any && isTimestamp) {
                return "TIMESTAMP(" + Math.max(MIN_TIMESTAMP_DIGITS, fractionDigits) + ")";
            }
            if (maxLength > MAX_VARCHAR) {
                return "VARCHAR(MAX)";
            }
            int n = MIN_VARCHAR;
            while (n < maxLength) {
                n *= 2;
            }
            return "VARCHAR(" + Math.min(n, MAX_VARCHAR) + ")";
        }
    }

    private static int digits(String s) {
        return s.charAt(0) == '+' || s.charAt(0) == '-' ? s.length() - 1 : s.length();
    }

    /** A whole number within 64 bits, or null. */
    static Long parseLong(String s) {
        if (!isIntegerText(s)) {
            return null;
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return null; // beyond 64 bits
        }
    }

    /** An optional sign, then one or more digits (checked by hand: this is the hot path). */
    private static boolean isIntegerText(String s) {
        int i = s.isEmpty() || (s.charAt(0) != '+' && s.charAt(0) != '-') ? 0 : 1;
        if (i >= s.length()) {
            return false;
        }
        for (; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch < '0' || ch > '9') {
                return false;
            }
        }
        return true;
    }

    /** A decimal number within the double range, or NaN/Inf/Infinity (any case, signed); else null. */
    static Double parseDouble(String s) {
        if (isDecimalText(s)) {
            double d = Double.parseDouble(s);
            return Double.isInfinite(d) ? null : d;
        }
        return special(s);
    }

    /**
     * Whether {@link #parseDouble} takes {@code s}, without converting it where the text alone
     * says so: a decimal number with no exponent and fewer than 300 digits is within the double
     * range (the type guess reads every value; converting them all was a tenth of an upload's CPU).
     */
    static boolean isDoubleText(String s) {
        int exponent = decimalEnd(s);
        if (exponent == s.length() && s.length() < 300) {
            return true; // no exponent: at most 10^300
        }
        return parseDouble(s) != null;
    }

    /**
     * Whether {@code s} is a decimal number: an optional sign, digits with an optional point
     * ({@code 1}, {@code 1.}, {@code 1.5}, {@code .5}, not {@code .}), an optional exponent
     * ({@code e-5}, {@code E+23}). Checked by hand: this runs for every value of an upload.
     */
    static boolean isDecimalText(String s) {
        int e = decimalEnd(s);
        if (e < 0) {
            return false;
        }
        if (e == s.length()) {
            return true;
        }
        int i = e + 1; // past the e or E
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            i++;
        }
        if (i >= s.length()) {
            return false;
        }
        for (; i < s.length(); i++) {
            if (!digit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Where the mantissa of a decimal number ends: the length of {@code s} (no exponent), the
     * index of its {@code e} or {@code E}, or -1 when {@code s} does not start with a mantissa
     * that is followed by nothing else.
     */
    private static int decimalEnd(String s) {
        int n = s.length();
        int i = n > 0 && (s.charAt(0) == '+' || s.charAt(0) == '-') ? 1 : 0;
        int digits = 0;
        while (i < n && digit(s.charAt(i))) {
            i++;
            digits++;
        }
        if (i < n && s.charAt(i) == '.') {
            i++;
            while (i < n && digit(s.charAt(i))) {
                i++;
                digits++;
            }
        }
        if (digits == 0) {
            return -1;
        }
        if (i == n) {
            return n;
        }
        char ch = s.charAt(i);
        return ch == 'e' || ch == 'E' ? i : -1;
    }

    private static boolean digit(char ch) {
        return ch >= '0' && ch <= '9';
    }

    /** NaN, Inf or Infinity (any case, optionally signed) as a double; else null. */
    private static Double special(String s) {
        Matcher m = SPECIAL.matcher(s);
        if (m.matches()) {
            if (m.group(2).equalsIgnoreCase("nan")) {
                return Double.NaN;
            }
            return m.group(1).equals("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        return null;
    }

    private static LocalDateTime timestamp(Matcher m) {
        try {
            LocalDate d = LocalDate.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3)));
            if (m.group(4) == null) {
                return d.atStartOfDay();
            }
            int nanos = 0;
            if (m.group(7) != null) {
                nanos = Integer.parseInt((m.group(7) + "00000000").substring(0, 9));
            }
            return d.atTime(LocalTime.of(Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)),
                    m.group(6) == null ? 0 : Integer.parseInt(m.group(6)), nanos));
        } catch (DateTimeException e) {
            return null; // e.g. 2008-02-30 or 25:00
        }
    }

    /** An ISO date or date and time (formats in the class comment), or null. */
    static LocalDateTime parseTimestamp(String s) {
        Matcher m = TIMESTAMP.matcher(s);
        return m.matches() ? timestamp(m) : null;
    }

    // ---------------------------------------------------------------- insert

    /**
     * Where converted rows go, a batch at a time: batched INSERTs, or on PostgreSQL one COPY per
     * batch ({@link CsvCopy}). A row the database refuses is named by its line.
     */
    interface RowWriter extends AutoCloseable {
        /** One row's values, from {@link Column#value}, and the CSV line it starts on. */
        void row(Object[] values, long line) throws SQLException;

        /** Whether enough rows wait to be written now. */
        boolean full();

        /** Writes the rows waiting. */
        void flush() throws SQLException;

        @Override
        void close() throws SQLException;
    }

    /** Second pass (or only pass, for an append): converts and writes every row, in one transaction. */
    private static long insert(Connection c, Into into, String stored, String table, String csv, String[] header,
                               long headerLine, Check afterBatch) throws SQLException {
        String target = into.schema() + "." + quote(stored);
        Column[] cols = columns(c, target, table, header, headerLine);
        List<String> names = new ArrayList<>();
        for (Column col : cols) {
            names.add(into.name(col.name));
        }
        boolean autoCommit = c.getAutoCommit();
        long count = 0;
        CsvRecords rows = new CsvRecords(csv);
        try {
            c.setAutoCommit(false);
            try (RowWriter writer = into.copy() ? new CsvCopy(c, target, names, SCHEMA + "." + table)
                    : new BatchInserts(c, target, names, cols, table)) {
                Object[] values = new Object[cols.length];
                rows.next(); // the header
                while (rows.next()) {
                    rows.checkWidth(cols.length);
                    long line = rows.line();
                    for (int i = 0; i < cols.length; i++) {
                        values[i] = cols[i].value(rows.get(i), line);
                    }
                    writer.row(values, line);
                    count++;
                    if (writer.full()) {
                        writer.flush();
                        afterBatch.run();
                    }
                }
                writer.flush();
                afterBatch.run();
            }
            c.commit();
            return count;
        } catch (SQLException | RuntimeException | Error e) {
            try {
                c.rollback();
            } catch (SQLException r) {
                e.addSuppressed(r);
            }
            if (e instanceof SQLException s && userError(s)) {
                throw new CasJobsException("Upload into " + SCHEMA + "." + table + " failed: "
                        + sentence(SqlErrors.message(s)) + " No rows were added.", e);
            }
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }

    /** The message of a row the database refused: its line, the table, the database's reason. */
    static CasJobsException rowRefused(long line, String table, SQLException cause, Exception e) {
        return new CasJobsException("Line " + line + ": the row could not be added to " + table + ": "
                + sentence(SqlErrors.message(cause)) + " No rows were added.", e);
    }

    /**
     * Rows as INSERTs of several rows each (H2), batched and executed every {@link #BATCH_ROWS}
     * rows or so. Several rows a statement because H2 starts and ends a statement for every row of
     * a batch (its snapshot, undo-log mark, progress and dependencies): with one row a statement
     * that was a seventh of an upload's CPU (JFR). A statement that fails is found again row by
     * row, so that the message names the line.
     */
    private static final class BatchInserts implements RowWriter {
        /** Parameters a statement binds at most: rows a statement = this / columns, at most 100. */
        private static final int MAX_PARAMETERS = 1000;
        private static final int MAX_ROWS_A_STATEMENT = 100;

        private final Connection c;
        private final PreparedStatement many;
        private final PreparedStatement one;
        private final Column[] cols;
        private final String table;
        private final int perStatement;
        private final int batchRows;
        /** This batch's rows (their values are kept to find a refused row again) and lines. */
        private final Object[][] rows;
        private final long[] lines;
        private int pending;

        BatchInserts(Connection c, String target, List<String> names, Column[] cols, String table) throws SQLException {
            this.c = c;
            this.cols = cols;
            this.table = table;
            this.perStatement = Math.max(1, Math.min(MAX_ROWS_A_STATEMENT, MAX_PARAMETERS / cols.length));
            this.batchRows = perStatement * Math.max(1, BATCH_ROWS / perStatement);
            this.rows = new Object[batchRows][cols.length];
            this.lines = new long[batchRows];
            String insert = "INSERT INTO " + target + " (" + String.join(", ", names) + ") VALUES ";
            String row = "(" + "?, ".repeat(cols.length - 1) + "?)";
            this.one = c.prepareStatement(insert + row);
            this.many = perStatement == 1 ? one : c.prepareStatement(insert + (row + ", ").repeat(perStatement - 1) + row);
        }

        @Override
        public void row(Object[] values, long line) throws SQLException {
            System.arraycopy(values, 0, rows[pending], 0, cols.length);
            lines[pending] = line;
            int first = (pending % perStatement) * cols.length;
            for (int i = 0; i < cols.length; i++) {
                cols[i].bind(many, first + i + 1, values[i]);
            }
            pending++;
            if (pending % perStatement == 0) {
                many.addBatch();
            }
        }

        @Override
        public boolean full() {
            return pending == batchRows;
        }

        @Override
        public void flush() throws SQLException {
            if (pending == 0) {
                return;
            }
            int inStatements = pending - pending % perStatement;
            Savepoint before = c.setSavepoint();
            if (inStatements > 0) {
                try {
                    many.executeBatch();
                } catch (BatchUpdateException e) {
                    // H2 goes on with the batch's other statements: back to before it, then row by row
                    c.rollback(before);
                    for (int r = 0; r < pending; r++) {
                        insertOneNamingItsLine(r, e);
                    }
                    throw e;
                }
            }
            for (int r = inStatements; r < pending; r++) { // the upload's last rows, fewer than a statement's
                insertOneNamingItsLine(r, null);
            }
            c.releaseSavepoint(before);
            pending = 0;
        }

        private void insertOneNamingItsLine(int r, SQLException batch) throws SQLException {
            try {
                insertOne(r);
            } catch (SQLException refused) {
                throw rowRefused(lines[r], SCHEMA + "." + table, refused, batch != null ? batch : refused);
            }
        }

        private void insertOne(int r) throws SQLException {
            for (int i = 0; i < cols.length; i++) {
                cols[i].bind(one, i + 1, rows[r][i]);
            }
            one.executeUpdate();
        }

        @Override
        public void close() throws SQLException {
            one.close();
            many.close();
        }
    }

    /** Errors in the data (classes 22 and 23), not in the server. */
    private static boolean userError(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("22") || state.startsWith("23"));
    }

    /** The table's columns in header order, each with its converter; unknown names are refused. */
    private static Column[] columns(Connection c, String target, String table, String[] header, long headerLine)
            throws SQLException {
        Map<String, Column> byName = new HashMap<>();
        List<String> all = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT * FROM " + target
                + " WHERE 1 = 0")) {
            ResultSetMetaData md = rs.getMetaData();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                Column col = new Column(md.getColumnName(i), md.getColumnType(i), md.getColumnTypeName(i),
                        md.getPrecision(i), md.getScale(i));
                byName.put(col.name.toLowerCase(Locale.ROOT), col);
                all.add(col.name);
            }
        }
        Column[] cols = new Column[header.length];
        List<String> unknown = new ArrayList<>();
        for (int i = 0; i < header.length; i++) {
            cols[i] = byName.get(header[i].toLowerCase(Locale.ROOT));
            if (cols[i] == null) {
                unknown.add("'" + header[i] + "'");
            } else {
                cols[i] = cols[i].as(header[i]);
            }
        }
        if (!unknown.isEmpty()) {
            throw new CasJobsException((unknown.size() == 1 ? "Column " : "Columns ") + String.join(", ", unknown)
                    + " of the header (line " + headerLine + ") " + (unknown.size() == 1 ? "is" : "are")
                    + " not in table " + SCHEMA + "." + table + ", whose columns are: " + String.join(", ", all)
                    + ". Name only existing columns, or upload into a new table.");
        }
        return cols;
    }

    /** A target column: how a CSV value becomes a parameter of its type. */
    private static final class Column {
        final String name;
        final int type;
        final String typeName;
        final int precision;
        final int scale;
        /** The name as the header wrote it, for messages. */
        final String label;

        Column(String name, int type, String typeName, int precision, int scale) {
            this(name, type, typeName, precision, scale, name);
        }

        private Column(String name, int type, String typeName, int precision, int scale, String label) {
            this.name = name;
            this.type = type;
            this.typeName = typeName;
            this.precision = precision;
            this.scale = scale;
            this.label = label;
        }

        Column as(String headerName) {
            return new Column(name, type, typeName, precision, scale, headerName);
        }

        private CasJobsException bad(long line, String value, String why) {
            return new CasJobsException("Line " + line + ", column '" + label + "': " + "the value '" + shorten(value)
                    + "' " + why + " No rows were added.");
        }

        /** The column's type as SQL Server users write it, e.g. VARCHAR(32), DECIMAL(6,2). */
        private String sqlType() {
            return switch (type) {
                case Types.DECIMAL, Types.NUMERIC -> typeName + "(" + precision + "," + scale + ")";
                case Types.VARCHAR, Types.NVARCHAR -> precision >= 1_000_000_000 ? "VARCHAR(MAX)"
                        : "VARCHAR(" + precision + ")";
                case Types.CHAR, Types.NCHAR -> "CHAR(" + precision + ")";
                default -> typeName;
            };
        }

        /**
         * The CSV value {@code v} of line {@code line} as this column's Java value (null for an
         * empty value), or refused naming the line and the column; a type not converted here
         * passes as the text written, for the database to convert.
         */
        Object value(String v, long line) {
            switch (type) {
                case Types.CHAR, Types.VARCHAR, Types.LONGVARCHAR, Types.NCHAR, Types.NVARCHAR, Types.LONGNVARCHAR,
                        Types.CLOB, Types.NCLOB -> {
                    if (v.isEmpty()) {
                        return null;
                    }
                    if (precision > 0 && v.length() > precision) {
                        throw new CasJobsException("Line " + line + ", column '" + label + "': the value is "
                                + v.length() + " characters long, but the column holds at most " + precision + " ("
                                + sqlType() + "): shorten the value or widen the column. No rows were added.");
                    }
                    return v;
                }
                default -> {
                    // not text: below
                }
            }
            String s = v.strip();
            if (s.isEmpty()) {
                return null;
            }
            return switch (type) {
                case Types.BIGINT, Types.INTEGER, Types.SMALLINT, Types.TINYINT -> {
                    long min;
                    long max;
                    switch (type) {
                        case Types.INTEGER -> {
                            min = Integer.MIN_VALUE;
                            max = Integer.MAX_VALUE;
                        }
                        case Types.SMALLINT -> {
                            min = Short.MIN_VALUE;
                            max = Short.MAX_VALUE;
                        }
                        case Types.TINYINT -> {
                            min = Byte.MIN_VALUE;
                            max = Byte.MAX_VALUE;
                        }
                        default -> {
                            min = Long.MIN_VALUE;
                            max = Long.MAX_VALUE;
                        }
                    }
                    Long l = parseLong(s);
                    if (l == null) {
                        BigDecimal d = wholeNumber(s);
                        if (d == null) {
                            throw bad(line, v, "is not a whole number, but the column is " + sqlType() + ".");
                        }
                        l = d.compareTo(BigDecimal.valueOf(min)) < 0 || d.compareTo(BigDecimal.valueOf(max)) > 0 ? null
                                : d.longValueExact();
                    }
                    if (l == null || l < min || l > max) {
                        throw bad(line, v, "is out of range for " + sqlType() + " (" + min + " to " + max + ").");
                    }
                    yield l;
                }
                case Types.DOUBLE, Types.FLOAT, Types.REAL -> {
                    Double d = parseDouble(s);
                    if (d == null) {
                        throw bad(line, v, isDecimalText(s)
                                ? "is beyond the range of " + sqlType() + "."
                                : "is not a number, but the column is " + sqlType() + ".");
                    }
                    if (type == Types.REAL) {
                        if (Double.isFinite(d) && Math.abs(d) > Float.MAX_VALUE) {
                            throw bad(line, v, "is beyond the range of REAL.");
                        }
                        yield d.floatValue();
                    }
                    yield d;
                }
                case Types.DECIMAL, Types.NUMERIC -> {
                    if (!isDecimalText(s)) {
                        throw bad(line, v, "is not a number, but the column is " + sqlType() + ".");
                    }
                    BigDecimal d;
                    try {
                        d = new BigDecimal(s).setScale(scale, RoundingMode.HALF_UP);
                    } catch (NumberFormatException | ArithmeticException e) {
                        throw bad(line, v, "does not fit " + sqlType() + ".");
                    }
                    if (precision > 0 && d.precision() > precision && d.signum() != 0) {
                        throw bad(line, v, "has too many digits for " + sqlType() + " (at most "
                                + (precision - scale) + " before the decimal point).");
                    }
                    yield d;
                }
                case Types.BOOLEAN, Types.BIT -> {
                    String b = s.toLowerCase(Locale.ROOT);
                    if (b.equals("true") || b.equals("1")) {
                        yield Boolean.TRUE;
                    }
                    if (b.equals("false") || b.equals("0")) {
                        yield Boolean.FALSE;
                    }
                    throw bad(line, v, "is not a boolean: write true, false, 1 or 0.");
                }
                case Types.TIMESTAMP, Types.DATE -> {
                    LocalDateTime t = parseTimestamp(s);
                    if (t == null) {
                        throw bad(line, v, "is not a date" + (type == Types.DATE ? "" : " and time") + ": write "
                                + (type == Types.DATE ? "yyyy-MM-dd." : "yyyy-MM-dd or yyyy-MM-dd HH:mm:ss[.fff]."));
                    }
                    if (type == Types.DATE) {
                        if (!t.toLocalTime().equals(LocalTime.MIDNIGHT)) {
                            throw bad(line, v, "has a time of day, but the column is DATE.");
                        }
                        yield t.toLocalDate();
                    }
                    yield t;
                }
                default -> v; // the database converts (and reports) the rest
            };
        }

        /** Sets parameter {@code idx} of {@code ps} to {@code value}, from {@link #value}. */
        void bind(PreparedStatement ps, int idx, Object value) throws SQLException {
            if (value == null) {
                ps.setNull(idx, type);
            } else if (value instanceof Long l) {
                ps.setLong(idx, l);
            } else if (value instanceof Float f) {
                ps.setFloat(idx, f);
            } else if (value instanceof Double d) {
                ps.setDouble(idx, d);
            } else if (value instanceof BigDecimal d) {
                ps.setBigDecimal(idx, d);
            } else if (value instanceof Boolean b) {
                ps.setBoolean(idx, b);
            } else if (value instanceof String text) {
                ps.setString(idx, text);
            } else {
                ps.setObject(idx, value); // LocalDate, LocalDateTime
            }
        }
    }

    /** The value of a whole number, written as an integer or a decimal/exponent form; else null. */
    private static BigDecimal wholeNumber(String s) {
        if (isIntegerText(s)) {
            return new BigDecimal(s);
        }
        if (!isDecimalText(s)) {
            return null;
        }
        try {
            BigDecimal d = new BigDecimal(s);
            if (d.signum() == 0) {
                return BigDecimal.ZERO;
            }
            if (d.precision() - d.scale() > 40) {
                return BigDecimal.valueOf(d.signum()).scaleByPowerOfTen(40); // surely out of range
            }
            d = d.stripTrailingZeros();
            return d.scale() <= 0 ? d : null;
        } catch (NumberFormatException | ArithmeticException e) {
            return null;
        }
    }

    private static String sentence(String m) {
        return m.endsWith(".") ? m : m + ".";
    }

    private static String shorten(String v) {
        return v.length() <= 60 ? v : v.substring(0, 57) + "...";
    }
}
