package org.opencasjobs.catalog.sdss;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;

/**
 * PostgreSQL's way in: rows in COPY's text format, sent a few megabytes at a time, each chunk its
 * own {@code COPY … FROM STDIN}. Several tables are written side by side (PhotoObjAll and Field,
 * the spectral catalogs) and a connection can run only one COPY at a time, so a chunk is
 * buffered here and sent whole. Nothing is committed: the whole generation is one transaction,
 * which PostgreSQL rolls back with its tables if it fails.
 *
 * <p>Numbers are written as Java's {@link Float#toString}/{@link Double#toString}, which give
 * enough digits to read back as the same float or double, so the rows are the same bits as H2's.
 */
final class CopyRows implements RowSink {
    /** Characters buffered before a chunk is sent. */
    private static final int CHUNK = 4 << 20;

    private final CopyManager copy;
    private final String sql;
    private final StringBuilder buf = new StringBuilder(CHUNK + (CHUNK >> 3));
    private int next = 1;

    CopyRows(Connection c, String qualifiedTable) throws SQLException {
        this.copy = c.unwrap(PGConnection.class).getCopyAPI();
        this.sql = "COPY " + qualifiedTable + " FROM STDIN";
    }

    private StringBuilder field(int column) {
        if (column != next) {
            throw new IllegalStateException("COPY takes values in column order: " + column + " after " + (next - 1));
        }
        if (next++ > 1) {
            buf.append('\t');
        }
        return buf;
    }

    @Override
    public void setLong(int column, long v) {
        field(column).append(v);
    }

    @Override
    public void setInt(int column, int v) {
        field(column).append(v);
    }

    @Override
    public void setFloat(int column, float v) {
        field(column).append(Float.toString(v)); // NaN, Infinity, -Infinity: as PostgreSQL reads them
    }

    @Override
    public void setDouble(int column, double v) {
        field(column).append(Double.toString(v));
    }

    @Override
    public void setString(int column, String v) {
        if (v == null) {
            setNull(column, 0);
            return;
        }
        StringBuilder b = field(column);
        for (int i = 0; i < v.length(); i++) {
            char ch = v.charAt(i);
            switch (ch) {
                case '\\' -> b.append("\\\\");
                case '\t' -> b.append("\\t");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                default -> b.append(ch);
            }
        }
    }

    @Override
    public void setNull(int column, int sqlType) {
        field(column).append("\\N");
    }

    @Override
    public void endRow() throws SQLException {
        buf.append('\n');
        next = 1;
        if (buf.length() >= CHUNK) {
            flush();
        }
    }

    private void flush() throws SQLException {
        byte[] bytes = buf.toString().getBytes(StandardCharsets.UTF_8);
        buf.setLength(0);
        CopyIn in = copy.copyIn(sql);
        try {
            in.writeToCopy(bytes, 0, bytes.length);
            in.endCopy();
        } finally {
            if (in.isActive()) {
                in.cancelCopy();
            }
        }
    }

    @Override
    public void close() throws SQLException {
        if (buf.length() > 0) {
            flush();
        }
    }
}
