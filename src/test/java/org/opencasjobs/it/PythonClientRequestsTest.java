package org.opencasjobs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.opencasjobs.it.TestServer.ALICE_PW;
import static org.opencasjobs.it.TestServer.form;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Whole sessions of the Python {@code casjobs} (dfm/casjobs {@code casjobs.py}) and {@code mastcasjobs}
 * (rlwastro/mastcasjobs {@code mastcasjobs/__init__.py}) packages, replayed request by request with
 * {@code base_url} set to our address, and read back the way those packages read the answers.
 * The requests: {@code base_url + '/' + operation}, GET query string ({@code request_type='GET'}, the
 * default of both) or urlencoded form POST ({@code 'POST'}); the operation's parameters with the
 * packages' names and casing, then {@code wsid} and {@code pw} appended to every call (GetJobs too);
 * Python {@code str()} spellings for values ({@code True}/{@code False}). The answers: HTTP 200 or
 * failure; {@code minidom getElementsByTagName(tag)[0].firstChild.data}; {@code firstChild.data}
 * of every CJJob child; the error message through {@code _parse_error}'s DOTALL regex and
 * {@code html.unescape}; quick results through mastcasjobs' header regex, type map and NULL rule.
 *
 * <p>Single calls of each binding rule are covered by {@link HttpGetPostTest}, quick-query details by
 * {@link QueryTest} and the output formats by {@link DataInOutTest}; this class checks the packages'
 * own sequences and parsers end to end.
 */
class PythonClientRequestsTest {
    private static final String BASE_PATH = "/services/jobs.asmx";
    /** casjobs._parse_error: {@code re.compile(r'System.Exception: *(?P<msg>.*) *--->', re.DOTALL)}. */
    private static final Pattern PARSE_ERROR = Pattern.compile("System.Exception: *(?<msg>.*) *--->", Pattern.DOTALL);
    /** mastcasjobs.get_converters: {@code re.compile(r'\[(?P<name>[^[]+)\]:(?P<datatype>.+)$')}, used with match(). */
    private static final Pattern MAST_HEADER = Pattern.compile("\\[(?<name>[^\\[]+)\\]:(?<datatype>.+)");
    /** The keys of mastcasjobs' type map (lower-cased type names); any other type becomes a str column. */
    private static final Set<String> MAST_NUMERIC = Set.of("int", "smallint", "tinyint", "bigint", "integer", "bit",
            "float", "decimal", "real");
    private static final String MAST_DATETIME = "datetime";
    /** mastcasjobs.replacenull's pattern for the ',' delimiter, case-insensitive. */
    private static final Pattern MAST_NULL = Pattern.compile("(?<=[,\n])null(?=[,\n])",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    /** What numpy.datetime64 reads: ISO date and time, space or T between them. */
    private static final Pattern NUMPY_DATETIME = Pattern.compile("\\d{4}-\\d\\d-\\d\\d[ T]\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?");
    private static final List<String> STATUS_NAMES = List.of("ready", "started", "canceling", "cancelled", "failed",
            "finished");

    /** The {@code request_type} argument of {@code CasJobs(...)} / {@code MastCasJobs(...)}. */
    enum RequestType { GET, POST }

    /** What the package raises when a call answers anything but 200, with its message. */
    static final class PyException extends Exception {
        PyException(String message) {
            super(message);
        }
    }

    static TestServer s;
    static long wsid;

    @BeforeAll
    static void start() throws Exception {
        s = new TestServer();
        wsid = s.alice.wsid();
    }

    @AfterAll
    static void stop() throws Exception {
        if (s != null) {
            s.close();
        }
    }

    // ------------------------------------------------------------------ the casjobs package's calls

    static String py(Object v) {
        return v instanceof Boolean b ? (b ? "True" : "False") : v.toString();
    }

    /** CasJobs._send_request with userid=alice's wsid and her password. */
    static HttpResponse<String> send(RequestType t, String op, Object... params) throws Exception {
        return sendAs(t, wsid, ALICE_PW, op, params);
    }

    static HttpResponse<String> sendAs(RequestType t, long userid, String password, String op, Object... params)
            throws Exception {
        List<Object> all = new ArrayList<>();
        for (Object p : params) {
            all.add(py(p));
        }
        all.addAll(List.of("wsid", py(userid), "pw", password)); // params["wsid"] = params.get("wsid", self.userid)
        String path = BASE_PATH + "/" + op; // self.base_url + '/' + job_type
        String encoded = form(all.toArray());
        HttpResponse<String> r = t == RequestType.GET
                ? s.get(path + "?" + encoded) // requests.get(path, params=params)
                : s.post(path, encoded, "Content-Type", "application/x-www-form-urlencoded"); // requests.post(data=)
        if (r.statusCode() != 200) {
            throw new PyException(op + " failed with status: " + r.statusCode() + "\n" + parseError(r.body()));
        }
        return r;
    }

    /** CasJobs._parse_error: the DOTALL regex's msg group, else the first two lines; HTML-unescaped. */
    static String parseError(String text) {
        Matcher m = PARSE_ERROR.matcher(text);
        String msg = m.find() ? m.group("msg") : String.join("\n", Arrays.asList(text.split("\n", -1))
                .subList(0, Math.min(2, text.split("\n", -1).length)));
        return htmlUnescape(msg);
    }

    /** Python's html.unescape for the references an HTML encoder writes. */
    static String htmlUnescape(String text) {
        Matcher m = Pattern.compile("&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);").matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String ref = m.group(1);
            String ch = switch (ref) {
                case "amp" -> "&";
                case "lt" -> "<";
                case "gt" -> ">";
                case "quot" -> "\"";
                case "apos" -> "'";
                default -> Character.toString(ref.startsWith("#x")
                        ? Integer.parseInt(ref.substring(2), 16) : Integer.parseInt(ref.substring(1)));
            };
            m.appendReplacement(sb, Matcher.quoteReplacement(ch));
        }
        return m.appendTail(sb).toString();
    }

    /** CasJobs._parse_single: {@code minidom.parseString(text).getElementsByTagName(tagname)[0].firstChild.data}. */
    static String parseSingle(String text, String tagname) throws Exception {
        NodeList found = TestServer.xml(text).getElementsByTagName(tagname);
        assertTrue(found.getLength() > 0, () -> "no <" + tagname + "> (IndexError in the client): " + text);
        Node first = found.item(0).getFirstChild();
        assertNotNull(first, () -> "empty <" + tagname + "> (AttributeError in the client): " + text);
        assertEquals(Node.TEXT_NODE, first.getNodeType(), () -> "text of <" + tagname + ">: " + text);
        return first.getNodeValue();
    }

    /** CasJobs.quick(q, context, task_name='quickie', system=False). */
    static String quick(RequestType t, String q, String context) throws Exception {
        return quick(t, q, context, "quickie", false);
    }

    static String quick(RequestType t, String q, String context, String taskName, boolean system) throws Exception {
        return parseSingle(send(t, "ExecuteQuickJob", "qry", q, "context", context, "taskname", taskName,
                "isSystem", system).body(), "string");
    }

    /** CasJobs.submit(q, context, task_name='casjobs', estimate=30). */
    static long submit(RequestType t, String q, String context) throws Exception {
        return Long.parseLong(parseSingle(send(t, "SubmitJob", "qry", q, "context", context, "taskname", "casjobs",
                "estimate", 30).body(), "long"));
    }

    /** CasJobs.status(job_id): (code, name). */
    static int status(RequestType t, long jobId) throws Exception {
        int code = Integer.parseInt(parseSingle(send(t, "GetJobStatus", "jobid", jobId).body(), "int"));
        assertTrue(code >= 0 && code < STATUS_NAMES.size(), "a status the client can name: " + code);
        return code;
    }

    /** CasJobs.monitor(job_id): polls status until 3, 4 or 5 (a 2-minute guard against hanging, not a timing check). */
    static String monitor(RequestType t, long jobId) throws Exception {
        long guard = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < guard) {
            int code = status(t, jobId);
            if (code >= 3) {
                return STATUS_NAMES.get(code);
            }
            Thread.sleep(50);
        }
        return fail("job " + jobId + " never reached a final status");
    }

    /** CasJobs.job_info(**kwargs): GetJobs with "k : v" joined by ';', every CJJob child by firstChild.data. */
    static List<Map<String, String>> jobInfo(RequestType t, String key, Object value) throws Exception {
        String body = send(t, "GetJobs", "owner_wsid", wsid, "owner_pw", ALICE_PW, "conditions", key + " : " + py(value),
                "includeSystem", false).body();
        List<Map<String, String>> results = new ArrayList<>();
        NodeList jobs = TestServer.xml(body).getElementsByTagName("CJJob");
        for (int i = 0; i < jobs.getLength(); i++) {
            Map<String, String> job = new LinkedHashMap<>();
            for (Node e = jobs.item(i).getFirstChild(); e != null; e = e.getNextSibling()) {
                if (e.getNodeType() != Node.TEXT_NODE) {
                    Node text = e.getFirstChild();
                    String tag = ((Element) e).getTagName();
                    assertNotNull(text, () -> "empty <" + tag + "> makes job_info() raise: " + body);
                    job.put(tag, text.getNodeValue());
                }
            }
            results.add(job);
        }
        return results;
    }

    /** CasJobs.request_output(table, outtype). */
    static long requestOutput(RequestType t, String table, String outtype) throws Exception {
        assertTrue(List.of("CSV", "DataSet", "FITS", "VOTable").contains(outtype));
        return Long.parseLong(parseSingle(send(t, "SubmitExtractJob", "tableName", table, "type", outtype).body(),
                "long"));
    }

    /** CasJobs.get_output(job_id, outfn): job_info(jobid=…)[0], Status 5, then requests.get(OutputLoc). */
    static byte[] getOutput(RequestType t, long jobId) throws Exception {
        Map<String, String> info = jobInfo(t, "jobid", jobId).get(0);
        assertEquals(5, Integer.parseInt(info.get("Status")), () -> "status of output job " + jobId + ": " + info);
        String remote = info.get("OutputLoc");
        HttpResponse<byte[]> r = s.http.send(HttpRequest.newBuilder(URI.create(remote)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode(), () -> "Getting file " + remote);
        return r.body();
    }

    /** CasJobs.drop_table(table): a batch job in MYDB that must finish. */
    static void dropTable(RequestType t, String table) throws Exception {
        long job = submit(t, "DROP TABLE " + table, "MYDB");
        assertEquals("finished", monitor(t, job), "Couldn't drop table " + table);
    }

    /** CasJobs.count(q): int(quick("SELECT COUNT(*) " + q).split("\n")[1]). */
    static long count(RequestType t, String q, String context) throws Exception {
        return Long.parseLong(quick(t, "SELECT COUNT(*) " + q, context).split("\n", -1)[1]);
    }

    /** CasJobs.list_tables(): a system quick job in MYDB; the lines between the first and the last, unquoted. */
    static List<String> listTables(RequestType t) throws Exception {
        String res = quick(t, "SELECT Distinct TABLE_NAME FROM information_schema.TABLES", "MYDB", "listtables", true);
        String[] lines = res.split("\n", -1);
        List<String> names = new ArrayList<>();
        for (String l : Arrays.asList(lines).subList(1, lines.length - 1)) {
            names.add(l.substring(1, l.length() - 1));
        }
        return names;
    }

    // ------------------------------------------------------------------ mastcasjobs' readers

    /** A quick result as mastcasjobs.convert_quick_table sees it: column names, types and rows. */
    record QuickTable(List<String> names, List<String> types, List<List<String>> rows) {
        List<String> column(String name) {
            int i = names.indexOf(name);
            assertTrue(i >= 0, () -> "no column " + name + " in " + names);
            return rows.stream().map(r -> r.get(i)).toList();
        }
    }

    /**
     * mastcasjobs.convert_quick_table: header columns through get_converters' regex, NULLs blanked by
     * replacenull, then the text read as CSV with the header line replaced by those names.
     */
    static QuickTable convertQuickTable(String result) throws Exception {
        String headline = result.split("\n", 2)[0];
        List<String> names = new ArrayList<>();
        List<String> types = new ArrayList<>();
        for (String c : headline.split(",", -1)) {
            Matcher m = MAST_HEADER.matcher(c);
            assertTrue(m.matches(), () -> "mastcasjobs cannot parse column name '" + c + "' in " + headline);
            names.add(m.group("name"));
            types.add(m.group("datatype").toLowerCase(Locale.ROOT));
        }
        String text = result.startsWith("null,") ? result.substring(4) : result;
        text = MAST_NULL.matcher(text).replaceAll("");
        List<List<String>> rows = new ArrayList<>();
        List<CSVRecord> records = CSVFormat.DEFAULT.parse(new StringReader(text)).getRecords();
        for (CSVRecord rec : records.subList(1, records.size())) {
            assertEquals(names.size(), rec.size(), () -> "fields in row " + rec + " of " + result);
            rows.add(rec.toList());
        }
        return new QuickTable(names, types, rows);
    }

    /** MastCasJobs.quick(q, context, astropy=True). */
    static QuickTable mastQuick(RequestType t, String q, String context) throws Exception {
        return convertQuickTable(quick(t, q, context));
    }

    /** MastCasJobs.upload_table(tablename, data, exists). */
    static void uploadTable(RequestType t, String table, String data, boolean exists) throws Exception {
        HttpResponse<String> r = send(t, "UploadData", "tableName", table, "data", data, "tableExists", exists);
        assertEquals("", r.body(), "UploadData answers nothing");
    }

    // ------------------------------------------------------------------ sessions

    @ParameterizedTest
    @EnumSource(RequestType.class)
    void casjobsSession(RequestType t) throws Exception {
        String stars = "PyStars_" + t;

        String res = quick(t, "SELECT TOP 3 objID, ra, dec, r FROM PhotoObj WHERE type = 6", "Sample");
        assertEquals("[objID]:Integer,[ra]:Float,[dec]:Float,[r]:Float", res.split("\n")[0], res);
        assertEquals(5, res.split("\n", -1).length, () -> "header, 3 rows, final line break: " + res);

        long n = count(t, "FROM PhotoObj WHERE type = 6", "Sample");
        String all = quick(t, "SELECT objID FROM PhotoObj WHERE type = 6", "Sample");
        assertEquals(all.split("\n", -1).length - 2, n, "count() reads the COUNT(*) on line 2");

        long job = submit(t, "SELECT TOP 10 objID, ra, dec INTO mydb." + stars + " FROM PhotoObj WHERE type = 6",
                "Sample");
        assertEquals("finished", monitor(t, job));
        List<Map<String, String>> info = jobInfo(t, "jobid", job);
        assertEquals(1, info.size(), () -> "job_info(jobid=" + job + "): " + info);
        assertEquals("5", info.get(0).get("Status"));
        assertEquals("10", info.get(0).get("Rows"));
        assertEquals("casjobs", info.get(0).get("TaskName"));
        assertFalse(info.get(0).containsKey("Error"), () -> "no Error on a finished job: " + info);
        assertTrue(listTables(t).contains(stars), "list_tables() shows " + stars);

        for (String type : List.of("CSV", "DataSet", "FITS", "VOTable")) {
            long out = requestOutput(t, stars, type);
            assertEquals("finished", monitor(t, out), "output job " + type);
            byte[] file = getOutput(t, out);
            String head = new String(file, 0, Math.min(file.length, 400), StandardCharsets.ISO_8859_1);
            switch (type) {
                case "CSV" -> assertTrue(head.startsWith("objID,ra,dec"), head);
                case "FITS" -> assertTrue(head.startsWith("SIMPLE  ="), head);
                case "VOTable" -> assertTrue(head.contains("<VOTABLE"), head);
                default -> assertTrue(head.startsWith("<") && file.length > 100, head);
            }
        }

        dropTable(t, stars);
        assertFalse(listTables(t).contains(stars), "drop_table() removed " + stars);

        long bad = submit(t, "SELECT 1/0 AS x INTO mydb.PyBad_" + t, "Sample");
        assertEquals("failed", monitor(t, bad));
        Map<String, String> failed = jobInfo(t, "jobid", bad).get(0);
        assertEquals("4", failed.get("Status"));
        assertFalse(failed.getOrDefault("Error", "").isBlank(), () -> "the failed job says why: " + failed);
    }

    @ParameterizedTest
    @EnumSource(RequestType.class)
    void mastcasjobsSession(RequestType t) throws Exception {
        String table = "PyUp_" + t;
        uploadTable(t, table, "id,name,mag,seen\n1,alpha,12.5,2020-01-02 03:04:05\n2,beta,,2021-02-03 04:05:06\n",
                false);
        uploadTable(t, table, "id,name,mag,seen\n3,gamma,13.25,2022-03-04 05:06:07\n", true);

        // get_table(): "select top 0 * from T" to see that it exists, then "select * from T"
        QuickTable empty = mastQuick(t, "select top 0 * from " + table, "MYDB");
        assertEquals(List.of("id", "name", "mag", "seen"), empty.names());
        assertEquals(List.of(), empty.rows());
        // fast_table()'s existence check brackets the name
        assertEquals(empty.names(), mastQuick(t, "select top 0 * from [" + table + "]", "MYDB").names());

        QuickTable tab = mastQuick(t, "select * from " + table, "MYDB");
        assertEquals(3, tab.rows().size(), () -> "rows: " + tab);
        assertTrue(MAST_NUMERIC.contains(tab.types().get(0)), "id becomes a numeric column: " + tab.types());
        assertFalse(MAST_NUMERIC.contains(tab.types().get(1)), "name stays text: " + tab.types());
        assertTrue(MAST_NUMERIC.contains(tab.types().get(2)), "mag becomes a numeric column: " + tab.types());
        assertEquals(MAST_DATETIME, tab.types().get(3), "seen becomes datetime64: " + tab.types());
        assertEquals(List.of("1", "2", "3"), tab.column("id"));
        assertEquals(List.of("alpha", "beta", "gamma"), tab.column("name"));
        assertEquals("", tab.column("mag").get(1), "the NULL mag is blank after replacenull()");
        for (String v : tab.column("seen")) {
            assertTrue(NUMPY_DATETIME.matcher(v).matches(), () -> "numpy.datetime64 reads " + v);
        }

        QuickTable tables = mastQuick(t, "SELECT Distinct TABLE_NAME FROM information_schema.TABLES", "MYDB");
        assertTrue(tables.column("TABLE_NAME").contains(table), () -> "list_tables(): " + tables);

        for (int i = 0; i < 2; i++) { // drop_table_if_exists(), the second time a no-op
            QuickTable dropped = mastQuick(t, "DROP TABLE IF EXISTS " + table, "MYDB");
            assertEquals(List.of("Rows Affected"), dropped.names());
            assertTrue(MAST_NUMERIC.contains(dropped.types().get(0)), dropped.types().toString());
        }
        assertFalse(mastQuick(t, "SELECT Distinct TABLE_NAME FROM information_schema.TABLES", "MYDB")
                .column("TABLE_NAME").contains(table), "the table is gone");
    }

    @Test
    void everyColumnTypeWeWriteReadsAsMastcasjobsExpects() throws Exception {
        QuickTable tab = mastQuick(RequestType.GET, "SELECT CAST(1 AS TINYINT) AS ti, CAST(2 AS SMALLINT) AS si,"
                + " CAST(3 AS INT) AS i, CAST(4 AS BIGINT) AS bi, CAST(1.5 AS REAL) AS re, CAST(2.5 AS FLOAT) AS fl,"
                + " CAST(3.25 AS DECIMAL(6,2)) AS de, CAST('2020-01-02 03:04:05' AS DATETIME) AS dt, 'null' AS s,"
                + " NULL AS n, CAST(1 AS BIT) AS b", "Sample");
        Map<String, String> types = new LinkedHashMap<>();
        for (int i = 0; i < tab.names().size(); i++) {
            types.put(tab.names().get(i), tab.types().get(i));
        }
        for (String numeric : List.of("ti", "si", "i", "bi", "re", "fl", "de")) {
            assertTrue(MAST_NUMERIC.contains(types.get(numeric)),
                    () -> numeric + " is " + types.get(numeric) + ", which mastcasjobs would read as text: " + types);
        }
        assertEquals(MAST_DATETIME, types.get("dt"), () -> "types: " + types);
        List<String> row = tab.rows().get(0);
        assertEquals("3.25", tab.column("de").get(0));
        assertTrue(NUMPY_DATETIME.matcher(tab.column("dt").get(0)).matches(), () -> "datetime value " + row);
        assertEquals("null", tab.column("s").get(0), "a quoted 'null' string survives replacenull()");
        assertEquals("", tab.column("n").get(0), "a NULL is blanked by replacenull()");
        assertFalse(tab.column("b").get(0).isEmpty(), () -> "bit value " + row);
    }

    // ------------------------------------------------------------------ errors as _parse_error shows them

    @ParameterizedTest
    @EnumSource(RequestType.class)
    void errorsReadCleanlyThroughTheDotAllRegex(RequestType t) throws Exception {
        // CasJobs(...)'s default context is DR7: the first thing a user of ours may see
        PyException e = assertThrows(PyException.class, () -> quick(t, "SELECT 1 AS x", "DR7"));
        assertEquals("ExecuteQuickJob failed with status: 500\nUnknown context 'DR7'. Available contexts: MyDB, Sample.",
                e.getMessage().stripTrailing());

        e = assertThrows(PyException.class, () -> sendAs(t, s.bob.wsid(), "not bob's password", "GetJobStatus",
                "jobid", 1));
        assertEquals("GetJobStatus failed with status: 500\nInvalid WebServicesID or password.",
                e.getMessage().stripTrailing());

        // an SQL error whose text may quote the query, arrow included: still one clean message
        for (String q : List.of("SELECT * FROM NoSuchTable_py -- ---> here", "SELEC 1 ---> 2")) {
            PyException sql = assertThrows(PyException.class, () -> quick(t, q, "Sample"));
            String msg = sql.getMessage().substring(sql.getMessage().indexOf('\n') + 1);
            assertFalse(msg.isBlank(), q);
            assertFalse(msg.contains("\n") || msg.contains("\r"), () -> "one line: [" + msg + "]");
            assertFalse(msg.contains("System.Exception") || msg.contains("\tat "), () -> "just the message: " + msg);
        }
        // a syntax error is refused at submission, never a job id of -1
        PyException submitted = assertThrows(PyException.class, () -> submit(t, "SELEC 1 ---> 2", "Sample"));
        String smsg = submitted.getMessage().substring(submitted.getMessage().indexOf('\n') + 1);
        assertFalse(smsg.isBlank() || smsg.contains("\n") || smsg.contains("\r"), () -> "one line: [" + smsg + "]");
    }
}
