package org.opencasjobs.output;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.SchemaFactory;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencasjobs.jobs.CasJobsException;
import org.opencasjobs.output.DataSetXml;
import org.opencasjobs.output.Extractor.Format;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import uk.ac.starlink.table.ColumnInfo;
import uk.ac.starlink.table.RowSequence;
import uk.ac.starlink.table.StarTable;
import uk.ac.starlink.table.StarTableFactory;

class ExtractorTest {
    private static final String DB = "jdbc:h2:mem:extractor_test";
    private static Connection admin;
    /** The account's own connection: a plain database user owning schema MyDB, as in production. */
    private static Connection user;

    @TempDir
    Path dir;

    // The table AllTypes: one row of large values, one of small, one all NULL, one of odd ones.
    static final String[] NAMES = {"id", "big", "i", "s", "t", "d", "r", "b", "v", "ts", "dec", "my col", "full"};
    static final String UNICODE = "\u00fcn\u00efc\u00f6d\u00e9 \u2603 \uD834\uDD1E";
    /** VOTable 1.4's unicodeChar is UCS-2: STIL writes each half of a surrogate pair as '?'. */
    static final String UNICODE_BMP = "\u00fcn\u00efc\u00f6d\u00e9 \u2603 ??";

    /** What CSV holds for each row and column ("" for NULL). */
    static final String[][] CSV = {
        {"1", "9007199254740993", "2147483647", "32767", "127", "0.1", "1.5", "True", "He said \"hi\", ok",
            "2020-01-02 03:04:05.123", "12345.67891", UNICODE, "9223372036854775807"},
        {"2", "-9223372036854775808", "-2147483648", "-32768", "-128", "-1E+300", "-0.25", "False",
            "line1\nline2,x", "1999-12-31 23:59:59", "-0.00001", "", "-9223372036854775808"},
        {"3", "", "", "", "", "", "", "", "", "", "", "", ""},
        {"4", "0", "0", "0", "0", "1E-05", "3.4028235E+38", "True", "a\rb <&> 'q'", "2021-06-30 12:00:00.500",
            "0.00000", "x", "-9223372036854775807"},
    };

    @BeforeAll
    static void createTable() throws SQLException {
        admin = DriverManager.getConnection(DB + ";DB_CLOSE_DELAY=-1;MODE=MSSQLServer;DATABASE_TO_UPPER=FALSE"
                + ";CASE_INSENSITIVE_IDENTIFIERS=TRUE", "sa", "");
        try (Statement s = admin.createStatement()) {
            s.execute("CREATE USER U1 PASSWORD 'pw'");
            s.execute("CREATE SCHEMA MyDB AUTHORIZATION U1");
        }
        user = DriverManager.getConnection(DB, "U1", "pw");
        try (Statement s = user.createStatement()) {
            s.execute("CREATE TABLE MyDB.AllTypes (id INT NOT NULL PRIMARY KEY, big BIGINT, i INT, s SMALLINT,"
                    + " t TINYINT, d DOUBLE, r REAL, b BOOLEAN, v VARCHAR(40), ts TIMESTAMP(3), dec DECIMAL(20,5),"
                    + " [my col] VARCHAR, [full] BIGINT)");
            s.execute("INSERT INTO MyDB.AllTypes VALUES (1, 9007199254740993, 2147483647, 32767, 127, 0.1, 1.5,"
                    + " TRUE, 'He said \"hi\", ok', TIMESTAMP '2020-01-02 03:04:05.123', 12345.67891, U&'"
                    + "\\00fcn\\00efc\\00f6d\\00e9 \\2603 \\+01D11E', 9223372036854775807)");
            s.execute("INSERT INTO MyDB.AllTypes VALUES (2, -9223372036854775808, -2147483648, -32768, -128,"
                    + " -1E300, -0.25, FALSE, 'line1' || CHAR(10) || 'line2,x', TIMESTAMP '1999-12-31 23:59:59',"
                    + " -0.00001, '', -9223372036854775808)");
            s.execute("INSERT INTO MyDB.AllTypes (id) VALUES (3)");
            s.execute("INSERT INTO MyDB.AllTypes VALUES (4, 0, 0, 0, 0, 1E-5, 3.4028235E38, TRUE,"
                    + " 'a' || CHAR(13) || 'b <&> ''q''', TIMESTAMP '2021-06-30 12:00:00.5', 0, 'x',"
                    + " -9223372036854775807)");
            s.execute("CREATE TABLE MyDB.Empty (a BIGINT, b VARCHAR(10))");
        }
    }

    @AfterAll
    static void close() throws SQLException {
        user.close();
        try (Statement s = admin.createStatement()) {
            s.execute("SHUTDOWN");
        }
        admin.close();
    }

    /** Extracts AllTypes and counts the statements run on the user's connection. */
    private Path extract(Format format, AtomicInteger statements) throws Exception {
        Path file = dir.resolve("AllTypes." + format.extension());
        long rows = Extractor.extract(user, "AllTypes", format, file, st -> {
            if (st != null) {
                statements.incrementAndGet();
            }
        });
        assertEquals(4, rows);
        assertTrue(Files.size(file) > 0);
        return file;
    }

    // ---- CSV ----------------------------------------------------------------------------------

    @Test
    void csvHasHeaderValuesAndEmptyNulls() throws Exception {
        AtomicInteger statements = new AtomicInteger();
        Path file = extract(Format.CSV, statements);
        assertEquals(1, statements.get());
        byte[] bytes = Files.readAllBytes(file);
        assertFalse(bytes.length >= 3 && bytes[0] == (byte) 0xEF, "no BOM");
        String text = new String(bytes, StandardCharsets.UTF_8);
        assertTrue(text.startsWith("id,big,i,s,t,d,r,b,v,ts,dec,my col,full\r\n"), text);
        assertTrue(text.contains("\r\n3,,,,,,,,,,,,\r\n"), "all-NULL row is empty fields: " + text);
        assertTrue(text.contains(",\"He said \"\"hi\"\", ok\","), text);
        assertTrue(text.endsWith("\r\n"));
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8);
             CSVParser p = CSVParser.parse(r,
                     CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get())) {
            assertEquals(List.of(NAMES), p.getHeaderNames());
            List<CSVRecord> records = p.getRecords();
            assertEquals(CSV.length, records.size());
            for (int row = 0; row < CSV.length; row++) {
                assertArrayEquals(CSV[row], records.get(row).values(), "row " + (row + 1));
            }
        }
    }

    // ---- FITS ---------------------------------------------------------------------------------

    @Test
    void fitsIsBintableInHdu1WithTypesAndNulls() throws Exception {
        AtomicInteger statements = new AtomicInteger();
        Path file = extract(Format.FITS, statements);
        // the aggregate query, one probe each for i, s and full (both ends of their range taken), the SELECT
        assertEquals(5, statements.get(), "STIL made no first pass");

        Map<String, String> primary = header(file, 0);
        assertEquals("T", primary.get("SIMPLE"));
        assertEquals("0", primary.get("NAXIS"));
        Map<String, String> hdu1 = header(file, 2880);
        assertEquals("'BINTABLE'", hdu1.get("XTENSION"));
        assertEquals("4", hdu1.get("NAXIS2"));
        assertEquals("'AllTypes'", hdu1.get("EXTNAME"));
        assertEquals(String.valueOf(NAMES.length), hdu1.get("TFIELDS"));
        String[] tform = {"J", "K", "J", "I", "I", "D", "E", "L", "16A", "29A", "D", "12A", "K"};
        for (int c = 0; c < NAMES.length; c++) {
            assertEquals("'" + NAMES[c] + "'", trimQuoted(hdu1.get("TTYPE" + (c + 1))));
            assertEquals("'" + tform[c] + "'", trimQuoted(hdu1.get("TFORM" + (c + 1))), NAMES[c]);
        }
        assertNull(hdu1.get("TNULL1"), "id has no NULLs");
        assertEquals(String.valueOf(Long.MAX_VALUE), hdu1.get("TNULL2"), "big uses Long.MIN_VALUE");
        assertEquals(String.valueOf(Integer.MIN_VALUE + 1), hdu1.get("TNULL3"), "both ends taken: a free value");
        assertEquals(String.valueOf(Short.MIN_VALUE + 1), hdu1.get("TNULL4"));
        assertEquals(String.valueOf(Short.MIN_VALUE), hdu1.get("TNULL5"));
        assertEquals(String.valueOf(Long.MIN_VALUE + 2), hdu1.get("TNULL13"), "a free value near the minimum");
        assertEquals("'timestamp'", trimQuoted(hdu1.get("TXTYP10")));

        StarTable t = new StarTableFactory().makeStarTable(file.toString(), "fits");
        Class<?>[] classes = {Integer.class, Long.class, Integer.class, Short.class, Short.class, Double.class,
            Float.class, Boolean.class, String.class, String.class, Double.class, String.class, Long.class};
        checkColumns(t, classes);
        Object[][] expected = {
            {1, 9007199254740993L, 2147483647, (short) 32767, (short) 127, 0.1, 1.5f, true, "He said \"hi\", ok",
                "2020-01-02T03:04:05.123", 12345.67891, "?n?c?d? ? ?", Long.MAX_VALUE},
            {2, Long.MIN_VALUE, -2147483648, (short) -32768, (short) -128, -1e300, -0.25f, false, "line1?line2,x",
                "1999-12-31T23:59:59", -0.00001, null, Long.MIN_VALUE},
            {3, null, null, null, null, Double.NaN, Float.NaN, null, null, null, Double.NaN, null, null},
            {4, 0L, 0, (short) 0, (short) 0, 1e-5, 3.4028235e38f, true, "a?b <&> 'q'", "2021-06-30T12:00:00.500", 0.0,
                "x", Long.MIN_VALUE + 1},
        };
        checkRows(t, expected);
    }

    @Test
    void fitsWidensAnIntegerColumnWhoseMarkerCandidatesAreAllTaken() throws Exception {
        try (Statement s = user.createStatement()) {
            s.execute("CREATE TABLE MyDB.Crowded (s SMALLINT, b BIGINT)");
            s.execute("INSERT INTO MyDB.Crowded SELECT CAST(-32768 + X AS SMALLINT), -9223372036854775808 + X"
                    + " FROM SYSTEM_RANGE(0, 16)");
            s.execute("INSERT INTO MyDB.Crowded VALUES (32767, 9223372036854775807), (NULL, 1)");
        }
        Path file = dir.resolve("Crowded.fit");
        assertEquals(19, Extractor.extract(user, "Crowded", Format.FITS, file));
        Map<String, String> hdu1 = header(file, 2880);
        assertEquals("'J'", trimQuoted(hdu1.get("TFORM1")), "SMALLINT widened");
        assertEquals(String.valueOf(Integer.MIN_VALUE), hdu1.get("TNULL1"));
        assertNull(hdu1.get("TNULL2"), "no NULL in b");
        StarTable t = new StarTableFactory().makeStarTable(file.toString(), "fits");
        assertEquals(Integer.class, t.getColumnInfo(0).getContentClass());
        List<Object> s = new ArrayList<>();
        try (RowSequence seq = t.getRowSequence()) {
            while (seq.next()) {
                s.add(seq.getCell(0));
            }
        }
        assertEquals(-32768, s.get(0));
        assertEquals(32767, s.get(17));
        assertNull(s.get(18));

        try (Statement st = user.createStatement()) {
            st.execute("UPDATE MyDB.Crowded SET b = NULL WHERE s IS NULL");
        }
        CasJobsException e = assertThrows(CasJobsException.class,
                () -> Extractor.extract(user, "Crowded", Format.FITS, file));
        assertTrue(e.getMessage().startsWith("Column 'b' "), e.getMessage());
        assertFalse(Files.exists(file), "a failed extract leaves no file");
        assertEquals(19, Extractor.extract(user, "Crowded", Format.VOTABLE, dir.resolve("Crowded.xml")));
    }

    /** The header cards (keyword → value text) of the HDU starting at {@code offset}. */
    private static Map<String, String> header(Path fits, long offset) throws IOException {
        Map<String, String> cards = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(fits)) {
            in.skipNBytes(offset);
            while (true) {
                byte[] block = in.readNBytes(2880);
                assertEquals(2880, block.length, "FITS files are made of 2880-byte blocks");
                String text = new String(block, StandardCharsets.US_ASCII);
                for (int i = 0; i < 36; i++) {
                    String card = text.substring(i * 80, i * 80 + 80);
                    String key = card.substring(0, 8).trim();
                    if (key.equals("END")) {
                        return cards;
                    }
                    if (card.startsWith("= ", 8)) {
                        String value = card.substring(10).trim();
                        int end = value.startsWith("'") ? value.lastIndexOf('\'') + 1 : value.indexOf('/');
                        cards.put(key, (end > 0 ? value.substring(0, end) : value).trim());
                    }
                }
            }
        }
    }

    private static String trimQuoted(String v) {
        if (v == null || !v.startsWith("'")) {
            return v;
        }
        return "'" + v.substring(1, v.lastIndexOf('\'')).trim() + "'";
    }

    // ---- VOTable ------------------------------------------------------------------------------

    @Test
    void voTableIsValidVersion14Binary2WithTypesAndNulls() throws Exception {
        AtomicInteger statements = new AtomicInteger();
        Path file = extract(Format.VOTABLE, statements);
        assertEquals(1, statements.get(), "one SELECT: a single pass");
        String text = Files.readString(file, StandardCharsets.UTF_8);
        assertTrue(text.contains("version=\"1.4\""), text.substring(0, Math.min(600, text.length())));
        assertTrue(text.contains("<BINARY2"), "BINARY2 serialization");
        assertTrue(text.contains("xtype=\"timestamp\""));
        assertTrue(text.contains("datatype=\"unicodeChar\""));
        // Valid against the VOTable 1.4 schema (the copy STIL ships).
        SchemaFactory sf = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
        try (InputStream xsd = uk.ac.starlink.util.DataSource.class.getResourceAsStream("text/VOTable1.4.xsd")) {
            assertNotNull(xsd);
            sf.newSchema(new StreamSource(xsd)).newValidator().validate(new StreamSource(file.toFile()));
        }

        StarTable t = new StarTableFactory().makeStarTable(file.toString(), "votable");
        Class<?>[] classes = {Integer.class, Long.class, Integer.class, Short.class, Short.class, Double.class,
            Float.class, Boolean.class, String.class, String.class, Double.class, String.class, Long.class};
        checkColumns(t, classes);
        Object[][] expected = {
            {1, 9007199254740993L, 2147483647, (short) 32767, (short) 127, 0.1, 1.5f, true, "He said \"hi\", ok",
                "2020-01-02T03:04:05.123", 12345.67891, UNICODE_BMP, Long.MAX_VALUE},
            {2, Long.MIN_VALUE, -2147483648, (short) -32768, (short) -128, -1e300, -0.25f, false, "line1\nline2,x",
                "1999-12-31T23:59:59", -0.00001, null, Long.MIN_VALUE}, // STIL: an empty string is null
            {3, null, null, null, null, Double.NaN, Float.NaN, null, null, null, Double.NaN, null, null},
            {4, 0L, 0, (short) 0, (short) 0, 1e-5, 3.4028235e38f, true, "a\rb <&> 'q'", "2021-06-30T12:00:00.500",
                0.0, "x", Long.MIN_VALUE + 1},
        };
        checkRows(t, expected);
    }

    private static void checkColumns(StarTable t, Class<?>[] classes) {
        assertEquals(NAMES.length, t.getColumnCount());
        for (int c = 0; c < NAMES.length; c++) {
            ColumnInfo info = t.getColumnInfo(c);
            assertEquals(NAMES[c], info.getName());
            assertEquals(classes[c], info.getContentClass(), NAMES[c]);
        }
    }

    /** Every cell equal, with its Java type; a null expected string also accepts "" (blank FITS text). */
    private static void checkRows(StarTable t, Object[][] expected) throws IOException {
        List<Object[]> rows = new ArrayList<>();
        try (RowSequence seq = t.getRowSequence()) {
            while (seq.next()) {
                rows.add(seq.getRow().clone());
            }
        }
        assertEquals(expected.length, rows.size());
        for (int r = 0; r < expected.length; r++) {
            for (int c = 0; c < NAMES.length; c++) {
                Object want = expected[r][c];
                Object got = rows.get(r)[c];
                String where = "row " + (r + 1) + " column " + NAMES[c];
                if (want == null && "".equals(got) && t.getColumnInfo(c).getContentClass() == String.class
                        && !(t instanceof uk.ac.starlink.votable.VOStarTable)) {
                    continue;
                }
                if (want != null) {
                    assertNotNull(got, where);
                    assertEquals(want.getClass(), got.getClass(), where);
                }
                assertEquals(want, got, where);
            }
        }
    }

    // ---- DataSet ------------------------------------------------------------------------------

    @Test
    void dataSetHasInlineSchemaAndRowsWithoutNullElements() throws Exception {
        AtomicInteger statements = new AtomicInteger();
        Path file = extract(Format.DATASET, statements);
        assertEquals(1, statements.get());
        String text = Files.readString(file, StandardCharsets.UTF_8);
        assertTrue(text.startsWith("<?xml version=\"1.0\" encoding=\"utf-8\" standalone=\"yes\"?>\n<NewDataSet>\n"
                + "  <xs:schema id=\"NewDataSet\" xmlns=\"\" xmlns:xs=\"http://www.w3.org/2001/XMLSchema\""), text);
        assertTrue(text.contains("<v>a&#xD;b &lt;&amp;> 'q'</v>"), "CR kept as a character reference");

        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        Document doc = f.newDocumentBuilder().parse(file.toFile());
        Element root = doc.getDocumentElement();
        assertEquals("NewDataSet", root.getLocalName());
        assertNull(root.getNamespaceURI());
        List<Element> children = elements(root);
        Element schema = children.get(0);
        assertEquals(DataSetXml.XS, schema.getNamespaceURI());
        assertEquals("schema", schema.getLocalName());
        Element dataSetDecl = elements(schema).get(0);
        assertEquals("true", dataSetDecl.getAttributeNS(DataSetXml.MSDATA, "IsDataSet"));

        String[] types = {"xs:int", "xs:long", "xs:int", "xs:short", "xs:unsignedByte", "xs:double", "xs:float",
            "xs:boolean", "xs:string", "xs:dateTime", "xs:decimal", "xs:string", "xs:long"};
        List<Element> decls = new ArrayList<>();
        for (Node n = schema.getElementsByTagNameNS(DataSetXml.XS, "sequence").item(0).getFirstChild(); n != null;
             n = n.getNextSibling()) {
            if (n instanceof Element e) {
                decls.add(e);
            }
        }
        assertEquals(NAMES.length, decls.size());
        for (int c = 0; c < NAMES.length; c++) {
            assertEquals(NAMES[c], DataSetXml.decodeName(decls.get(c).getAttribute("name")));
            assertEquals(types[c], decls.get(c).getAttribute("type"), NAMES[c]);
            assertEquals("0", decls.get(c).getAttribute("minOccurs"));
        }
        assertEquals("my_x0020_col", decls.get(11).getAttribute("name"));

        String[][] expected = {
            {"1", "9007199254740993", "2147483647", "32767", "127", "0.1", "1.5", "true", "He said \"hi\", ok",
                "2020-01-02T03:04:05.123", "12345.67891", UNICODE, "9223372036854775807"},
            {"2", "-9223372036854775808", "-2147483648", "-32768", "-128", "-1E+300", "-0.25", "false",
                "line1\nline2,x", "1999-12-31T23:59:59", "-0.00001", "", "-9223372036854775808"},
            {"3", null, null, null, null, null, null, null, null, null, null, null, null},
            {"4", "0", "0", "0", "0", "1E-05", "3.4028235E+38", "true", "a\rb <&> 'q'", "2021-06-30T12:00:00.5",
                "0.00000", "x", "-9223372036854775807"},
        };
        List<Element> rows = children.subList(1, children.size());
        assertEquals(expected.length, rows.size());
        for (int r = 0; r < expected.length; r++) {
            Element row = rows.get(r);
            assertEquals("Table", row.getLocalName());
            Map<String, String> cells = new HashMap<>();
            for (Element cell : elements(row)) {
                cells.put(DataSetXml.decodeName(cell.getLocalName()), cell.getTextContent());
            }
            for (int c = 0; c < NAMES.length; c++) {
                assertEquals(expected[r][c], cells.get(NAMES[c]), "row " + (r + 1) + " column " + NAMES[c]);
                assertEquals(expected[r][c] != null, cells.containsKey(NAMES[c]), "NULL → no element");
            }
        }
    }

    private static List<Element> elements(Element parent) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                out.add(e);
            } else {
                assertTrue(n.getTextContent().isBlank(), "only indentation between elements");
            }
        }
        return out;
    }

    // ---- empty tables, names, errors ----------------------------------------------------------

    @Test
    void emptyTableGivesHeaderOnlyInEveryFormat() throws Exception {
        for (Format format : Format.values()) {
            Path file = dir.resolve("Empty." + format.extension());
            assertEquals(0, Extractor.extract(user, "Empty", format, file), format.name());
            switch (format) {
                case CSV -> assertEquals("a,b\r\n", Files.readString(file));
                case FITS, VOTABLE -> {
                    StarTable t = new StarTableFactory().makeStarTable(file.toString(),
                            format == Format.FITS ? "fits" : "votable");
                    assertEquals(2, t.getColumnCount());
                    try (RowSequence seq = t.getRowSequence()) {
                        assertFalse(seq.next());
                    }
                }
                case DATASET -> {
                    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
                    f.setNamespaceAware(true);
                    Element root = f.newDocumentBuilder().parse(file.toFile()).getDocumentElement();
                    assertEquals(1, elements(root).size(), "just the schema");
                }
            }
        }
    }

    @Test
    void tableNameIsCaseInsensitive() throws Exception {
        Path file = dir.resolve("x.csv");
        assertEquals(4, Extractor.extract(user, "alltypes", Format.CSV, file));
        assertEquals(4, Extractor.extract(user, "[ALLTYPES]", Format.CSV, file));
    }

    @Test
    void missingTableIsRefusedAndLeavesNoFile() {
        Path file = dir.resolve("Nope.csv");
        CasJobsException e = assertThrows(CasJobsException.class,
                () -> Extractor.extract(user, "Nope", Format.CSV, file));
        assertEquals("Table 'Nope' does not exist in MyDB.", e.getMessage());
        assertFalse(Files.exists(file));
        assertThrows(CasJobsException.class, () -> Extractor.extract(user, "", Format.FITS, file));
    }

    @Test
    void connectionIsLeftAsItWas() throws Exception {
        boolean auto = user.getAutoCommit();
        int iso = user.getTransactionIsolation();
        Extractor.extract(user, "AllTypes", Format.FITS, dir.resolve("a.fit"));
        assertEquals(auto, user.getAutoCommit());
        assertEquals(iso, user.getTransactionIsolation());
    }

    @Test
    void formatsParseCaseInsensitivelyAndRefuseOthers() {
        assertEquals(Format.CSV, Format.of("csv"));
        assertEquals(Format.FITS, Format.of("FITS"));
        assertEquals(Format.VOTABLE, Format.of("VOTable"));
        assertEquals(Format.VOTABLE, Format.of("votable"));
        assertEquals(Format.DATASET, Format.of("DataSet"));
        assertEquals(Format.DATASET, Format.of(" dataset "));
        for (String bad : new String[] {"QUERY", "TCSV", "xml", "", null}) {
            CasJobsException e = assertThrows(CasJobsException.class, () -> Format.of(bad));
            assertTrue(e.getMessage().contains("CSV, DataSet, FITS and VOTable"), e.getMessage());
        }
        assertEquals("fit", Format.FITS.extension());
        assertEquals("application/fits", Format.FITS.contentType());
        assertEquals("VOTable", Format.VOTABLE.typeName());
    }

    // ---- streaming: a million rows in a 256 MB heap -------------------------------------------

    @Test
    void millionRowsStreamInASmallHeap() throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Path log = dir.resolve("child.log");
        Process p = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                ExtractorStreamingMain.class.getName(), dir.resolve("big").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean finished = p.waitFor(300, TimeUnit.SECONDS); // ~40 s on an idle 2-core machine
        if (!finished) {
            p.destroyForcibly();
        }
        String out = Files.readString(log);
        System.out.println(out);
        assertTrue(finished, "child timed out: " + out);
        assertEquals(0, p.exitValue(), out);
        Matcher m = Pattern.compile("(?m)^(\\w+) rows=(\\d+) ").matcher(out);
        Map<String, Long> counts = new HashMap<>();
        while (m.find()) {
            counts.put(m.group(1), Long.parseLong(m.group(2)));
        }
        for (Format f : Format.values()) {
            assertEquals(ExtractorStreamingMain.ROWS, counts.get(f.name()), f.name() + ": " + out);
        }
        assertTrue(out.contains(" naxis2=" + ExtractorStreamingMain.ROWS), out);
        Matcher setup = Pattern.compile("dbBytes=(\\d+) maxHeapMB=(\\d+)").matcher(out);
        assertTrue(setup.find(), out);
        assertTrue(Long.parseLong(setup.group(1)) > Long.parseLong(setup.group(2)) << 20,
                "the table's database file is bigger than the child's whole heap");
    }
}
