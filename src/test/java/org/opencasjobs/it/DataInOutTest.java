package org.opencasjobs.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opencasjobs.it.TestServer.ALICE_PW;
import static org.opencasjobs.it.TestServer.BOB_PW;
import static org.opencasjobs.it.TestServer.NS;
import static org.opencasjobs.it.TestServer.form;

import jakarta.xml.ws.soap.SOAPFaultException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.opencasjobs.wire.CJJob;
import org.opencasjobs.wire.JobsSoap;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import uk.ac.starlink.table.ColumnInfo;
import uk.ac.starlink.table.RowSequence;
import uk.ac.starlink.table.StarTable;
import uk.ac.starlink.table.StarTableFactory;
import uk.ac.starlink.util.FileDataSource;

/**
 * Data in and out end to end (CONTRACT.md §7, §8): UploadData as mastcasjobs posts it, then
 * SubmitExtractJob for every output type, polling GetJobs until OutputLoc is set (as FRB does),
 * downloading OutputLoc with a plain GET (as the Python clients do) and reading the file back with
 * a real reader of its format (Commons CSV, STIL for FITS and VOTable, a DOM parser for the .NET
 * DataSet), comparing every value, its type and every NULL. Also: HTTP ranges and 404s of the
 * output files, appends (tableExists=true), all-or-nothing uploads, the upload size limit, extract
 * errors, the public base URL and the alias service path.
 */
class DataInOutTest {
    private static final String OPS = "/services/jobs.asmx/";
    private static final String FORM_TYPE = "application/x-www-form-urlencoded";
    private static final String FAULT_PREFIX = "Server was unable to process request. ---> ";
    /** The Python clients' error regex; '.' stops at line ends, as in Python. */
    private static final Pattern PY_ERROR = Pattern.compile("System.Exception: *(.*) *--->");
    private static final String XS = "http://www.w3.org/2001/XMLSchema";
    /** OutputLoc of an extract: scheme://host:port/CasJobsOutput/{token}/{file}. */
    private static final Pattern OUTPUT_PATH = Pattern.compile("/CasJobsOutput/([0-9a-fA-F]+)/([^/]+)");
    private static final AtomicInteger SEQ = new AtomicInteger();

    /** The uploaded table every extract test reads. */
    static final String T = "Stars";
    static final List<String> NAMES = List.of("id", "flux", "obs_time", "label");
    static final String UNICODE = "Gr\u00fc\u00dfe \u2603 na\u00efve";

    /**
     * A BIGINT id (values beyond 2^31, the 64-bit extremes), a double written with exponents and
     * signs, a date/time (with space or T, 0-3 fraction digits), text with commas, quotes and
     * non-ASCII, and at least one empty field (NULL) in every column.
     */
    static final String DATA = "id,flux,obs_time,label\n"
            + "1,1.5e10,2020-01-02 03:04:05.123,plain\n"
            + "3000000000,-2.5E-7,1999-12-31 23:59:59,\"comma, and \"\"quotes\"\"\"\n"
            + "-9007199254740993,6.02214076E+23,2021-06-30T12:00:00.5," + UNICODE + "\n"
            + ",-0.125,2008-04-05 00:00:00,no id\n"
            + "9223372036854775807,,,\n"
            + "42,-1e-300,,\"a,b\"\n"
            + "-2147483649,0,1970-01-01 00:00:00,\n";

    /** What the table holds, row by row: Long, Double, LocalDateTime, String, or null. */
    static final Object[][] ROWS = {
        {1L, 1.5e10, ts("2020-01-02T03:04:05.123"), "plain"},
        {3000000000L, -2.5E-7, ts("1999-12-31T23:59:59"), "comma, and \"quotes\""},
        {-9007199254740993L, 6.02214076E+23, ts("2021-06-30T12:00:00.5"), UNICODE},
        {null, -0.125, ts("2008-04-05T00:00:00"), "no id"},
        {Long.MAX_VALUE, null, null, null},
        {42L, -1e-300, null, "a,b"},
        {-2147483649L, 0.0, ts("1970-01-01T00:00:00"), null},
    };

    /** How a call travels. */
    enum Via { GET, POST, SOAP12 }

    /** The answer of a call that failed: the message a client shows. */
    static final class Failed extends Exception {
        Failed(String message) {
            super(message);
        }
    }

    static TestServer s;
    static long alice;
    static long bob;

    @BeforeAll
    static void start() throws Exception {
        s = new TestServer(Map.of("casjobs.login.max.failures", "1000"));
        alice = s.alice.wsid();
        bob = s.bob.wsid();
        // As mastcasjobs does: a form POST with wsid, pw, tableName, data, tableExists=False.
        HttpResponse<String> r = s.post(OPS + "UploadData", form("wsid", alice, "pw", ALICE_PW, "tableName", T,
                "data", DATA, "tableExists", "False"), "Content-Type", FORM_TYPE);
        assertEquals(200, r.statusCode(), () -> "UploadData: " + r.body());
        assertEquals("", r.body(), "a void operation answers with an empty body");
    }

    @AfterAll
    static void stop() throws Exception {
        if (s != null) {
            s.close();
        }
    }

    // ------------------------------------------------------------------ helpers: calls

    static String unique(String prefix) {
        return prefix + SEQ.incrementAndGet();
    }

    static LocalDateTime ts(String iso) {
        return LocalDateTime.parse(iso);
    }

    static JobsSoap client(TestServer server, String path) {
        return server.client(true, path);
    }

    static JobsSoap client() {
        return client(s, "/services/jobs.asmx");
    }

    static HttpResponse<String> http(TestServer server, Via via, String op, Object... pairs) throws Exception {
        return via == Via.GET
                ? server.get(OPS + op + "?" + form(pairs))
                : server.post(OPS + op, form(pairs), "Content-Type", FORM_TYPE);
    }

    static Document parse(byte[] xml) throws Exception {
        return TestServer.xml(xml);
    }

    static Document parse(String xml) throws Exception {
        return parse(xml.getBytes(StandardCharsets.UTF_8));
    }

    /** The message of a failed GET/POST call, as the Python clients extract it (HTML-unescaped). */
    static String pythonError(HttpResponse<String> r) {
        assertEquals(500, r.statusCode(), () -> "status; body: " + r.body());
        Matcher m = PY_ERROR.matcher(r.body());
        assertTrue(m.find(), () -> "no 'System.Exception: … --->' in: " + r.body());
        return m.group(1).trim().replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
                .replace("&#39;", "'").replace("&#x27;", "'").replace("&amp;", "&");
    }

    static String soapError(SOAPFaultException e) {
        String m = e.getMessage();
        assertTrue(m.startsWith(FAULT_PREFIX), () -> "fault string: " + m);
        return m.substring(FAULT_PREFIX.length());
    }

    /** The {@code <long>} answer of a GET/POST call. */
    static long longAnswer(HttpResponse<String> r) throws Exception {
        assertEquals(200, r.statusCode(), () -> "status; body: " + r.body());
        Element root = parse(r.body()).getDocumentElement();
        assertEquals("long", root.getLocalName(), r::body);
        return Long.parseLong(root.getFirstChild().getNodeValue().trim());
    }

    /** UploadData as mastcasjobs posts it; throws {@link Failed} with the client's message. */
    static void upload(TestServer server, long wsid, String pw, String table, String data, boolean tableExists)
            throws Exception {
        HttpResponse<String> r = server.post(OPS + "UploadData", form("wsid", wsid, "pw", pw, "tableName", table,
                "data", data, "tableExists", tableExists ? "True" : "False"), "Content-Type", FORM_TYPE);
        if (r.statusCode() != 200) {
            throw new Failed(pythonError(r));
        }
        assertEquals("", r.body(), "UploadData answers with an empty body");
    }

    static void upload(String table, String data, boolean tableExists) throws Exception {
        upload(s, alice, ALICE_PW, table, data, tableExists);
    }

    static String uploadError(TestServer server, String table, String data, boolean tableExists) throws Exception {
        Failed f = assertThrows(Failed.class, () -> upload(server, server.alice.wsid(), ALICE_PW, table, data,
                tableExists),
                "the upload into " + table + " should have failed");
        return f.getMessage();
    }

    static String uploadError(String table, String data, boolean tableExists) throws Exception {
        return uploadError(s, table, data, tableExists);
    }

    /** SubmitExtractJob over {@code via}; throws {@link Failed} with the client's message. */
    static long extract(TestServer server, Via via, long wsid, String pw, String table, String type) throws Exception {
        if (via == Via.SOAP12) {
            try {
                return client(server, "/services/jobs.asmx").submitExtractJob(wsid, pw, table, type);
            } catch (SOAPFaultException e) {
                throw new Failed(soapError(e));
            }
        }
        HttpResponse<String> r = http(server, via, "SubmitExtractJob", "wsid", wsid, "pw", pw, "tableName", table,
                "type", type);
        if (r.statusCode() != 200) {
            throw new Failed(pythonError(r));
        }
        return longAnswer(r);
    }

    static String extractError(Via via, long wsid, String pw, String table, String type) throws Exception {
        Failed f = assertThrows(Failed.class, () -> extract(s, via, wsid, pw, table, type),
                "SubmitExtractJob(" + table + ", " + type + ") should have failed");
        return f.getMessage();
    }

    /** Runs a quick job in MyDB and returns the typed CSV. */
    static String quick(TestServer server, long wsid, String pw, String sql) throws Exception {
        HttpResponse<String> r = server.get(OPS + "ExecuteQuickJob?" + form("qry", sql, "context", "MyDB",
                "taskname", "check", "isSystem", "False", "wsid", wsid, "pw", pw));
        assertEquals(200, r.statusCode(), () -> sql + " -> " + r.body());
        Element root = parse(r.body()).getDocumentElement();
        return root.getTextContent();
    }

    /** casjobs.count(): line 2 of the typed CSV. */
    static long count(TestServer server, String sql) throws Exception {
        String csv = quick(server, server.alice.wsid(), ALICE_PW, sql);
        return Long.parseLong(csv.split("\n")[1].trim());
    }

    static long rows(String table) throws Exception {
        return count(s, "SELECT COUNT(*) FROM " + table);
    }

    /** Whether alice's MyDB has the table, from information_schema (MyDB's own tables only). */
    static boolean tableExists(TestServer server, String table) throws Exception {
        return count(server, "SELECT COUNT(*) FROM information_schema.TABLES WHERE UPPER(TABLE_NAME) = UPPER('"
                + table + "')") > 0;
    }

    static boolean tableExists(String table) throws Exception {
        return tableExists(s, table);
    }

    // ------------------------------------------------------------------ helpers: jobs and files

    /** The CJJob fields of job {@code id}, read over {@code via} (SOAP12: the generated client). */
    static Map<String, String> job(TestServer server, Via via, long wsid, String pw, long id) throws Exception {
        Map<String, String> out = new HashMap<>();
        if (via == Via.SOAP12) {
            List<CJJob> jobs = client(server, "/services/jobs.asmx").getJobs(wsid, pw, "JobID : " + id, false)
                    .getCJJob();
            assertEquals(1, jobs.size(), "jobs with JobID " + id);
            CJJob j = jobs.get(0);
            out.put("JobID", String.valueOf(j.getJobID()));
            out.put("Status", String.valueOf(j.getStatus()));
            out.put("TaskName", j.getTaskName());
            out.put("OutputLoc", j.getOutputLoc() == null ? "" : j.getOutputLoc());
            out.put("Type", j.getType());
            out.put("Error", j.getError() == null ? "" : j.getError());
            out.put("Rows", String.valueOf(j.getRows()));
            return out;
        }
        HttpResponse<String> r = http(server, via, "GetJobs", "owner_wsid", wsid, "owner_pw", pw, "conditions",
                "JobID : " + id, "includeSystem", "False", "wsid", wsid, "pw", pw);
        assertEquals(200, r.statusCode(), () -> "GetJobs: " + r.body());
        Element root = parse(r.body()).getDocumentElement();
        List<Element> jobs = children(root);
        assertEquals(1, jobs.size(), () -> "jobs with JobID " + id + ": " + r.body());
        for (Element e : children(jobs.get(0))) {
            out.put(e.getLocalName(), e.getTextContent());
        }
        return out;
    }

    /** Polls GetJobs until the job has ended and (if it finished) OutputLoc is non-empty, as FRB does. */
    static Map<String, String> awaitJob(TestServer server, Via via, long wsid, String pw, long id) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Map<String, String> j;
        while (true) {
            j = job(server, via, wsid, pw, id);
            int status = Integer.parseInt(j.get("Status"));
            boolean ended = status == 3 || status == 4 || (status == 5 && !j.get("OutputLoc").isEmpty());
            if (ended || System.nanoTime() > deadline) {
                return j;
            }
            Thread.sleep(50);
        }
    }

    static Map<String, String> awaitOutput(TestServer server, Via via, long id) throws Exception {
        Map<String, String> j = awaitJob(server, via, alice, ALICE_PW, id);
        assertEquals("5", j.get("Status"), () -> "extract job " + id + " should have finished: " + j);
        assertFalse(j.get("OutputLoc").isEmpty(), () -> "OutputLoc of job " + id + ": " + j);
        return j;
    }

    static List<Element> children(Element parent) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                out.add(e);
            }
        }
        return out;
    }

    static HttpResponse<byte[]> download(String url, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).GET();
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return s.http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** A raw HTTP/1.1 request (exact path bytes and Host header); returns the whole response as text. */
    static String raw(int port, String requestLine, String host) throws Exception {
        try (Socket sock = new Socket("127.0.0.1", port)) {
            sock.setSoTimeout(10_000);
            OutputStream out = sock.getOutputStream();
            out.write((requestLine + "\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = sock.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static int rawStatus(String response) {
        return Integer.parseInt(response.substring(9, 12));
    }

    // ------------------------------------------------------------------ helpers: reading files back

    /** Any ISO-ish date/time: space or T, 0 to 9 fraction digits. */
    private static final DateTimeFormatter ANY_TS = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd['T'][' ']HH:mm:ss")
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .toFormatter(Locale.ROOT);

    static LocalDateTime parseTs(String s) {
        return LocalDateTime.parse(s, ANY_TS);
    }

    /** What FITS text holds: ASCII only, other characters become '?'. */
    static String ascii(String s) {
        StringBuilder sb = new StringBuilder();
        s.codePoints().forEach(cp -> sb.append(cp < 0x80 ? (char) cp : '?'));
        return sb.toString();
    }

    static void assertRows(String format, Object[][] expected, List<Object[]> actual) {
        assertEquals(expected.length, actual.size(), format + ": row count");
        for (int r = 0; r < expected.length; r++) {
            for (int c = 0; c < NAMES.size(); c++) {
                Object want = expected[r][c];
                Object got = actual.get(r)[c];
                String where = format + ": row " + (r + 1) + ", column " + NAMES.get(c);
                if (want == null) {
                    assertNull(got, where + " should be NULL");
                } else {
                    assertNotNull(got, where + " should be " + want);
                    assertEquals(want.getClass(), got.getClass(), where + ": Java type");
                    assertEquals(want, got, where);
                }
            }
        }
    }

    static Object[][] fitsExpected() {
        Object[][] out = new Object[ROWS.length][];
        for (int r = 0; r < ROWS.length; r++) {
            out[r] = ROWS[r].clone();
            if (out[r][3] != null) {
                out[r][3] = ascii((String) out[r][3]);
            }
        }
        return out;
    }

    static List<Object[]> readCsv(byte[] body) throws Exception {
        String text = new String(body, StandardCharsets.UTF_8);
        assertFalse(text.startsWith("\uFEFF"), "CSV: no byte order mark");
        assertTrue(text.startsWith("id,flux,obs_time,label\r\n"), () -> "CSV header line: " + text);
        List<Object[]> out = new ArrayList<>();
        try (CSVParser p = CSVParser.parse(new StringReader(text),
                CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get())) {
            assertEquals(NAMES, p.getHeaderNames(), "CSV header names");
            for (CSVRecord rec : p) {
                assertEquals(NAMES.size(), rec.size(), () -> "CSV fields of " + rec);
                String id = rec.get("id");
                String flux = rec.get("flux");
                String time = rec.get("obs_time");
                String label = rec.get("label");
                out.add(new Object[] {
                    id.isEmpty() ? null : Long.valueOf(id),
                    flux.isEmpty() ? null : Double.valueOf(flux),
                    time.isEmpty() ? null : parseTs(time),
                    label.isEmpty() ? null : label,
                });
                if (!id.isEmpty()) {
                    assertEquals(Long.toString(Long.parseLong(id)), id, "CSV: an integer in full, no exponent");
                }
            }
        }
        return out;
    }

    /** Reads a FITS or VOTable file with STIL; checks the column types; text null as null. */
    static List<Object[]> readStil(Path file, String handler) throws Exception {
        StarTable t = new StarTableFactory().makeStarTable(new FileDataSource(file.toFile()), handler);
        assertEquals(NAMES.size(), t.getColumnCount(), handler + ": column count");
        List<String> names = new ArrayList<>();
        for (int c = 0; c < t.getColumnCount(); c++) {
            names.add(t.getColumnInfo(c).getName());
        }
        assertEquals(NAMES, names, handler + ": column names");
        Class<?>[] classes = {Long.class, Double.class, String.class, String.class};
        for (int c = 0; c < classes.length; c++) {
            ColumnInfo info = t.getColumnInfo(c);
            assertEquals(classes[c], info.getContentClass(), handler + ": class of column " + info.getName());
        }
        List<Object[]> out = new ArrayList<>();
        try (RowSequence rs = t.getRowSequence()) {
            while (rs.next()) {
                Object[] row = rs.getRow();
                Object id = row[0];
                Object flux = row[1];
                if (flux instanceof Double d && d.isNaN()) {
                    // FITS D columns hold NULL as NaN; STIL also reads a null-flagged BINARY2
                    // double as NaN (votableNullFlags checks the flags themselves)
                    flux = null;
                }
                Object time = row[2] == null ? null : parseTs((String) row[2]);
                out.add(new Object[] {id, flux, time, row[3]});
            }
        }
        return out;
    }

    /** Per row, which columns are NULL, e.g. "0100". */
    static List<String> expectedNulls() {
        List<String> out = new ArrayList<>();
        for (Object[] row : ROWS) {
            StringBuilder sb = new StringBuilder();
            for (Object v : row) {
                sb.append(v == null ? '1' : '0');
            }
            out.add(sb.toString());
        }
        return out;
    }

    /**
     * The null flags of the VOTable's BINARY2 stream, decoded by hand (a leading byte of flags per
     * row, then long, double, char[*] and unicodeChar[*] cells), so that a NULL is known to be
     * flagged and not merely written as NaN.
     */
    static List<String> votableNullFlags(byte[] body) throws Exception {
        Document doc = parse(body);
        var fields = doc.getElementsByTagNameNS("*", "FIELD");
        List<String> types = new ArrayList<>();
        for (int i = 0; i < fields.getLength(); i++) {
            Element f = (Element) fields.item(i);
            types.add(f.getAttribute("datatype") + (f.hasAttribute("arraysize") ? "[" + f.getAttribute("arraysize")
                    + "]" : ""));
        }
        assertEquals(List.of("long", "double", "char[*]", "unicodeChar[*]"), types, "VOTable FIELD datatypes");
        Element stream = (Element) doc.getElementsByTagNameNS("*", "STREAM").item(0);
        assertNotNull(stream, "a BINARY2 STREAM");
        assertEquals("BINARY2", ((Element) stream.getParentNode()).getLocalName());
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(java.util.Base64.getMimeDecoder()
                .decode(stream.getTextContent().trim()));
        List<String> out = new ArrayList<>();
        while (b.hasRemaining()) {
            int flags = b.get() & 0xFF;
            StringBuilder sb = new StringBuilder();
            for (int c = 0; c < 4; c++) {
                sb.append((flags & (0x80 >> c)) != 0 ? '1' : '0');
            }
            out.add(sb.toString());
            b.getLong();
            b.getDouble();
            int chars = b.getInt();
            b.position(b.position() + chars);
            int unicodeChars = b.getInt();
            b.position(b.position() + 2 * unicodeChars);
        }
        return out;
    }

    static List<Object[]> readDataSet(byte[] body) throws Exception {
        String text = new String(body, StandardCharsets.UTF_8);
        assertTrue(text.startsWith("<?xml version=\"1.0\" encoding=\"utf-8\""), () -> "DataSet declaration: "
                + text.substring(0, Math.min(80, text.length())));
        Element root = parse(body).getDocumentElement();
        assertEquals("NewDataSet", root.getLocalName());
        assertNull(root.getNamespaceURI(), "NewDataSet has no namespace");
        List<Element> kids = children(root);
        Element schema = kids.get(0);
        assertEquals(XS, schema.getNamespaceURI());
        assertEquals("schema", schema.getLocalName());
        // the column types the schema declares
        Map<String, String> types = new LinkedHashMap<>();
        var decls = schema.getElementsByTagNameNS(XS, "element");
        for (int i = 0; i < decls.getLength(); i++) {
            Element d = (Element) decls.item(i);
            if (d.hasAttribute("type")) {
                String type = d.getAttribute("type");
                String local = type.substring(type.indexOf(':') + 1);
                String prefix = type.contains(":") ? type.substring(0, type.indexOf(':')) : null;
                assertEquals(XS, d.lookupNamespaceURI(prefix), "namespace of type " + type);
                types.put(d.getAttribute("name"), local);
            }
        }
        assertEquals(Map.of("id", "long", "flux", "double", "obs_time", "dateTime", "label", "string"), types,
                "DataSet schema types");
        assertEquals(new ArrayList<>(types.keySet()), NAMES, "DataSet column order");
        List<Object[]> out = new ArrayList<>();
        for (Element row : kids.subList(1, kids.size())) {
            assertEquals("Table", row.getLocalName());
            assertNull(row.getNamespaceURI());
            Object[] values = new Object[NAMES.size()];
            int last = -1;
            for (Element cell : children(row)) {
                assertNull(cell.getNamespaceURI());
                int c = NAMES.indexOf(cell.getLocalName());
                assertTrue(c > last, () -> "DataSet: unknown or out-of-order element " + cell.getLocalName());
                last = c;
                String v = cell.getTextContent();
                values[c] = switch (types.get(cell.getLocalName())) {
                    case "long" -> Long.valueOf(v);
                    case "double" -> switch (v) {
                        case "INF" -> Double.POSITIVE_INFINITY;
                        case "-INF" -> Double.NEGATIVE_INFINITY;
                        default -> Double.valueOf(v);
                    };
                    case "dateTime" -> LocalDateTime.parse(v); // xs:dateTime: with T, no zone here
                    default -> v;
                };
            }
            out.add(values);
        }
        return out;
    }

    // ------------------------------------------------------------------ 1. upload → extract → download → read

    /** The value of a FITS header card (after "= "): a quoted string without quotes or padding, else the token. */
    static String cardValue(String v) {
        String t = v.stripLeading();
        if (t.startsWith("'")) {
            StringBuilder sb = new StringBuilder();
            for (int i = 1; i < t.length(); i++) {
                char ch = t.charAt(i);
                if (ch == '\'') {
                    if (i + 1 < t.length() && t.charAt(i + 1) == '\'') {
                        sb.append('\'');
                        i++;
                        continue;
                    }
                    break;
                }
                sb.append(ch);
            }
            return sb.toString().stripTrailing();
        }
        int slash = t.indexOf('/');
        return (slash < 0 ? t : t.substring(0, slash)).trim();
    }

    static Stream<Arguments> extracts() {
        return Stream.of(
                Arguments.of("CSV", Via.GET, "CSV"),
                Arguments.of("FITS", Via.POST, "FITS"),
                Arguments.of("fits", Via.SOAP12, "FITS"),
                Arguments.of("VOTable", Via.SOAP12, "VOTable"),
                Arguments.of("votable", Via.GET, "VOTable"),
                Arguments.of("DataSet", Via.POST, "DataSet"),
                Arguments.of("csv", Via.SOAP12, "CSV"));
    }

    @ParameterizedTest(name = "{0} via {1}")
    @MethodSource("extracts")
    void uploadExtractDownloadAndReadBack(String type, Via via, String canonical) throws Exception {
        long id = extract(s, via, alice, ALICE_PW, T, type);
        assertTrue(id > 0, "job id " + id);
        Map<String, String> j = awaitOutput(s, via, id);
        assertEquals(T, j.get("TaskName"), "TaskName is the table name (CasJobs CL matches it)");
        assertEquals(canonical, j.get("Type"), "Type");
        assertEquals(String.valueOf(ROWS.length), j.get("Rows"), "Rows");

        String loc = j.get("OutputLoc");
        URI uri = URI.create(loc);
        assertEquals("http", uri.getScheme(), () -> "OutputLoc " + loc);
        assertEquals("127.0.0.1", uri.getHost(), () -> "OutputLoc host " + loc);
        assertEquals(s.server.port(), uri.getPort(), () -> "OutputLoc port " + loc);
        assertNull(uri.getQuery(), () -> "OutputLoc " + loc);
        Matcher m = OUTPUT_PATH.matcher(uri.getPath());
        assertTrue(m.matches(), () -> "OutputLoc path " + loc);
        assertTrue(m.group(1).length() >= 32, () -> "an unguessable token of at least 32 hex digits: " + loc);
        String ext = switch (canonical) {
            case "CSV" -> ".csv";
            case "FITS" -> ".fit";
            default -> ".xml";
        };
        assertTrue(m.group(2).startsWith(T) && m.group(2).endsWith(ext), () -> "file name in " + loc);

        // The Python clients: requests.get(OutputLoc), no credentials.
        HttpResponse<byte[]> r = download(loc);
        assertEquals(200, r.statusCode(), () -> "GET " + loc);
        byte[] body = r.body();
        assertEquals(String.valueOf(body.length), r.headers().firstValue("Content-Length").orElse(null),
                "Content-Length");
        String contentType = r.headers().firstValue("Content-Type").orElse("");
        switch (canonical) {
            case "CSV" -> assertTrue(contentType.startsWith("text/csv"), "Content-Type " + contentType);
            case "FITS" -> assertTrue(contentType.startsWith("application/fits"), "Content-Type " + contentType);
            default -> assertTrue(contentType.contains("xml"), "Content-Type " + contentType);
        }

        Path file = Files.createTempFile(s.dataDir, "download", ext);
        Files.write(file, body);
        switch (canonical) {
            case "CSV" -> assertRows("CSV", ROWS, readCsv(body));
            case "FITS" -> {
                assertTrue(body.length >= 2 * 2880 && body.length % 2880 == 0, "FITS: whole 2880-byte blocks");
                assertTrue(new String(body, 0, 80, StandardCharsets.US_ASCII).startsWith("SIMPLE  =")
                        , "FITS: primary header");
                String hdu1 = new String(body, 2880, 80, StandardCharsets.US_ASCII);
                assertTrue(hdu1.startsWith("XTENSION= 'BINTABLE'"), () -> "FITS: HDU 1 is a BINTABLE: " + hdu1);
                assertRows("FITS", fitsExpected(), readStil(file, "fits"));
            }
            case "VOTable" -> {
                assertRows("VOTable", ROWS, readStil(file, "votable"));
                assertEquals(expectedNulls(), votableNullFlags(body), "VOTable BINARY2 null flags, row by row");
            }
            case "DataSet" -> assertRows("DataSet", ROWS, readDataSet(body));
            default -> throw new AssertionError(canonical);
        }
    }

    @Test
    void fitsTableIsHdu1WithTheTableNameAndNullMarkers() throws Exception {
        long id = extract(s, Via.GET, alice, ALICE_PW, T, "FITS");
        String loc = awaitOutput(s, Via.GET, id).get("OutputLoc");
        byte[] body = download(loc).body();
        Path file = Files.createTempFile(s.dataDir, "hdu", ".fit");
        Files.write(file, body);
        // astropy's fits.open(f)[1]: STIL's "fits" handler with "#1" names HDU 1 explicitly
        StarTable t = new StarTableFactory().makeStarTable(file.toString() + "#1", "fits");
        assertEquals(ROWS.length, t.getRowCount());
        assertEquals(T, t.getName(), "EXTNAME / table name");
        // The header of HDU 1 itself, card by card.
        List<String> cards = new ArrayList<>();
        for (int off = 2880; off < body.length; off += 80) {
            String card = new String(body, off, 80, StandardCharsets.US_ASCII);
            cards.add(card);
            if (card.startsWith("END ")) {
                break;
            }
        }
        Map<String, String> kw = new LinkedHashMap<>();
        for (String card : cards) {
            if (card.length() > 9 && card.charAt(8) == '=') {
                kw.put(card.substring(0, 8).trim(), cardValue(card.substring(10)));
            }
        }
        assertEquals(T, kw.get("EXTNAME"), "EXTNAME: " + kw);
        assertEquals(String.valueOf(ROWS.length), kw.get("NAXIS2"), "NAXIS2");
        assertTrue(List.of("K", "1K").contains(kw.get("TFORM1")), () -> "id is 64-bit (K): " + kw);
        assertTrue(List.of("D", "1D").contains(kw.get("TFORM2")), () -> "flux is a double (D): " + kw);
        assertTrue(kw.get("TFORM3").matches("\\d*A"), () -> "obs_time is text (A): " + kw);
        assertTrue(kw.get("TFORM4").matches("\\d*A"), () -> "label is text (A): " + kw);
        assertNotNull(kw.get("TNULL1"), "id has NULLs: TNULL1 marks them");
        assertEquals(String.valueOf(Long.MIN_VALUE), kw.get("TNULL1"), "TNULL1: no row holds the BIGINT minimum");
    }

    // ------------------------------------------------------------------ 2, 3. ranges and 404s

    static String someOutput(String type) throws Exception {
        long id = extract(s, Via.GET, alice, ALICE_PW, T, type);
        return awaitOutput(s, Via.GET, id).get("OutputLoc");
    }

    @Test
    void rangeRequestGivesPartialContent() throws Exception {
        String loc = someOutput("VOTable");
        byte[] full = download(loc).body();
        assertTrue(full.length > 100, "file length " + full.length);
        HttpResponse<byte[]> r = download(loc, "Range", "bytes=0-99");
        assertEquals(206, r.statusCode(), "Range: bytes=0-99");
        assertEquals(100, r.body().length, "bytes of a 100-byte range");
        assertArrayEquals(Arrays.copyOf(full, 100), r.body(), "the first 100 bytes");
        assertEquals("bytes 0-99/" + full.length, r.headers().firstValue("Content-Range").orElse(null),
                "Content-Range");
        // A suffix range (resuming downloads use open ranges)
        HttpResponse<byte[]> tail = download(loc, "Range", "bytes=" + (full.length - 10) + "-");
        assertEquals(206, tail.statusCode());
        assertArrayEquals(Arrays.copyOfRange(full, full.length - 10, full.length), tail.body(), "the last 10 bytes");
        // HEAD: the length without the body (download managers ask first)
        HttpResponse<byte[]> head = s.http.send(HttpRequest.newBuilder(URI.create(loc))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, head.statusCode(), "HEAD");
        assertEquals(String.valueOf(full.length), head.headers().firstValue("Content-Length").orElse(null));
        assertEquals(0, head.body().length);
        // A range beyond the end
        HttpResponse<byte[]> beyond = download(loc, "Range", "bytes=" + (full.length + 10) + "-");
        assertEquals(416, beyond.statusCode(), "unsatisfiable range");
    }

    @Test
    void unknownTokensAndPathsAre404AndNothingIsListed() throws Exception {
        String loc = someOutput("CSV");
        URI uri = URI.create(loc);
        Matcher m = OUTPUT_PATH.matcher(uri.getPath());
        assertTrue(m.matches());
        String base = "http://127.0.0.1:" + s.server.port();
        String otherToken = "0".repeat(m.group(1).length());
        assertEquals(404, download(base + "/CasJobsOutput/" + otherToken + "/" + m.group(2)).statusCode(),
                "unknown token");
        assertEquals(404, download(base + "/CasJobsOutput/" + m.group(1) + "/Other.csv").statusCode(),
                "known token, other file");
        assertEquals(404, download(base + "/CasJobsOutput/made/up/path.csv").statusCode(), "made-up path");
        assertEquals(404, download(base + "/CasJobsOutput/nothing-here").statusCode(), "made-up file");
        int listing = download(base + "/CasJobsOutput/").statusCode();
        assertNotEquals(200, listing, "the output folder must not be listed");
        assertTrue(listing >= 400, "listing status " + listing);
        int folder = download(base + "/CasJobsOutput/" + m.group(1) + "/").statusCode();
        assertNotEquals(200, folder, "a token folder must not be listed");
        assertTrue(folder >= 300, "token folder status " + folder);
        // The data folder (job store, MyDBs, catalog secrets) sits next to the outputs folder.
        int port = s.server.port();
        for (String path : List.of("/CasJobsOutput/../catalog/secret", "/CasJobsOutput/%2e%2e/catalog/secret",
                "/CasJobsOutput/%2E%2E%2Fcatalog%2Fsecret", "/CasJobsOutput/..%2Fcatalog/secret",
                "/CasJobsOutput/" + m.group(1) + "/../../catalog/secret")) {
            String resp = raw(port, "GET " + path + " HTTP/1.1", "127.0.0.1:" + port);
            int st = rawStatus(resp);
            assertTrue(st >= 400, () -> "GET " + path + " must not escape the output folder: " + resp);
        }
    }

    // ------------------------------------------------------------------ 4, 5. uploads: append, exists, failures

    @Test
    void appendUsesTheTablesTypesAndDoublesTheRows() throws Exception {
        String t = unique("Appended");
        upload(t, DATA, false);
        assertEquals(ROWS.length, rows(t));
        String typesBefore = quick(s, alice, ALICE_PW, "SELECT COLUMN_NAME, DATA_TYPE FROM information_schema.COLUMNS"
                + " WHERE TABLE_NAME = '" + t + "' ORDER BY ORDINAL_POSITION");
        upload(t, DATA, true);
        assertEquals(2L * ROWS.length, rows(t), "tableExists=true appends every row");
        // A numpy-style whole number goes into the BIGINT column; an integer into the double column.
        upload(t, "ID,Flux\n7.000000000000000000e+00,5\n", true);
        assertEquals(1, count(s, "SELECT COUNT(*) FROM " + t + " WHERE id = 7 AND flux = 5.0"),
                "the numpy-style 7.0e+00 stored as BIGINT 7");
        assertEquals(typesBefore, quick(s, alice, ALICE_PW, "SELECT COLUMN_NAME, DATA_TYPE FROM"
                + " information_schema.COLUMNS WHERE TABLE_NAME = '" + t + "' ORDER BY ORDINAL_POSITION"),
                "column types unchanged by appends");
        long before = rows(t);

        // A value that does not fit its column: a fault naming the line and the column; nothing added.
        String msg = uploadError(t, "id,flux\n8,1\n9,2\nnot-a-number,3\n10,4\n", true);
        assertTrue(msg.contains("Line 4"), () -> "names the line: " + msg);
        assertTrue(msg.contains("'id'"), () -> "names the column: " + msg);
        assertTrue(msg.contains("not-a-number"), () -> "names the value: " + msg);
        assertEquals(before, rows(t), "no rows added by a failed append");

        String tooBig = uploadError(t, "id,flux\n8,1\n99999999999999999999,2\n", true);
        assertTrue(tooBig.contains("Line 3") && tooBig.contains("'id'"), () -> "out of range: " + tooBig);
        assertEquals(before, rows(t), "no rows added by a failed append");

        String tooLong = uploadError(t, "label\nshort\n" + "x".repeat(200) + "\n", true);
        assertTrue(tooLong.contains("Line 3") && tooLong.contains("'label'"), () -> "too long: " + tooLong);
        assertEquals(before, rows(t), "no rows added by a failed append");

        String badDouble = uploadError(t, "flux\n1\n1e400\n", true);
        assertTrue(badDouble.contains("Line 3") && badDouble.contains("'flux'"), () -> "1e400: " + badDouble);
        assertEquals(before, rows(t), "no rows added by a failed append");

        String badTime = uploadError(t, "obs_time\n2020-01-01\n2020-02-30 00:00:00\n", true);
        assertTrue(badTime.contains("Line 3") && badTime.contains("'obs_time'"), () -> "bad date: " + badTime);
        assertEquals(before, rows(t), "no rows added by a failed append");

        String unknownColumn = uploadError(t, "id,nosuch\n1,2\n", true);
        assertTrue(unknownColumn.contains("nosuch"), () -> "unknown column: " + unknownColumn);
        assertEquals(before, rows(t), "no rows added by a failed append");
    }

    @Test
    void appendFailingAfterTheFirstBatchAddsNothing() throws Exception {
        String t = unique("BigAppend");
        upload(t, "n,x\n1,0.5\n", false);
        StringBuilder csv = new StringBuilder("n,x\n");
        for (int i = 0; i < 2500; i++) {
            csv.append(i).append(',').append(i * 0.25).append('\n');
        }
        csv.append("oops,1\n"); // line 2502: well after the first batches were sent
        String msg = uploadError(t, csv.toString(), true);
        assertTrue(msg.contains("Line 2502") && msg.contains("'n'"), () -> "names line and column: " + msg);
        assertEquals(1, rows(t), "rows already sent in earlier batches are rolled back");
        // and a wrong field count as late
        StringBuilder wide = new StringBuilder("n,x\n");
        for (int i = 0; i < 1500; i++) {
            wide.append(i).append(",1\n");
        }
        wide.append("5,6,7\n");
        String w = uploadError(t, wide.toString(), true);
        assertTrue(w.contains("Line 1502"), () -> "names the line: " + w);
        assertEquals(1, rows(t), "nothing added");
    }

    @Test
    void tableExistsFalseOnAnExistingTableIsRefused() throws Exception {
        String t = unique("Existing");
        upload(t, "a\n1\n", false);
        assertEquals("There is already an object named '" + t + "' in the database.",
                uploadError(t, "a\n2\n", false));
        assertEquals(1, rows(t), "the existing table is untouched");
        // Names match in any case, as in SQL Server; T is one of them.
        String upper = t.toUpperCase(Locale.ROOT);
        assertEquals("There is already an object named '" + upper + "' in the database.",
                uploadError(upper, "a\n2\n", false));
        assertEquals("There is already an object named '" + T + "' in the database.",
                uploadError(T, "id\n1\n", false));
        assertEquals(ROWS.length, rows(T));
    }

    @Test
    void tableExistsTrueOnAMissingTableIsRefused() throws Exception {
        String t = unique("Missing");
        String msg = uploadError(t, "a\n1\n", true);
        assertTrue(msg.contains("'" + t + "'") && msg.contains("does not exist"), () -> "fault: " + msg);
        assertFalse(tableExists(t), "no table created by a failed append");
    }

    @Test
    void soap11UploadDataWithoutTableExistsCreatesANewTable() throws Exception {
        String t = unique("Soap11");
        String envelope = TestServer.soap11("    <UploadData xmlns=\"" + NS + "\">\n"
                + "      <wsid>" + alice + "</wsid>\n"
                + "      <pw>" + TestServer.x(ALICE_PW) + "</pw>\n"
                + "      <tableName>" + t + "</tableName>\n"
                + "      <data>" + TestServer.x(DATA) + "</data>\n"
                + "    </UploadData>");
        HttpResponse<String> r = s.post("/services/jobs.asmx", envelope, "Content-Type", "text/xml; charset=utf-8",
                "SOAPAction", "\"http://Services.Cas.jhu.edu/UploadData\"");
        assertEquals(200, r.statusCode(), () -> "UploadData over SOAP 1.1: " + r.body());
        Element body = (Element) parse(r.body()).getElementsByTagNameNS("http://schemas.xmlsoap.org/soap/envelope/",
                "Body").item(0);
        assertEquals("UploadDataResponse", children(body).get(0).getLocalName(), r::body);
        assertTrue(tableExists(t));
        assertEquals(ROWS.length, rows(t));
        // the same content as the form upload
        assertEquals(quick(s, alice, ALICE_PW, "SELECT * FROM " + T), quick(s, alice, ALICE_PW, "SELECT * FROM " + t),
                "same rows and types as the form-posted table");
        // and again: now it exists, so tableExists (absent = false) refuses
        HttpResponse<String> again = s.post("/services/jobs.asmx", envelope, "Content-Type",
                "text/xml; charset=utf-8", "SOAPAction", "\"http://Services.Cas.jhu.edu/UploadData\"");
        assertEquals(500, again.statusCode(), again::body);
        assertTrue(again.body().contains("There is already an object named '" + t + "' in the database."),
                again::body);
    }

    @Test
    void windowsLineEndsAndAByteOrderMarkUploadTheSameTable() throws Exception {
        String t = unique("Crlf");
        upload(t, "\uFEFF" + DATA.replace("\n", "\r\n"), false);
        assertEquals(quick(s, alice, ALICE_PW, "SELECT * FROM " + T), quick(s, alice, ALICE_PW, "SELECT * FROM " + t),
                "same rows and types as the LF upload");
    }

    @Test
    void generatedClientUploadsAndAppendsOverSoap12() throws Exception {
        String t = unique("Soap12");
        JobsSoap c = client();
        c.uploadData(alice, ALICE_PW, t, DATA, false);
        c.uploadData(alice, ALICE_PW, t, DATA, true);
        assertEquals(2L * ROWS.length, rows(t));
        SOAPFaultException e = assertThrows(SOAPFaultException.class,
                () -> c.uploadData(alice, ALICE_PW, t, DATA, false));
        assertEquals("There is already an object named '" + t + "' in the database.", soapError(e));
    }

    @Test
    void wrongFieldCountOnTheThirdRowCreatesNothing() throws Exception {
        String t = unique("Ragged");
        String ragged = "id,flux,obs_time,label\n"
                + "1,2.5,2020-01-01 00:00:00,a\n"
                + "2,3.5,2020-01-02 00:00:00,b\n"
                + "3,4.5,c\n"
                + "4,5.5,2020-01-04 00:00:00,d\n";
        String msg = uploadError(t, ragged, false);
        assertTrue(msg.contains("Line 4"), () -> "names the line (header = line 1): " + msg);
        assertTrue(msg.contains("3 values") && msg.contains("4 columns"), () -> "says what is wrong: " + msg);
        assertFalse(tableExists(t), "a failed new-table upload leaves no table");
        assertEquals(0, count(s, "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_NAME LIKE 'Ragged%'"));

        // append: the row count is unchanged
        String existing = unique("RaggedAppend");
        upload(existing, "id,flux,obs_time,label\n0,0.5,2020-01-01 00:00:00,z\n", false);
        String appendMsg = uploadError(existing, ragged, true);
        assertTrue(appendMsg.contains("Line 4"), () -> "names the line: " + appendMsg);
        assertEquals(1, rows(existing), "no rows added");

        // a too-wide row and an unterminated quote likewise
        String wide = uploadError(t, "a,b\n1,2\n3,4\n5,6,7\n", false);
        assertTrue(wide.contains("Line 4"), () -> "too wide: " + wide);
        assertFalse(tableExists(t));
        String quote = uploadError(t, "a,b\n1,2\n3,\"unterminated\n", false);
        assertFalse(quote.isBlank());
        assertFalse(tableExists(t), () -> "unterminated quote (" + quote + ") leaves no table");
    }

    @Test
    void malformedUploadsAreFaultsThatCreateNothing() throws Exception {
        String t = unique("Bad");
        for (String[] c : new String[][] {
            {"", "empty data"},
            {"   \n  ", "blank data"},
            {"1bad,name\n1,2\n", "invalid column name"},
            {"a,A\n1,2\n", "duplicate column names"},
            {"a,,b\n1,2,3\n", "a missing column name"},
        }) {
            String msg = uploadError(t, c[0], false);
            assertFalse(msg.isBlank(), c[1]);
            assertFalse(tableExists(t), () -> c[1] + " (" + msg + ") leaves no table");
        }
        String badName = uploadError("drop table x;--", "a\n1\n", false);
        assertTrue(badName.contains("not a valid table name"), () -> "bad name: " + badName);
    }

    // ------------------------------------------------------------------ 6. upload limit

    @Test
    void uploadLimitIsEnforcedWithAdvice() throws Exception {
        try (TestServer small = new TestServer(Map.of("casjobs.upload.max.bytes", "1000"))) {
            StringBuilder csv = new StringBuilder("id,name\n");
            for (int i = 0; csv.length() < 5000; i++) {
                csv.append(i).append(",name number ").append(i).append('\n');
            }
            String data = csv.substring(0, csv.lastIndexOf("\n", 5000) + 1);
            assertTrue(data.length() > 4900 && data.length() <= 5000, "about 5,000 characters: " + data.length());
            String msg = uploadError(small, "TooBig", data, false);
            assertTrue(msg.contains("1000"), () -> "says the limit: " + msg);
            // the data is not read past the limit (issue 15), so its exact size is not known
            assertTrue(msg.contains("more than the 1000"), () -> "says it is over the limit: " + msg);
            assertTrue(msg.toLowerCase(Locale.ROOT).contains("split"), () -> "says how to split: " + msg);
            assertTrue(msg.contains("tableExists"), () -> "says how to append the parts: " + msg);
            assertFalse(tableExists(small, "TooBig"), "nothing created");
            // within the limit it works, and the parts append
            upload(small, small.alice.wsid(), ALICE_PW, "TooBig", data.substring(0, data.indexOf('\n', 600) + 1),
                    false);
            assertTrue(tableExists(small, "TooBig"));
        }
    }

    // ------------------------------------------------------------------ 7. extract errors

    @Test
    void extractOfAMissingTableIsRefused() throws Exception {
        for (Via via : Via.values()) {
            assertEquals("Table 'NoSuchTable' does not exist in MyDB.",
                    extractError(via, alice, ALICE_PW, "NoSuchTable", "CSV"), via.name());
        }
        assertEquals("Table '' does not exist in MyDB.", extractError(Via.GET, alice, ALICE_PW, "", "CSV"));
    }

    @Test
    void extractTypeQueryAndUnknownTypesAreRefused() throws Exception {
        for (Via via : Via.values()) {
            String q = extractError(via, alice, ALICE_PW, T, "QUERY");
            assertTrue(q.contains("QUERY"), () -> "QUERY: " + q);
            String xls = extractError(via, alice, ALICE_PW, T, "XLS");
            assertTrue(xls.contains("XLS"), () -> "XLS: " + xls);
            for (String type : List.of("CSV", "FITS", "VOTable", "DataSet")) {
                assertTrue(xls.contains(type), () -> "the fault lists " + type + ": " + xls);
                assertTrue(q.contains(type), () -> "the fault lists " + type + ": " + q);
            }
            assertFalse(xls.contains("QUERY"), () -> "QUERY is not listed as an output type: " + xls);
            assertFalse(q.replace("'QUERY'", "").contains("QUERY"), () -> "QUERY is not listed: " + q);
        }
        String empty = extractError(Via.GET, alice, ALICE_PW, T, "");
        assertTrue(empty.contains("CSV"), () -> "empty type: " + empty);
    }

    @Test
    void bobCannotExtractAlicesTableButHerUrlIsACapability() throws Exception {
        assertEquals("Table '" + T + "' does not exist in MyDB.", extractError(Via.GET, bob, BOB_PW, T, "CSV"));
        assertEquals("Table '" + T + "' does not exist in MyDB.", extractError(Via.SOAP12, bob, BOB_PW, T, "CSV"));
        // Alice's OutputLoc is readable by anyone holding it (clients download without credentials):
        // the unguessable token is the capability.
        String loc = someOutput("CSV");
        HttpResponse<byte[]> r = download(loc);
        assertEquals(200, r.statusCode());
        // And bob cannot see alice's job (and so its OutputLoc) through GetJobs.
        HttpResponse<String> jobs = http(s, Via.GET, "GetJobs", "owner_wsid", bob, "owner_pw", BOB_PW,
                "conditions", "", "includeSystem", "False");
        assertEquals(200, jobs.statusCode(), jobs::body);
        assertFalse(jobs.body().contains(loc), "bob's GetJobs does not reveal alice's OutputLoc");
        // wrong password: a fault, no job
        String wrong = extractError(Via.GET, alice, "wrong", T, "CSV");
        assertFalse(wrong.isBlank());
    }

    @Test
    void aFailedExtractEndsAsFailedWithoutOutput() throws Exception {
        // The table is dropped between submission and the run: the job fails (4) with a message.
        String t = unique("Vanishing");
        upload(t, "a\n1\n", false);
        Set<Path> before = outputFolders();
        s.server.jobStore().setServiceState(org.opencasjobs.jobs.ServiceState.SCHEDULER,
                org.opencasjobs.jobs.ServiceState.SUSPENDED);
        long id;
        try {
            id = extract(s, Via.GET, alice, ALICE_PW, t, "CSV");
            quick(s, alice, ALICE_PW, "DROP TABLE " + t);
        } finally {
            s.server.jobStore().setServiceState(org.opencasjobs.jobs.ServiceState.SCHEDULER,
                    org.opencasjobs.jobs.ServiceState.RUNNING);
        }
        Map<String, String> j = awaitJob(s, Via.GET, alice, ALICE_PW, id);
        assertEquals("4", j.get("Status"), () -> "job " + j);
        assertEquals(before, outputFolders(), "a failed extract leaves no token folder behind");
        assertTrue(j.get("Error").contains(t), () -> "error names the table: " + j);
        assertTrue(j.getOrDefault("OutputLoc", "").isEmpty(), () -> "no OutputLoc: " + j);
    }

    // ------------------------------------------------------------------ 8, 9. the URL in OutputLoc

    @Test
    void publicBaseUrlStartsOutputLoc() throws Exception {
        try (TestServer pub = new TestServer(Map.of("casjobs.public.base.url", "https://sky.example.org"))) {
            long wsid = pub.alice.wsid();
            upload(pub, wsid, ALICE_PW, "Pub", "a,b\n1,x\n2,y\n", false);
            for (Via via : Via.values()) {
                long id = extract(pub, via, wsid, ALICE_PW, "Pub", "CSV");
                Map<String, String> j = awaitJob(pub, via, wsid, ALICE_PW, id);
                assertEquals("5", j.get("Status"), j::toString);
                String loc = j.get("OutputLoc");
                assertTrue(loc.startsWith("https://sky.example.org/CasJobsOutput/"), () -> via + ": " + loc);
                Matcher m = OUTPUT_PATH.matcher(URI.create(loc).getPath());
                assertTrue(m.matches() && m.group(1).length() >= 32, loc);
                // The path is what this server serves (a proxy at sky.example.org forwards to it).
                HttpResponse<String> r = pub.get(URI.create(loc).getRawPath());
                assertEquals(200, r.statusCode(), loc);
                assertEquals("a,b\r\n1,x\r\n2,y\r\n", r.body());
            }
        }
    }

    @Test
    void aliasPathGivesOutputLocWithTheHostAndPortTheClientUsed() throws Exception {
        int port = s.server.port();
        // Over GET on the alias path, with a Host header naming another host:port.
        String query = form("wsid", alice, "pw", ALICE_PW, "tableName", T, "type", "CSV");
        for (String alias : List.of("/CasJobs/services/jobs.asmx", "/casjobs/services/jobs.asmx")) {
            String resp = raw(port, "GET " + alias + "/SubmitExtractJob?" + query + " HTTP/1.1", "localhost:" + port);
            assertEquals(200, rawStatus(resp), resp);
            Matcher m = Pattern.compile("<long[^>]*>(\\d+)</long>").matcher(resp);
            assertTrue(m.find(), resp);
            long id = Long.parseLong(m.group(1));
            String loc = awaitOutput(s, Via.GET, id).get("OutputLoc");
            assertTrue(loc.startsWith("http://localhost:" + port + "/CasJobsOutput/"), () -> alias + ": " + loc);
        }
        // The generated client on the alias path, SOAP 1.2.
        long id = client(s, "/CasJobs/services/jobs.asmx").submitExtractJob(alice, ALICE_PW, T, "DataSet");
        String loc = awaitOutput(s, Via.SOAP12, id).get("OutputLoc");
        assertTrue(loc.startsWith("http://127.0.0.1:" + port + "/CasJobsOutput/"), loc);
        assertEquals(200, download(loc).statusCode());
        // A form POST on the alias path.
        HttpResponse<String> r = s.post("/CasJobs/services/jobs.asmx/SubmitExtractJob", form("wsid", alice, "pw",
                ALICE_PW, "tableName", T, "type", "FITS"), "Content-Type", FORM_TYPE);
        String fitsLoc = awaitOutput(s, Via.POST, longAnswer(r)).get("OutputLoc");
        assertTrue(fitsLoc.startsWith("http://127.0.0.1:" + port + "/CasJobsOutput/"), fitsLoc);
    }

    // ------------------------------------------------------------------ table names that are not file names

    /** Quick-job SQL in alice's MyDB, asserting success. */
    static void run(String sql) throws Exception {
        quick(s, alice, ALICE_PW, sql);
    }

    static Set<Path> outputFolders() throws Exception {
        try (Stream<Path> all = Files.list(s.dataDir.resolve("outputs"))) {
            return all.collect(Collectors.toSet());
        }
    }

    /** Every regular file under the data folder (job store, MyDBs, outputs) whose name starts with {@code prefix}. */
    static List<Path> filesNamed(String prefix) throws Exception {
        try (Stream<Path> all = Files.walk(s.dataDir)) {
            return all.filter(p -> p.getFileName().toString().startsWith(prefix)).filter(Files::isRegularFile)
                    .toList();
        }
    }

    @Test
    void tableNamesWithDotDotStayInsideTheirTokenFolder() throws Exception {
        String name = unique("Escape");
        run("CREATE TABLE [../../" + name + "] (a INT)");
        run("INSERT INTO [../../" + name + "] VALUES (1)");
        Set<Path> before = outputFolders();
        long id = extract(s, Via.GET, alice, ALICE_PW, "../../" + name, "CSV");
        Map<String, String> j = awaitJob(s, Via.GET, alice, ALICE_PW, id);
        Path outputs = s.dataDir.resolve("outputs").toRealPath();
        for (Path f : filesNamed(name)) {
            assertTrue(f.toRealPath().startsWith(outputs), () -> "extract wrote outside the output folder: " + f);
        }
        if (j.get("Status").equals("5")) {
            HttpResponse<byte[]> r = download(j.get("OutputLoc"));
            assertEquals(200, r.statusCode(), () -> "OutputLoc of a finished job must download: " + j);
            assertEquals("a\r\n1\r\n", new String(r.body(), StandardCharsets.UTF_8));
        } else {
            assertEquals("4", j.get("Status"), j::toString);
            assertEquals(before, outputFolders(), "a failed extract leaves no token folder");
        }
    }

    @Test
    void tableNamesWithSlashesExtractOrFailCleanly() throws Exception {
        String name = unique("slash");
        run("CREATE TABLE [" + name + "/part] (a INT)");
        run("INSERT INTO [" + name + "/part] VALUES (1)");
        Set<Path> before = outputFolders();
        long id = extract(s, Via.GET, alice, ALICE_PW, name + "/part", "CSV");
        Map<String, String> j = awaitJob(s, Via.GET, alice, ALICE_PW, id);
        if (j.get("Status").equals("5")) {
            assertEquals(name + "/part", j.get("TaskName"));
            HttpResponse<byte[]> r = download(j.get("OutputLoc"));
            assertEquals(200, r.statusCode(), () -> "OutputLoc of a finished job must download: " + j);
        } else {
            assertFalse(j.get("Error").contains("internal error"), () -> "not an internal error: " + j);
            assertEquals(before, outputFolders(), "a failed extract leaves no token folder");
        }
    }
}
