package org.opencasjobs.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opencasjobs.jobs.CasJobsException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

class DataSetXmlTest {
    private static final String NS = "http://Services.Cas.jhu.edu";
    private static final AtomicInteger DB = new AtomicInteger();
    private Connection c;

    @BeforeEach
    void open() throws SQLException {
        c = DriverManager.getConnection("jdbc:h2:mem:dataset" + DB.incrementAndGet()
                + ";MODE=MSSQLServer;DATABASE_TO_UPPER=FALSE;CASE_INSENSITIVE_IDENTIFIERS=TRUE");
    }

    @AfterEach
    void close() throws SQLException {
        c.close();
    }

    private void exec(String... sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        }
    }

    /**
     * Runs the query, puts the two elements into an {@code ExecuteQuickJobDSResult} in the service
     * namespace (as the response will), serializes that to text and parses it back.
     */
    private Element result(String sql, long maxRows) throws Exception {
        return result(sql, maxRows, -1);
    }

    private Element result(String sql, long maxRows, long maxBytes) throws Exception {
        List<Element> parts;
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            parts = DataSetXml.write(rs, maxRows, maxBytes);
        }
        assertEquals(2, parts.size());
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        Document doc = f.newDocumentBuilder().newDocument();
        Element wrapper = doc.createElementNS(NS, "ExecuteQuickJobDSResult");
        wrapper.setAttributeNS(XMLConstants.XMLNS_ATTRIBUTE_NS_URI, "xmlns", NS);
        doc.appendChild(wrapper);
        for (Element e : parts) {
            wrapper.appendChild(doc.importNode(e, true));
        }
        String text = serialize(doc);
        Document back = f.newDocumentBuilder().parse(new InputSource(new StringReader(text)));
        return back.getDocumentElement();
    }

    private static String serialize(Node node) throws Exception {
        Transformer t = TransformerFactory.newInstance().newTransformer();
        t.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
        StringWriter w = new StringWriter();
        t.transform(new DOMSource(node), new StreamResult(w));
        return w.toString();
    }

    private static List<Element> children(Element parent) {
        List<Element> list = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                list.add(e);
            }
        }
        return list;
    }

    private static Element schemaOf(Element result) {
        Element schema = children(result).get(0);
        assertEquals(DataSetXml.XS, schema.getNamespaceURI());
        assertEquals("schema", schema.getLocalName());
        return schema;
    }

    private static Element diffgramOf(Element result) {
        Element diffgram = children(result).get(1);
        assertEquals(DataSetXml.DIFFGR, diffgram.getNamespaceURI());
        assertEquals("diffgram", diffgram.getLocalName());
        return diffgram;
    }

    /** column name → xs type, from the inline schema. */
    private static Map<String, String> columns(Element schema) {
        NodeList tables = schema.getElementsByTagNameNS(DataSetXml.XS, "element");
        Element table = null;
        for (int i = 0; i < tables.getLength(); i++) {
            Element e = (Element) tables.item(i);
            if (e.getAttribute("name").equals("Table")) {
                table = e;
            }
        }
        Element sequence = (Element) table.getElementsByTagNameNS(DataSetXml.XS, "sequence").item(0);
        Map<String, String> cols = new LinkedHashMap<>();
        for (Element col : children(sequence)) {
            assertEquals("0", col.getAttribute("minOccurs"), col.getAttribute("name"));
            cols.put(col.getAttribute("name"), col.getAttribute("type"));
        }
        return cols;
    }

    private static List<Element> rows(Element diffgram) {
        List<Element> dataSets = children(diffgram);
        if (dataSets.isEmpty()) {
            return List.of();
        }
        Element dataSet = dataSets.get(0);
        assertEquals("NewDataSet", dataSet.getLocalName());
        assertNull(dataSet.getNamespaceURI(), "NewDataSet is in no namespace (xmlns=\"\")");
        return children(dataSet);
    }

    private static Map<String, String> cells(Element row) {
        Map<String, String> m = new LinkedHashMap<>();
        for (Element cell : children(row)) {
            assertNull(cell.getNamespaceURI());
            m.put(cell.getLocalName(), cell.getTextContent());
        }
        return m;
    }

    private void createMixed() throws SQLException {
        exec("CREATE TABLE t (id BIGINT, i INT, si SMALLINT, ti TINYINT, re REAL, d FLOAT, n DECIMAL(10,3),"
                        + " name VARCHAR(50), ts DATETIME2, dt DATE, tm TIME, b BIT, bin VARBINARY(8), u UUID,"
                        + " tz TIMESTAMP WITH TIME ZONE, k INT)",
                "INSERT INTO t VALUES (1237645876861272064, -5, 300, 7, 24.06133, 44.1187117871552, 12.5,"
                        + " 'a <b> & \"c\"', '2020-01-02 03:04:05.5', '2021-12-31', '10:30:00', 1, X'01AB',"
                        + " '7E1D698C-FFC1-431E-A15C-7C8DED75DDE7', '2020-01-02 03:04:05+01:00', 1)",
                "INSERT INTO t VALUES (2, NULL, NULL, NULL, 1e-5, 1.5e20, NULL, 'line1' || CHAR(13) || CHAR(10) || 'line2',"
                        + " NULL, NULL, '00:00:00', 0, X'', NULL, NULL, 2)",
                "INSERT INTO t (k) VALUES (3)");
    }

    @Test
    void schemaDescribesTheColumnsTheDotNetWay() throws Exception {
        createMixed();
        Element schema = schemaOf(result("SELECT * FROM t ORDER BY k", 100));
        assertEquals("NewDataSet", schema.getAttribute("id"));
        Element dataSet = children(schema).get(0);
        assertEquals("element", dataSet.getLocalName());
        assertEquals("NewDataSet", dataSet.getAttribute("name"));
        assertEquals("true", dataSet.getAttributeNS(DataSetXml.MSDATA, "IsDataSet"));
        assertEquals("true", dataSet.getAttributeNS(DataSetXml.MSDATA, "UseCurrentLocale"));
        Element choice = children(children(dataSet).get(0)).get(0);
        assertEquals("choice", choice.getLocalName());
        assertEquals("0", choice.getAttribute("minOccurs"));
        assertEquals("unbounded", choice.getAttribute("maxOccurs"));

        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("id", "xs:long");
        expected.put("i", "xs:int");
        expected.put("si", "xs:short");
        expected.put("ti", "xs:unsignedByte");
        expected.put("re", "xs:float");
        expected.put("d", "xs:double");
        expected.put("n", "xs:decimal");
        expected.put("name", "xs:string");
        expected.put("ts", "xs:dateTime");
        expected.put("dt", "xs:dateTime");
        expected.put("tm", "xs:duration");
        expected.put("b", "xs:boolean");
        expected.put("bin", "xs:base64Binary");
        expected.put("u", "xs:string");
        expected.put("tz", "xs:dateTime");
        expected.put("k", "xs:int");
        assertEquals(expected, columns(schema));
        Element guid = (Element) schema.getElementsByTagNameNS(DataSetXml.XS, "sequence").item(0).getChildNodes().item(13);
        assertTrue(guid.getAttributeNS(DataSetXml.MSDATA, "DataType").startsWith("System.Guid, mscorlib"));
    }

    @Test
    void rowsHoldValuesAndOmitNulls() throws Exception {
        createMixed();
        Element result = result("SELECT * FROM t ORDER BY k", 100);
        List<Element> rows = rows(diffgramOf(result));
        assertEquals(3, rows.size());
        for (int r = 0; r < 3; r++) {
            assertEquals("Table", rows.get(r).getLocalName());
            assertEquals("Table" + (r + 1), rows.get(r).getAttributeNS(DataSetXml.DIFFGR, "id"));
            assertEquals(Integer.toString(r), rows.get(r).getAttributeNS(DataSetXml.MSDATA, "rowOrder"));
            assertFalse(rows.get(r).hasAttributeNS(DataSetXml.DIFFGR, "hasChanges"));
        }
        Map<String, String> first = new LinkedHashMap<>();
        first.put("id", "1237645876861272064");
        first.put("i", "-5");
        first.put("si", "300");
        first.put("ti", "7");
        first.put("re", "24.06133");
        first.put("d", "44.1187117871552");
        first.put("n", "12.500");
        first.put("name", "a <b> & \"c\"");
        first.put("ts", "2020-01-02T03:04:05.5");
        first.put("dt", "2021-12-31T00:00:00");
        first.put("tm", "PT10H30M");
        first.put("b", "true");
        first.put("bin", "Aas=");
        first.put("u", "7e1d698c-ffc1-431e-a15c-7c8ded75dde7");
        first.put("tz", "2020-01-02T03:04:05+01:00");
        first.put("k", "1");
        assertEquals(first, cells(rows.get(0)));

        Map<String, String> second = new LinkedHashMap<>();
        second.put("id", "2");
        second.put("re", "1E-05");
        second.put("d", "1.5E+20");
        second.put("name", "line1\r\nline2");
        second.put("tm", "PT0S");
        second.put("b", "false");
        second.put("bin", "");
        second.put("k", "2");
        assertEquals(second, cells(rows.get(1)), "NULL columns have no element");

        assertEquals(Map.of("k", "3"), cells(rows.get(2)));
    }

    @Test
    void dataIsValidAgainstItsOwnInlineSchema() throws Exception {
        createMixed();
        exec("INSERT INTO t (k, re, d) VALUES (4, CAST('Infinity' AS REAL), CAST('NaN' AS DOUBLE))");
        Element result = result("SELECT * FROM t ORDER BY k", 100);
        Schema schema = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI)
                .newSchema(new DOMSource(schemaOf(result)));
        Element dataSet = children(diffgramOf(result)).get(0);
        // diffgr/msdata attributes are not in the DataSet's schema: validate a copy without them
        Document copy = DocumentBuilderFactory.newDefaultNSInstance().newDocumentBuilder().newDocument();
        Element clean = (Element) copy.importNode(dataSet, true);
        copy.appendChild(clean);
        for (Element row : children(clean)) {
            row.removeAttributeNS(DataSetXml.DIFFGR, "id");
            row.removeAttributeNS(DataSetXml.MSDATA, "rowOrder");
        }
        schema.newValidator().validate(new DOMSource(copy));
        List<Element> rows = children(clean);
        assertEquals("INF", cells(rows.get(3)).get("re"));
        assertEquals("NaN", cells(rows.get(3)).get("d"));
    }

    @Test
    void namesAreEncodedLikeXmlConvert() throws Exception {
        Element result = result("SELECT 1 AS [my col], 2 AS [1st], 3 AS [a:b], 4 AS [_x0041_], 5 AS [ok_name-1.2],"
                + " 6, 7 AS [é€]", 10);
        assertEquals(List.of("my_x0020_col", "_x0031_st", "a_x003A_b", "_x005F_x0041_", "ok_name-1.2", "Column1", "é_x20AC_"),
                new ArrayList<>(columns(schemaOf(result)).keySet()));
        Map<String, String> cells = cells(rows(diffgramOf(result)).get(0));
        assertEquals("1", cells.get("my_x0020_col"));
        assertEquals("4", cells.get("_x005F_x0041_"));
        assertEquals("6", cells.get("Column1"));
    }

    @Test
    void encodeAndDecodeNames() {
        assertEquals("my_x0020_col", DataSetXml.encodeLocalName("my col"));
        assertEquals("_x0031_23", DataSetXml.encodeLocalName("123"));
        assertEquals("x_x005F_x0031_", DataSetXml.encodeLocalName("x_x0031_"));
        assertEquals("é_x20AC_x", DataSetXml.encodeLocalName("é€x"));
        assertEquals("日本_x3000_語", DataSetXml.encodeLocalName("日本\u3000語"));
        assertEquals("a_x005F_x0031_b", DataSetXml.encodeLocalName("a_x0031_b"));
        assertEquals("a_x005F_X00000031_b", DataSetXml.encodeLocalName("a_X00000031_b"));
        assertEquals("a_xyz_", DataSetXml.encodeLocalName("a_xyz_"));
        assertEquals("_x002D_a", DataSetXml.encodeLocalName("-a"));
        assertEquals("a-b", DataSetXml.encodeLocalName("a-b"));
        assertEquals("count_x0028__x002A__x0029_", DataSetXml.encodeLocalName("count(*)"));
        assertEquals("_x0001F600_", DataSetXml.encodeLocalName("\uD83D\uDE00"));
        for (String s : new String[] {"my col", "123", "a_x0031_b", "count(*)", "a:b", "\uD83D\uDE00x", "plain"}) {
            assertEquals(s, DataSetXml.decodeName(DataSetXml.encodeLocalName(s)), s);
        }
    }

    @Test
    void emptyResultHasSchemaAndEmptyDiffgram() throws Exception {
        exec("CREATE TABLE t (objID BIGINT, ra FLOAT)");
        Element result = result("SELECT * FROM t", 10);
        assertEquals(List.of("objID", "ra"), new ArrayList<>(columns(schemaOf(result)).keySet()));
        assertTrue(children(diffgramOf(result)).isEmpty(), ".NET writes no NewDataSet element without rows");
    }

    @Test
    void countStar() throws Exception {
        exec("CREATE TABLE t (x INT)", "INSERT INTO t VALUES (1), (2)");
        Element result = result("SELECT COUNT(*) FROM t", 10);
        assertEquals(Map.of("Column1", "xs:long"), columns(schemaOf(result)));
        assertEquals(Map.of("Column1", "2"), cells(rows(diffgramOf(result)).get(0)));
    }

    @Test
    void controlCharactersCannotBreakTheXml() throws Exception {
        Element result = result("SELECT 'a' || CHAR(1) || 'b' || CHAR(9) AS s", 10);
        assertEquals("a\uFFFDb\t", cells(rows(diffgramOf(result)).get(0)).get("s"));
    }

    @Test
    void tooManyRows() throws SQLException {
        exec("CREATE TABLE t (x INT)", "INSERT INTO t VALUES (1), (2), (3)");
        CasJobsException e = assertThrows(CasJobsException.class, () -> result("SELECT x FROM t", 2));
        assertEquals("The result has more than 2 rows, the limit for quick queries. Submit it as a batch job"
                + " with SELECT … INTO mydb.YourTable, then extract or query the table.", e.getMessage());
    }

    /** The rows are counted as they are written in the diffgram, in UTF-8: tags, and text with & < > escaped. */
    @Test
    void aResultLargerThanTheByteLimitIsRefused() throws Exception {
        exec("CREATE TABLE t (id INT, s VARCHAR(2000), b VARBINARY(10))",
                "INSERT INTO t VALUES (1, REPEAT('x', 1000), X'00FF01'), (2, REPEAT('é', 10) || '<&>', NULL)");
        String sql = "SELECT s, b FROM t ORDER BY id";
        String rows = "<Table diffgr:id=\"Table1\" msdata:rowOrder=\"0\"><s>" + "x".repeat(1000) + "</s><b>AP8B</b>"
                + "</Table><Table diffgr:id=\"Table2\" msdata:rowOrder=\"1\"><s>" + "é".repeat(10)
                + "&lt;&amp;&gt;</s></Table>";
        long size = rows.getBytes(StandardCharsets.UTF_8).length;
        Element ok = result(sql, -1, size);
        assertEquals(2, rows(diffgramOf(ok)).size(), "a result of exactly the limit is answered");
        CasJobsException e = assertThrows(CasJobsException.class, () -> result(sql, -1, size - 1));
        assertEquals("The result is larger than the " + (size - 1) + " bytes a quick query may return. Submit it"
                + " as a batch job with SELECT … INTO mydb.YourTable, then extract or query the table.",
                e.getMessage());
        assertThrows(CasJobsException.class, () -> result(sql, -1, 1000), "the first row alone is too large");
        e = assertThrows(CasJobsException.class, () -> result("SELECT REPEAT('x', 2 * 1024 * 1024) AS s", -1,
                1024 * 1024));
        assertTrue(e.getMessage().startsWith("The result is larger than the 1 MiB a quick query may return."),
                e::getMessage);
    }

    @Test
    void elementsCanBeCreatedInTheCallersDocument() throws Exception {
        exec("CREATE TABLE t (x INT)", "INSERT INTO t VALUES (1)");
        Document owner = DocumentBuilderFactory.newDefaultNSInstance().newDocumentBuilder().newDocument();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT x FROM t")) {
            List<Element> parts = DataSetXml.write(rs, 10, -1, owner);
            assertTrue(parts.stream().allMatch(p -> p.getOwnerDocument() == owner));
            Element wrapper = owner.createElementNS(NS, "ExecuteQuickJobDSResult");
            wrapper.setAttributeNS(XMLConstants.XMLNS_ATTRIBUTE_NS_URI, "xmlns", NS);
            owner.appendChild(wrapper);
            parts.forEach(wrapper::appendChild);
            String text = serialize(owner);
            assertTrue(text.contains("<NewDataSet xmlns=\"\">"), text);
            assertTrue(text.contains("<Table diffgr:id=\"Table1\" msdata:rowOrder=\"0\">"), text);
        }
    }
}
