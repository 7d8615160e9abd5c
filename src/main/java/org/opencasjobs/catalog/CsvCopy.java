package org.opencasjobs.catalog;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * An upload's rows into PostgreSQL by {@code COPY … FROM STDIN} in text format, one COPY per
 * batch of {@value #BATCH_ROWS} rows (or {@value #BATCH_CHARS} characters), inside the upload's
 * transaction: the values are those {@link CsvUpload} converted and checked, written as
 * PostgreSQL reads them. A row PostgreSQL refuses is named by its CSV line, found from the COPY
 * line in the error's context.
 */
final class CsvCopy implements CsvUpload.RowWriter {
    static final int BATCH_ROWS = 10_000;
    static final int BATCH_CHARS = 4 * 1024 * 1024;
    /** PostgreSQL's context of a COPY error: "COPY t, line 3, column x: …" (lines of this COPY from 1). */
    private static final Pattern COPY_LINE = Pattern.compile("COPY [^,]*, line (\\d+)");

    private final CopyManager copy;
    private final String sql;
    private final String table;
    private final StringBuilder text = new StringBuilder();
    private final long[] lines = new long[BATCH_ROWS];
    private int pending;

    /**
     * @param target  the table in SQL
     * @param columns the columns in SQL, in the order of the values
     * @param table   the table as the user reads its name, for messages
     */
    CsvCopy(Connection c, String target, List<String> columns, String table) throws SQLException {
        this.copy = c.unwrap(PGConnection.class).getCopyAPI();
        this.sql = "COPY " + target + " (" + String.join(", ", columns) + ") FROM STDIN";
        this.table = table;
    }

    @Override
    public void row(Object[] values, long line) {
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                text.append('\t');
            }
            append(text, values[i]);
        }
        text.append('\n');
        lines[pending++] = line;
    }

    @Override
    public boolean full() {
        return pending == BATCH_ROWS || text.length() >= BATCH_CHARS;
    }

    @Override
    public void flush() throws SQLException {
        if (pending == 0) {
            return;
        }
        try {
            copy.copyIn(sql, new StringReader(text.toString()));
        } catch (PSQLException e) {
            long line = csvLine(e);
            if (line > 0) {
                throw CsvUpload.rowRefused(line, table, e, e);
            }
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(e); // from a StringReader: not expected
        }
        text.setLength(0);
        pending = 0;
    }

    /** The CSV line of the row a COPY error names, or 0. */
    private long csvLine(PSQLException e) {
        ServerErrorMessage m = e.getServerErrorMessage();
        if (m == null || m.getWhere() == null) {
            return 0;
        }
        Matcher at = COPY_LINE.matcher(m.getWhere());
        if (!at.find()) {
            return 0;
        }
        long n = Long.parseLong(at.group(1));
        return n >= 1 && n <= pending ? lines[(int) n - 1] : 0;
    }

    @Override
    public void close() {
        // nothing held between batches
    }

    /**
     * A value in COPY's text format: {@code \N} for NULL; text with backslash, tab, newline and
     * carriage return escaped; numbers, booleans, dates as PostgreSQL's input reads them.
     */
    static void append(StringBuilder out, Object value) {
        if (value == null) {
            out.append("\\N");
        } else if (value instanceof String s) {
            for (int i = 0; i < s.length(); i++) {
                char ch = s.charAt(i);
                switch (ch) {
                    case '\\' -> out.append("\\\\");
                    case '\t' -> out.append("\\t");
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    default -> out.append(ch);
                }
            }
        } else if (value instanceof Double d) {
            out.append(floating(d, d.isNaN(), d.isInfinite()));
        } else if (value instanceof Float f) {
            out.append(floating(f, f.isNaN(), f.isInfinite()));
        } else if (value instanceof BigDecimal d) {
            out.append(d.toPlainString());
        } else if (value instanceof Boolean b) {
            out.append(b ? 't' : 'f');
        } else if (value instanceof LocalDateTime t) {
            out.append(t.toLocalDate()).append(' ').append(t.toLocalTime());
        } else if (value instanceof LocalDate || value instanceof Number) { // whole numbers, as Java writes them
            out.append(value);
        } else {
            throw new IllegalArgumentException("no COPY text for " + value.getClass().getName());
        }
    }

    /** Java's shortest exact decimal (1.0E-5 and the like, which PostgreSQL reads), or its words for the rest. */
    private static String floating(Number n, boolean nan, boolean infinite) {
        if (nan) {
            return "NaN";
        }
        if (infinite) {
            return n.doubleValue() > 0 ? "Infinity" : "-Infinity";
        }
        return n.toString();
    }
}
