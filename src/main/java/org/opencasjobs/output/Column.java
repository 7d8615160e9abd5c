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
import java.util.Base64;
import java.util.Locale;
import org.opencasjobs.catalog.DataSetXml;
import org.opencasjobs.catalog.TypedCsv;

/**
 * One column of an extracted table: what it holds, how a value is read from the result set, and
 * how that value is written in each output format. Values are read once per cell with
 * {@link #read} (null for SQL NULL) and then rendered with {@link #csv}, {@link #xml} or
 * {@link #star}.
 */
final class Column {

    /** What a column holds, with the XML Schema type a .NET DataSet gives it (as {@code DataSetXml}). */
    enum Kind {
        BIGINT("xs:long", Long.class),
        INT("xs:int", Integer.class),
        SMALLINT("xs:short", Short.class),
        /** H2's TINYINT is signed (-128…127), SQL Server's unsigned: a short holds both. */
        TINYINT("xs:unsignedByte", Short.class),
        REAL("xs:float", Float.class),
        DOUBLE("xs:double", Double.class),
        /** Written to FITS and VOTable as a double; exact text in CSV and DataSet. */
        DECIMAL("xs:decimal", Double.class),
        STRING("xs:string", String.class),
        GUID("xs:string", String.class),
        DATE("xs:dateTime", String.class),
        TIME("xs:duration", String.class),
        TIMESTAMP("xs:dateTime", String.class),
        TIME_TZ("xs:time", String.class),
        TIMESTAMP_TZ("xs:dateTime", String.class),
        BOOLEAN("xs:boolean", Boolean.class),
        /** Hex text {@code 0x…} in CSV, FITS and VOTable; base64 in DataSet. */
        BINARY("xs:base64Binary", String.class);

        final String xsdType;
        /** The Java class of the value handed to STIL. */
        final Class<?> starClass;

        Kind(String xsdType, Class<?> starClass) {
            this.xsdType = xsdType;
            this.starClass = starClass;
        }

        boolean isInteger() {
            return this == BIGINT || this == INT || this == SMALLINT || this == TINYINT;
        }

        static Kind of(ResultSetMetaData md, int col) throws SQLException {
            String typeName = md.getColumnTypeName(col);
            if (typeName != null
                    && (typeName.equalsIgnoreCase("UUID") || typeName.equalsIgnoreCase("UNIQUEIDENTIFIER"))) {
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

    /** 1-based position in the result. */
    final int index;
    /** The name (ADO.NET's unique column name, see {@link TypedCsv#columnNames}). */
    final String name;
    /** The name in the database (for SQL on the table). */
    final String sourceName;
    /** {@link #name} made into an XML local name ({@code XmlConvert.EncodeLocalName}). */
    final String xmlName;
    final Kind kind;
    /** Fractional-second digits of a time/timestamp column (the SQL scale). */
    final int scale;

    private Column(int index, String name, String sourceName, Kind kind, int scale) {
        this.index = index;
        this.name = name;
        this.sourceName = sourceName;
        this.xmlName = DataSetXml.encodeLocalName(name);
        this.kind = kind;
        this.scale = scale;
    }

    static Column[] of(ResultSetMetaData md) throws SQLException {
        String[] names = TypedCsv.columnNames(md);
        Column[] cols = new Column[names.length];
        for (int i = 0; i < names.length; i++) {
            Kind kind = Kind.of(md, i + 1);
            int scale = Math.max(0, Math.min(9, md.getScale(i + 1)));
            cols[i] = new Column(i + 1, names[i], md.getColumnName(i + 1), kind, scale);
        }
        return cols;
    }

    /**
     * The cell's value, or null for SQL NULL: Long, Integer, Short, Float, Double, BigDecimal,
     * String, Boolean, byte[], or a java.time value, by kind.
     */
    Object read(ResultSet rs) throws SQLException {
        switch (kind) {
            case BIGINT -> {
                long v = rs.getLong(index);
                return rs.wasNull() ? null : v;
            }
            case INT -> {
                int v = rs.getInt(index);
                return rs.wasNull() ? null : v;
            }
            case SMALLINT, TINYINT -> {
                short v = rs.getShort(index);
                return rs.wasNull() ? null : v;
            }
            case REAL -> {
                float v = rs.getFloat(index);
                return rs.wasNull() ? null : v;
            }
            case DOUBLE -> {
                double v = rs.getDouble(index);
                return rs.wasNull() ? null : v;
            }
            case DECIMAL -> {
                return rs.getBigDecimal(index);
            }
            case BOOLEAN -> {
                boolean v = rs.getBoolean(index);
                return rs.wasNull() ? null : v;
            }
            case BINARY -> {
                return rs.getBytes(index);
            }
            case DATE -> {
                return rs.getObject(index, LocalDate.class);
            }
            case TIME -> {
                return rs.getObject(index, LocalTime.class);
            }
            case TIMESTAMP -> {
                return rs.getObject(index, LocalDateTime.class);
            }
            case TIME_TZ -> {
                return rs.getObject(index, OffsetTime.class);
            }
            case TIMESTAMP_TZ -> {
                return rs.getObject(index, OffsetDateTime.class);
            }
            case GUID -> {
                Object v = rs.getObject(index);
                return v == null ? null : v.toString().toLowerCase(Locale.ROOT);
            }
            default -> {
                return rs.getString(index);
            }
        }
    }

    // ---- CSV ------------------------------------------------------------------------------

    /**
     * CSV text of a non-null value: integers in full, REAL/DOUBLE as text that reads back as the
     * same value, laid out as .NET does ({@link #formatDouble}: {@code 0.1}, {@code 18},
     * {@code 1E-05}, {@code NaN}), decimals as plain digits, booleans {@code True}/{@code False},
     * date/times {@code yyyy-MM-dd HH:mm:ss[.fff]} ({@link TypedCsv#formatDateTime}), binaries
     * {@code 0x…}, strings as they are.
     */
    String csv(Object v) {
        return switch (kind) {
            case REAL -> formatFloat((Float) v);
            case DOUBLE -> formatDouble((Double) v);
            case DECIMAL -> ((BigDecimal) v).toPlainString();
            case BOOLEAN -> (Boolean) v ? "True" : "False";
            case BINARY -> hex((byte[]) v);
            case DATE, TIME, TIMESTAMP, TIME_TZ, TIMESTAMP_TZ -> TypedCsv.formatDateTime(v);
            default -> v.toString();
        };
    }

    // ---- floating point text --------------------------------------------------------------

    /**
     * A double as text that reads back as the same double, in the layout of .NET's
     * {@code Double.ToString()} ({@link TypedCsv#formatDouble}): no {@code .0} on integral
     * values, positional from 1E-04 up to 1E+17 (wider with more digits), else
     * {@code d.dddE±xx}; {@code NaN}, {@code Infinity}, {@code -Infinity}, {@code -0}. The
     * digits are those of Java's {@link Double#toString}: they always read back exactly and are
     * the shortest for about 99 % of values (on Java 17 the rest get a digit more, or an equally
     * long neighbour of .NET's choice). This is over ten times faster than {@code TypedCsv}'s
     * exact search, which matters at millions of values.
     */
    static String formatDouble(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v) || v == 0) {
            return TypedCsv.formatDouble(v);
        }
        return general(Double.toString(v), 17);
    }

    /** A float likewise ({@code Single.ToString()} layout: positional up to 1E+09). */
    static String formatFloat(float v) {
        if (Float.isNaN(v) || Float.isInfinite(v) || v == 0) {
            return TypedCsv.formatFloat(v);
        }
        return general(Float.toString(v), 9);
    }

    /** Java's {@code [-]I.F[E[-]n]} text re-laid out as .NET's general format ("R" digits). */
    static String general(String java, int precision) {
        int pos = 0;
        boolean negative = java.charAt(0) == '-';
        if (negative) {
            pos = 1;
        }
        int e = java.indexOf('E');
        int exp = e < 0 ? 0 : Integer.parseInt(java, e + 1, java.length(), 10);
        int end = e < 0 ? java.length() : e;
        int dot = java.indexOf('.', pos);
        StringBuilder digits = new StringBuilder(20);
        int intDigits = (dot < 0 ? end : dot) - pos;
        digits.append(java, pos, dot < 0 ? end : dot);
        if (dot >= 0) {
            digits.append(java, dot + 1, end);
        }
        int lead = 0;
        while (lead < digits.length() - 1 && digits.charAt(lead) == '0') {
            lead++;
        }
        int last = digits.length();
        while (last > lead + 1 && digits.charAt(last - 1) == '0') {
            last--;
        }
        String d = digits.substring(lead, last);
        int k = d.length();
        int scale = intDigits + exp - lead; // the decimal point sits after 'scale' digits
        int maxDigits = Math.max(k, precision);
        StringBuilder sb = new StringBuilder(k + 8);
        if (negative) {
            sb.append('-');
        }
        if (scale > maxDigits || scale < -3) {
            sb.append(d.charAt(0));
            if (k > 1) {
                sb.append('.').append(d, 1, k);
            }
            int x = scale - 1;
            sb.append('E').append(x < 0 ? '-' : '+');
            int ax = Math.abs(x);
            if (ax < 10) {
                sb.append('0');
            }
            sb.append(ax);
        } else if (scale <= 0) {
            sb.append("0.");
            sb.append("0".repeat(-scale)).append(d);
        } else if (scale >= k) {
            sb.append(d).append("0".repeat(scale - k));
        } else {
            sb.append(d, 0, scale).append('.').append(d, scale, k);
        }
        return sb.toString();
    }

    // ---- DataSet XML (XmlConvert.ToString) ------------------------------------------------

    /** XML Schema lexical form of a non-null value, as {@code DataSetXml} writes it. */
    String xml(Object v) {
        return switch (kind) {
            case REAL -> xmlNumber(formatFloat((Float) v));
            case DOUBLE -> xmlNumber(formatDouble((Double) v));
            case DECIMAL -> ((BigDecimal) v).toPlainString();
            case BOOLEAN -> v.toString();
            case BINARY -> Base64.getEncoder().encodeToString((byte[]) v);
            case DATE -> date((LocalDate) v) + "T00:00:00";
            case TIMESTAMP -> dateTimeT((LocalDateTime) v, 1);
            case TIMESTAMP_TZ -> {
                OffsetDateTime t = (OffsetDateTime) v;
                yield dateTimeT(t.toLocalDateTime(), 1) + offset(t.getOffset());
            }
            case TIME_TZ -> {
                OffsetTime t = (OffsetTime) v;
                yield time(t.toLocalTime(), 1) + offset(t.getOffset());
            }
            case TIME -> duration((LocalTime) v);
            case STRING -> xmlText((String) v);
            default -> v.toString();
        };
    }

    private static String xmlNumber(String dotNet) {
        return switch (dotNet) {
            case "Infinity" -> "INF";
            case "-Infinity" -> "-INF";
            default -> dotNet;
        };
    }

    /** A time of day as .NET writes the TimeSpan it becomes: {@code PT10H30M}, {@code PT0S}. */
    private static String duration(LocalTime t) {
        StringBuilder sb = new StringBuilder("PT");
        if (t.getHour() > 0) {
            sb.append(t.getHour()).append('H');
        }
        if (t.getMinute() > 0) {
            sb.append(t.getMinute()).append('M');
        }
        if (t.getSecond() > 0 || t.getNano() > 0) {
            sb.append(t.getSecond()).append(fraction(t.getNano(), 1)).append('S');
        }
        if (sb.length() == 2) {
            sb.append("0S");
        }
        return sb.toString();
    }

    /** The text with characters XML 1.0 cannot hold replaced by U+FFFD. */
    static String xmlText(String s) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            boolean ok;
            if (Character.isHighSurrogate(ch)) {
                ok = i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
                if (ok) {
                    if (sb != null) {
                        sb.append(ch).append(s.charAt(i + 1));
                    }
                    i++;
                    continue;
                }
            } else {
                ok = ch == '\t' || ch == '\n' || ch == '\r' || (ch >= 0x20 && ch <= 0xD7FF)
                        || (ch >= 0xE000 && ch <= 0xFFFD);
            }
            if (!ok && sb == null) {
                sb = new StringBuilder(s.length()).append(s, 0, i);
            }
            if (sb != null) {
                sb.append(ok ? ch : '\uFFFD');
            }
        }
        return sb == null ? s : sb.toString();
    }

    // ---- STIL (FITS, VOTable) -------------------------------------------------------------

    /**
     * The value handed to STIL, of class {@link Kind#starClass}: numbers and booleans as they
     * are (DECIMAL as a double), date/times as ISO-8601 text in the DALI form
     * ({@code 2020-01-02T03:04:05.500}, a DATE as {@code 2020-01-02}, a zoned timestamp in UTC
     * with {@code Z}), times of day {@code 03:04:05[.fff]}, binaries {@code 0x…}.
     */
    Object star(Object v) {
        if (v == null) {
            return null;
        }
        return switch (kind) {
            case DECIMAL -> ((BigDecimal) v).doubleValue();
            case DATE -> date((LocalDate) v);
            case TIME -> time((LocalTime) v, 3);
            case TIMESTAMP -> dateTimeT((LocalDateTime) v, 3);
            case TIME_TZ -> {
                OffsetTime t = (OffsetTime) v;
                yield time(t.toLocalTime(), 3) + offset(t.getOffset());
            }
            case TIMESTAMP_TZ -> dateTimeT(((OffsetDateTime) v).withOffsetSameInstant(ZoneOffset.UTC)
                    .toLocalDateTime(), 3) + 'Z';
            case BINARY -> hex((byte[]) v);
            default -> v;
        };
    }

    /** The widest text {@link #star} gives a date/time column, with room for years beyond 9999. */
    int temporalWidth() {
        int frac = scale == 0 ? 0 : 1 + Math.max(3, scale);
        return switch (kind) {
            case DATE -> 10 + 6;
            case TIME -> 8 + frac;
            case TIME_TZ -> 8 + frac + 6;
            case TIMESTAMP -> 19 + frac + 6;
            case TIMESTAMP_TZ -> 19 + frac + 1 + 6;
            default -> throw new IllegalStateException(kind.name());
        };
    }

    /** DALI xtype for date/time text columns, else null. */
    String xtype() {
        return switch (kind) {
            case DATE, TIMESTAMP, TIMESTAMP_TZ -> "timestamp";
            default -> null;
        };
    }

    // ---- shared text helpers --------------------------------------------------------------

    static String hex(byte[] bytes) {
        char[] digits = "0123456789ABCDEF".toCharArray();
        StringBuilder sb = new StringBuilder(2 + 2 * bytes.length).append("0x");
        for (byte b : bytes) {
            sb.append(digits[(b >> 4) & 0xF]).append(digits[b & 0xF]);
        }
        return sb.toString();
    }

    private static String date(LocalDate d) {
        int y = d.getYear();
        String year = y >= 0 && y <= 9999 ? pad(y, 4) : Integer.toString(y);
        return year + '-' + pad(d.getMonthValue(), 2) + '-' + pad(d.getDayOfMonth(), 2);
    }

    private static String dateTimeT(LocalDateTime t, int minFraction) {
        return date(t.toLocalDate()) + 'T' + time(t.toLocalTime(), minFraction);
    }

    /** {@code HH:mm:ss}, then the fraction of a second if any, trimmed to no fewer than minFraction digits. */
    private static String time(LocalTime t, int minFraction) {
        return pad(t.getHour(), 2) + ':' + pad(t.getMinute(), 2) + ':' + pad(t.getSecond(), 2)
                + fraction(t.getNano(), minFraction);
    }

    private static String fraction(int nanos, int minDigits) {
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

    private static String offset(ZoneOffset offset) {
        int secs = offset.getTotalSeconds();
        char sign = secs < 0 ? '-' : '+';
        secs = Math.abs(secs);
        return sign + pad(secs / 3600, 2) + ':' + pad((secs / 60) % 60, 2);
    }

    private static String pad(int v, int width) {
        String s = Integer.toString(v);
        return s.length() >= width ? s : "0".repeat(width - s.length()) + s;
    }
}
