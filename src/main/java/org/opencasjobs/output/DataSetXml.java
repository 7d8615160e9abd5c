package org.opencasjobs.output;

import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.opencasjobs.output.TypedCsv.Kind;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Renders a JDBC result as the .NET {@code DataSet} that {@code ExecuteQuickJobDS} returns: the
 * two elements that go inside {@code <ExecuteQuickJobDSResult>}, an inline {@code xs:schema} and
 * a {@code diffgr:diffgram}, laid out the way .NET serializes a DataSet filled by a
 * {@code SqlDataAdapter} (data set {@code NewDataSet}, table {@code Table}):
 *
 * <pre>
 * &lt;xs:schema id="NewDataSet" xmlns="" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 *            xmlns:msdata="urn:schemas-microsoft-com:xml-msdata"&gt;
 *   &lt;xs:element name="NewDataSet" msdata:IsDataSet="true" msdata:UseCurrentLocale="true"&gt;
 *     &lt;xs:complexType&gt;&lt;xs:choice minOccurs="0" maxOccurs="unbounded"&gt;
 *       &lt;xs:element name="Table"&gt;&lt;xs:complexType&gt;&lt;xs:sequence&gt;
 *         &lt;xs:element name="objID" type="xs:long" minOccurs="0"/&gt; …
 *       &lt;/xs:sequence&gt;&lt;/xs:complexType&gt;&lt;/xs:element&gt;
 *     &lt;/xs:choice&gt;&lt;/xs:complexType&gt;
 *   &lt;/xs:element&gt;
 * &lt;/xs:schema&gt;
 * &lt;diffgr:diffgram xmlns:msdata="urn:schemas-microsoft-com:xml-msdata"
 *                  xmlns:diffgr="urn:schemas-microsoft-com:xml-diffgram-v1"&gt;
 *   &lt;NewDataSet xmlns=""&gt;
 *     &lt;Table diffgr:id="Table1" msdata:rowOrder="0"&gt;&lt;objID&gt;1237645876861272065&lt;/objID&gt; …&lt;/Table&gt;
 *   &lt;/NewDataSet&gt;
 * &lt;/diffgr:diffgram&gt;
 * </pre>
 *
 * <ul>
 * <li>Column names are those of {@link TypedCsv#columnNames} (ADO.NET's), encoded with
 *     {@link #encodeLocalName} ({@code XmlConvert.EncodeLocalName}: {@code my col} →
 *     {@code my_x0020_col}).</li>
 * <li>Types: bigint {@code xs:long}, int {@code xs:int}, smallint {@code xs:short}, tinyint
 *     {@code xs:unsignedByte}, real {@code xs:float}, float/double {@code xs:double}, numeric
 *     {@code xs:decimal}, text {@code xs:string}, date/timestamp {@code xs:dateTime}, time
 *     {@code xs:duration} (a .NET TimeSpan), time with zone {@code xs:time}, boolean {@code xs:boolean}, binary
 *     {@code xs:base64Binary}, UUID {@code xs:string} with {@code msdata:DataType="System.Guid…"};
 *     anything else {@code xs:string}.</li>
 * <li>A NULL value omits the column's element, as .NET does. A result without rows gives an
 *     empty diffgram (no {@code NewDataSet} element), as .NET does.</li>
 * <li>Values in XML Schema lexical form (what {@code XmlConvert.ToString} writes): doubles as the
 *     shortest round-trip text ({@code 1E-05}, {@code INF}, {@code NaN}), date/times
 *     {@code 2020-01-02T03:04:05.5} (no zone: written as "unspecified", where .NET would append
 *     the server's own offset), times with a zone carry it ({@code +01:00}), booleans
 *     {@code true}/{@code false}. Characters XML 1.0 cannot carry (control characters other
 *     than tab, CR, LF; unpaired surrogates) are replaced by U+FFFD.</li>
 * </ul>
 */
public final class DataSetXml {
    public static final String XS = "http://www.w3.org/2001/XMLSchema";
    public static final String MSDATA = "urn:schemas-microsoft-com:xml-msdata";
    public static final String DIFFGR = "urn:schemas-microsoft-com:xml-diffgram-v1";
    private static final String XMLNS = "http://www.w3.org/2000/xmlns/";
    private static final String GUID_TYPE =
            "System.Guid, mscorlib, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089";

    private DataSetXml() {
    }

    /**
     * The schema and diffgram elements, owned by a new namespace-aware document (import or adopt
     * them into the response).
     *
     * @param maxRows  the most rows a quick result may have (negative: no limit); a larger result
     *                 is refused with the same {@link org.opencasjobs.jobs.CasJobsException} as
     *                 {@link TypedCsv#write}
     * @param maxBytes the most bytes (UTF-8) the rows may take as XML (negative: no limit): each
     *                 row's {@code <Table …>} and {@code </Table>} tags, each value's element tags
     *                 and its text with {@code &}, {@code <} and {@code >} escaped (the schema and
     *                 the envelope are not counted); refused as {@link TypedCsv#write} refuses a
     *                 result over its limit, at the row or value that crosses it
     */
    public static List<Element> write(ResultSet rs, long maxRows, long maxBytes) throws SQLException {
        return write(rs, maxRows, maxBytes, newDocument());
    }

    /** As {@link #write(ResultSet, long, long)}, creating the elements in {@code owner}. */
    public static List<Element> write(ResultSet rs, long maxRows, long maxBytes, Document owner)
            throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        int n = md.getColumnCount();
        String[] names = TypedCsv.columnNames(md);
        String[] xmlNames = new String[n];
        Kind[] kinds = new Kind[n];
        QuickLimit limit = new QuickLimit(maxRows, maxBytes);
        boolean[] lob = QuickLimit.lobs(md);
        long[] cellTags = new long[n]; // <name></name>
        for (int c = 0; c < n; c++) {
            kinds[c] = Kind.of(md, c + 1);
            xmlNames[c] = encodeLocalName(names[c]);
            cellTags[c] = 2 * QuickLimit.utf8(xmlNames[c], 0, xmlNames[c].length()) + 5;
        }

        Element schema = schema(owner, xmlNames, kinds);

        Element diffgram = owner.createElementNS(DIFFGR, "diffgr:diffgram");
        diffgram.setAttributeNS(XMLNS, "xmlns:msdata", MSDATA);
        diffgram.setAttributeNS(XMLNS, "xmlns:diffgr", DIFFGR);
        Element dataSet = null;
        long count = 0;
        while (rs.next()) {
            limit.row();
            String id = "Table" + (count + 1);
            String order = Long.toString(count);
            long rowBytes = ROW_TAGS + id.length() + order.length();
            if (dataSet == null) {
                dataSet = owner.createElementNS(null, "NewDataSet");
                dataSet.setAttributeNS(XMLNS, "xmlns", "");
                diffgram.appendChild(dataSet);
            }
            Element row = owner.createElementNS(null, "Table");
            row.setAttributeNS(DIFFGR, "diffgr:id", id);
            row.setAttributeNS(MSDATA, "msdata:rowOrder", order);
            for (int c = 0; c < n; c++) {
                String value = value(rs, c + 1, kinds[c], lob[c], limit, rowBytes, cellTags[c]);
                if (value != null) {
                    Element cell = owner.createElementNS(null, xmlNames[c]);
                    cell.setTextContent(value);
                    row.appendChild(cell);
                    rowBytes += cellTags[c] + escapedUtf8(value);
                }
            }
            limit.add(rowBytes);
            dataSet.appendChild(row);
            count++;
        }
        List<Element> result = new ArrayList<>(2);
        result.add(schema);
        result.add(diffgram);
        return result;
    }

    private static Element schema(Document doc, String[] xmlNames, Kind[] kinds) {
        Element schema = doc.createElementNS(XS, "xs:schema");
        schema.setAttributeNS(null, "id", "NewDataSet");
        schema.setAttributeNS(XMLNS, "xmlns", "");
        schema.setAttributeNS(XMLNS, "xmlns:xs", XS);
        schema.setAttributeNS(XMLNS, "xmlns:msdata", MSDATA);

        Element dataSet = xs(doc, schema, "element");
        dataSet.setAttributeNS(null, "name", "NewDataSet");
        dataSet.setAttributeNS(MSDATA, "msdata:IsDataSet", "true");
        dataSet.setAttributeNS(MSDATA, "msdata:UseCurrentLocale", "true");
        Element choice = xs(doc, xs(doc, dataSet, "complexType"), "choice");
        choice.setAttributeNS(null, "minOccurs", "0");
        choice.setAttributeNS(null, "maxOccurs", "unbounded");
        Element table = xs(doc, choice, "element");
        table.setAttributeNS(null, "name", "Table");
        Element sequence = xs(doc, xs(doc, table, "complexType"), "sequence");
        for (int c = 0; c < xmlNames.length; c++) {
            Element col = xs(doc, sequence, "element");
            col.setAttributeNS(null, "name", xmlNames[c]);
            if (kinds[c] == Kind.GUID) {
                col.setAttributeNS(MSDATA, "msdata:DataType", GUID_TYPE);
            }
            col.setAttributeNS(null, "type", kinds[c].xsdType);
            col.setAttributeNS(null, "minOccurs", "0");
        }
        return schema;
    }

    private static Element xs(Document doc, Element parent, String localName) {
        Element e = doc.createElementNS(XS, "xs:" + localName);
        parent.appendChild(e);
        return e;
    }

    /** A row's own tags, {@code <Table diffgr:id="" msdata:rowOrder="">…</Table>}, without the two values. */
    private static final int ROW_TAGS = "<Table diffgr:id=\"\" msdata:rowOrder=\"\"></Table>".length();

    /** The UTF-8 length of a value written as XML text: {@code &}, {@code <}, {@code >} escaped. */
    private static long escapedUtf8(String s) {
        long n = QuickLimit.utf8(s, 0, s.length());
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            n += ch == '&' ? 4 : ch == '<' || ch == '>' ? 3 : 0;
        }
        return n;
    }

    /**
     * One value in XML Schema lexical form, or null for SQL NULL; a text or binary value is first
     * checked against what is left of the limit ({@code pending} bytes of its row, {@code tags}
     * around it).
     */
    private static String value(ResultSet rs, int col, Kind kind, boolean lob, QuickLimit limit, long pending,
                                long tags) throws SQLException {
        switch (kind) {
            case BIGINT, INT, SMALLINT, TINYINT -> {
                long v = rs.getLong(col);
                return rs.wasNull() ? null : Long.toString(v);
            }
            case REAL -> {
                float v = rs.getFloat(col);
                return rs.wasNull() ? null : xmlNumber(TypedCsv.formatFloat(v));
            }
            case DOUBLE -> {
                double v = rs.getDouble(col);
                return rs.wasNull() ? null : xmlNumber(TypedCsv.formatDouble(v));
            }
            case DECIMAL -> {
                return TypedCsv.decimalText(rs, col);
            }
            case BOOLEAN -> {
                boolean v = rs.getBoolean(col);
                return rs.wasNull() ? null : Boolean.toString(v);
            }
            case BINARY -> {
                byte[] v = limit.bytes(rs, col, lob, pending, 4, 3, tags); // base64: 4 characters per 3 bytes
                return v == null ? null : Base64.getEncoder().encodeToString(v);
            }
            case DATE, TIME, TIMESTAMP, TIME_TZ, TIMESTAMP_TZ -> {
                Object v = TypedCsv.temporal(rs, col, kind);
                return v == null ? null : xmlDateTime(v);
            }
            case GUID -> {
                Object v = rs.getObject(col);
                return v == null ? null : v.toString().toLowerCase(Locale.ROOT);
            }
            default -> {
                String v = limit.text(rs, col, lob, pending, tags);
                return v == null ? null : xmlText(v);
            }
        }
    }

    // ---- XmlConvert.ToString (shared with output.Column for DataSet extracts) -----------

    /** .NET's "R" text of a double is XML's, except for the infinities (XmlConvert.ToString). */
    public static String xmlNumber(String dotNet) {
        return switch (dotNet) {
            case "Infinity" -> "INF";
            case "-Infinity" -> "-INF";
            default -> dotNet;
        };
    }

    /**
     * xs:dateTime / xs:duration / xs:time text of a java.time value; fractions of a second
     * trimmed of all trailing zeros as XmlConvert does (hence {@code minFraction} 1).
     */
    public static String xmlDateTime(Object value) {
        if (value instanceof LocalDateTime t) {
            return TypedCsv.date(t.toLocalDate()) + 'T' + TypedCsv.time(t.toLocalTime(), 1);
        }
        if (value instanceof LocalDate d) {
            return TypedCsv.date(d) + "T00:00:00";
        }
        if (value instanceof OffsetDateTime t) {
            return TypedCsv.date(t.toLocalDate()) + 'T' + TypedCsv.time(t.toLocalTime(), 1)
                    + TypedCsv.offset(t.getOffset());
        }
        if (value instanceof OffsetTime t) {
            return TypedCsv.time(t.toLocalTime(), 1) + TypedCsv.offset(t.getOffset());
        }
        if (value instanceof LocalTime t) {
            return duration(t);
        }
        throw new IllegalArgumentException("not a date/time: " + value);
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
            sb.append(t.getSecond()).append(TypedCsv.fraction(t.getNano(), 1)).append('S');
        }
        if (sb.length() == 2) {
            sb.append("0S");
        }
        return sb.toString();
    }

    /** The text with characters XML 1.0 cannot hold replaced by U+FFFD. */
    public static String xmlText(String s) {
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

    // ---- XmlConvert.EncodeLocalName -------------------------------------------------------

    private static final Pattern ESCAPE_LOOKALIKE = Pattern.compile("(?<=_)[Xx]([0-9a-fA-F]{4}|[0-9a-fA-F]{8})_");

    /**
     * A name made into a valid XML local name the way .NET's {@code XmlConvert.EncodeLocalName}
     * does: each character that cannot stand at its place becomes {@code _xHHHH_} (four upper-case
     * hex digits; {@code _xHHHHHHHH_} for characters beyond U+FFFF), a colon included, and an
     * underscore that starts something looking like such an escape becomes {@code _x005F_}.
     * Which characters may stand in a name follows XML 1.0 fourth edition as .NET does,
     * approximated with Java's Unicode categories (see {@link #isNameStartChar}).
     */
    public static String encodeLocalName(String name) {
        if (name == null || name.isEmpty()) {
            return name;
        }
        Set<Integer> escapeUnderscores = new HashSet<>();
        Matcher m = ESCAPE_LOOKALIKE.matcher(name);
        while (m.find()) {
            escapeUnderscores.add(m.start() - 1);
        }
        StringBuilder sb = new StringBuilder(name.length() + 8);
        int i = 0;
        while (i < name.length()) {
            char ch = name.charAt(i);
            if (Character.isHighSurrogate(ch) && i + 1 < name.length() && Character.isLowSurrogate(name.charAt(i + 1))) {
                int cp = name.codePointAt(i);
                sb.append("_x").append(String.format(Locale.ROOT, "%08X", cp)).append('_');
                i += 2;
                continue;
            }
            boolean ok = i == 0 ? isNameStartChar(ch) : isNameChar(ch);
            if (!ok || escapeUnderscores.contains(i)) {
                sb.append("_x").append(String.format(Locale.ROOT, "%04X", (int) ch)).append('_');
            } else {
                sb.append(ch);
            }
            i++;
        }
        return sb.toString();
    }

    /** The inverse of {@link #encodeLocalName} ({@code XmlConvert.DecodeName}). */
    public static String decodeName(String name) {
        if (name == null || name.indexOf('_') < 0) {
            return name;
        }
        Matcher m = Pattern.compile("_[Xx]([0-9a-fA-F]{8}|[0-9a-fA-F]{4})_").matcher(name);
        StringBuilder sb = new StringBuilder();
        int last = 0;
        while (m.find()) {
            sb.append(name, last, m.start());
            sb.appendCodePoint(Integer.parseUnsignedInt(m.group(1), 16));
            last = m.end();
        }
        return sb.append(name, last, name.length()).toString();
    }

    /**
     * XML 1.0 fourth edition (Appendix B, what .NET's XmlConvert uses), approximated with Java's
     * Unicode categories: letters (Lu, Ll, Lt, Lo, Nl) and '_'; never the compatibility area.
     * Also inside XML 1.0 fifth edition's ranges, so every parser accepts the result.
     */
    private static boolean isNameStartChar(char c) {
        if (c == '_') {
            return true;
        }
        if (c < 0x80) {
            return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
        }
        if (!fifthEditionStart(c) || (c >= 0xF900 && c <= 0xFFFE)) {
            return false;
        }
        return switch (Character.getType(c)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                 Character.OTHER_LETTER, Character.LETTER_NUMBER -> true;
            default -> c >= 0x2BB && c <= 0x2C1 || c == 0x559 || c == 0x6E5 || c == 0x6E6;
        };
    }

    /** Name characters after the first: letters, digits (Nd), marks (Mn, Mc, Me), Lm, '.', '-', extenders. */
    private static boolean isNameChar(char c) {
        if (c < 0x80) {
            return isNameStartChar(c) || c == '-' || c == '.' || (c >= '0' && c <= '9');
        }
        if (isNameStartChar(c) || c == 0xB7 || c == 0x387) {
            return true;
        }
        if (!(fifthEditionStart(c) || (c >= 0x300 && c <= 0x36F) || (c >= 0x203F && c <= 0x2040))
                || (c >= 0xF900 && c <= 0xFFFE)) {
            return false;
        }
        return switch (Character.getType(c)) {
            case Character.DECIMAL_DIGIT_NUMBER, Character.NON_SPACING_MARK, Character.COMBINING_SPACING_MARK,
                 Character.ENCLOSING_MARK, Character.MODIFIER_LETTER -> true;
            default -> false;
        };
    }

    private static boolean fifthEditionStart(char c) {
        return (c >= 0xC0 && c <= 0xD6) || (c >= 0xD8 && c <= 0xF6) || (c >= 0xF8 && c <= 0x2FF)
                || (c >= 0x370 && c <= 0x37D) || (c >= 0x37F && c <= 0x1FFF) || (c >= 0x200C && c <= 0x200D)
                || (c >= 0x2070 && c <= 0x218F) || (c >= 0x2C00 && c <= 0x2FEF) || (c >= 0x3001 && c <= 0xD7FF)
                || (c >= 0xF900 && c <= 0xFDCF) || (c >= 0xFDF0 && c <= 0xFFFD);
    }

    private static Document newDocument() {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            return f.newDocumentBuilder().newDocument();
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }
}
