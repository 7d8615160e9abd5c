package org.opencasjobs.output;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Locale;
import org.opencasjobs.output.DataSetXml;
import org.opencasjobs.output.TypedCsv;

/**
 * One column of an extracted table: what it holds, how a value is read from the result set, and
 * how that value is written in each output format. Values are read once per cell with
 * {@link #read} (null for SQL NULL) and then rendered with {@link #csv}, {@link #xml} or
 * {@link #star}.
 */
final class Column {

    /**
     * What a column holds: the constants of {@link TypedCsv.Kind} (same names, which give the
     * JDBC mapping and the XML Schema type a .NET DataSet uses), each with its class for STIL.
     */
    enum Kind {
        BIGINT(Long.class),
        INT(Integer.class),
        SMALLINT(Short.class),
        /** H2's TINYINT is signed (-128…127), SQL Server's unsigned: a short holds both. */
        TINYINT(Short.class),
        REAL(Float.class),
        DOUBLE(Double.class),
        /** Written to FITS and VOTable as a double; exact text in CSV and DataSet. */
        DECIMAL(Double.class),
        STRING(String.class),
        GUID(String.class),
        DATE(String.class),
        TIME(String.class),
        TIMESTAMP(String.class),
        TIME_TZ(String.class),
        TIMESTAMP_TZ(String.class),
        BOOLEAN(Boolean.class),
        /** Hex text {@code 0x…} in CSV, FITS and VOTable; base64 in DataSet. */
        BINARY(String.class);

        final String xsdType;
        /** The Java class of the value handed to STIL. */
        final Class<?> starClass;

        Kind(Class<?> starClass) {
            this.xsdType = TypedCsv.Kind.valueOf(name()).xsdType;
            this.starClass = starClass;
        }

        boolean isInteger() {
            return this == BIGINT || this == INT || this == SMALLINT || this == TINYINT;
        }

        static Kind of(ResultSetMetaData md, int col) throws SQLException {
            return valueOf(TypedCsv.Kind.of(md, col).name());
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
            case BINARY -> TypedCsv.hex((byte[]) v);
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
        int scale = intDigits + exp - lead; // the decimal point sits after 'scale' digits
        return TypedCsv.general(negative, digits.substring(lead, last), scale, precision);
    }

    // ---- DataSet XML (XmlConvert.ToString) ------------------------------------------------

    /**
     * XML Schema lexical form of a non-null value, as {@code DataSetXml} writes it (its helpers
     * do the work; only the floating point digits come from this class's faster
     * {@link #formatDouble}).
     */
    String xml(Object v) {
        return switch (kind) {
            case REAL -> DataSetXml.xmlNumber(formatFloat((Float) v));
            case DOUBLE -> DataSetXml.xmlNumber(formatDouble((Double) v));
            case DECIMAL -> ((BigDecimal) v).toPlainString();
            case BOOLEAN -> v.toString();
            case BINARY -> Base64.getEncoder().encodeToString((byte[]) v);
            case DATE, TIME, TIMESTAMP, TIME_TZ, TIMESTAMP_TZ -> DataSetXml.xmlDateTime(v);
            case STRING -> DataSetXml.xmlText((String) v);
            default -> v.toString();
        };
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
            case DATE -> TypedCsv.date((LocalDate) v);
            case TIME -> TypedCsv.time((LocalTime) v, 3);
            case TIMESTAMP -> isoDateTime((LocalDateTime) v);
            case TIME_TZ -> {
                OffsetTime t = (OffsetTime) v;
                yield TypedCsv.time(t.toLocalTime(), 3) + TypedCsv.offset(t.getOffset());
            }
            case TIMESTAMP_TZ -> isoDateTime(((OffsetDateTime) v).withOffsetSameInstant(ZoneOffset.UTC)
                    .toLocalDateTime()) + 'Z';
            case BINARY -> TypedCsv.hex((byte[]) v);
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

    /** {@code yyyy-MM-ddTHH:mm:ss[.fff]}: typed CSV's pieces joined with ISO-8601's {@code T}. */
    private static String isoDateTime(LocalDateTime t) {
        return TypedCsv.date(t.toLocalDate()) + 'T' + TypedCsv.time(t.toLocalTime(), 3);
    }
}
