package org.opencasjobs.output;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.opencasjobs.jobs.CasJobsException;

/**
 * Renders a JDBC result as the "typed CSV" text that {@code ExecuteQuickJob} returns
 * (CONTRACT §6, NOTES §8.4).
 *
 * <pre>
 * [objID]:Integer,[ra]:Float,[class]:String
 * 1237645876861272065,44.1187117871552,"GALAXY"
 * </pre>
 *
 * <ul>
 * <li>Header {@code [name]:Type,…}: the column label; unnamed columns and duplicates are named
 *     the way ADO.NET names a DataTable's columns ({@link #columnNames}): {@code Column1},
 *     {@code Column2}, … for unnamed ones, {@code ra1} for a second {@code ra}.</li>
 * <li>Types: {@code Integer} (tinyint…bigint), {@code Float} (real, float, double),
 *     {@code Decimal}, {@code String}, {@code DateTime} (date, time, timestamp, with or without
 *     zone), {@code Boolean}, {@code Binary}; anything else is {@code String}.</li>
 * <li>Values: strings double-quoted with embedded quotes doubled (commas and line breaks are kept
 *     inside the quotes); numbers, dates, booleans and binaries unquoted; SQL NULL is
 *     {@code null}. REAL and DOUBLE print like .NET (Core 3.0+) {@code Single.ToString()} /
 *     {@code Double.ToString()}: the shortest text that reads back as the same value, no
 *     {@code .0} on integral values, E notation below 1E-04 and from 1E+17 (1E+09 for REAL),
 *     e.g. {@code 24.06133}, {@code 18}, {@code 1E-05}, {@code 1.5E+20}. Date/times print as
 *     {@code yyyy-MM-dd HH:mm:ss[.fff]} (see {@link #formatDateTime}). Booleans {@code True} /
 *     {@code False}; binaries {@code 0x01AB}.</li>
 * <li>Every line, the header included, ends with {@code \n}.</li>
 * </ul>
 */
public final class TypedCsv {
    private TypedCsv() {
    }

    /**
     * The whole result as typed CSV.
     *
     * @param maxRows  the most rows a quick result may have; a larger result is refused with a
     *                 {@link CasJobsException} telling the user to submit a batch job. A negative
     *                 value means no limit.
     * @param maxBytes the most bytes (UTF-8) the whole text, header included, may have; a larger
     *                 result is refused the same way, at the row or value that crosses the limit
     *                 (see {@link QuickLimit}). A negative value means no limit.
     * @throws SQLException reading the result failed (it may be the user's query, e.g. a
     *                      division by zero met while fetching)
     */
    public static String write(ResultSet rs, long maxRows, long maxBytes) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        int n = md.getColumnCount();
        String[] names = columnNames(md);
        QuickLimit limit = new QuickLimit(maxRows, maxBytes);
        boolean[] lob = QuickLimit.lobs(md);
        Kind[] kinds = new Kind[n];
        StringBuilder out = new StringBuilder(256);
        for (int c = 0; c < n; c++) {
            kinds[c] = Kind.of(md, c + 1);
            if (c > 0) {
                out.append(',');
            }
            out.append('[').append(names[c]).append("]:").append(kinds[c].csvType);
        }
        out.append('\n');
        limit.add(QuickLimit.utf8(out, 0, out.length()));
        while (rs.next()) {
            limit.row();
            int start = out.length();
            for (int c = 0; c < n; c++) {
                if (c > 0) {
                    out.append(',');
                }
                appendValue(out, rs, c + 1, kinds[c], lob[c], limit, out.length() - start);
            }
            out.append('\n');
            limit.add(QuickLimit.utf8(out, start, out.length()));
        }
        return out.toString();
    }

    /** The answer to a statement without a result set: {@code [Rows Affected]:Integer\n{n}\n}. */
    public static String rowsAffected(long n) {
        return "[Rows Affected]:Integer\n" + n + "\n";
    }

    /** The user-facing error for a quick result with more than {@code maxRows} rows. */
    public static CasJobsException tooManyRows(long maxRows) {
        return new CasJobsException("The result has more than " + maxRows
                + " rows, the limit for quick queries. Submit it as a batch job with SELECT … INTO"
                + " mydb.YourTable, then extract or query the table.");
    }

    /**
     * The column names a .NET DataTable filled from this result would have (ADO.NET's
     * {@code BuildSchemaTableInfoTableNames}): the labels, where an empty or missing label becomes
     * {@code Column1}, {@code Column2}, … (numbered among the unnamed columns, skipping names that
     * are taken) and a label repeated (case-insensitively) gets {@code 1}, {@code 2}, … appended
     * on its later occurrences. For a result whose columns are all unnamed this is
     * {@code Column1…ColumnN} by position.
     */
    public static String[] columnNames(ResultSetMetaData md) throws SQLException {
        int n = md.getColumnCount();
        String[] names = new String[n];
        for (int c = 0; c < n; c++) {
            String label = md.getColumnLabel(c + 1);
            names[c] = label == null ? "" : label;
        }
        return uniqueNames(names);
    }

    static String[] uniqueNames(String[] labels) {
        String[] names = labels.clone();
        Map<String, Integer> seen = new HashMap<>();
        int start = names.length;
        for (int i = names.length - 1; i >= 0; i--) {
            if (!names[i].isEmpty()) {
                String key = names[i].toLowerCase(Locale.ROOT);
                Integer other = seen.get(key);
                if (other != null) {
                    start = Math.min(start, other);
                }
                seen.put(key, i);
            } else {
                start = i;
            }
        }
        int unnamed = 1;
        for (int i = start; i < names.length; i++) {
            if (names[i].isEmpty()) {
                unnamed = uniqueName(seen, names, i, "Column", unnamed);
            } else if (seen.get(names[i].toLowerCase(Locale.ROOT)) != i) {
                uniqueName(seen, names, i, names[i], 1);
            }
        }
        return names;
    }

    private static int uniqueName(Map<String, Integer> seen, String[] names, int i, String base, int from) {
        for (int k = from; ; k++) {
            String candidate = base + k;
            String key = candidate.toLowerCase(Locale.ROOT);
            if (!seen.containsKey(key)) {
                names[i] = candidate;
                seen.put(key, i);
                return k;
            }
        }
    }

    /**
     * Appends one value; a text or binary value is first checked against what is left of the
     * limit, {@code pending} characters of its row being written already.
     */
    private static void appendValue(StringBuilder out, ResultSet rs, int col, Kind kind, boolean lob,
                                    QuickLimit limit, long pending) throws SQLException {
        switch (kind) {
            case BIGINT, INT, SMALLINT, TINYINT -> {
                long v = rs.getLong(col);
                out.append(rs.wasNull() ? "null" : Long.toString(v));
            }
            case REAL -> {
                float v = rs.getFloat(col);
                out.append(rs.wasNull() ? "null" : formatFloat(v));
            }
            case DOUBLE -> {
                double v = rs.getDouble(col);
                out.append(rs.wasNull() ? "null" : formatDouble(v));
            }
            case DECIMAL -> {
                String v = decimalText(rs, col);
                out.append(v == null ? "null" : v);
            }
            case BOOLEAN -> {
                boolean v = rs.getBoolean(col);
                out.append(rs.wasNull() ? "null" : v ? "True" : "False");
            }
            case BINARY -> {
                byte[] v = limit.bytes(rs, col, lob, pending, 2, 1, 2); // 0x, two digits a byte
                out.append(v == null ? "null" : hex(v));
            }
            case DATE, TIME, TIMESTAMP, TIME_TZ, TIMESTAMP_TZ -> {
                Object v = temporal(rs, col, kind);
                out.append(v == null ? "null" : formatDateTime(v));
            }
            case GUID -> {
                Object v = rs.getObject(col);
                appendQuoted(out, v == null ? null : v.toString().toLowerCase(Locale.ROOT));
            }
            default -> appendQuoted(out, limit.text(rs, col, lob, pending, 2));
        }
    }

    private static void appendQuoted(StringBuilder out, String s) {
        if (s == null) {
            out.append("null");
            return;
        }
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '"') {
                out.append('"');
            }
            out.append(ch);
        }
        out.append('"');
    }

    static String decimalText(ResultSet rs, int col) throws SQLException {
        Object v = rs.getObject(col);
        if (v == null) {
            return null;
        }
        return v instanceof BigDecimal bd ? bd.toPlainString() : v.toString();
    }

    static Object temporal(ResultSet rs, int col, Kind kind) throws SQLException {
        return switch (kind) {
            case DATE -> rs.getObject(col, LocalDate.class);
            case TIME -> rs.getObject(col, LocalTime.class);
            case TIMESTAMP -> rs.getObject(col, LocalDateTime.class);
            case TIME_TZ -> rs.getObject(col, OffsetTime.class);
            case TIMESTAMP_TZ -> rs.getObject(col, OffsetDateTime.class);
            default -> throw new IllegalArgumentException(kind.name());
        };
    }

    // ---- binaries and date/times (shared with DataSetXml and output.Column) -------------

    /** {@code 0x} and upper-case hex digits, as SQL Server shows a binary value. */
    public static String hex(byte[] bytes) {
        char[] digits = "0123456789ABCDEF".toCharArray();
        StringBuilder sb = new StringBuilder(2 + 2 * bytes.length).append("0x");
        for (byte b : bytes) {
            sb.append(digits[(b >> 4) & 0xF]).append(digits[b & 0xF]);
        }
        return sb.toString();
    }

    /**
     * A date/time value as typed CSV shows it: {@code yyyy-MM-dd HH:mm:ss}, then {@code .fff}
     * when there are milliseconds (more digits, up to 9, only when the value has them), then
     * {@code " +hh:mm"} for values with a zone. A DATE prints with {@code 00:00:00} (the way a
     * .NET DateTime holds it) and a TIME as {@code HH:mm:ss[.fff]}. This is SQL Server's own
     * canonical text for datetime (style 121, which it also reads back) and what Python's
     * {@code datetime.fromisoformat}, pandas and astropy parse; .NET's culture-dependent
     * {@code DateTime.ToString()} ({@code 1/2/2020 3:04:05 PM}) is deliberately not imitated.
     */
    public static String formatDateTime(Object value) {
        if (value instanceof LocalDateTime t) {
            return date(t.toLocalDate()) + ' ' + time(t.toLocalTime(), 3);
        }
        if (value instanceof LocalDate d) {
            return date(d) + " 00:00:00";
        }
        if (value instanceof LocalTime t) {
            return time(t, 3);
        }
        if (value instanceof OffsetDateTime t) {
            return date(t.toLocalDate()) + ' ' + time(t.toLocalTime(), 3) + ' ' + offset(t.getOffset());
        }
        if (value instanceof OffsetTime t) {
            return time(t.toLocalTime(), 3) + ' ' + offset(t.getOffset());
        }
        throw new IllegalArgumentException("not a date/time: " + value);
    }

    /** {@code yyyy-MM-dd}; a year outside 0…9999 with as many digits as it needs (and its sign). */
    public static String date(LocalDate d) {
        int y = d.getYear();
        String year = y >= 0 && y <= 9999 ? pad(y, 4) : Integer.toString(y);
        return year + '-' + pad(d.getMonthValue(), 2) + '-' + pad(d.getDayOfMonth(), 2);
    }

    /**
     * {@code HH:mm:ss}, then the fraction of a second if any (see {@link #fraction}): typed CSV
     * and FITS/VOTable keep at least milliseconds ({@code minFraction} 3), XML Schema text
     * trims all trailing zeros (1).
     */
    public static String time(LocalTime t, int minFraction) {
        return pad(t.getHour(), 2) + ':' + pad(t.getMinute(), 2) + ':' + pad(t.getSecond(), 2)
                + fraction(t.getNano(), minFraction);
    }

    /**
     * {@code .ddd…} for a non-zero fraction of a second, its trailing zeros trimmed down to no
     * fewer than {@code minDigits} digits (1 to 9); empty for zero.
     */
    static String fraction(int nanos, int minDigits) {
        if (nanos == 0) {
            return "";
        }
        String f = pad(nanos, 9);
        int len = 9;
        while (len > minDigits && f.charAt(len - 1) == '0') {
            len--;
        }
        return '.' + f.substring(0, len);
    }

    /** A zone offset as {@code ±hh:mm}. */
    public static String offset(ZoneOffset offset) {
        int secs = offset.getTotalSeconds();
        char sign = secs < 0 ? '-' : '+';
        secs = Math.abs(secs);
        return sign + pad(secs / 3600, 2) + ':' + pad((secs / 60) % 60, 2);
    }

    static String pad(int v, int width) {
        String s = Integer.toString(v);
        return s.length() >= width ? s : "0".repeat(width - s.length()) + s;
    }

    // ---- .NET-style floating point text ---------------------------------------------------

    /**
     * A double as .NET (Core 3.0+) {@code Double.ToString()} writes it with the invariant
     * culture: the shortest digits that read back as the same double, positional notation for
     * 1E-04 ≤ |v| < 1E+17 (wider when there are more digits), otherwise {@code d.dddE±xx}
     * (.NET's FormatGeneral with nMaxDigits = max(digits, 17)).
     * {@code NaN}, {@code Infinity}, {@code -Infinity}; negative zero is {@code -0}.
     */
    public static String formatDouble(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "Infinity" : "-Infinity";
        }
        if (v == 0) {
            return (Double.doubleToRawLongBits(v) < 0) ? "-0" : "0";
        }
        return general(shortest(Double.toString(v), x -> Double.parseDouble(x) == v, () -> new BigDecimal(v),
                Math.abs(v) >= Double.MIN_NORMAL ? 15 : 0), 17);
    }

    /**
     * A float (SQL REAL) as .NET (Core 3.0+) {@code Single.ToString()} writes it: the shortest
     * digits that read back as the same float, positional notation for 1E-04 ≤ |v| < 1E+09
     * (wider when there are more digits), otherwise {@code d.dddE±xx}; e.g. {@code 24.06133}.
     */
    public static String formatFloat(float v) {
        if (Float.isNaN(v)) {
            return "NaN";
        }
        if (Float.isInfinite(v)) {
            return v > 0 ? "Infinity" : "-Infinity";
        }
        if (v == 0) {
            return (Float.floatToRawIntBits(v) < 0) ? "-0" : "0";
        }
        return general(shortest(Float.toString(v), x -> Float.parseFloat(x) == v, () -> new BigDecimal(v),
                Math.abs(v) >= Float.MIN_NORMAL ? 6 : 0), 9);
    }

    private interface RoundTrip {
        boolean same(String decimal);
    }

    /**
     * The shortest decimal that reads back as the value, and of those the nearest to it. Java's
     * own {@code toString} always reads back but (before JDK 19) is sometimes a digit longer than
     * needed: shorter candidates (the neighbours of the current digits one digit shorter) are
     * tried until none reads back. Then, unless the length alone makes the decimal unique, the
     * exact binary value decides whether a neighbour of the same length is nearer.
     */
    private static BigDecimal shortest(String javaText, RoundTrip check, Supplier<BigDecimal> exact, int unique) {
        BigDecimal s = new BigDecimal(javaText).stripTrailingZeros();
        boolean negative = s.signum() < 0;
        long m = s.unscaledValue().abs().longValueExact(); // at most 18 digits
        int q = -s.scale(); // |value| = m * 10^q
        String sign = negative ? "-" : "";
        while (m >= 10) {
            long lo = m / 10;
            long hi = lo + 1;
            boolean loOk = check.same(sign + lo + "E" + (q + 1));
            boolean hiOk = !loOk && check.same(sign + hi + "E" + (q + 1));
            if (!loOk && !hiOk) {
                break;
            }
            m = loOk ? lo : hi; // the nearest of this length is settled below
            q++;
            while (m % 10 == 0) {
                m /= 10;
                q++;
            }
        }
        // With at most 'unique' digits no two decimals read back as the same (normal) value, so
        // the one found is the nearest; otherwise step towards the exact value while that is nearer.
        if (digits(m) > unique) {
            BigDecimal x = exact.get().abs();
            while (true) {
                int c = x.compareTo(BigDecimal.valueOf(m, -q));
                long next = c > 0 ? m + 1 : m - 1;
                if (c == 0 || next <= 0) {
                    break;
                }
                BigDecimal mid = BigDecimal.valueOf(c > 0 ? 2 * m + 1 : 2 * m - 1, -q).multiply(HALF);
                int cm = x.compareTo(mid);
                boolean nearer = c > 0 ? cm > 0 : cm < 0;
                if (!(nearer || (cm == 0 && next % 2 == 0)) || !check.same(sign + next + "E" + q)) {
                    break;
                }
                m = next;
            }
            while (m % 10 == 0) {
                m /= 10;
                q++;
            }
        }
        return BigDecimal.valueOf(negative ? -m : m, -q);
    }

    private static final BigDecimal HALF = new BigDecimal("0.5");

    private static int digits(long m) {
        return Long.toString(m).length();
    }

    private static String general(BigDecimal value, int precision) {
        String digits = value.unscaledValue().abs().toString();
        return general(value.signum() < 0, digits, digits.length() - value.scale(), precision);
    }

    /**
     * .NET's "G" layout (FormatGeneral with nMaxDigits = max(digits, precision)) of
     * {@code digits} (no leading or trailing zeros) with the decimal point after {@code scale}
     * of them. Shared with output.Column, which finds the digits faster.
     */
    public static String general(boolean negative, String digits, int scale, int precision) {
        int k = digits.length();
        int maxDigits = Math.max(k, precision);
        StringBuilder sb = new StringBuilder(k + 8);
        if (negative) {
            sb.append('-');
        }
        if (scale > maxDigits || scale < -3) {
            sb.append(digits.charAt(0));
            if (k > 1) {
                sb.append('.').append(digits, 1, k);
            }
            int exp = scale - 1;
            sb.append('E').append(exp < 0 ? '-' : '+');
            String e = Integer.toString(Math.abs(exp));
            if (e.length() < 2) {
                sb.append('0');
            }
            sb.append(e);
        } else if (scale <= 0) {
            sb.append("0.");
            sb.append("0".repeat(-scale)).append(digits);
        } else if (scale >= k) {
            sb.append(digits).append("0".repeat(scale - k));
        } else {
            sb.append(digits, 0, scale).append('.').append(digits, scale, k);
        }
        return sb.toString();
    }

    // ---- column kinds ---------------------------------------------------------------------

    /** What a result column holds, with its typed-CSV tag and the XML Schema type .NET gives it. */
    public enum Kind {
        BIGINT("Integer", "xs:long"),
        INT("Integer", "xs:int"),
        SMALLINT("Integer", "xs:short"),
        TINYINT("Integer", "xs:unsignedByte"),
        REAL("Float", "xs:float"),
        DOUBLE("Float", "xs:double"),
        DECIMAL("Decimal", "xs:decimal"),
        STRING("String", "xs:string"),
        GUID("String", "xs:string"),
        DATE("DateTime", "xs:dateTime"),
        TIME("DateTime", "xs:duration"),
        TIMESTAMP("DateTime", "xs:dateTime"),
        TIME_TZ("DateTime", "xs:time"),
        TIMESTAMP_TZ("DateTime", "xs:dateTime"),
        BOOLEAN("Boolean", "xs:boolean"),
        BINARY("Binary", "xs:base64Binary");

        final String csvType;
        public final String xsdType;

        Kind(String csvType, String xsdType) {
            this.csvType = csvType;
            this.xsdType = xsdType;
        }

        public static Kind of(ResultSetMetaData md, int col) throws SQLException {
            String typeName = md.getColumnTypeName(col);
            if (typeName != null && (typeName.equalsIgnoreCase("UUID") || typeName.equalsIgnoreCase("UNIQUEIDENTIFIER"))) {
                return GUID; // H2 reports UUID as JDBC BINARY
            }
            return switch (md.getColumnType(col)) {
                case Types.BIGINT -> BIGINT;
                case Types.INTEGER -> INT;
                case Types.SMALLINT -> SMALLINT;
                case Types.TINYINT -> TINYINT;
                case Types.REAL -> REAL;
                case Types.FLOAT, Types.DOUBLE -> DOUBLE;
                case Types.NUMERIC, Types.DECIMAL -> DECIMAL;
                case Types.DATE -> DATE;
                case Types.TIME -> TIME;
                case Types.TIMESTAMP -> TIMESTAMP;
                case Types.TIME_WITH_TIMEZONE -> TIME_TZ;
                case Types.TIMESTAMP_WITH_TIMEZONE -> TIMESTAMP_TZ;
                case Types.BOOLEAN, Types.BIT -> BOOLEAN;
                case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> BINARY;
                default -> STRING;
            };
        }
    }
}
