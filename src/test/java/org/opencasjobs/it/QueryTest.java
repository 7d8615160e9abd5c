package org.opencasjobs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opencasjobs.it.TestServer.ALICE_PW;
import static org.opencasjobs.it.TestServer.BOB_PW;
import static org.opencasjobs.it.TestServer.NS;
import static org.opencasjobs.it.TestServer.form;

import jakarta.xml.ws.soap.SOAPFaultException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.opencasjobs.jobs.Account;
import org.opencasjobs.wire.CJJob;
import org.opencasjobs.wire.ExecuteQuickJobDSResponse;
import org.opencasjobs.wire.Job;
import org.opencasjobs.wire.JobsSoap;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Queries end to end (CONTRACT.md §5, §6, §8): ExecuteQuickJob's typed CSV, ExecuteQuickJobDS,
 * MyDB tables made by quick and batch jobs, SubmitJob/SubmitJobInto run by the scheduler, errors
 * at submission and at run time, and the private MyDBs, through the generated CXF client on both
 * SOAP ports and through HTTP GET/POST the way the Python {@code casjobs}/{@code mastcasjobs}
 * clients call them.
 */
class QueryTest {
    private static final String OPS = "/services/jobs.asmx/";
    private static final String UNSET_TIME = "0001-01-01T00:00:00";
    private static final String FAULT_PREFIX = "Server was unable to process request. ---> ";
    /** The Python clients' error regex; '.' stops at line ends, as in Python. */
    private static final Pattern PY_ERROR = Pattern.compile("System.Exception: *(.*) *--->");
    /** What the casjobs package's list_tables() sends, in context MYDB, as a system job. */
    private static final String LIST_TABLES = "SELECT Distinct TABLE_NAME FROM information_schema.TABLES";
    private static final String TOP3 = "SELECT TOP 3 objID, ra, dec, r, type FROM PhotoObj ORDER BY objID";
    private static final String TOP3_HEADER = "[objID]:Integer,[ra]:Float,[dec]:Float,[r]:Float,[type]:Integer";
    private static final String XS = "http://www.w3.org/2001/XMLSchema";
    private static final String DIFFGR = "urn:schemas-microsoft-com:xml-diffgram-v1";
    private static final AtomicInteger SEQ = new AtomicInteger();

    /** How a call travels: the Python clients' GET or form POST, or the generated client's SOAP ports. */
    enum Via { GET, POST, SOAP11, SOAP12 }

    /** A caller: account and password. */
    record User(Account account, String pw) {
        long wsid() {
            return account.wsid();
        }
    }

    /** The answer of a call that failed: the message a client shows. */
    static final class Failed extends Exception {
        Failed(String message) {
            super(message);
        }
    }

    static TestServer s;
    static User alice;
    static User bob;
    /** An account used only by the list_tables test, so its MyDB holds exactly what that test made. */
    static User carol;

    @BeforeAll
    static void start() throws Exception {
        s = new TestServer(Map.of("casjobs.login.max.failures", "1000"));
        alice = new User(s.alice, ALICE_PW);
        bob = new User(s.bob, BOB_PW);
        carol = new User(s.server.accounts().create("carol", "carol&pw", false), "carol&pw");
    }

    @AfterAll
    static void stop() throws Exception {
        if (s != null) {
            s.close();
        }
    }

    // ------------------------------------------------------------------ helpers

    static String unique(String prefix) {
        return prefix + SEQ.incrementAndGet();
    }

    static JobsSoap client(TestServer server, Via via) {
        return server.client(via != Via.SOAP11);
    }

    static JobsSoap client(Via via) {
        return client(s, via);
    }

    /** GET with a query string or form POST, parameters in the order the Python client's dict has them. */
    static HttpResponse<String> http(TestServer server, Via via, String op, Object... pairs) throws Exception {
        return via == Via.GET
                ? server.get(OPS + op + "?" + form(pairs))
                : server.post(OPS + op, form(pairs), "Content-Type", "application/x-www-form-urlencoded");
    }

    static Document parse(String body) throws Exception {
        return TestServer.xml(body);
    }

    /** Python's {@code minidom.parseString(text).getElementsByTagName(tag)[0].firstChild.data}. */
    static String pythonSingle(HttpResponse<String> r, String tag) throws Exception {
        assertEquals(200, r.statusCode(), () -> "status; body: " + r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/xml"), "Content-Type");
        Element e = (Element) parse(r.body()).getElementsByTagName(tag).item(0);
        assertNotNull(e, () -> "no <" + tag + "> in " + r.body());
        Node text = e.getFirstChild();
        assertNotNull(text, () -> "empty <" + tag + ">: " + r.body());
        assertEquals(Node.TEXT_NODE, text.getNodeType());
        return text.getNodeValue();
    }

    /** The message of a failed GET/POST call, extracted with the Python clients' regex and unescaped. */
    static String pythonError(HttpResponse<String> r) {
        assertEquals(500, r.statusCode(), () -> "status; body: " + r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"),
                () -> "Content-Type of an error: " + r.headers().firstValue("Content-Type"));
        assertTrue(r.body().startsWith("System.Exception: "), () -> "error body: " + r.body());
        Matcher m = PY_ERROR.matcher(r.body());
        assertTrue(m.find(), () -> "no 'System.Exception: … --->' in: " + r.body());
        return m.group(1).trim().replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
                .replace("&#39;", "'").replace("&amp;", "&");
    }

    static String soapError(SOAPFaultException e) {
        String m = e.getMessage();
        assertTrue(m.startsWith(FAULT_PREFIX), () -> "fault string: " + m);
        return m.substring(FAULT_PREFIX.length());
    }

    /** ExecuteQuickJob: the typed CSV, or {@link Failed} with the message a client extracts. */
    static String tryQuick(TestServer server, Via via, User u, String qry, String context, String task,
                           boolean system) throws Exception {
        if (via == Via.SOAP11 || via == Via.SOAP12) {
            try {
                return client(server, via).executeQuickJob(u.wsid(), u.pw(), qry, context, task, system);
            } catch (SOAPFaultException e) {
                throw new Failed(soapError(e));
            }
        }
        HttpResponse<String> r = http(server, via, "ExecuteQuickJob", "qry", qry, "context", context, "taskname", task,
                "isSystem", system ? "True" : "False", "wsid", u.wsid(), "pw", u.pw());
        if (r.statusCode() != 200) {
            throw new Failed(pythonError(r));
        }
        return pythonSingle(r, "string");
    }

    static String quick(Via via, User u, String qry, String context) throws Exception {
        return quick(via, u, qry, context, "quickie", false);
    }

    static String quick(Via via, User u, String qry, String context, String task, boolean system) throws Exception {
        try {
            return tryQuick(s, via, u, qry, context, task, system);
        } catch (Failed f) {
            throw new AssertionError("ExecuteQuickJob failed (" + via + ", " + context + "): " + qry + "\n  -> "
                    + f.getMessage(), f);
        }
    }

    static String quickError(Via via, User u, String qry, String context) throws Exception {
        return quickError(s, via, u, qry, context, "quickie");
    }

    static String quickError(TestServer server, Via via, User u, String qry, String context, String task)
            throws Exception {
        Failed f = assertThrows(Failed.class, () -> tryQuick(server, via, u, qry, context, task, false),
                () -> via + ": " + qry + " must fail");
        return f.getMessage();
    }

    /** The lines of a typed CSV text without the empty string after its final line break. */
    static List<String> lines(String csv) {
        assertTrue(csv.endsWith("\n"), () -> "typed CSV must end with a line break: [" + csv + "]");
        return List.of(csv.substring(0, csv.length() - 1).split("\n", -1));
    }

    /** The Python client's list_tables(): names between the first and last character of each data line. */
    static List<String> listTables(User u) throws Exception {
        String res = quick(Via.GET, u, LIST_TABLES, "MYDB", "listtables", true);
        String[] parts = res.split("\n", -1);
        List<String> names = new ArrayList<>();
        for (String l : Arrays.asList(parts).subList(1, parts.length - 1)) {
            assertTrue(l.length() >= 2 && l.startsWith("\"") && l.endsWith("\""), () -> "quoted name: " + l);
            names.add(l.substring(1, l.length() - 1));
        }
        return names;
    }

    /** SubmitJob the way the Python client calls it; returns the job id. */
    static long submitGet(User u, String qry, String context, String task, int estimate) throws Exception {
        return Long.parseLong(pythonSingle(http(s, Via.GET, "SubmitJob", "qry", qry, "context", context,
                "taskname", task, "estimate", estimate, "wsid", u.wsid(), "pw", u.pw()), "long"));
    }

    static int status(User u, long id) throws Exception {
        return Integer.parseInt(pythonSingle(http(s, Via.GET, "GetJobStatus", "jobid", id, "wsid", u.wsid(),
                "pw", u.pw()), "int"));
    }

    /** Polls GetJobStatus until the job is final (3, 4, 5), at most 20 s; returns every status seen. */
    static List<Integer> waitFinal(User u, long id) throws Exception {
        List<Integer> seen = new ArrayList<>();
        long deadline = System.nanoTime() + 20_000_000_000L;
        int st;
        do {
            st = status(u, id);
            if (seen.isEmpty() || seen.get(seen.size() - 1) != st) {
                seen.add(st);
            }
            if (st >= 3) {
                break;
            }
            Thread.sleep(25);
        } while (System.nanoTime() < deadline);
        return seen;
    }

    /** GetJobs the way the Python client's job_info() reads it: each CJJob's children by name. */
    static List<Map<String, String>> jobInfo(User u, String conditions, boolean includeSystem) throws Exception {
        HttpResponse<String> r = http(s, Via.GET, "GetJobs", "owner_wsid", u.wsid(), "owner_pw", u.pw(),
                "conditions", conditions, "includeSystem", includeSystem ? "True" : "False",
                "wsid", u.wsid(), "pw", u.pw());
        assertEquals(200, r.statusCode(), () -> "GetJobs: " + r.body());
        List<Map<String, String>> out = new ArrayList<>();
        var jobs = parse(r.body()).getElementsByTagName("CJJob");
        for (int i = 0; i < jobs.getLength(); i++) {
            Map<String, String> job = new LinkedHashMap<>();
            for (Node n = jobs.item(i).getFirstChild(); n != null; n = n.getNextSibling()) {
                if (n instanceof Element e) {
                    assertNotNull(e.getFirstChild(), () -> "empty <" + e.getTagName() + "> breaks job_info(): "
                            + r.body());
                    job.put(e.getTagName(), e.getFirstChild().getNodeValue());
                }
            }
            out.add(job);
        }
        return out;
    }

    static Map<String, String> job(User u, long id) throws Exception {
        List<Map<String, String>> jobs = jobInfo(u, "JobID : " + id, true);
        assertEquals(1, jobs.size(), () -> "jobs with id " + id + ": " + jobs);
        return jobs.get(0);
    }

    static List<Map<String, String>> jobsNamed(User u, String task, boolean includeSystem) throws Exception {
        return jobInfo(u, "TaskName : " + task, includeSystem);
    }

    static Job jobsJob(User u, long id) {
        List<Job> jobs = client(Via.SOAP12).getJobsJob(u.wsid(), u.pw(), "jobid:" + id, true).getJob();
        assertEquals(1, jobs.size());
        return jobs.get(0);
    }

    /** The value of a one-row, one-column typed CSV, e.g. a COUNT(*). */
    static String scalar(String csv) {
        List<String> l = lines(csv);
        assertEquals(2, l.size(), () -> "one row expected: " + csv);
        return l.get(1);
    }

    /** Asserts a finished job's times are set and ordered. */
    static void assertTimesSet(Map<String, String> j) {
        assertNotEquals(UNSET_TIME, j.get("TimeStart"), () -> "TimeStart: " + j);
        assertNotEquals(UNSET_TIME, j.get("TimeEnd"), () -> "TimeEnd: " + j);
        assertTrue(j.get("TimeSubmit").compareTo(j.get("TimeStart")) <= 0, () -> "submit <= start: " + j);
        assertTrue(j.get("TimeStart").compareTo(j.get("TimeEnd")) <= 0, () -> "start <= end: " + j);
    }

    // ------------------------------------------------------------------ 1. typed CSV

    @ParameterizedTest
    @EnumSource(Via.class)
    void quickJobAnswersTypedCsv(Via via) throws Exception {
        String csv = quick(via, alice, TOP3, "Sample");
        List<String> l = lines(csv);
        assertEquals(4, l.size(), () -> "header and 3 rows: " + csv);
        assertEquals(TOP3_HEADER, l.get(0));
        Pattern row = Pattern.compile("(\\d+),(-?[0-9.E+-]+),(-?[0-9.E+-]+),(-?[0-9.E+-]+),([36])");
        long previous = Long.MIN_VALUE;
        for (String line : l.subList(1, 4)) {
            Matcher m = row.matcher(line);
            assertTrue(m.matches(), () -> "row: " + line);
            long objId = Long.parseLong(m.group(1));
            assertTrue(objId > previous, "ORDER BY objID: " + csv);
            previous = objId;
            double ra = Double.parseDouble(m.group(2));
            double dec = Double.parseDouble(m.group(3));
            assertTrue(ra >= 0 && ra < 360 && dec >= -90 && dec <= 90, () -> "position: " + line);
        }
        // The first objID is the smallest of the table.
        assertEquals(l.get(1).split(",")[0], scalar(quick(via, alice, "SELECT MIN(objID) AS m FROM PhotoObj", "Sample")));
    }

    @Test
    void quickResultIsTheSameTextOnEveryProtocol() throws Exception {
        String get = quick(Via.GET, alice, TOP3, "Sample");
        for (Via via : Via.values()) {
            assertEquals(get, quick(via, alice, TOP3, "Sample"), via + " vs GET");
        }
        String strings = "SELECT TOP 2 class, 'a\"b' AS q, CAST(NULL AS INT) AS n FROM SpecObj ORDER BY specObjID";
        String getStrings = quick(Via.GET, alice, strings, "Sample");
        for (Via via : Via.values()) {
            assertEquals(getStrings, quick(via, alice, strings, "Sample"), via + " vs GET");
        }
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void countReadsLineTwo(Via via) throws Exception {
        // casjobs.count(): int(self.quick("SELECT COUNT(*) " + q).split("\n")[1])
        String csv = quick(via, alice, "SELECT COUNT(*) FROM PhotoObjAll", "Sample");
        assertEquals("2000", csv.split("\n")[1], () -> "typed CSV: " + csv);
        assertTrue(csv.split("\n")[0].endsWith("]:Integer"), () -> "header: " + csv);
        assertEquals(3, csv.split("\n", -1).length, () -> "one row and a final line break: " + csv);
    }

    @Test
    void stringsAreQuotedAndNullsAreNull() throws Exception {
        String csv = quick(Via.GET, alice, "SELECT TOP 2 class FROM SpecObj ORDER BY specObjID", "Sample");
        List<String> l = lines(csv);
        assertEquals(List.of("[class]:String"), l.subList(0, 1));
        assertEquals(3, l.size(), csv);
        for (String v : l.subList(1, 3)) {
            assertTrue(v.matches("\"(GALAXY|STAR|QSO)\""), () -> "quoted class: " + v);
        }
        assertEquals("[s]:String\n\"say \"\"hi\"\", bye\"\n", quick(Via.GET, alice, "SELECT 'say \"hi\", bye' AS s",
                "Sample"), "embedded quotes doubled, comma kept inside the quotes");
        assertEquals("[i]:Integer,[s]:String,[f]:Float\nnull,null,null\n", quick(Via.GET, alice,
                "SELECT CAST(NULL AS INT) AS i, CAST(NULL AS VARCHAR(10)) AS s, CAST(NULL AS FLOAT) AS f", "Sample"));
        String empty = quick(Via.GET, alice, "SELECT objID FROM PhotoObj WHERE objID < 0", "Sample");
        assertEquals("[objID]:Integer\n", empty, "no rows: the header alone");
    }

    @Test
    void bracketsTopAndQualifiedNamesWork() throws Exception {
        List<String> top3 = lines(quick(Via.GET, alice, TOP3, "Sample"));
        String csv = quick(Via.GET, alice, "SELECT TOP 2 [objID], [ra] FROM [PhotoObj] ORDER BY [objID]", "Sample");
        List<String> l = lines(csv);
        assertEquals("[objID]:Integer,[ra]:Float", l.get(0));
        assertEquals(3, l.size(), csv);
        for (int i = 1; i <= 2; i++) {
            String[] full = top3.get(i).split(",");
            assertEquals(full[0] + "," + full[1], l.get(i));
        }
        assertEquals(csv, quick(Via.GET, alice,
                "SELECT TOP 2 [objID], [ra] FROM sample.PhotoObj ORDER BY [objID]", "Sample"), "sample.PhotoObj");
        assertEquals(csv, quick(Via.GET, alice,
                "SELECT TOP 2 [objID], [ra] FROM Sample.[PhotoObj] ORDER BY [objID]", "MyDB"), "Sample. from MyDB");
    }

    @Test
    void contextNamesMatchWhateverTheCase() throws Exception {
        String reference = quick(Via.GET, alice, TOP3, "Sample");
        for (String ctx : List.of("sample", "SAMPLE", "sAmPlE")) {
            assertEquals(reference, quick(Via.GET, alice, TOP3, ctx), ctx);
            assertEquals(reference, quick(Via.SOAP12, alice, TOP3, ctx), ctx);
        }
        for (String ctx : List.of("mydb", "MYDB", "myDb")) {
            assertEquals("[n]:Integer\n2000\n", quick(Via.GET, alice, "SELECT COUNT(*) AS n FROM Sample.PhotoObjAll", ctx),
                    ctx);
        }
    }

    @Test
    void myDbTablesCanBeNamedFromTheSampleContext() throws Exception {
        String t = unique("Ref");
        quick(Via.GET, alice, "CREATE TABLE " + t + " (objID BIGINT, note VARCHAR(10))", "MyDB");
        quick(Via.GET, alice, "INSERT INTO " + t + " SELECT TOP 2 objID, 'x' FROM Sample.PhotoObj ORDER BY objID",
                "MyDB");
        String expected = quick(Via.GET, alice, "SELECT objID, note FROM " + t + " ORDER BY objID", "MyDB");
        assertEquals(3, lines(expected).size(), expected);
        for (String ref : List.of("mydb." + t, "MYDB." + t, "MyDB." + t, "mydb.dbo." + t, "mydb.." + t)) {
            assertEquals(expected, quick(Via.GET, alice, "SELECT objID, note FROM " + ref + " ORDER BY objID", "Sample"),
                    ref);
        }
        String join = quick(Via.POST, alice, "SELECT p.objID, m.note FROM PhotoObj p JOIN mydb." + t
                + " m ON m.objID = p.objID ORDER BY p.objID", "Sample");
        assertEquals(expected, join, "a join between the catalog and MyDB");
    }

    // ------------------------------------------------------------------ 2. list_tables, drop_table_if_exists

    /** The caller's MyDB tables by information_schema, filtered to the MyDB schema. */
    static List<String> myDbTables(Via via, User u) throws Exception {
        String csv = quick(via, u, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'dbo'"
                + " ORDER BY table_name", "MYDB");
        List<String> l = lines(csv);
        assertTrue(l.get(0).equalsIgnoreCase("[table_name]:String"), () -> "header: " + csv);
        return l.subList(1, l.size()).stream().map(n -> {
            assertTrue(n.length() >= 2 && n.startsWith("\"") && n.endsWith("\""), () -> "quoted name: " + n);
            return n.substring(1, n.length() - 1);
        }).toList();
    }

    @Test
    void informationSchemaListsMyDbTablesAndDropIfExistsAnswersTypedCsv() throws Exception {
        assertEquals(List.of(), myDbTables(Via.GET, carol), "a new MyDB is empty");
        quick(Via.GET, carol, "CREATE TABLE Alpha (a INT)", "MYDB");
        quick(Via.GET, carol, "SELECT TOP 3 objID INTO mydb.Beta FROM PhotoObj", "Sample");
        for (Via via : Via.values()) {
            assertEquals(List.of("Alpha", "Beta"), myDbTables(via, carol), via.name());
        }
        // mastcasjobs' drop_table_if_exists(): a quick job in MYDB, the answer parsed as typed CSV
        assertEquals("[Rows Affected]:Integer\n0\n", quick(Via.GET, carol, "DROP TABLE IF EXISTS Alpha", "MYDB"));
        assertEquals(List.of("Beta"), myDbTables(Via.GET, carol));
        assertEquals("[Rows Affected]:Integer\n0\n", quick(Via.POST, carol, "DROP TABLE IF EXISTS Alpha", "MYDB"),
                "dropping a missing table is no error");
        assertEquals("[Rows Affected]:Integer\n0\n", quick(Via.SOAP11, carol, "DROP TABLE IF EXISTS mydb.Beta",
                "MYDB"));
        assertEquals(List.of(), myDbTables(Via.SOAP12, carol));
    }

    @Test
    void pythonListTablesShowsOnlyTheCallersTables() throws Exception {
        User dave = new User(s.server.accounts().create("dave", "dave-pw", false), "dave-pw");
        assertEquals(List.of(), listTables(dave), "a new MyDB is empty");
        quick(Via.GET, dave, "CREATE TABLE Alpha (a INT)", "MYDB");
        quick(Via.GET, dave, "SELECT TOP 3 objID INTO mydb.Beta FROM PhotoObj", "Sample");
        List<String> names = listTables(dave);
        assertEquals(List.of("Alpha", "Beta"), names.stream().sorted().toList(), "list_tables(): " + names);
        quick(Via.GET, dave, "DROP TABLE IF EXISTS Alpha", "MYDB");
        assertEquals(List.of("Beta"), listTables(dave));
    }

    /** The CasJobs Java command-line tool's {@code tables} command: a system quick job in MyDB over SOAP 1.2. */
    private static final String CLI_TABLES =
            "select table_name as Tables from INFORMATION_SCHEMA.Tables where TABLE_TYPE = 'BASE TABLE'";

    @ParameterizedTest
    @EnumSource(Via.class)
    void commandLineToolTablesListsOnlyTheCallersMyDbTables(Via via) throws Exception {
        User erin = new User(s.server.accounts().create(unique("erin"), "erin-pw", false), "erin-pw");
        assertEquals("[Tables]:String\n", quick(via, erin, CLI_TABLES, "MyDB", "quickie", true), "a new MyDB is empty");
        quick(Via.GET, erin, "CREATE TABLE Gamma (a INT)", "MYDB");
        quick(Via.GET, erin, "SELECT TOP 1 objID INTO mydb.Delta FROM PhotoObj", "Sample");
        quick(Via.GET, bob, "CREATE TABLE " + unique("NotErins") + " (a INT)", "MYDB");
        List<String> l = lines(quick(via, erin, CLI_TABLES, "MyDB", "quickie", true));
        assertEquals("[Tables]:String", l.get(0));
        assertEquals(List.of("\"Delta\"", "\"Gamma\""), l.subList(1, l.size()).stream().sorted().toList());
    }

    @Test
    void listTablesRunsAsAHiddenSystemJob() throws Exception {
        listTables(alice);
        assertEquals(List.of(), jobsNamed(alice, "listtables", false), "a system job is hidden from GetJobs");
        List<Map<String, String>> all = jobsNamed(alice, "listtables", true);
        assertFalse(all.isEmpty(), "but recorded");
        assertEquals("5", all.get(0).get("Status"));
        assertEquals("MyDB", all.get(0).get("Context"));
    }

    // ------------------------------------------------------------------ 3. DDL and DML in MyDB

    @ParameterizedTest
    @EnumSource(Via.class)
    void createInsertSelectDropByQuickJobs(Via via) throws Exception {
        String t = unique("Stars");
        assertEquals("[Rows Affected]:Integer\n0\n",
                quick(via, alice, "CREATE TABLE " + t + " (id INT, name VARCHAR(20), mag REAL)", "MyDB"));
        assertEquals("[Rows Affected]:Integer\n2\n",
                quick(via, alice, "INSERT INTO " + t + " (id, name, mag) VALUES (1, 'Vega', 0.03), (2, 'Deneb', 1.25)",
                        "MyDB"));
        assertEquals("[Rows Affected]:Integer\n1\n",
                quick(via, alice, "INSERT INTO mydb." + t + " VALUES (3, NULL, NULL)", "Sample"));
        assertEquals("[id]:Integer,[name]:String,[mag]:Float\n1,\"Vega\",0.03\n2,\"Deneb\",1.25\n3,null,null\n",
                quick(via, alice, "SELECT * FROM " + t + " ORDER BY id", "MyDB"));
        assertEquals("[Rows Affected]:Integer\n1\n",
                quick(via, alice, "UPDATE " + t + " SET mag = 2 WHERE id = 2", "MyDB"));
        assertEquals("[Rows Affected]:Integer\n1\n", quick(via, alice, "DELETE FROM " + t + " WHERE id = 3", "MyDB"));
        assertEquals("[Rows Affected]:Integer\n0\n", quick(via, alice, "DROP TABLE " + t, "MyDB"));
        String gone = quickError(via, alice, "SELECT * FROM " + t, "MyDB");
        assertTrue(gone.toLowerCase().contains(t.toLowerCase()) && gone.contains("not found"),
                () -> "dropped table: " + gone);
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void quickSelectIntoCreatesTheTable(Via via) throws Exception {
        String t = unique("Q");
        String task = unique("into-");
        String answer = quick(via, alice, "SELECT TOP 7 objID, r INTO mydb." + t + " FROM PhotoObj ORDER BY objID",
                "Sample", task, false);
        assertEquals("[Rows Affected]:Integer\n7\n", answer);
        assertEquals("7", scalar(quick(via, alice, "SELECT COUNT(*) AS n FROM " + t, "MyDB")));
        assertEquals("[objID]:Integer,[r]:Float", lines(quick(via, alice, "SELECT * FROM mydb." + t, "Sample")).get(0));
        Map<String, String> j = jobsNamed(alice, task, false).get(0);
        assertEquals("5", j.get("Status"));
        assertEquals("7", j.get("Rows"), "rows written by the quick SELECT … INTO");
        String again = quickError(via, alice, "SELECT TOP 1 objID INTO mydb." + t + " FROM PhotoObj", "Sample");
        assertEquals("There is already an object named '" + t + "' in the database.", again);
        assertEquals("7", scalar(quick(via, alice, "SELECT COUNT(*) AS n FROM " + t, "MyDB")), "existing table intact");
    }

    // ------------------------------------------------------------------ 4. ExecuteQuickJobDS

    static List<Element> elements(Node parent) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                out.add(e);
            }
        }
        return out;
    }

    /** Checks an inline schema and a diffgram and returns the objID of every row. */
    static List<String> dataSetRows(List<Element> parts) {
        assertEquals(2, parts.size(), "xs:schema and diffgr:diffgram");
        Element schema = parts.get(0);
        Element diffgram = parts.get(1);
        assertEquals(XS, schema.getNamespaceURI());
        assertEquals("schema", schema.getLocalName());
        assertTrue(schema.getElementsByTagNameNS(XS, "element").getLength() >= 3, "columns declared");
        assertEquals(DIFFGR, diffgram.getNamespaceURI());
        assertEquals("diffgram", diffgram.getLocalName());
        List<Element> sets = elements(diffgram);
        assertEquals(1, sets.size());
        assertEquals("NewDataSet", sets.get(0).getLocalName());
        List<String> ids = new ArrayList<>();
        for (Element table : elements(sets.get(0))) {
            assertEquals("Table", table.getLocalName());
            assertEquals("Table" + (ids.size() + 1), table.getAttributeNS(DIFFGR, "id"));
            Element objId = elements(table).get(0);
            assertEquals("objID", objId.getLocalName());
            assertEquals("ra", elements(table).get(1).getLocalName());
            ids.add(objId.getTextContent());
        }
        return ids;
    }

    static List<String> csvObjIds() throws Exception {
        return lines(quick(Via.GET, alice, TOP3, "Sample")).subList(1, 4).stream().map(l -> l.split(",")[0]).toList();
    }

    @ParameterizedTest
    @EnumSource(value = Via.class, names = {"SOAP11", "SOAP12"})
    void quickJobDataSetThroughTheGeneratedClient(Via via) throws Exception {
        ExecuteQuickJobDSResponse.ExecuteQuickJobDSResult r = client(via).executeQuickJobDS(alice.wsid(), alice.pw(),
                "SELECT TOP 3 objID, ra FROM PhotoObj ORDER BY objID", "Sample", "ds", false);
        List<Element> parts = new ArrayList<>();
        for (Object o : r.getAny()) {
            assertTrue(o instanceof Element, () -> "a DOM element: " + o);
            parts.add((Element) o);
        }
        assertEquals(csvObjIds(), dataSetRows(parts));
    }

    @ParameterizedTest
    @EnumSource(value = Via.class, names = {"GET", "POST"})
    void quickJobDataSetOverHttp(Via via) throws Exception {
        HttpResponse<String> r = http(s, via, "ExecuteQuickJobDS", "qry",
                "SELECT TOP 3 objID, ra FROM PhotoObj ORDER BY objID", "context", "Sample", "taskname", "ds",
                "isSystem", "False", "wsid", alice.wsid(), "pw", alice.pw());
        assertEquals(200, r.statusCode(), r::body);
        Element root = parse(r.body()).getDocumentElement();
        assertEquals("DataSet", root.getTagName());
        assertEquals(NS, root.getNamespaceURI());
        assertEquals(csvObjIds(), dataSetRows(elements(root)));
    }

    // ------------------------------------------------------------------ 5. the quick row limit

    @Test
    void quickResultOverTheLimitSaysToSubmitABatchJob() throws Exception {
        try (TestServer small = new TestServer(Map.of("casjobs.quick.max.rows", "5", "casjobs.sample.rows", "50"))) {
            User a = new User(small.alice, ALICE_PW);
            assertEquals(6, lines(tryQuick(small, Via.GET, a, "SELECT TOP 5 objID FROM PhotoObj", "Sample", "five",
                    false)).size(), "5 rows are within the limit");
            for (Via via : Via.values()) {
                String m = quickError(small, via, a, "SELECT TOP 6 objID FROM PhotoObj", "Sample", "six");
                assertTrue(m.contains("more than 5 rows"), () -> via + ": " + m);
                assertTrue(m.contains("batch job") && m.contains("SELECT") && m.contains("INTO mydb."),
                        () -> via + ": " + m);
            }
            // The limit is on the answer, not on what a job writes into MyDB.
            assertEquals("[Rows Affected]:Integer\n50\n", tryQuick(small, Via.GET, a,
                    "SELECT objID INTO mydb.AllOfThem FROM PhotoObj", "Sample", "all", false));
        }
    }

    /**
     * The byte limit (issue 15: a 1 GB answer, an OutOfMemoryError) stops a quick result while it
     * is written, on all four protocols and for the DataSet too; the job is recorded failed.
     */
    @Test
    void quickResultOverTheByteLimitFailsTheJob() throws Exception {
        try (TestServer small = new TestServer(Map.of("casjobs.quick.max.bytes", "2048", "casjobs.sample.rows", "50"))) {
            User a = new User(small.alice, ALICE_PW);
            String tooLarge = "The result is larger than the 2 KiB a quick query may return. Submit it as a batch job"
                    + " with SELECT … INTO mydb.YourTable, then extract or query the table.";
            // "[s]:String\n" and a quoted value of 2000 characters: 2014 bytes
            assertEquals("[s]:String\n\"" + "x".repeat(2000) + "\"\n", tryQuick(small, Via.GET, a,
                    "SELECT REPEAT('x', 2000) AS s", "Sample", "under", false), "2014 bytes are within the limit");
            for (Via via : Via.values()) {
                assertEquals(tooLarge, quickError(small, via, a, "SELECT REPEAT('x', 4000) AS s", "Sample",
                        "over-" + via), via.toString());
            }
            JobsSoap soap = client(small, Via.SOAP12);
            assertEquals(2, soap.executeQuickJobDS(a.wsid(), a.pw(), "SELECT REPEAT('x', 1900) AS s", "Sample",
                    "ds-under", false).getAny().size(), "schema and diffgram of a result within the limit");
            String dsQuery = "SELECT REPEAT('x', 1000) AS s UNION ALL SELECT REPEAT('y', 1000)";
            for (Via via : Via.values()) {
                String m;
                if (via == Via.SOAP11 || via == Via.SOAP12) {
                    m = soapError(assertThrows(SOAPFaultException.class, () -> client(small, via).executeQuickJobDS(
                            a.wsid(), a.pw(), dsQuery, "Sample", "ds-over-" + via, false)));
                } else {
                    m = pythonError(http(small, via, "ExecuteQuickJobDS", "qry", dsQuery, "context", "Sample",
                            "taskname", "ds-over-" + via, "isSystem", "False", "wsid", a.wsid(), "pw", a.pw()));
                }
                assertEquals(tooLarge, m, via.toString());
            }
            List<CJJob> jobs = soap.getJobs(a.wsid(), a.pw(), "", true).getCJJob();
            Map<String, CJJob> byTask = new HashMap<>();
            jobs.forEach(j -> byTask.put(j.getTaskName(), j));
            for (Via via : Via.values()) {
                for (String task : List.of("over-" + via, "ds-over-" + via)) {
                    CJJob j = byTask.get(task);
                    assertNotNull(j, () -> task + " recorded: " + byTask.keySet());
                    assertEquals(4, j.getStatus(), task + " failed");
                    assertEquals(tooLarge, j.getError(), task);
                }
            }
            assertEquals(5, byTask.get("under").getStatus());
            assertEquals(5, byTask.get("ds-under").getStatus());
            // Rows are computed as they are written: the limit stops the query before its 900th row,
            // which would divide by zero (H2 would otherwise build the whole result first).
            assertEquals(tooLarge, quickError(small, Via.GET, a, "SELECT X, 1 / (X - 900) AS y FROM SYSTEM_RANGE(1, 1000)",
                    "Sample", "lazy"));
        }
    }

    // ------------------------------------------------------------------ 6. quick jobs are recorded

    @ParameterizedTest
    @EnumSource(Via.class)
    void quickJobsAreRecordedAndCannotBeCancelled(Via via) throws Exception {
        String task = unique("recorded-");
        String q = "SELECT TOP 1 objID FROM PhotoObj";
        quick(via, alice, q, "sample", task, false);
        List<Map<String, String>> jobs = jobsNamed(alice, task, false);
        assertEquals(1, jobs.size(), () -> "quick job listed: " + jobs);
        Map<String, String> j = jobs.get(0);
        assertEquals("5", j.get("Status"));
        assertEquals(task, j.get("TaskName"));
        assertEquals("QUERY", j.get("Type"));
        assertEquals(q, j.get("Query"));
        assertEquals("Sample", j.get("Context"));
        assertEquals("1", j.get("Queue"), "the quick queue's timeout");
        assertEquals(String.valueOf(alice.wsid()), j.get("WebServicesID"));
        assertFalse(j.containsKey("Error"), () -> "no error: " + j);
        assertTimesSet(j);

        long id = Long.parseLong(j.get("JobID"));
        HttpResponse<String> cancel = http(s, Via.GET, "CancelJob", "jobid", id, "wsid", alice.wsid(), "pw", alice.pw());
        assertEquals(200, cancel.statusCode(), cancel::body);
        client(Via.SOAP12).cancelJob(alice.wsid(), alice.pw(), id);
        assertEquals(5, status(alice, id), "cancelling a quick job has no effect");
        assertEquals(j, job(alice, id), "nothing about it changed");
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void systemQuickJobsAreListedOnlyWithIncludeSystem(Via via) throws Exception {
        String task = unique("system-");
        quick(via, alice, "SELECT 1 AS one", "Sample", task, true);
        assertEquals(List.of(), jobsNamed(alice, task, false), "hidden without includeSystem");
        List<Map<String, String>> all = jobsNamed(alice, task, true);
        assertEquals(1, all.size(), () -> "listed with includeSystem: " + all);
        assertEquals("5", all.get(0).get("Status"));
        List<CJJob> soap = client(Via.SOAP11).getJobs(alice.wsid(), alice.pw(), "taskname:" + task, false).getCJJob();
        assertEquals(0, soap.size(), "hidden through SOAP too");
        assertEquals(1, client(Via.SOAP11).getJobs(alice.wsid(), alice.pw(), "taskname:" + task, true).getCJJob().size());
    }

    // ------------------------------------------------------------------ 7. batch jobs

    @Test
    void readmeExampleBatchIntoMyDbThenQuickQuery() throws Exception {
        long id = submitGet(alice, "SELECT TOP 10 objID, ra, dec INTO mydb.MyTable FROM PhotoObj WHERE r < 22",
                "Sample", "readme", 500);
        assertTrue(id > 0);
        List<Integer> seen = waitFinal(alice, id);
        assertEquals(5, seen.get(seen.size() - 1), () -> "statuses " + seen + ", job " + jobInfoQuiet(id));
        assertTrue(List.of(0, 1, 5).containsAll(seen), "statuses seen: " + seen);
        Map<String, String> j = job(alice, id);
        assertEquals("10", j.get("Rows"));
        assertEquals("500", j.get("Queue"));
        assertEquals("readme", j.get("TaskName"));
        assertTimesSet(j);
        assertEquals("MyTable", jobsJob(alice, id).getCreatedTable());

        String csv = quick(Via.GET, alice, "SELECT * FROM mydb.MyTable", "MyDB");
        List<String> l = lines(csv);
        assertEquals("[objID]:Integer,[ra]:Float,[dec]:Float", l.get(0));
        assertEquals(11, l.size(), csv);
        assertEquals("10", scalar(quick(Via.GET, alice, "SELECT COUNT(*) AS n FROM MyTable m JOIN Sample.PhotoObj p"
                + " ON p.objID = m.objID WHERE p.r < 22", "MyDB")), "the rows are the ones asked for");

        // INTO an existing table: the job fails and the table is left alone
        long again = submitGet(alice, "SELECT TOP 3 objID, ra, dec INTO mydb.MyTable FROM PhotoObj", "Sample",
                "readme-again", 500);
        List<Integer> seen2 = waitFinal(alice, again);
        assertEquals(4, seen2.get(seen2.size() - 1), "statuses " + seen2);
        Map<String, String> failed = job(alice, again);
        assertEquals("There is already an object named 'MyTable' in the database.", failed.get("Error"));
        assertTimesSet(failed);
        assertEquals(csv, quick(Via.GET, alice, "SELECT * FROM mydb.MyTable", "MyDB"), "existing table intact");
    }

    private static String jobInfoQuiet(long id) {
        try {
            return job(alice, id).toString();
        } catch (Exception | AssertionError e) {
            return "?";
        }
    }

    @ParameterizedTest
    @EnumSource(value = Via.class, names = {"SOAP11", "SOAP12"})
    void batchSelectWithoutIntoCreatesAUniqueTable(Via via) throws Exception {
        JobsSoap c = client(via);
        String q = "SELECT TOP 4 objID, r FROM PhotoObj ORDER BY objID";
        long first = c.submitJob(alice.wsid(), alice.pw(), q, "Sample", "nointo", 30);
        long second = c.submitJob(alice.wsid(), alice.pw(), q, "Sample", "nointo", 30);
        assertEquals(5, last(waitFinal(alice, first)));
        assertEquals(5, last(waitFinal(alice, second)));
        String t1 = jobsJob(alice, first).getCreatedTable();
        String t2 = jobsJob(alice, second).getCreatedTable();
        assertNotNull(t1, "Created_Table of a batch SELECT without INTO");
        assertNotNull(t2);
        assertNotEquals(t1, t2, "unique names");
        CJJob j = c.getJobs(alice.wsid(), alice.pw(), "jobid:" + first, false).getCJJob().get(0);
        assertEquals(4, j.getRows());
        String expected = quick(via, alice, q, "Sample");
        assertEquals(expected, quick(via, alice, "SELECT * FROM mydb.[" + t1 + "] ORDER BY objID", "Sample"));
        assertEquals(expected, quick(via, alice, "SELECT * FROM [" + t2 + "] ORDER BY objID", "MyDB"));
        assertTrue(myDbTables(Via.GET, alice).containsAll(List.of(t1, t2)), "listed in information_schema");
    }

    @ParameterizedTest
    @EnumSource(value = Via.class, names = {"SOAP11", "SOAP12"})
    void submitJobIntoWritesTheNamedTable(Via via) throws Exception {
        JobsSoap c = client(via);
        String t = unique("Into");
        long id = c.submitJobInto(alice.wsid(), alice.pw(), "SELECT TOP 6 objID, g - r AS gr FROM PhotoObj ORDER BY objID",
                "Sample", t, "into", 500);
        assertEquals(5, last(waitFinal(alice, id)), () -> "job " + jobInfoQuiet(id));
        Job j = jobsJob(alice, id);
        assertEquals(t, j.getCreatedTable());
        assertEquals(6, j.getRows());
        String csv = quick(via, alice, "SELECT * FROM " + t, "MyDB");
        assertEquals("[objID]:Integer,[gr]:Float", lines(csv).get(0));
        assertEquals(7, lines(csv).size(), csv);

        long again = c.submitJobInto(alice.wsid(), alice.pw(), "SELECT TOP 1 objID, r AS gr FROM PhotoObj", "Sample",
                t, "into-again", 500);
        assertEquals(4, last(waitFinal(alice, again)));
        assertEquals("There is already an object named '" + t + "' in the database.",
                c.getJobs(alice.wsid(), alice.pw(), "jobid:" + again, false).getCJJob().get(0).getError());
        assertEquals(csv, quick(via, alice, "SELECT * FROM " + t, "MyDB"), "existing table intact");
    }

    static int last(List<Integer> statuses) {
        return statuses.get(statuses.size() - 1);
    }

    // ------------------------------------------------------------------ 8. errors

    @ParameterizedTest
    @EnumSource(Via.class)
    void syntaxErrorsFaultAtSubmissionAndRecordNoJob(Via via) throws Exception {
        String task = unique("syntax-");
        String bad = "SELEC TOP 10 objID FROM PhotoObj";
        String message;
        if (via == Via.GET || via == Via.POST) {
            HttpResponse<String> r = http(s, via, "SubmitJob", "qry", bad, "context", "Sample", "taskname", task,
                    "estimate", 30, "wsid", alice.wsid(), "pw", alice.pw());
            assertFalse(r.body().contains("<long"), () -> "no job id: " + r.body());
            message = pythonError(r);
        } else {
            message = soapError(assertThrows(SOAPFaultException.class,
                    () -> client(via).submitJob(alice.wsid(), alice.pw(), bad, "Sample", task, 30)));
        }
        assertTrue(message.startsWith("Syntax error in the query"), message);
        assertFalse(message.contains("Exception") || message.contains("jsqlparser"), () -> "no Java: " + message);
        assertEquals(List.of(), jobsNamed(alice, task, true), "no job recorded");

        String intoMessage = soapError(assertThrows(SOAPFaultException.class, () -> client(Via.SOAP11).submitJobInto(
                alice.wsid(), alice.pw(), "SELECT objID FROM PhotoObj WHERE", "Sample", "T", task, 30)));
        assertTrue(intoMessage.startsWith("Syntax error in the query"), intoMessage);
        assertEquals(List.of(), jobsNamed(alice, task, true), "no job recorded");
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void runTimeErrorsFailTheJob(Via via) throws Exception {
        String t = unique("X");
        String q = "SELECT * INTO mydb." + t + " FROM NoSuchTable";
        long id = via == Via.GET || via == Via.POST
                ? Long.parseLong(pythonSingle(http(s, via, "SubmitJob", "qry", q, "context", "Sample", "taskname",
                "missing", "estimate", 30, "wsid", alice.wsid(), "pw", alice.pw()), "long"))
                : client(via).submitJob(alice.wsid(), alice.pw(), q, "Sample", "missing", 30);
        assertTrue(id > 0, "a job id, not a fault");
        assertEquals(4, last(waitFinal(alice, id)));
        Map<String, String> j = job(alice, id);
        String error = j.get("Error");
        assertNotNull(error, () -> "Error of a failed job: " + j);
        assertTrue(error.contains("NoSuchTable"), () -> "names the table: " + error);
        assertFalse(error.contains("SQL statement") || error.contains("CREATE TABLE") || error.contains("[42"),
                () -> "no engine internals: " + error);
        assertTimesSet(j);
        assertFalse(myDbTables(Via.GET, alice).contains(t), "no table left behind");
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void unknownContextIsAFault(Via via) throws Exception {
        String task = unique("ctx-");
        String expected = "Unknown context 'DR99'. Available contexts: MyDB, Sample.";
        assertEquals(expected, quickError(s, via, alice, "SELECT 1 AS one", "DR99", task));
        String submit;
        if (via == Via.GET || via == Via.POST) {
            submit = pythonError(http(s, via, "SubmitJob", "qry", "SELECT 1 AS one", "context", "DR99",
                    "taskname", task, "estimate", 30, "wsid", alice.wsid(), "pw", alice.pw()));
        } else {
            submit = soapError(assertThrows(SOAPFaultException.class,
                    () -> client(via).submitJob(alice.wsid(), alice.pw(), "SELECT 1 AS one", "DR99", task, 30)));
        }
        assertEquals(expected, submit);
        assertEquals(List.of(), jobsNamed(alice, task, true), "no job recorded");
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void badQuickSqlIsAFaultWithAClearMessage(Via via) throws Exception {
        String syntax = quickError(via, alice, "SELECT objID FROM PhotoObj WHERE", "Sample");
        assertTrue(syntax.startsWith("Syntax error in the query"), syntax);
        assertTrue(syntax.contains("line 1"), () -> "position: " + syntax);

        String task = unique("quickfail-");
        String missing = quickError(s, via, alice, "SELECT * FROM NoSuchTable", "Sample", task);
        assertTrue(missing.contains("NoSuchTable") && missing.contains("not found"), missing);
        assertFalse(missing.contains("SQL statement") || missing.contains("[42"), () -> "no engine internals: " + missing);
        List<Map<String, String>> failed = jobsNamed(alice, task, false);
        assertEquals(1, failed.size(), () -> "the failed quick job is listed: " + failed);
        assertEquals("4", failed.get(0).get("Status"));
        assertEquals(missing, failed.get(0).get("Error"));
        assertTimesSet(failed.get(0));
    }

    @Test
    void pythonRegexExtractsTheWholeMessage() throws Exception {
        HttpResponse<String> r = http(s, Via.GET, "ExecuteQuickJob", "qry", "SELECT * FROM NoSuchTable",
                "context", "Sample", "taskname", "py", "isSystem", "False", "wsid", alice.wsid(), "pw", alice.pw());
        String body = r.body();
        Matcher m = PY_ERROR.matcher(body);
        assertTrue(m.find(), body);
        assertTrue(body.startsWith("System.Exception: "), body);
        assertFalse(m.group(1).isBlank(), body);
        assertTrue(body.substring(m.end()).startsWith("\r\n") || body.substring(m.end()).startsWith("\n"),
                () -> "a line break after --->: " + body);
    }

    // ------------------------------------------------------------------ 9. private MyDBs

    @Test
    void myDbsArePrivate() throws Exception {
        quick(Via.GET, alice, "SELECT TOP 5 objID INTO mydb.Secret FROM PhotoObj", "Sample");
        assertEquals("5", scalar(quick(Via.GET, alice, "SELECT COUNT(*) AS n FROM mydb.Secret", "Sample")));
        for (String ctx : List.of("Sample", "MyDB")) {
            for (Via via : Via.values()) {
                String m = quickError(via, bob, "SELECT * FROM mydb.Secret", ctx);
                assertTrue(m.contains("Secret") && m.contains("not found"), () -> via + " " + ctx + ": " + m);
            }
        }
        assertEquals(List.of(), myDbTables(Via.GET, bob), "bob's MyDB is empty");
        // bob may make a table of the same name: it is his own
        assertEquals("[Rows Affected]:Integer\n1\n", quick(Via.GET, bob,
                "SELECT TOP 1 objID INTO mydb.Secret FROM PhotoObj", "Sample"));
        assertEquals("1", scalar(quick(Via.GET, bob, "SELECT COUNT(*) AS n FROM Secret", "MyDB")));
        assertEquals("5", scalar(quick(Via.GET, alice, "SELECT COUNT(*) AS n FROM Secret", "MyDB")), "alice's intact");
    }
}
