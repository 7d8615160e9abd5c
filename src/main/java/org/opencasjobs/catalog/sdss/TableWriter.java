package org.opencasjobs.catalog.sdss;

import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.List;

/**
 * Creates one table from a list of column definitions and fills it, a row at a time, values in
 * column order. Keeping the definitions and the values side by side in one place per table is
 * what keeps a 150-column table readable; the writer checks that every row sets exactly as many
 * values as the table has columns, so a missing value fails at once rather than shifting the
 * rest into the wrong columns. How the table is named, typed and filled is the engine's
 * ({@link SampleDatabase}).
 */
final class TableWriter implements AutoCloseable {
    private final RowSink sink;
    private final String table;
    private final int columns;
    private int next = 1;
    private long rows;

    /**
     * @param table   the table's name as SDSS spells it
     * @param columns "name TYPE" definitions in SQL Server's types, in order
     * @param comment what the table holds (after the synthetic-data note)
     */
    TableWriter(SampleDatabase db, String table, List<String> columns, String note, String comment)
            throws SQLException {
        this.table = table;
        this.columns = columns.size();
        String qualified = db.relation(table);
        try (Statement st = db.connection().createStatement()) {
            st.execute("CREATE TABLE " + qualified + " (" + String.join(", ", columns.stream().map(db::column).toList()) + ")");
            st.execute("COMMENT ON TABLE " + qualified + " IS " + SampleDatabase.literal(note + " " + comment));
        }
        db.spelled(table, SampleDatabase.names(columns));
        sink = db.rows(qualified, columns);
    }

    TableWriter l(long v) throws SQLException {
        sink.setLong(next++, v);
        return this;
    }

    TableWriter i(int v) throws SQLException {
        sink.setInt(next++, v);
        return this;
    }

    /** A REAL column: SDSS stores magnitudes, radii and most measurements as 4-byte floats. */
    TableWriter f(double v) throws SQLException {
        sink.setFloat(next++, (float) v);
        return this;
    }

    /** A FLOAT (8-byte) column: positions and unit vectors. */
    TableWriter d(double v) throws SQLException {
        sink.setDouble(next++, v);
        return this;
    }

    TableWriter s(String v) throws SQLException {
        sink.setString(next++, v);
        return this;
    }

    TableWriter nullValue(int sqlType) throws SQLException {
        sink.setNull(next++, sqlType);
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
        sink.endRow();
        rows++;
    }

    long rows() {
        return rows;
    }

    @Override
    public void close() throws SQLException {
        sink.close();
    }
}
