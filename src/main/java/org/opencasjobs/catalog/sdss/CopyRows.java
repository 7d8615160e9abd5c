package org.opencasjobs.catalog.sdss;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;

/**
 * PostgreSQL's way in: rows in COPY's binary format, sent a few megabytes at a time, each chunk
 * its own {@code COPY … FROM STDIN (FORMAT binary)}. Several tables are written side by side
 * (PhotoObjAll and Field, the spectral catalogs) and a connection can run only one COPY at a
 * time, so a chunk is buffered here and sent whole. Nothing is committed: the whole generation is
 * one transaction, which PostgreSQL rolls back with its tables if it fails.
 *
 * <p>Binary, not text: the numbers go in as their IEEE bits (the same rows as H2's to the bit,
 * with no decimal round trip), and PostgreSQL spends no time parsing some 190 numbers a row.
 * Binary COPY needs each value in its column's exact width, so the writer knows each column's
 * type and converts what the table families set (an int for a SMALLINT column, say), refusing
 * a value the column cannot hold.
 */
final class CopyRows implements RowSink {
    /** Bytes buffered before a chunk is sent. */
    private static final int CHUNK = 4 << 20;
    private static final byte[] HEADER = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0,
        0, 0, 0, 0, 0, 0, 0, 0};

    /** The binary width of a column's type. */
    enum Kind { INT2, INT4, INT8, FLOAT4, FLOAT8, TEXT }

    private final CopyManager copy;
    private final String sql;
    private final String table;
    private final Kind[] kinds;
    private ByteBuffer buf = ByteBuffer.allocate(CHUNK + (1 << 16));
    private int next = 1;
    private boolean rowsInChunk;

    /** @param types each column's PostgreSQL type, in order, as in its definition */
    CopyRows(Connection c, String qualifiedTable, List<String> types) throws SQLException {
        this.copy = c.unwrap(PGConnection.class).getCopyAPI();
        this.sql = "COPY " + qualifiedTable + " FROM STDIN (FORMAT binary, FREEZE)";
        this.table = qualifiedTable;
        this.kinds = new Kind[types.size()];
        for (int i = 0; i < kinds.length; i++) {
            kinds[i] = kind(types.get(i));
        }
    }

    static Kind kind(String type) {
        String t = type.toUpperCase(Locale.ROOT);
        return switch (t) {
            case "SMALLINT" -> Kind.INT2;
            case "INT", "INTEGER" -> Kind.INT4;
            case "BIGINT" -> Kind.INT8;
            case "REAL" -> Kind.FLOAT4;
            case "DOUBLE PRECISION" -> Kind.FLOAT8;
            default -> {
                if (t.endsWith("CITEXT") || t.equals("TEXT")) {
                    yield Kind.TEXT;
                }
                throw new IllegalArgumentException("no binary COPY for a column of type " + type);
            }
        };
    }

    /** The column's kind, checking the values come in column order; starts a row at its first value. */
    private Kind field(int column, int bytes) {
        if (column != next) {
            throw new IllegalStateException(table + ": COPY takes values in column order: " + column + " after " + (next - 1));
        }
        room(bytes + 64); // the value, its length, and a row's or a chunk's header
        if (next == 1) {
            if (!rowsInChunk) {
                buf.put(HEADER);
                rowsInChunk = true;
            }
            buf.putShort((short) kinds.length);
        }
        next++;
        return kinds[column - 1];
    }

    private void room(int bytes) {
        if (buf.remaining() < bytes) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + bytes));
            buf.flip();
            bigger.put(buf);
            buf = bigger;
        }
    }

    @Override
    public void setLong(int column, long v) {
        whole(column, field(column, 8), v);
    }

    @Override
    public void setInt(int column, int v) {
        whole(column, field(column, 8), v);
    }

    private void whole(int column, Kind k, long v) {
        switch (k) {
            case INT2 -> {
                if (v != (short) v) {
                    throw new IllegalArgumentException(table + " column " + column + ": " + v + " does not fit a SMALLINT");
                }
                buf.putInt(2).putShort((short) v);
            }
            case INT4 -> {
                if (v != (int) v) {
                    throw new IllegalArgumentException(table + " column " + column + ": " + v + " does not fit an INT");
                }
                buf.putInt(4).putInt((int) v);
            }
            case INT8 -> buf.putInt(8).putLong(v);
            case FLOAT4 -> buf.putInt(4).putFloat(v);
            case FLOAT8 -> buf.putInt(8).putDouble(v);
            case TEXT -> text(Long.toString(v));
        }
    }

    @Override
    public void setFloat(int column, float v) {
        Kind k = field(column, 8);
        if (k == Kind.FLOAT4) {
            buf.putInt(4).putFloat(v);
        } else {
            real(column, k, v);
        }
    }

    @Override
    public void setDouble(int column, double v) {
        real(column, field(column, 8), v);
    }

    private void real(int column, Kind k, double v) {
        switch (k) {
            case FLOAT4 -> buf.putInt(4).putFloat((float) v);
            case FLOAT8 -> buf.putInt(8).putDouble(v);
            default -> throw new IllegalArgumentException(table + " column " + column + " is " + k + ", not a float: " + v);
        }
    }

    @Override
    public void setString(int column, String v) {
        if (v == null) {
            setNull(column, 0);
            return;
        }
        byte[] bytes = v.getBytes(StandardCharsets.UTF_8);
        Kind k = field(column, bytes.length);
        if (k != Kind.TEXT) {
            throw new IllegalArgumentException(table + " column " + column + " is " + k + ", not text: " + v);
        }
        buf.putInt(bytes.length).put(bytes);
    }

    private void text(String v) {
        byte[] bytes = v.getBytes(StandardCharsets.UTF_8);
        room(bytes.length + 4);
        buf.putInt(bytes.length).put(bytes);
    }

    @Override
    public void setNull(int column, int sqlType) {
        field(column, 0);
        buf.putInt(-1);
    }

    @Override
    public void endRow() throws SQLException {
        if (next != kinds.length + 1) {
            throw new IllegalStateException(table + ": a row set " + (next - 1) + " values for " + kinds.length + " columns");
        }
        next = 1;
        if (buf.position() >= CHUNK) {
            flush();
        }
    }

    private void flush() throws SQLException {
        room(2);
        buf.putShort((short) -1);
        CopyIn in = copy.copyIn(sql);
        try {
            in.writeToCopy(buf.array(), 0, buf.position());
            in.endCopy();
        } finally {
            if (in.isActive()) {
                in.cancelCopy();
            }
            buf.clear();
            rowsInChunk = false;
        }
    }

    @Override
    public void close() throws SQLException {
        if (rowsInChunk) {
            flush();
        }
    }
}
