package org.opencasjobs.output;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.Consumer;
import uk.ac.starlink.table.AbstractStarTable;
import uk.ac.starlink.table.ColumnInfo;
import uk.ac.starlink.table.RowSequence;

/**
 * A STIL table over a SELECT that streams: each {@link #getRowSequence()} runs the query afresh
 * (forward-only, read-only) and converts one row at a time, so nothing but the current row is
 * held. STIL may ask for more than one sequence (a FITS writer's first pass when it lacks string
 * widths, null markers or the row count); the extractor supplies those up front so that it
 * does not.
 */
final class QueryStarTable extends AbstractStarTable {
    static final int FETCH_SIZE = 1000;

    private final Connection connection;
    private final String sql;
    private final Column[] columns;
    private final ColumnInfo[] infos;
    private final long rowCount;
    private final Consumer<Statement> running;
    /** Rows read by the latest row sequence. */
    long rowsRead;

    QueryStarTable(Connection connection, String sql, Column[] columns, ColumnInfo[] infos, long rowCount,
                   Consumer<Statement> running) {
        this.connection = connection;
        this.sql = sql;
        this.columns = columns;
        this.infos = infos;
        this.rowCount = rowCount;
        this.running = running;
    }

    @Override
    public int getColumnCount() {
        return columns.length;
    }

    @Override
    public ColumnInfo getColumnInfo(int icol) {
        return infos[icol];
    }

    @Override
    public long getRowCount() {
        return rowCount;
    }

    @Override
    public RowSequence getRowSequence() throws IOException {
        rowsRead = 0;
        try {
            PreparedStatement ps = Extractor.prepare(connection, sql);
            try {
                running.accept(ps);
                ResultSet rs = ps.executeQuery();
                return new Rows(ps, rs);
            } catch (SQLException | RuntimeException e) {
                running.accept(null);
                ps.close();
                throw e;
            }
        } catch (SQLException e) {
            throw new SqlIOException(e);
        }
    }

    private final class Rows implements RowSequence {
        private final PreparedStatement ps;
        private final ResultSet rs;
        private Object[] row;

        Rows(PreparedStatement ps, ResultSet rs) {
            this.ps = ps;
            this.rs = rs;
        }

        @Override
        public boolean next() throws IOException {
            try {
                if (!rs.next()) {
                    row = null;
                    return false;
                }
                Object[] r = new Object[columns.length];
                for (int i = 0; i < r.length; i++) {
                    r[i] = columns[i].star(columns[i].read(rs));
                }
                row = r;
                rowsRead++;
                return true;
            } catch (SQLException e) {
                throw new SqlIOException(e);
            }
        }

        @Override
        public Object getCell(int icol) {
            check();
            return row[icol];
        }

        @Override
        public Object[] getRow() {
            check();
            return row;
        }

        private void check() {
            if (row == null) {
                throw new IllegalStateException("no current row");
            }
        }

        @Override
        public void close() throws IOException {
            running.accept(null);
            try (ps; rs) {
                // closes both
            } catch (SQLException e) {
                throw new SqlIOException(e);
            }
        }
    }

    /** Carries an SQLException through STIL's IOException-only interfaces. */
    static final class SqlIOException extends IOException {
        private static final long serialVersionUID = 1L;

        SqlIOException(SQLException cause) {
            super(cause.getMessage(), cause);
        }

        @Override
        public synchronized SQLException getCause() {
            return (SQLException) super.getCause();
        }
    }
}
