package org.opencasjobs.output;

import java.sql.Blob;
import java.sql.Clob;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import org.opencasjobs.catalog.QuickResultTooLarge;
import org.opencasjobs.jobs.CasJobsException;

/**
 * The limits of one quick result, rows and bytes, counted while {@link TypedCsv} or
 * {@link DataSetXml} writes it, so that a result too large for an answer stops at the row or the
 * value that crosses the limit instead of being built whole (issue 15: a 1 GB answer, and an
 * {@code OutOfMemoryError} for 20000 rows of 100 KB).
 *
 * <p>Bytes are those of the answer's text in UTF-8 (each format says which text it counts).
 * A text or binary value is checked against what is left before it is copied: by its length in
 * characters (at least one byte each) as it came from the database, or, for a CLOB or BLOB
 * column, by the length the database reports before the value is read at all.
 */
final class QuickLimit {
    private final long maxRows;
    private final long maxBytes;
    private long rows;
    private long bytes;

    /** Negative values mean no limit. */
    QuickLimit(long maxRows, long maxBytes) {
        this.maxRows = maxRows;
        this.maxBytes = maxBytes;
    }

    /** One more row; refused when it is one more than the most allowed. */
    void row() {
        if (maxRows >= 0 && ++rows > maxRows) {
            throw TypedCsv.tooManyRows(maxRows);
        }
    }

    /** {@code n} more bytes written; refused when the result grew past the limit. */
    void add(long n) {
        bytes += n;
        if (maxBytes >= 0 && bytes > maxBytes) {
            throw tooLarge(maxBytes);
        }
    }

    /**
     * Refuses, before anything is copied, a value that cannot fit: {@code pending} bytes written
     * but not yet counted, then at least {@code n} more.
     */
    void require(long pending, long n) {
        if (maxBytes >= 0 && bytes + pending + n > maxBytes) {
            throw tooLarge(maxBytes);
        }
    }

    /** The user-facing error for a quick result larger than {@code maxBytes}. */
    static CasJobsException tooLarge(long maxBytes) {
        return new QuickResultTooLarge(maxBytes);
    }

    /** Per column, whether it is a CLOB or BLOB, whose length can be read before its value. */
    static boolean[] lobs(ResultSetMetaData md) throws SQLException {
        boolean[] lob = new boolean[md.getColumnCount()];
        for (int c = 0; c < lob.length; c++) {
            int t = md.getColumnType(c + 1);
            lob[c] = t == Types.CLOB || t == Types.NCLOB || t == Types.BLOB;
        }
        return lob;
    }

    /**
     * A text value, null for SQL NULL; refused if it is longer than what is left ({@code pending}
     * bytes of the row written so far, {@code extra} bytes around it), a CLOB before it is read.
     */
    String text(ResultSet rs, int col, boolean lob, long pending, long extra) throws SQLException {
        if (lob) {
            Clob clob = rs.getClob(col);
            if (clob == null) {
                return null;
            }
            try {
                long length = clob.length();
                require(pending, length + extra);
                return clob.getSubString(1, (int) length);
            } finally {
                clob.free();
            }
        }
        String s = rs.getString(col);
        if (s != null) {
            require(pending, s.length() + extra);
        }
        return s;
    }

    /**
     * A binary value, null for SQL NULL; refused if its text ({@code digits} characters per
     * {@code per} bytes, then {@code extra}) cannot fit, a BLOB before it is read.
     */
    byte[] bytes(ResultSet rs, int col, boolean lob, long pending, int digits, int per, long extra)
            throws SQLException {
        if (lob) {
            Blob blob = rs.getBlob(col);
            if (blob == null) {
                return null;
            }
            try {
                long length = blob.length();
                require(pending, (length + per - 1) / per * digits + extra);
                return blob.getBytes(1, (int) length);
            } finally {
                blob.free();
            }
        }
        byte[] b = rs.getBytes(col);
        if (b != null) {
            require(pending, ((long) b.length + per - 1) / per * digits + extra);
        }
        return b;
    }

    /** The UTF-8 length of {@code s[from, to)}; an unpaired surrogate counts 3, as its replacement does. */
    static long utf8(CharSequence s, int from, int to) {
        long n = 0;
        for (int i = from; i < to; i++) {
            char ch = s.charAt(i);
            if (ch < 0x80) {
                n++;
            } else if (ch < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(ch) && i + 1 < to && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }
}
