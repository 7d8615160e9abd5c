package org.opencasjobs.catalog.sdss;

import java.sql.SQLException;

/**
 * Where {@link TableWriter} sends a table's rows, one value at a time in column order: the
 * engine's fastest way in (H2: batched inserts; PostgreSQL: COPY). Values come in column
 * order; {@link #endRow()} closes a row.
 */
interface RowSink extends AutoCloseable {
    void setLong(int column, long v) throws SQLException;

    void setInt(int column, int v) throws SQLException;

    void setFloat(int column, float v) throws SQLException;

    void setDouble(int column, double v) throws SQLException;

    void setString(int column, String v) throws SQLException;

    void setNull(int column, int sqlType) throws SQLException;

    void endRow() throws SQLException;

    /** Sends what is still pending. */
    @Override
    void close() throws SQLException;
}
