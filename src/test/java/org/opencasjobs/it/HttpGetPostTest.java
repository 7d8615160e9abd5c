package org.opencasjobs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opencasjobs.it.TestServer.ALICE_PW;
import static org.opencasjobs.it.TestServer.BOB_PW;
import static org.opencasjobs.it.TestServer.NS;
import static org.opencasjobs.it.TestServer.form;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The HTTP GET and form POST bindings of jobs.asmx (CONTRACT.md §3, §4, §8), exercised the way the
 * Python {@code casjobs} (GET, lower-case names, extra wsid/pw, Python booleans) and
 * {@code mastcasjobs} (form POST) clients call them, against a real server.
 */
class HttpGetPostTest {
    private static final String OPS = "/services/jobs.asmx/";
    private static final String XML_DECL = "<?xml version=\"1.0\" encoding=\"utf-8\"?>";
    private static final String XML_TYPE = "text/xml; charset=utf-8";
    private static final String TEXT_TYPE = "text/plain; charset=utf-8";
    private static final String FORM_TYPE = "application/x-www-form-urlencoded";
    /** The Python clients' error regex ({@code System.Exception: *(?P<msg>.*) *--->}); '.' stops at line ends. */
    private static final Pattern PY_ERROR = Pattern.compile("System.Exception: *(.*) *--->");
    private static final Pattern DATE_TIME = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{1,7})?");
    private static final String UNSET_TIME = "0001-01-01T00:00:00";
    private static final List<String> CJJOB_ORDER = List.of("JobID", "Rows", "WebServicesID", "TimeSubmit",
            "TimeStart", "TimeEnd", "Status", "Queue", "TaskName", "OutputLoc", "Error", "Query", "Context", "Type");

    /** How a call travels: query string of a GET, or an urlencoded form POST. */
    enum Via { GET, POST }

    static TestServer s;
    static long alice;
    static long bob;

    @BeforeAll
    static void start() throws Exception {
        // A generous login throttle: the wrong-password tests must not lock the other tests out.
        s = new TestServer(Map.of("casjobs.login.max.failures", "1000"));
        alice = s.alice.wsid();
        bob = s.bob.wsid();
        s.holdJobs(); // submitted jobs stay waiting (status 0, TimeStart unset)
    }

    @AfterAll
    static void stop() throws Exception {
        if (s != null) {
            s.close();
        }
    }

    // ------------------------------------------------------------------ helpers

    static HttpResponse<String> call(Via via, String op, Object... pairs) throws Exception {
        return callAt(via, OPS, op, pairs);
    }

    static HttpResponse<String> callAt(Via via, String prefix, String op, Object... pairs) throws Exception {
        return via == Via.GET
                ? s.get(prefix + op + "?" + form(pairs))
                : s.post(prefix + op, form(pairs), "Content-Type", FORM_TYPE);
    }

    static Document parse(String body) throws Exception {
        return TestServer.xml(body);
    }

    /**
     * The Content-Type header with optional whitespace around ';' normalised to one space
     * (RFC 9110 §5.6.6: both forms mean the same; Jetty writes it without the space).
     */
    static String mediaType(HttpResponse<?> r) {
        return r.headers().firstValue("Content-Type").orElse("").trim().replaceAll("\\s*;\\s*", "; ");
    }

    /** Asserts a successful typed reply (200, text/xml utf-8, XML declaration) and returns its root. */
    static Element ok(HttpResponse<String> r, String rootName) throws Exception {
        assertEquals(200, r.statusCode(), () -> "status; body: " + r.body());
        assertEquals(XML_TYPE, mediaType(r), "Content-Type");
        assertTrue(r.body().startsWith(XML_DECL), () -> "body must start with the XML declaration: " + r.body());
        Element root = parse(r.body()).getDocumentElement();
        assertEquals(NS, root.getNamespaceURI(), "root namespace");
        assertEquals(rootName, root.getLocalName(), "root element");
        // Python's minidom getElementsByTagName matches the qualified name: no prefix allowed.
        assertEquals(rootName, root.getTagName(), "root must be unprefixed (default namespace)");
        return root;
    }

    /** The error text of a 500 text/plain reply. */
    static String plainError(HttpResponse<String> r) {
        assertEquals(500, r.statusCode(), () -> "status; body: " + r.body());
        assertEquals(TEXT_TYPE, mediaType(r), "Content-Type");
        return r.body();
    }

    /** The message the Python clients extract from an application error (not HTML-unescaped). */
    static String pythonMessage(HttpResponse<String> r) {
        String body = plainError(r);
        Matcher m = PY_ERROR.matcher(body);
        assertTrue(m.find(), () -> "no 'System.Exception: … --->' in: " + body);
        return m.group(1).trim();
    }

    /** Python's html.unescape for the entities an HTML encoder writes. */
    static String htmlUnescape(String s) {
        return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'")
                .replace("&#x27;", "'").replace("&amp;", "&");
    }

    static long submit(Via via, String taskName, String query) throws Exception {
        Element root = ok(call(via, "SubmitJob", "wsid", alice, "pw", ALICE_PW, "qry", query, "context", "Sample",
                "taskname", taskName, "estimate", 500), "long");
        long id = Long.parseLong(root.getTextContent().trim());
        assertTrue(id > 0, "job id " + id);
        return id;
    }

    static int status(Via via, long jobId) throws Exception {
        return Integer.parseInt(ok(call(via, "GetJobStatus", "wsid", alice, "pw", ALICE_PW, "jobid", jobId), "int")
                .getTextContent().trim());
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

    static String child(Element parent, String name) {
        for (Element e : children(parent)) {
            if (NS.equals(e.getNamespaceURI()) && name.equals(e.getLocalName())) {
                return e.getTextContent();
            }
        }
        return null;
    }

    /** GetJobs as the Python client sends it (extra wsid/pw, includeSystem=False); returns the CJJob elements. */
    static List<Element> getJobs(Via via, String conditions) throws Exception {
        Element root = ok(call(via, "GetJobs", "owner_wsid", alice, "owner_pw", ALICE_PW, "conditions", conditions,
                "includeSystem", "False", "wsid", alice, "pw", ALICE_PW), "ArrayOfCJJob");
        List<Element> jobs = children(root);
        for (Element j : jobs) {
            assertEquals(NS, j.getNamespaceURI());
            assertEquals("CJJob", j.getTagName());
        }
        return jobs;
    }

    static Element oneJob(Via via, long id) throws Exception {
        List<Element> jobs = getJobs(via, "jobid : " + id);
        assertEquals(1, jobs.size(), "jobs matching 'jobid : " + id + "'");
        assertEquals(String.valueOf(id), child(jobs.get(0), "JobID"));
        return jobs.get(0);
    }

    // ------------------------------------------------------------------ the Python clients' calls

    @ParameterizedTest
    @EnumSource(Via.class)
    void submitJobReturnsLongLikeThePythonClientReadsIt(Via via) throws Exception {
        HttpResponse<String> r = call(via, "SubmitJob", "wsid", alice, "pw", ALICE_PW, "qry", "SELECT 1 AS x",
                "context", "Sample", "taskname", "py", "estimate", 500);
        Element root = ok(r, "long");
        assertTrue(r.body().contains("<long xmlns=\"" + NS + "\">"), () -> "literal root: " + r.body());
        // getElementsByTagName('long')[0].firstChild.data
        Node text = root.getFirstChild();
        assertNotNull(text, "empty <long>");
        assertEquals(Node.TEXT_NODE, text.getNodeType());
        assertTrue(Long.parseLong(text.getNodeValue()) > 0, "job id: " + text.getNodeValue());
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void getJobStatusWithLowerCaseNamesIsReady(Via via) throws Exception {
        long id = submit(via, "status", "SELECT 1");
        HttpResponse<String> r = call(via, "GetJobStatus", "wsid", alice, "pw", ALICE_PW, "jobid", id);
        Element root = ok(r, "int");
        assertTrue(r.body().contains("<int xmlns=\"" + NS + "\">"), () -> "literal root: " + r.body());
        assertEquals("0", root.getFirstChild().getNodeValue());
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void cancelJobAnswersEmptyAndTheJobEndsCancelled(Via via) throws Exception {
        long id = submit(via, "to cancel", "SELECT 1");
        HttpResponse<String> r = call(via, "CancelJob", "wsid", alice, "pw", ALICE_PW, "jobid", id);
        assertEquals(200, r.statusCode(), () -> "CancelJob: " + r.body());
        assertEquals("", r.body(), "a void operation answers with an empty body");
        int st = status(via, id);
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (st != 3 && System.nanoTime() < deadline) {
            // canceling (2) from the moment CancelJob returns, until the scheduler finishes it
            assertEquals(2, st, "status after CancelJob returned");
            Thread.sleep(50);
            st = status(via, id);
        }
        assertEquals(3, st, "status 5 s after CancelJob");
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void getJobsHasNoEmptyElementsAndIsNewestFirst(Via via) throws Exception {
        long first = submit(via, "older", "SELECT 1");
        long second = submit(via, "newer", "SELECT 2");
        HttpResponse<String> r = call(via, "GetJobs", "owner_wsid", alice, "owner_pw", ALICE_PW, "conditions", "",
                "includeSystem", "False", "wsid", alice, "pw", ALICE_PW);
        Element root = ok(r, "ArrayOfCJJob");
        assertTrue(r.body().contains("xmlns=\"" + NS + "\""), r.body());
        List<Element> jobs = children(root);
        assertTrue(jobs.size() >= 2, "jobs: " + jobs.size());
        List<Long> ids = new ArrayList<>();
        for (Element job : jobs) {
            assertEquals("CJJob", job.getTagName());
            List<String> names = new ArrayList<>();
            for (Element field : children(job)) {
                names.add(field.getLocalName());
                // the Python client: e.firstChild.data for every child
                Node t = field.getFirstChild();
                assertNotNull(t, () -> "empty <" + field.getTagName() + "/> in CJJob " + child(job, "JobID"));
                assertEquals(Node.TEXT_NODE, t.getNodeType(), field.getTagName());
                assertFalse(t.getNodeValue().isEmpty(), field.getTagName());
            }
            assertEquals(CJJOB_ORDER.stream().filter(names::contains).toList(), names, "CJJob field order");
            assertTrue(names.containsAll(List.of("JobID", "Rows", "WebServicesID", "TimeSubmit", "TimeStart",
                    "TimeEnd", "Status", "Queue")), "required CJJob fields: " + names);
            assertEquals(String.valueOf(alice), child(job, "WebServicesID"));
            ids.add(Long.parseLong(child(job, "JobID")));
        }
        for (int i = 1; i < ids.size(); i++) {
            assertTrue(ids.get(i - 1) > ids.get(i), "newest first: " + ids);
        }
        assertTrue(ids.indexOf(second) >= 0 && ids.indexOf(second) < ids.indexOf(first), "order of " + ids);
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void getJobsConditionJobIdReturnsJustThatJob(Via via) throws Exception {
        long id = submit(via, "only me", "SELECT 3");
        submit(via, "not me", "SELECT 4");
        Element job = oneJob(via, id);
        assertEquals("only me", child(job, "TaskName"));
        assertEquals("SELECT 3", child(job, "Query"));
        assertEquals("Sample", child(job, "Context"));
        assertEquals("0", child(job, "Status"));
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void getJobsJobReturnsArrayOfJob(Via via) throws Exception {
        long id = submit(via, "as Job", "SELECT 5");
        Element root = ok(call(via, "GetJobsJob", "owner_wsid", alice, "owner_pw", ALICE_PW, "conditions",
                "jobid : " + id, "includeSystem", "False", "wsid", alice, "pw", ALICE_PW), "ArrayOfJob");
        List<Element> jobs = children(root);
        assertEquals(1, jobs.size(), "Job elements");
        assertEquals("Job", jobs.get(0).getTagName());
        assertEquals(NS, jobs.get(0).getNamespaceURI());
        assertEquals(String.valueOf(id), child(jobs.get(0), "JobID"));
        assertEquals("as Job", child(jobs.get(0), "TaskName"));
        assertEquals("SELECT 5", child(jobs.get(0), "Query"));
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void getQueuesListsContextsWithTimeouts(Via via) throws Exception {
        Element root = ok(call(via, "GetQueues", "wsid", alice, "pw", ALICE_PW), "ArrayOfCJQueue");
        List<Element> queues = children(root);
        assertFalse(queues.isEmpty(), "no queues");
        boolean sampleBatch = false;
        for (Element q : queues) {
            assertEquals("CJQueue", q.getTagName());
            assertEquals(List.of("Context", "Timeout"), children(q).stream().map(Element::getLocalName).toList());
            int timeout = Integer.parseInt(child(q, "Timeout"));
            assertTrue(timeout > 0, "timeout " + timeout);
            sampleBatch |= "Sample".equals(child(q, "Context")) && timeout == 500;
        }
        assertTrue(sampleBatch, "the default Sample batch queue (500 minutes) is listed");
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void getJobTypesListsTypes(Via via) throws Exception {
        Element root = ok(call(via, "GetJobTypes", "wsid", alice, "pw", ALICE_PW), "ArrayOfCJType");
        List<String> types = new ArrayList<>();
        for (Element t : children(root)) {
            assertEquals("CJType", t.getTagName());
            assertNotNull(child(t, "Description"), "Description of " + child(t, "Type"));
            types.add(child(t, "Type"));
        }
        assertTrue(types.containsAll(List.of("QUERY", "CSV", "DataSet", "FITS", "VOTable")), "types: " + types);
    }

    @Test
    void longQueryArrivesByFormPost() throws Exception {
        StringBuilder q = new StringBuilder("SELECT 1 AS x -- ");
        while (q.length() < 10_000) {
            q.append((char) ('a' + q.length() % 26));
        }
        String query = q.toString();
        assertEquals(10_000, query.length());
        long id = submit(Via.POST, "long", query);
        assertEquals(query, child(oneJob(Via.POST, id), "Query"), "the 10,000-character query is stored intact");
    }

    // ------------------------------------------------------------------ parameter binding rules

    @ParameterizedTest
    @EnumSource(Via.class)
    void parameterNamesAreCaseInsensitive(Via via) throws Exception {
        long id = submit(via, "case", "SELECT 1");
        Element root = ok(call(via, "GetJobStatus", "WSID", alice, "PW", ALICE_PW, "JobId", id), "int");
        assertEquals("0", root.getTextContent());
        root = ok(call(via, "GetJobStatus", "wsId", alice, "pw", ALICE_PW, "jobId", id), "int");
        assertEquals("0", root.getTextContent());
    }

    /**
     * GetJobStatus by GET is answered by a path of its own (http.StatusCall): it binds as the
     * general binding does, and leaves the unusual queries to it, whose answers these are.
     */
    @ParameterizedTest
    @EnumSource(Via.class)
    void getJobStatusBindsAsEveryOperationDoes(Via via) throws Exception {
        long id = submit(via, "binding", "SELECT 1");
        String login = form("wsid", alice, "pw", ALICE_PW);
        // A sign and spaces around a number, an escaped digit, a parameter no operation declares.
        String digits = Long.toString(id);
        for (String jobId : List.of("%2B" + id, "+" + id + "+", "%3" + digits.charAt(0) + digits.substring(1),
                id + "&callback=x")) {
            Element root = ok(callQuery(via, login + "&jobid=" + jobId), "int");
            assertEquals("0", root.getTextContent(), jobId);
        }
        // Given twice in two spellings: the first is taken; in one spelling: the values are joined.
        assertEquals("0", ok(callQuery(via, login + "&jobid=" + id + "&JOBID=x"), "int").getTextContent());
        String body = plainError(callQuery(via, login + "&jobid=" + id + "&jobid=" + id));
        assertTrue(body.contains("Cannot convert " + id + "," + id + " to System.Int64"), body);
        // A name without its value.
        body = plainError(callQuery(via, login + "&jobid"));
        assertTrue(body.contains("Cannot convert  to System.Int64"), body);
    }

    /** GetJobStatus with this raw query string: by GET, or as the body of a form POST. */
    private static HttpResponse<String> callQuery(Via via, String query) throws Exception {
        return via == Via.GET ? s.get(OPS + "GetJobStatus?" + query)
                : s.post(OPS + "GetJobStatus", query, "Content-Type", FORM_TYPE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"True", "false", "TRUE", "1", "0", "False"})
    void booleansAcceptAnyCaseAndDigits(String value) throws Exception {
        for (Via via : Via.values()) {
            ok(call(via, "GetJobs", "owner_wsid", alice, "owner_pw", ALICE_PW, "conditions", "",
                    "includeSystem", value), "ArrayOfCJJob");
        }
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void badBooleanNamesParameterAndValue(Via via) throws Exception {
        String body = plainError(call(via, "GetJobs", "owner_wsid", alice, "owner_pw", ALICE_PW, "conditions", "",
                "includeSystem", "maybe"));
        assertTrue(body.contains("maybe"), body);
        assertTrue(body.toLowerCase().contains("includesystem"), body);
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void missingParameterIsNamed(Via via) throws Exception {
        String body = plainError(call(via, "GetJobStatus", "wsid", alice, "pw", ALICE_PW));
        assertTrue(body.contains("Missing parameter: jobId."), body);
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void uploadDataWithoutTableExistsReachesTheOperation(Via via) throws Exception {
        HttpResponse<String> r = call(via, "UploadData", "wsid", alice, "pw", ALICE_PW,
                "tableName", "up_" + via.name().toLowerCase(), "data", "a,b\n1,2\n");
        assertFalse(r.body().contains("Missing parameter"), r.body());
        assertEquals(200, r.statusCode(), r.body()); // a missing tableExists means a new table
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void nonNumericJobIdNamesParameterAndValue(Via via) throws Exception {
        String body = plainError(call(via, "GetJobStatus", "wsid", alice, "pw", ALICE_PW, "jobid", "12abc"));
        assertTrue(body.contains("12abc"), body);
        assertTrue(body.toLowerCase().contains("jobid"), body);
        assertFalse(body.contains("Exception:") && body.contains("\tat "), "no stack trace: " + body);
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void unknownOperation(Via via) throws Exception {
        String body = plainError(call(via, "NoSuchOp", "wsid", alice, "pw", ALICE_PW));
        assertTrue(body.startsWith("NoSuchOp Web Service method name is not valid."), body);
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void operationNamesAreCaseSensitive(Via via) throws Exception {
        long id = submit(Via.GET, "case op", "SELECT 1");
        HttpResponse<String> r = call(via, "getjobstatus", "wsid", alice, "pw", ALICE_PW, "jobid", id);
        assertEquals(500, r.statusCode(), r.body());
        assertFalse(r.body().contains("<int"), r.body());
    }

    @Test
    void putOnAnOperationIsAnError() throws Exception {
        long id = submit(Via.GET, "put", "SELECT 1");
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.server.port() + OPS + "GetJobStatus"))
                .header("Content-Type", FORM_TYPE)
                .PUT(HttpRequest.BodyPublishers.ofString(form("wsid", alice, "pw", ALICE_PW, "jobid", id)))
                .build();
        HttpResponse<String> r = s.http.send(req, HttpResponse.BodyHandlers.ofString());
        assertTrue(r.statusCode() >= 400, () -> "PUT answered " + r.statusCode() + ": " + r.body());
        assertFalse(r.body().contains("<int"), r.body());
    }

    // ------------------------------------------------------------------ errors

    @ParameterizedTest
    @EnumSource(Via.class)
    void wrongPasswordGivesThePythonParsableMessage(Via via) throws Exception {
        long id = submit(Via.GET, "pw", "SELECT 1");
        HttpResponse<String> r = call(via, "GetJobStatus", "wsid", alice, "pw", "wrong", "jobid", id);
        assertEquals("Invalid WebServicesID or password.", pythonMessage(r));
        assertTrue(r.body().startsWith("System.Exception: "), r.body());
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void messagesAreHtmlEncoded(Via via) throws Exception {
        HttpResponse<String> r = call(via, "SubmitJob", "wsid", alice, "pw", ALICE_PW, "qry", "SELECT 1",
                "context", "<b>", "taskname", "t", "estimate", 500);
        String msg = pythonMessage(r);
        assertTrue(msg.contains("&lt;b&gt;"), msg);
        assertFalse(r.body().contains("<b>"), r.body());
        // what the Python client shows after html.unescape (an apostrophe may come as &#39;, like .NET 4)
        assertTrue(htmlUnescape(msg).startsWith("Unknown context '<b>'. Available contexts: "), msg);
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void anotherUsersJob(Via via) throws Exception {
        long id = submit(via, "mine", "SELECT 1");
        HttpResponse<String> r = call(via, "GetJobStatus", "wsid", bob, "pw", BOB_PW, "jobid", id);
        assertEquals("Job " + id + " belongs to another user.", pythonMessage(r));
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void unknownJob(Via via) throws Exception {
        long id = 987_654_321L;
        HttpResponse<String> r = call(via, "GetJobStatus", "wsid", alice, "pw", ALICE_PW, "jobid", id);
        assertEquals("Job " + id + " does not exist.", pythonMessage(r));
    }

    // ------------------------------------------------------------------ encodings and limits

    @Test
    void specialCharacterPasswordsWorkUrlEncoded() throws Exception {
        assertTrue(ALICE_PW.matches(".*[&<%+ \"'].*"));
        long id = submit(Via.GET, "pw chars", "SELECT 1");
        // URLEncoder style (space as '+'), as Python's urlencode sends it
        assertEquals(0, status(Via.GET, id));
        assertEquals(0, status(Via.POST, id));
        // space as %20, as other clients send it
        String q = form("wsid", alice, "pw", ALICE_PW, "jobid", id).replace("+", "%20");
        ok(s.get(OPS + "GetJobStatus?" + q), "int");
        ok(s.post(OPS + "GetJobStatus", q, "Content-Type", FORM_TYPE), "int");
    }

    @Test
    void nonAsciiFormPostRoundTrips() throws Exception {
        String name = "Größe ☆";
        // no charset parameter, as Python requests sends it: UTF-8 is assumed
        long id = submit(Via.POST, name, "SELECT 'Größe ☆' AS g");
        assertEquals(name, child(oneJob(Via.POST, id), "TaskName"));
        assertEquals("SELECT 'Größe ☆' AS g", child(oneJob(Via.GET, id), "Query"));
    }

    @Test
    void formBodyOverTheLimitIsRefused() throws Exception {
        try (TestServer small = new TestServer(Map.of("casjobs.request.max.bytes", "20000"))) {
            long wsid = small.alice.wsid();
            String big = "SELECT 1 -- " + "x".repeat(30_000);
            // Headers announcing the body, and no body: the refusal must come from the announced size alone.
            // (Sending the body races the server's close: a reset can hide the 413 from the client.)
            String statusLine;
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", small.server.port())) {
                socket.setSoTimeout(60_000); // a guard against a hang, not a measurement
                socket.getOutputStream().write(("POST " + OPS + "SubmitJob HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Content-Type: " + FORM_TYPE + "\r\nContent-Length: " + (big.length() + 200)
                        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                statusLine = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                        StandardCharsets.US_ASCII)).readLine();
            }
            assertEquals("HTTP/1.1 413 Payload Too Large", statusLine, "status for a body announced over the limit");

            // the same without Content-Length (chunked): the limit counts the bytes as they arrive
            byte[] bigForm = form("wsid", wsid, "pw", ALICE_PW, "qry", big, "context", "Sample",
                    "taskname", "big chunked", "estimate", 500).getBytes(StandardCharsets.UTF_8);
            int chunked;
            try {
                chunked = small.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + small.server.port()
                                + OPS + "SubmitJob")).header("Content-Type", FORM_TYPE)
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bigForm)))
                        .build(), HttpResponse.BodyHandlers.ofString()).statusCode();
            } catch (IOException e) {
                chunked = -1;
            }
            assertNotEquals(200, chunked, "an oversized chunked form was accepted");

            HttpResponse<String> r = small.post(OPS + "SubmitJob", form("wsid", wsid, "pw", ALICE_PW,
                    "qry", "SELECT 1", "context", "Sample", "taskname", "small", "estimate", 500),
                    "Content-Type", FORM_TYPE);
            ok(r, "long");
            Element list = ok(small.post(OPS + "GetJobs", form("owner_wsid", wsid, "owner_pw", ALICE_PW,
                    "conditions", "", "includeSystem", "false"), "Content-Type", FORM_TYPE), "ArrayOfCJJob");
            assertEquals(1, children(list).size(), "only the normal job was stored");
        }
    }

    // ------------------------------------------------------------------ exact wire bytes (CONTRACT.md §3)


    @ParameterizedTest
    @EnumSource(Via.class)
    void arrayRootDeclaresXsiXsdThenDefault(Via via) throws Exception {
        HttpResponse<String> r = call(via, "GetQueues", "wsid", alice, "pw", ALICE_PW);
        assertTrue(r.body().contains("<ArrayOfCJQueue xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
                + " xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" xmlns=\"" + NS + "\">"), r.body());
    }

    // ------------------------------------------------------------------ paths and dates

    @ParameterizedTest
    @ValueSource(strings = {"/CasJobs/services/jobs.asmx/", "/casjobs/services/jobs.asmx/"})
    void aliasPaths(String prefix) throws Exception {
        long id = submit(Via.GET, "alias", "SELECT 1");
        for (Via via : Via.values()) {
            Element root = ok(callAt(via, prefix, "GetJobStatus", "wsid", alice, "pw", ALICE_PW, "jobid", id), "int");
            assertEquals("0", root.getTextContent());
        }
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void datesOfAWaitingJob(Via via) throws Exception {
        LocalDateTime before = LocalDateTime.now().minusMinutes(1);
        long id = submit(via, "dates", "SELECT 1");
        Element job = oneJob(via, id);
        assertEquals(UNSET_TIME, child(job, "TimeStart"));
        assertEquals(UNSET_TIME, child(job, "TimeEnd"));
        String submitted = child(job, "TimeSubmit");
        assertTrue(DATE_TIME.matcher(submitted).matches(), "TimeSubmit " + submitted);
        // server-local time, like the original
        LocalDateTime t = LocalDateTime.parse(submitted);
        assertTrue(t.isAfter(before) && t.isBefore(LocalDateTime.now().plusMinutes(1)),
                "TimeSubmit " + submitted + " is not the local time of submission");
    }
}
