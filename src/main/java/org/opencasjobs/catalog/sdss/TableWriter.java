package org.opencasjobs.catalog.sdss;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.List;

/**
 * Creates one table from a list of column definitions and fills it by batched inserts, a row at
 * a time, values in column order. Keeping the definitions and the values side by side in one
 * place per table is what keeps a 150-column table readable; the writer checks that every row
 * sets exactly as many values as the table has columns, so a missing value fails at once rather
 * than shifting the rest into the wrong columns.
 */
final class TableWriter implements AutoCloseable {
    private static final int BATCH = 500;

    private final Connection c;
    private final PreparedStatement ps;
    private final String table;
    private final int columns;
    private int next = 1;
    private int pending;
    private long rows;

    /**
     * @param schema  the schema, already quoted
     * @param table   the table's name as SDSS spells it (kept in result headers)
     * @param columns "name TYPE" definitions, in order
     * @param comment what the table holds (after the synthetic-data note)
     */
    TableWriter(Connection c, String schema, String table, List<String> columns, String note, String comment)
            throws SQLException {
        this.c = c;
        this.table = table;
        this.columns = columns.size();
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TABLE " + schema + "." + table + " (" + String.join(", ", columns) + ")");
            st.execute("COMMENT ON TABLE " + schema + "." + table + " IS '" + (note + " " + comment).replace("'", "''") + "'");
        }
        StringBuilder marks = new StringBuilder();
        for (int k = 0; k < columns.size(); k++) {
            marks.append(k == 0 ? "?" : ",?");
        }
        ps = c.prepareStatement("INSERT INTO " + schema + "." + table + " VALUES (" + marks + ")");
    }

    TableWriter l(long v) throws SQLException {
        ps.setLong(next++, v);
        return this;
    }

    TableWriter i(int v) throws SQLException {
        ps.setInt(next++, v);
        return this;
    }

    /** A REAL column: SDSS stores magnitudes, radii and most measurements as 4-byte floats. */
    TableWriter f(double v) throws SQLException {
        ps.setFloat(next++, (float) v);
        return this;
    }

    /** A FLOAT (8-byte) column: positions and unit vectors. */
    TableWriter d(double v) throws SQLException {
        ps.setDouble(next++, v);
        return this;
    }

    TableWriter s(String v) throws SQLException {
        ps.setString(next++, v);
        return this;
    }

    TableWriter nullValue(int sqlType) throws SQLException {
        ps.setNull(next++, sqlType);
        return this;
    }

    TableWriter nullReal() throws SQLException {
        return nullValue(Types.REAL);
    }

    /** Ends the row: every column must have had its value. */
    void end() throws SQLException {
        if (next != columns + 1) {
            throw new IllegalStateException(table + ": a row set " + (next - 1) + " values for " + columns + " columns");
        }
        next = 1;
        ps.addBatch();
        rows++;
        if (++pending == BATCH) {
            flush();
        }
    }

    /**
     * Sends the pending rows and commits them: H2 slows down as one transaction grows, and a
     * failed generation drops its tables anyway (H2 commits at every CREATE TABLE).
     */
    private void flush() throws SQLException {
        ps.executeBatch();
        pending = 0;
        if (!c.getAutoCommit()) {
            c.commit();
        }
    }

    long rows() {
        return rows;
    }

    @Override
    public void close() throws SQLException {
        try {
            if (pending > 0) {
                flush();
            }
        } finally {
            ps.close();
        }
    }
}
