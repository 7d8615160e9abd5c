package org.opencasjobs.catalog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Pattern;

/**
 * How a quick job reads its rows on PostgreSQL, fast and within bounded memory.
 *
 * <p>Read through a cursor (a fetch size), a query gets no parallel plan: PostgreSQL runs a portal
 * executed with a row count without parallel workers (its manual, "When Can Parallel Query Be
 * Used?"), and scans take about twice as long as direct. Read in one Execute, PgJDBC holds the
 * whole result in memory. So a query whose rows fit the quick limits is read whole, with its rows
 * capped in the database ({@code LIMIT} rows + 1: one row more than the reader accepts, so it
 * still says "more than N rows") and its bytes capped by the driver ({@code maxResultBuffer}, set
 * on the quick job's connection: {@link #bufferBytes}). The driver also spends about
 * {@value #ROW_BYTES} bytes per row and {@value #VALUE_BYTES} per value beyond the data, which
 * neither cap bounds; a result too wide for that ({@link #readsWhole}) is read through the cursor,
 * as is any statement that cannot be put under a LIMIT (not a plain query).
 */
final class PostgresQuickReads {
    /** The driver's objects for one row held in memory (the row, its array, a list slot), in bytes. */
    static final int ROW_BYTES = 48;
    /** The driver's objects for one value held in memory (an array of its bytes, the slot), in bytes. */
    static final int VALUE_BYTES = 28;
    /** A query: what may stand under {@code SELECT * FROM (…)}. */
    private static final Pattern QUERY = Pattern.compile("(?is)\\s*(SELECT|WITH)\\b.*");
    /**
     * What a query under {@code SELECT * FROM (…) LIMIT n} may not hold: PostgreSQL's own
     * {@code SELECT … INTO} (a table, not rows), data-modifying WITH (only at the top), a trailing
     * semicolon; and a {@code ?}, which PgJDBC would take for a parameter when asked for the
     * columns. A word inside a string only sends the query through the cursor.
     */
    private static final Pattern NOT_UNDER_LIMIT = Pattern.compile(
            "(?is).*(\\b(INTO|INSERT|UPDATE|DELETE|MERGE)\\b|\\?|;\\s*$).*");

    private final long maxRows;
    private final long maxBytes;

    /** The quick limits: {@code casjobs.quick.max.rows} and {@code casjobs.quick.max.bytes}. */
    PostgresQuickReads(long maxRows, long maxBytes) {
        this.maxRows = maxRows;
        this.maxBytes = maxBytes;
    }

    /**
     * The driver's {@code maxResultBuffer} for a quick job's connection: what it may receive in all
     * (PgJDBC 42.7 counts every row of the connection, statements together). A value's text as
     * PostgreSQL sends it is at most about twice the answer's (bytea as hex), and a row and column
     * cost at least a separator in the answer; 1 MiB more for the job's own small queries.
     */
    long bufferBytes() {
        return 2 * maxBytes + 1024 * 1024; // maxBytes is at most Integer.MAX_VALUE
    }

    /**
     * Runs {@code statement} on {@code st}: read whole under the caps when its result is a query
     * narrow enough, else through the cursor; {@link Statement#execute}'s answer. A result past
     * the byte cap fails as the answer's limit does ({@link QuickResultTooLarge}); the driver then
     * closes the connection (it stops reading in the middle of a row).
     */
    boolean execute(Statement st, String statement) throws SQLException {
        try {
            String capped = capped(st.getConnection(), statement);
            if (capped == null) {
                return st.execute(statement);
            }
            int fetchSize = st.getFetchSize();
            st.setFetchSize(0);
            try {
                return st.execute(capped);
            } finally {
                if (!st.getConnection().isClosed()) {
                    st.setFetchSize(fetchSize);
                }
            }
        } catch (SQLException e) {
            if (exceededBuffer(e)) {
                throw new QuickResultTooLarge(maxBytes, e);
            }
            throw e;
        }
    }

    /** Whether {@code e} is PgJDBC's "Result set exceeded maxResultBuffer limit". */
    static boolean exceededBuffer(SQLException e) {
        for (SQLException x = e; x != null; x = x.getNextException()) {
            if (x.getMessage() != null && x.getMessage().contains("maxResultBuffer")) {
                return true;
            }
        }
        return false;
    }

    /** The query under a row cap, or null when it is to be read through the cursor. */
    private String capped(Connection c, String statement) throws SQLException {
        if (!QUERY.matcher(statement).matches() || NOT_UNDER_LIMIT.matcher(statement).matches()) {
            return null;
        }
        int columns = columns(c, statement);
        if (columns <= 0 || !readsWhole(columns)) {
            return null;
        }
        // on lines of their own: the query may end in a -- comment
        return "SELECT * FROM (\n" + statement + "\n) AS quick_result LIMIT " + (maxRows + 1);
    }

    /**
     * Whether the driver's own objects for a result of {@code columns} columns and the most rows
     * allowed take no more than the cap on its data: a quick job then holds at most twice the cap.
     */
    boolean readsWhole(int columns) {
        long perRow = ROW_BYTES + (long) VALUE_BYTES * columns;
        return maxRows < Long.MAX_VALUE / perRow - 1 && (maxRows + 1) * perRow <= bufferBytes();
    }

    /**
     * The columns of the query's result, asked of PostgreSQL without running it (Parse and
     * Describe); 0 when it returns none. Its errors are the query's own (a missing table).
     */
    private static int columns(Connection c, String statement) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(statement)) {
            ResultSetMetaData md = ps.getMetaData();
            return md == null ? 0 : md.getColumnCount();
        }
    }

}
