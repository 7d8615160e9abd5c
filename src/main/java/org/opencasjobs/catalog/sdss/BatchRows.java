package org.opencasjobs.catalog.sdss;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * H2's way in: one prepared INSERT, sent in batches, each batch committed. H2 slows down as one
 * transaction grows, and a failed generation drops its tables anyway (H2 commits at every
 * CREATE TABLE).
 */
final class BatchRows implements RowSink {
    private static final int BATCH = 500;

    private final Connection c;
    private final PreparedStatement ps;
    private int pending;

    BatchRows(Connection c, String qualifiedTable, int columns) throws SQLException {
        this.c = c;
        StringBuilder marks = new StringBuilder();
        for (int k = 0; k < columns; k++) {
            marks.append(k == 0 ? "?" : ",?");
        }
        ps = c.prepareStatement("INSERT INTO " + qualifiedTable + " VALUES (" + marks + ")");
    }

    @Override
    public void setLong(int column, long v) throws SQLException {
        ps.setLong(column, v);
    }

    @Override
    public void setInt(int column, int v) throws SQLException {
        ps.setInt(column, v);
    }

    @Override
    public void setFloat(int column, float v) throws SQLException {
        ps.setFloat(column, v);
    }

    @Override
    public void setDouble(int column, double v) throws SQLException {
        ps.setDouble(column, v);
    }

    @Override
    public void setString(int column, String v) throws SQLException {
        ps.setString(column, v);
    }

    @Override
    public void setNull(int column, int sqlType) throws SQLException {
        ps.setNull(column, sqlType);
    }

    @Override
    public void endRow() throws SQLException {
        ps.addBatch();
        if (++pending == BATCH) {
            flush();
        }
    }

    private void flush() throws SQLException {
        ps.executeBatch();
        pending = 0;
        if (!c.getAutoCommit()) {
            c.commit();
        }
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
