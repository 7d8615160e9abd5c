package org.opencasjobs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.opencasjobs.it.TestServer.ADMIN_PW;
import static org.opencasjobs.it.TestServer.ALICE_PW;
import static org.opencasjobs.it.TestServer.BOB_PW;
import static org.opencasjobs.it.TestServer.NS;
import static org.opencasjobs.it.TestServer.soap11;
import static org.opencasjobs.it.TestServer.soap12;
import static org.opencasjobs.it.TestServer.x;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import javax.xml.XMLConstants;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.opencasjobs.jobs.Account;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * jobs.asmx spoken by hand: raw SOAP 1.1 and 1.2 envelopes as the help pages print them and as
 * real clients send them (CONTRACT §3, §4, §5, §8), hostile and malformed bodies, and the fault
 * shapes. Replies are read with a namespace-aware DOM, never by prefix.
 */
class RawSoapTest {
    static final String SOAP11_NS = "http://schemas.xmlsoap.org/soap/envelope/";
    static final String SOAP12_NS = "http://www.w3.org/2003/05/soap-envelope";
    static final String PROCESS = "Server was unable to process request. ---> ";
    static final String BAD_LOGIN = PROCESS + "Invalid WebServicesID or password.";
    static final String ADDRESS = "/services/jobs.asmx";

    static TestServer srv;
    static HttpClient http;

    @BeforeAll
    static void start() throws Exception {
        // The failures this class provokes on purpose (wrong passwords, unknown wsids) all come
        // from 127.0.0.1; keep the per-address throttle from locking the later tests out.
        srv = new TestServer(Map.of("casjobs.login.max.failures", "1000")).holdJobs();
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() throws Exception {
        if (srv != null) {
            srv.close();
        }
    }

    // ------------------------------------------------------------------------------------------
    // Protocol plumbing

    /** The two SOAP versions, each as the help page sends it. */
    enum Soap {
        V11(SOAP11_NS, "text/xml; charset=utf-8", "text/xml") {
            @Override
            String envelope(String body) {
                return soap11(body);
            }
        },
        V12(SOAP12_NS, "application/soap+xml; charset=utf-8", "application/soap+xml") {
            @Override
            String envelope(String body) {
                return soap12(body);
            }
        };

        final String ns;
        final String requestType;
        final String replyType;

        Soap(String ns, String requestType, String replyType) {
            this.ns = ns;
            this.requestType = requestType;
            this.replyType = replyType;
        }

        abstract String envelope(String body);

        /** Headers for calling {@code op}: SOAPAction for 1.1, nothing beyond the type for 1.2. */
        String[] headers(String op) {
            return this == V11
                    ? new String[] {"Content-Type", requestType, "SOAPAction", "\"http://Services.Cas.jhu.edu/" + op + "\""}
                    : new String[] {"Content-Type", requestType};
        }
    }

    /** A reply with its raw bytes. */
    record Reply(int status, String contentType, byte[] bytes, long millis) {
        String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return status + " " + contentType + "\n" + text();
        }
    }

    static Reply send(String path, byte[] body, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + srv.server.port() + path))
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        long t0 = System.nanoTime();
        HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        return new Reply(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body(), ms);
    }

    static Reply send(String path, String body, String... headers) throws IOException, InterruptedException {
        return send(path, body.getBytes(StandardCharsets.UTF_8), headers);
    }

    /** Calls {@code op} in version {@code v} on the main address. */
    static Reply call(Soap v, String op, Object... params) throws IOException, InterruptedException {
        return send(ADDRESS, v.envelope(body(op, params)), v.headers(op));
    }

    /** {@code <op xmlns=NS><name>value</name>…</op>}, values XML-escaped. */
    static String body(String op, Object... params) {
        StringBuilder sb = new StringBuilder("    <").append(op).append(" xmlns=\"").append(NS).append("\">\n");
        for (int i = 0; i < params.length; i += 2) {
            sb.append("      <").append(params[i]).append('>').append(x(params[i + 1])).append("</")
                    .append(params[i]).append(">\n");
        }
        return sb.append("    </").append(op).append('>').toString();
    }

    static Document parse(byte[] bytes) {
        try {
            return TestServer.xml(bytes);
        } catch (Exception e) {
            throw new AssertionError("reply is not well-formed XML: " + e + "\n" + new String(bytes, StandardCharsets.UTF_8), e);
        }
    }

    static List<Element> children(Element e) {
        List<Element> out = new ArrayList<>();
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c) {
                out.add(c);
            }
        }
        return out;
    }

    static Element child(Element e, String ns, String local) {
        for (Element c : children(e)) {
            String cns = c.getNamespaceURI() == null ? "" : c.getNamespaceURI();
            if (ns.equals(cns) && local.equals(c.getLocalName())) {
                return c;
            }
        }
        return null;
    }

    static Element need(Element e, String ns, String local) {
        Element c = child(e, ns, local);
        assertNotNull(c, () -> "no {" + ns + "}" + local + " in " + e.getLocalName());
        return c;
    }

    /** The only child of soap:Body, after checking the envelope's version. */
    static Element bodyContent(Soap v, Reply r) {
        Document d = parse(r.bytes());
        Element env = d.getDocumentElement();
        assertEquals(v.ns, env.getNamespaceURI(), () -> "envelope version\n" + r);
        assertEquals("Envelope", env.getLocalName(), r::toString);
        Element body = need(env, v.ns, "Body");
        List<Element> content = children(body);
        assertEquals(1, content.size(), () -> "soap:Body children\n" + r);
        return content.get(0);
    }

    /** Checks a successful reply and returns its {@code {NS}{op}Response} element. */
    static Element ok(Soap v, String op, Reply r) {
        assertEquals(200, r.status(), r::toString);
        assertContentType(v, r);
        Element resp = bodyContent(v, r);
        assertEquals(NS, resp.getNamespaceURI(), r::toString);
        assertEquals(op + "Response", resp.getLocalName(), r::toString);
        return resp;
    }

    /** The {@code {op}Result} element of a successful reply. */
    static Element result(Soap v, String op, Reply r) {
        Element resp = ok(v, op, r);
        return need(resp, NS, op + "Result");
    }

    static void assertContentType(Soap v, Reply r) {
        String ct = r.contentType().toLowerCase(Locale.ROOT).replace(" ", "");
        assertTrue(ct.startsWith(v.replyType + ";") || ct.equals(v.replyType), () -> "Content-Type\n" + r);
        assertTrue(ct.contains("charset=utf-8"), () -> "charset\n" + r);
    }

    static void assertEmptyVoidResponse(Soap v, String op, Reply r) {
        Element resp = ok(v, op, r);
        assertTrue(children(resp).isEmpty(), () -> "void response has children\n" + r);
        assertEquals("", resp.getTextContent().trim(), r::toString);
    }

    /**
     * The fault's message text (faultstring or Reason/Text), after checking its whole shape;
     * {@code clientError} true wants soap:Client/Sender, false soap:Server/Receiver, null either.
     */
    static String fault(Soap v, Reply r, Boolean clientError) {
        assertEquals(500, r.status(), () -> "fault status\n" + r);
        assertContentType(v, r);
        Element f = bodyContent(v, r);
        assertEquals(v.ns, f.getNamespaceURI(), r::toString);
        assertEquals("Fault", f.getLocalName(), r::toString);
        String message;
        if (v == Soap.V11) {
            Element code = need(f, "", "faultcode");
            assertQName(code, SOAP11_NS, clientError == null ? "Client|Server" : clientError ? "Client" : "Server", r);
            message = need(f, "", "faultstring").getTextContent();
            Element detail = need(f, "", "detail");
            assertTrue(children(detail).isEmpty() && detail.getTextContent().isBlank(), () -> "detail not empty\n" + r);
        } else {
            Element value = need(need(f, SOAP12_NS, "Code"), SOAP12_NS, "Value");
            assertQName(value, SOAP12_NS, clientError == null ? "Sender|Receiver" : clientError ? "Sender" : "Receiver", r);
            Element text = need(need(f, SOAP12_NS, "Reason"), SOAP12_NS, "Text");
            assertEquals("en", text.getAttributeNS(XMLConstants.XML_NS_URI, "lang"), () -> "xml:lang\n" + r);
            message = text.getTextContent();
            need(f, SOAP12_NS, "Detail");
        }
        assertFalse(message.contains("\tat ") || message.contains("Exception:") && message.contains(".java"),
                () -> "stack trace in fault\n" + r);
        return message;
    }

    /** An application-error fault ({@code soap:Server} / {@code soap:Receiver}). */
    static String serverFault(Soap v, Reply r) {
        return fault(v, r, false);
    }

    static void assertQName(Element e, String ns, String local, Reply r) {
        String qn = e.getTextContent().trim();
        int colon = qn.indexOf(':');
        String prefix = colon < 0 ? null : qn.substring(0, colon);
        assertEquals(ns, e.lookupNamespaceURI(prefix), () -> "namespace of " + qn + "\n" + r);
        String got = qn.substring(colon + 1);
        assertTrue(got.matches(local), () -> "fault code: expected " + local + " but was " + got + "\n" + r);
    }

    /** A malformed request's answer: 400, or a soap:Client / soap:Sender fault in {@code v}. */
    static void assertClientError(Soap v, Reply r) {
        assertRefused(v, r, true);
    }

    /**
     * A refused request: 400, or a well-formed fault in the caller's version {@code v};
     * {@code clientError} as in {@link #fault}.
     */
    static void assertRefused(Soap v, Reply r, Boolean clientError) {
        assertTrue(r.status() == 400 || r.status() == 500, () -> "status\n" + r);
        if (r.status() == 500) {
            String msg = fault(v, r, clientError);
            if (Boolean.TRUE.equals(clientError)) {
                assertFalse(msg.contains("internal error"), () -> "a client error reported as internal\n" + r);
            }
        }
        String t = r.text();
        assertFalse(t.contains("\tat org.") || t.contains("at org.apache"), () -> "stack trace\n" + r);
    }

    // ------------------------------------------------------------------------------------------
    // Domain helpers

    static Account alice() {
        return srv.alice;
    }

    static long submitSoap(Soap v, String taskName) throws Exception {
        Reply r = call(v, "SubmitJob", "wsid", alice().wsid(), "pw", ALICE_PW, "qry", "SELECT 1", "context", "Sample",
                "taskname", taskName, "estimate", 500);
        long id = Long.parseLong(result(v, "SubmitJob", r).getTextContent().trim());
        assertTrue(id > 0, r::toString);
        return id;
    }

    static int status(Soap v, Account who, String pw, long jobId) throws Exception {
        Reply r = call(v, "GetJobStatus", "wsId", who.wsid(), "pw", pw, "jobId", jobId);
        return Integer.parseInt(result(v, "GetJobStatus", r).getTextContent().trim());
    }

    static int aliceStatus(long jobId) throws Exception {
        return status(Soap.V11, alice(), ALICE_PW, jobId);
    }

    /** Polls until the job is cancelled (3), failing after 5 s. */
    static void awaitCancelled(long jobId) throws Exception {
        long end = System.currentTimeMillis() + 5000;
        int s;
        while ((s = aliceStatus(jobId)) != 3) {
            assertEquals(2, s, "a canceling job may only become cancelled");
            if (System.currentTimeMillis() > end) {
                fail("job " + jobId + " still canceling after 5 s");
            }
            Thread.sleep(50);
        }
    }

    /** Every stored job as JobID → Status/WSID/TaskName, read by the administrator, once no job is canceling. */
    static Map<Long, String> jobsSnapshot() throws Exception {
        long end = System.currentTimeMillis() + 5000;
        while (true) {
            Reply r = call(Soap.V11, "GetJobs", "owner_wsid", srv.admin.wsid(), "owner_pw", ADMIN_PW, "conditions", "",
                    "includeSystem", true);
            Map<Long, String> out = new TreeMap<>();
            boolean canceling = false;
            for (Element j : children(result(Soap.V11, "GetJobs", r))) {
                String st = need(j, NS, "Status").getTextContent();
                canceling |= st.equals("2");
                Element task = child(j, NS, "TaskName");
                out.put(Long.parseLong(need(j, NS, "JobID").getTextContent()), st + "/"
                        + need(j, NS, "WebServicesID").getTextContent() + "/" + (task == null ? null : task.getTextContent()));
            }
            if (!canceling || System.currentTimeMillis() > end) {
                return out;
            }
            Thread.sleep(50);
        }
    }

    /** After a hostile request: ordinary calls work and no stored job changed. */
    static void assertUndisturbed(Map<Long, String> before, long aliceJob) throws Exception {
        assertEquals(0, aliceStatus(aliceJob));
        assertEquals(0, status(Soap.V12, alice(), ALICE_PW, aliceJob));
        assertEquals(before, jobsSnapshot(), "stored jobs changed");
    }

    // ------------------------------------------------------------------------------------------
    // 1, 2. The help page's CancelJob samples, byte for byte

    /** The SOAP 1.1 request printed by the CancelJob help page, placeholders filled in. */
    static String helpPage11(long wsid, String pw, long jobId) {
        return "<?xml version=\"1.0\" encoding=\"utf-8\"?> <soap:Envelope xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
                + " xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\">"
                + " <soap:Body> <CancelJob xmlns=\"http://Services.Cas.jhu.edu\"> <wsId>" + wsid + "</wsId> <pw>" + x(pw)
                + "</pw> <jobId>" + jobId + "</jobId> </CancelJob> </soap:Body> </soap:Envelope>";
    }

    /** The SOAP 1.2 request printed by the CancelJob help page, placeholders filled in. */
    static String helpPage12(long wsid, String pw, long jobId) {
        return "<?xml version=\"1.0\" encoding=\"utf-8\"?> <soap12:Envelope xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
                + " xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" xmlns:soap12=\"http://www.w3.org/2003/05/soap-envelope\">"
                + " <soap12:Body> <CancelJob xmlns=\"http://Services.Cas.jhu.edu\"> <wsId>" + wsid + "</wsId> <pw>" + x(pw)
                + "</pw> <jobId>" + jobId + "</jobId> </CancelJob> </soap12:Body> </soap12:Envelope>";
    }

    @ParameterizedTest
    @ValueSource(strings = {"/CasJobs/services/jobs.asmx", "/services/jobs.asmx", "/casjobs/services/jobs.asmx"})
    void helpPageSoap11CancelJobSampleCancelsTheJob(String path) throws Exception {
        long job = srv.submit(alice(), ALICE_PW);
        Reply r = send(path, helpPage11(alice().wsid(), ALICE_PW, job),
                "Content-Type", "text/xml; charset=utf-8", "SOAPAction", "\"http://Services.Cas.jhu.edu/CancelJob\"");
        assertEquals(200, r.status(), r::toString);
        assertTrue(r.contentType().toLowerCase(Locale.ROOT).startsWith("text/xml"), r::toString);
        assertEmptyVoidResponse(Soap.V11, "CancelJob", r);
        int s = aliceStatus(job);
        assertTrue(s == 2 || s == 3, "status right after CancelJob: " + s);
        awaitCancelled(job);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/CasJobs/services/jobs.asmx", "/services/jobs.asmx", "/casjobs/services/jobs.asmx"})
    void helpPageSoap12CancelJobSampleCancelsTheJob(String path) throws Exception {
        long job = srv.submit(alice(), ALICE_PW);
        Reply r = send(path, helpPage12(alice().wsid(), ALICE_PW, job),
                "Content-Type", "application/soap+xml; charset=utf-8");
        assertEquals(200, r.status(), r::toString);
        assertTrue(r.contentType().toLowerCase(Locale.ROOT).startsWith("application/soap+xml"), r::toString);
        assertEmptyVoidResponse(Soap.V12, "CancelJob", r);
        int s = status(Soap.V12, alice(), ALICE_PW, job);
        assertTrue(s == 2 || s == 3, "status right after CancelJob: " + s);
        awaitCancelled(job);
    }

    // ------------------------------------------------------------------------------------------
    // 3. Every operation over raw envelopes, both versions

    @ParameterizedTest
    @EnumSource(Soap.class)
    void submitJobReturnsAPositiveIdAndTheNewJobIsReady(Soap v) throws Exception {
        long id = submitSoap(v, "raw-" + v);
        assertEquals(0, status(v, alice(), ALICE_PW, id));
        long next = submitSoap(v, "raw2-" + v);
        assertTrue(next > id, "ids grow: " + id + " then " + next);
    }

    /** CJJob's elements in contract order; absent (null) ones are omitted, never empty. */
    static final List<String> CJJOB_ORDER = List.of("JobID", "Rows", "WebServicesID", "TimeSubmit", "TimeStart",
            "TimeEnd", "Status", "Queue", "TaskName", "OutputLoc", "Error", "Query", "Context", "Type");
    static final List<String> JOB_ORDER = List.of("JobID", "Rows", "WebServicesID", "TimeSubmit", "TimeStart",
            "TimeEnd", "SendEmail", "Status", "AutoComplete", "Estimate", "TaskName", "OutputLoc", "HostIP", "Message",
            "Query", "ModifiedQuery", "Target", "OutputType", "Params", "Created_Table");
    static final String DATETIME = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{1,7})?";

    /** Checks names, order, namespace and non-emptiness of a CJJob/Job; returns name → text. */
    static Map<String, String> record(Element job, List<String> order, Reply r) {
        Map<String, String> out = new LinkedHashMap<>();
        int last = -1;
        for (Element c : children(job)) {
            String name = c.getLocalName();
            assertEquals(NS, c.getNamespaceURI(), () -> name + " namespace\n" + r);
            int at = order.indexOf(name);
            assertTrue(at > last, () -> "element " + name + " unknown or out of order\n" + r);
            last = at;
            assertTrue(c.hasChildNodes() && !c.getTextContent().isEmpty(), () -> "empty element <" + name + "/>\n" + r);
            assertTrue(children(c).isEmpty(), () -> name + " has child elements\n" + r);
            out.put(name, c.getTextContent());
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(Soap.class)
    void getJobsListsTheJobAsACJJobWithoutEmptyElements(Soap v) throws Exception {
        String task = "list-" + v;
        long id = submitSoap(v, task);
        Reply r = call(v, "GetJobs", "owner_wsid", alice().wsid(), "owner_pw", ALICE_PW, "conditions", "",
                "includeSystem", false);
        Element array = result(v, "GetJobs", r);
        Map<String, String> mine = null;
        for (Element j : children(array)) {
            assertEquals(NS, j.getNamespaceURI(), r::toString);
            assertEquals("CJJob", j.getLocalName(), r::toString);
            Map<String, String> f = record(j, CJJOB_ORDER, r);
            assertEquals(String.valueOf(alice().wsid()), f.get("WebServicesID"), "only alice's jobs");
            if (f.get("JobID").equals(String.valueOf(id))) {
                mine = f;
            }
        }
        assertNotNull(mine, () -> "job " + id + " not listed\n" + r);
        assertTrue(mine.get("Status").matches("[0-5]"), mine::toString);
        assertEquals("500", mine.get("Queue"));
        assertEquals("Sample", mine.get("Context"));
        assertEquals("QUERY", mine.get("Type"));
        assertEquals(task, mine.get("TaskName"));
        assertEquals("SELECT 1", mine.get("Query"));
        assertTrue(mine.get("TimeSubmit").matches(DATETIME), mine::toString);
        assertTrue(mine.get("TimeStart").matches(DATETIME), mine::toString);
        assertTrue(mine.get("TimeEnd").matches(DATETIME), mine::toString);
        assertFalse(mine.containsKey("OutputLoc"), "no OutputLoc for a waiting query job: " + mine);
        assertFalse(mine.containsKey("Error"), "no Error for a waiting job: " + mine);
    }

    @ParameterizedTest
    @EnumSource(Soap.class)
    void getJobsJobListsTheJobAsAJob(Soap v) throws Exception {
        String task = "listjob-" + v;
        long id = submitSoap(v, task);
        Reply r = call(v, "GetJobsJob", "owner_wsid", alice().wsid(), "owner_pw", ALICE_PW, "conditions", "",
                "includeSystem", false);
        Map<String, String> mine = null;
        for (Element j : children(result(v, "GetJobsJob", r))) {
            assertEquals(NS, j.getNamespaceURI(), r::toString);
            assertEquals("Job", j.getLocalName(), r::toString);
            Map<String, String> f = record(j, JOB_ORDER, r);
            if (f.get("JobID").equals(String.valueOf(id))) {
                mine = f;
            }
        }
        assertNotNull(mine, () -> "job " + id + " not listed\n" + r);
        assertEquals(String.valueOf(alice().wsid()), mine.get("WebServicesID"));
        assertTrue(mine.get("Status").matches("[0-5]"), mine::toString);
        assertEquals(task, mine.get("TaskName"));
        assertEquals("SELECT 1", mine.get("Query"));
        assertEquals("500", mine.get("Estimate"));
    }

    @ParameterizedTest
    @EnumSource(Soap.class)
    void getQueuesListsEveryContextsQueues(Soap v) throws Exception {
        Reply r = call(v, "GetQueues", "wsid", alice().wsid(), "pw", ALICE_PW);
        Set<String> queues = new HashSet<>();
        for (Element q : children(result(v, "GetQueues", r))) {
            assertEquals("CJQueue", q.getLocalName(), r::toString);
            assertEquals(NS, q.getNamespaceURI(), r::toString);
            queues.add(need(q, NS, "Context").getTextContent() + "/" + need(q, NS, "Timeout").getTextContent());
        }
        assertTrue(queues.containsAll(Set.of("Sample/1", "Sample/500", "MyDB/1", "MyDB/500")), queues::toString);
    }

    @ParameterizedTest
    @EnumSource(Soap.class)
    void getJobTypesListsTheFiveTypes(Soap v) throws Exception {
        Reply r = call(v, "GetJobTypes", "wsid", alice().wsid(), "pw", ALICE_PW);
        List<String> types = new ArrayList<>();
        for (Element t : children(result(v, "GetJobTypes", r))) {
            assertEquals("CJType", t.getLocalName(), r::toString);
            types.add(need(t, NS, "Type").getTextContent());
            assertFalse(need(t, NS, "Description").getTextContent().isBlank(), r::toString);
        }
        assertEquals(Set.of("QUERY", "CSV", "DataSet", "FITS", "VOTable"), new HashSet<>(types));
        assertEquals(5, types.size(), types::toString);
    }

    static String serviceState(Soap v, String name) throws Exception {
        Reply r = call(v, "GetServiceState", "wsid", srv.admin.wsid(), "pw", ADMIN_PW, "serviceName", name);
        return result(v, "GetServiceState", r).getTextContent();
    }

    static void awaitServiceState(Soap v, String name, String transitional, String target) throws Exception {
        long end = System.currentTimeMillis() + 5000;
        String s;
        while (!(s = serviceState(v, name)).equals(target)) {
            assertEquals(transitional, s, "state of " + name);
            if (System.currentTimeMillis() > end) {
                fail(name + " still " + s + " after 5 s, expected " + target);
            }
            Thread.sleep(50);
        }
    }

    @ParameterizedTest
    @EnumSource(Soap.class)
    void adminSuspendsAndWakesAQueue(Soap v) throws Exception {
        String queue = "Sample/500";
        try {
            awaitServiceState(v, queue, "WAKING", "RUNNING");
            Reply r = call(v, "SetServiceState", "wsid", srv.admin.wsid(), "pw", ADMIN_PW, "serviceName", queue,
                    "state", "SUSPENDING");
            assertEmptyVoidResponse(v, "SetServiceState", r);
            awaitServiceState(v, queue, "SUSPENDING", "SUSPENDED");
            // a suspended queue still accepts jobs
            long id = submitSoap(v, "while-suspended");
            assertEquals(0, status(v, alice(), ALICE_PW, id));
            r = call(v, "SetServiceState", "wsid", srv.admin.wsid(), "pw", ADMIN_PW, "serviceName", queue,
                    "state", "WAKING");
            assertEmptyVoidResponse(v, "SetServiceState", r);
            awaitServiceState(v, queue, "WAKING", "RUNNING");
        } finally {
            if (!serviceState(v, queue).equals("RUNNING")) {
                call(v, "SetServiceState", "wsid", srv.admin.wsid(), "pw", ADMIN_PW, "serviceName", queue,
                        "state", "WAKING");
                awaitServiceState(v, queue, "WAKING", "RUNNING");
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // 4. Faults in the caller's SOAP version

    @ParameterizedTest
    @EnumSource(Soap.class)
    void wrongPasswordIsAServerFaultWithTheAsmxShape(Soap v) throws Exception {
        long job = srv.submit(alice(), ALICE_PW);
        Reply r = call(v, "GetJobStatus", "wsId", alice().wsid(), "pw", ALICE_PW + "x", "jobId", job);
        assertEquals(BAD_LOGIN, serverFault(v, r));
        assertFalse(r.text().contains(ALICE_PW) || r.text().contains(x(ALICE_PW)), "password echoed");
    }

    @ParameterizedTest
    @EnumSource(Soap.class)
    void unknownWsidGivesExactlyTheWrongPasswordMessage(Soap v) throws Exception {
        Reply unknown = call(v, "GetQueues", "wsid", 987_654_321L, "pw", ALICE_PW);
        Reply wrong = call(v, "GetQueues", "wsid", alice().wsid(), "pw", "not-the-password");
        assertEquals(BAD_LOGIN, serverFault(v, unknown));
        assertEquals(serverFault(v, wrong), serverFault(v, unknown));
        assertEquals(wrong.status(), unknown.status());
    }

    @ParameterizedTest
    @EnumSource(Soap.class)
    void anotherUsersJobIsNeitherReadNorCancelled(Soap v) throws Exception {
        long job = srv.submit(alice(), ALICE_PW);
        Reply r = call(v, "GetJobStatus", "wsId", srv.bob.wsid(), "pw", BOB_PW, "jobId", job);
        assertEquals(PROCESS + "Job " + job + " belongs to another user.", serverFault(v, r));
        r = call(v, "CancelJob", "wsId", srv.bob.wsid(), "pw", BOB_PW, "jobId", job);
        assertEquals(PROCESS + "Job " + job + " belongs to another user.", serverFault(v, r));
        assertEquals(0, status(v, alice(), ALICE_PW, job));
    }

    @ParameterizedTest
    @EnumSource(Soap.class)
    void missingJob(Soap v) throws Exception {
        long missing = 9_000_000_000L + v.ordinal();
        Reply r = call(v, "GetJobStatus", "wsId", alice().wsid(), "pw", ALICE_PW, "jobId", missing);
        assertEquals(PROCESS + "Job " + missing + " does not exist.", serverFault(v, r));
        r = call(v, "CancelJob", "wsId", alice().wsid(), "pw", ALICE_PW, "jobId", missing);
        assertEmptyVoidResponse(v, "CancelJob", r);
    }

    @ParameterizedTest
    @EnumSource(Soap.class)
    void adminCancelsAnotherUsersJob(Soap v) throws Exception {
        long job = srv.submit(alice(), ALICE_PW);
        Reply r = call(v, "CancelJob", "wsId", srv.admin.wsid(), "pw", ADMIN_PW, "jobId", job);
        assertEmptyVoidResponse(v, "CancelJob", r);
        int s = status(v, srv.admin, ADMIN_PW, job);
        assertTrue(s == 2 || s == 3, "status " + s);
        awaitCancelled(job);
    }

    @ParameterizedTest
    @EnumSource(Soap.class)
    void serviceStatesAreForAdministratorsOnly(Soap v) throws Exception {
        Reply r = call(v, "GetServiceState", "wsid", alice().wsid(), "pw", ALICE_PW, "serviceName", "Sample/500");
        assertTrue(serverFault(v, r).startsWith(PROCESS), r::toString);
        r = call(v, "SetServiceState", "wsid", alice().wsid(), "pw", ALICE_PW, "serviceName", "Sample/500",
                "state", "SUSPENDING");
        assertTrue(serverFault(v, r).startsWith(PROCESS), r::toString);
        assertEquals("RUNNING", serviceState(v, "Sample/500"));
    }

    @ParameterizedTest
    @EnumSource(Soap.class)
    void unknownContextNamesTheAvailableOnes(Soap v) throws Exception {
        Map<Long, String> before = jobsSnapshot();
        Reply r = call(v, "SubmitJob", "wsid", alice().wsid(), "pw", ALICE_PW, "qry", "SELECT 1", "context", "NoSuchDb",
                "taskname", "t", "estimate", 500);
        String msg = serverFault(v, r);
        String head = PROCESS + "Unknown context 'NoSuchDb'. Available contexts: ";
        assertTrue(msg.startsWith(head) && msg.endsWith("."), msg);
        List<String> listed = List.of(msg.substring(head.length(), msg.length() - 1).split(",\\s*"));
        assertTrue(listed.contains("Sample") && listed.contains("MyDB"), msg);
        assertEquals(before, jobsSnapshot(), "no job was stored");
    }

    // ------------------------------------------------------------------------------------------
    // 5. Hostile and malformed input

    @ParameterizedTest
    @EnumSource(Soap.class)
    void truncatedEnvelopeIsAClientError(Soap v) throws Exception {
        long job = srv.submit(alice(), ALICE_PW);
        Map<Long, String> before = jobsSnapshot();
        String whole = v.envelope(body("CancelJob", "wsId", alice().wsid(), "pw", ALICE_PW, "jobId", job));
        String truncated = whole.substring(0, whole.indexOf("</jobId>") + 3);
        assertClientError(v, send(ADDRESS, truncated, v.headers("CancelJob")));
        assertUndisturbed(before, job);
    }

    /** Bodies that fail before the envelope is read (CXF's ReadHeadersInterceptor). */
    static Map<String, String> unreadable(Soap v, long job) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("not XML", "wsId=1&pw=x&jobId=" + job);
        m.put("empty", "");
        m.put("external entity", xxe(v, job));
        m.put("billion laughs", billionLaughs(v, job));
        return m;
    }

    static String xxe(Soap v, long job) {
        return v.envelope(body("GetJobStatus", "wsId", alice().wsid(), "pw", "PLACEHOLDER", "jobId", job))
                .replace("PLACEHOLDER", "&e;")
                .replaceFirst("\\?>", "?>\n<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>");
    }

    static String billionLaughs(Soap v, long job) {
        StringBuilder dtd = new StringBuilder("<!DOCTYPE lolz [<!ENTITY lol0 \"lol\">");
        for (int i = 1; i <= 9; i++) {
            dtd.append("<!ENTITY lol").append(i).append(" \"");
            for (int k = 0; k < 10; k++) {
                dtd.append("&lol").append(i - 1).append(';');
            }
            dtd.append("\">");
        }
        dtd.append("]>");
        return v.envelope(body("GetJobStatus", "wsId", alice().wsid(), "pw", "PLACEHOLDER", "jobId", job))
                .replace("PLACEHOLDER", "&lol9;")
                .replaceFirst("\\?>", Matcher.quoteReplacement("?>\n" + dtd));
    }

    @ParameterizedTest
    @EnumSource(Soap.class)
    void bodyThatIsNotXmlIsRefusedInTheCallersVersion(Soap v) throws Exception {
        long job = srv.submit(alice(), ALICE_PW);
        Map<Long, String> before = jobsSnapshot();
        Reply r = send(ADDRESS, "wsId=1&pw=x&jobId=" + job, v.headers("CancelJob"));
        // a fault, so its version shows: a text/xml caller gets SOAP 1.1, an application/soap+xml caller SOAP 1.2
        assertEquals(500, r.status(), r::toString);
        assertRefused(v, r, null);
        assertUndisturbed(before, job);
    }

    @ParameterizedTest
    @EnumSource(Soap.class)
    void emptyBodyIsRefused(Soap v) throws Exception {
        long job = srv.submit(alice(), ALICE_PW);
        Map<Long, String> before = jobsSnapshot();
        assertRefused(v, send(ADDRESS, new byte[0], v.headers("CancelJob")), null);
        assertUndisturbed(before, job);
    }

    @ParameterizedTest
    @EnumSource(Soap.class)
    void externalEntityIsRefused(Soap v) throws Exception {
        long job = srv.submit(alice(), ALICE_PW);
        Map<Long, String> before = jobsSnapshot();
        Reply r = send(ADDRESS, xxe(v, job), v.headers("GetJobStatus"));
        assertFalse(r.text().contains("root:"), () -> "file content in reply\n" + r);
        assertFalse(r.status() == 200, () -> "a DTD must be refused\n" + r);
        assertRefused(v, r, null);
        assertUndisturbed(before, job);
    }

    @ParameterizedTest
    @EnumSource(Soap.class)
    void billionLaughsIsRefusedQuickly(Soap v) throws Exception {
        long job = srv.submit(alice(), ALICE_PW);
        Map<Long, String> before = jobsSnapshot();
        Reply r = send(ADDRESS, billionLaughs(v, job), v.headers("GetJobStatus"));
        assertTrue(r.millis() < 3000, "took " + r.millis() + " ms");
        assertTrue(r.bytes().length < 20_000, "reply of " + r.bytes().length + " bytes");
        assertFalse(r.text().contains("lollollol"), r::toString);
        assertRefused(v, r, null);
        assertUndisturbed(before, job);
    }

    /**
     * CONTRACT §4: unreadable requests are soap:Client (1.2: soap:Sender), not internal errors.
     */
    @ParameterizedTest
    @EnumSource(Soap.class)
    void requestsUnreadableBeforeTheEnvelopeAreClientFaults(Soap v) throws Exception {
        long job = srv.submit(alice(), ALICE_PW);
        for (Map.Entry<String, String> bad : unreadable(v, job).entrySet()) {
            Reply r = send(ADDRESS, bad.getValue(), v.headers("GetJobStatus"));
            try {
                assertClientError(v, r);
            } catch (AssertionError e) {
                throw new AssertionError(bad.getKey() + ": " + e.getMessage(), e);
            }
        }
    }

    @Test
    void bodyOverTheRequestLimitIs413AndTheServerCarriesOn() throws Exception {
        try (TestServer small = new TestServer(Map.of("casjobs.request.max.bytes", "20000")).holdJobs()) {
            String big = soap11(body("GetJobStatus", "wsId", small.alice.wsid(), "pw", "p".repeat(100 * 1024),
                    "jobId", 1));
            byte[] bytes = big.getBytes(StandardCharsets.UTF_8);
            HttpRequest req = HttpRequest.newBuilder(URI.create(small.url()))
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "text/xml; charset=utf-8")
                    .header("SOAPAction", "\"http://Services.Cas.jhu.edu/GetJobStatus\"")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build();
            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
            assertEquals(413, r.statusCode(), r::body);

            long job = small.submit(small.alice, ALICE_PW);
            HttpResponse<byte[]> ok = http.send(HttpRequest.newBuilder(URI.create(small.url()))
                    .header("Content-Type", "text/xml; charset=utf-8")
                    .POST(HttpRequest.BodyPublishers.ofString(soap11(body("GetJobStatus", "wsId", small.alice.wsid(),
                            "pw", ALICE_PW, "jobId", job)), StandardCharsets.UTF_8)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            Reply okReply = new Reply(ok.statusCode(), ok.headers().firstValue("Content-Type").orElse(""), ok.body(), 0);
            assertEquals("0", result(Soap.V11, "GetJobStatus", okReply).getTextContent());
        }
    }

    /**
     * CONTRACT §4: a body over the limit → 413, also when it arrives chunked (no Content-Length).
     */
    @Test
    void chunkedBodyOverTheRequestLimitIs413() throws Exception {
        try (TestServer small = new TestServer(Map.of("casjobs.request.max.bytes", "20000"))) {
            byte[] bytes = soap11(body("GetJobStatus", "wsId", small.alice.wsid(), "pw", "p".repeat(100 * 1024),
                    "jobId", 1)).getBytes(StandardCharsets.UTF_8);
            HttpRequest req = HttpRequest.newBuilder(URI.create(small.url()))
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "text/xml; charset=utf-8")
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes))).build();
            HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
            Reply reply = new Reply(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body(), 0);
            assertEquals(413, r.statusCode(), reply::toString);
        }
    }

    // ------------------------------------------------------------------------------------------
    // 6. Client habits (CONTRACT §8)

    @Test
    void soap11WithoutSoapActionIsRoutedByTheBody() throws Exception {
        long job = srv.submit(alice(), ALICE_PW);
        Reply r = send(ADDRESS, soap11(body("GetJobStatus", "wsId", alice().wsid(), "pw", ALICE_PW, "jobId", job)),
                "Content-Type", "text/xml; charset=utf-8");
        assertEquals("0", result(Soap.V11, "GetJobStatus", r).getTextContent());
    }

    @Test
    void soap12EnvelopePostedAsTextXmlIsAnsweredInSoap12() throws Exception {
        long job = srv.submit(alice(), ALICE_PW);
        Reply r = send(ADDRESS, soap12(body("GetJobStatus", "wsId", alice().wsid(), "pw", ALICE_PW, "jobId", job)),
                "Content-Type", "text/xml; charset=utf-8");
        assertEquals("0", result(Soap.V12, "GetJobStatus", r).getTextContent()); // application/soap+xml, 1.2 envelope
    }

    @Test
    void soap12FaultForATextXmlSoap12Envelope() throws Exception {
        Reply r = send(ADDRESS, soap12(body("GetJobStatus", "wsId", alice().wsid(), "pw", "wrong", "jobId", 1)),
                "Content-Type", "text/xml; charset=utf-8");
        assertEquals(BAD_LOGIN, serverFault(Soap.V12, r));
    }

    @Test
    void soap12WithQuotedCharsetAndActionParameter() throws Exception {
        long job = srv.submit(alice(), ALICE_PW);
        Reply r = send(ADDRESS, soap12(body("GetJobStatus", "wsId", alice().wsid(), "pw", ALICE_PW, "jobId", job)),
                "Content-Type", "application/soap+xml; charset=\"UTF-8\"; action=\"http://Services.Cas.jhu.edu/GetJobStatus\"");
        assertEquals("0", result(Soap.V12, "GetJobStatus", r).getTextContent());
    }

    @Test
    void sudsEnvelopeWithTwoPrefixesForTheEnvelopeNamespace() throws Exception {
        long job = srv.submit(alice(), ALICE_PW);
        String suds = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><SOAP-ENV:Envelope xmlns:ns0=\"http://Services.Cas.jhu.edu\""
                + " xmlns:ns1=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
                + " xmlns:SOAP-ENV=\"http://schemas.xmlsoap.org/soap/envelope/\"><SOAP-ENV:Header/><ns1:Body>"
                + "<ns0:GetJobStatus><ns0:wsId>" + alice().wsid() + "</ns0:wsId><ns0:pw>" + x(ALICE_PW)
                + "</ns0:pw><ns0:jobId>" + job + "</ns0:jobId></ns0:GetJobStatus></ns1:Body></SOAP-ENV:Envelope>";
        Reply r = send(ADDRESS, suds, "Content-Type", "text/xml; charset=utf-8",
                "SOAPAction", "\"http://Services.Cas.jhu.edu/GetJobStatus\"");
        assertEquals("0", result(Soap.V11, "GetJobStatus", r).getTextContent());
    }

    @ParameterizedTest
    @EnumSource(Soap.class)
    void uploadDataWithoutTableExistsReachesTheOperation(Soap v) throws Exception {
        Reply r = call(v, "UploadData", "wsid", alice().wsid(), "pw", ALICE_PW, "tableName", "Habit" + v, "data",
                "a,b\n1,2\n");
        assertEquals(200, r.status(), r::text);
        assertEmptyVoidResponse(v, "UploadData", r); // a missing tableExists means a new table
    }

    @Test
    void passwordWithXmlAndUrlSpecialCharacters() throws Exception {
        long job = srv.submit(alice(), ALICE_PW);
        // escaped with entities
        assertEquals(0, status(Soap.V11, alice(), ALICE_PW, job));
        assertEquals(0, status(Soap.V12, alice(), ALICE_PW, job));
        // the same characters as character references and in CDATA
        StringBuilder refs = new StringBuilder();
        ALICE_PW.codePoints().forEach(c -> refs.append("&#").append(c).append(';'));
        for (String pw : List.of(refs.toString(), "<![CDATA[" + ALICE_PW + "]]>", ALICE_PW.replace("&", "&amp;")
                .replace("<", "&lt;").replace("'", "&apos;"))) {
            String env = soap11("<GetJobStatus xmlns=\"" + NS + "\"><wsId>" + alice().wsid() + "</wsId><pw>" + pw
                    + "</pw><jobId>" + job + "</jobId></GetJobStatus>");
            Reply r = send(ADDRESS, env, Soap.V11.headers("GetJobStatus"));
            assertEquals("0", result(Soap.V11, "GetJobStatus", r).getTextContent(), pw);
        }
    }

    static String taskNameOf(long id) throws Exception {
        Reply r = call(Soap.V11, "GetJobs", "owner_wsid", alice().wsid(), "owner_pw", ALICE_PW, "conditions", "",
                "includeSystem", false);
        for (Element j : children(result(Soap.V11, "GetJobs", r))) {
            if (need(j, NS, "JobID").getTextContent().equals(String.valueOf(id))) {
                Element t = child(j, NS, "TaskName");
                return t == null ? null : t.getTextContent();
            }
        }
        throw new AssertionError("job " + id + " not listed\n" + r);
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/xml; charset=utf-8", "text/xml", "application/soap+xml"})
    void nonAsciiTaskNameRoundTrips(String contentType) throws Exception {
        String task = "Größe ☆ " + contentType.length();
        Soap v = contentType.startsWith("application") ? Soap.V12 : Soap.V11;
        String env = v.envelope(body("SubmitJob", "wsid", alice().wsid(), "pw", ALICE_PW, "qry", "SELECT 'é'",
                "context", "Sample", "taskname", task, "estimate", 500));
        Reply r = send(ADDRESS, env, "Content-Type", contentType);
        long id = Long.parseLong(result(v, "SubmitJob", r).getTextContent());
        assertEquals(task, taskNameOf(id));
        // and read back in SOAP 1.2 too
        Reply list = call(Soap.V12, "GetJobsJob", "owner_wsid", alice().wsid(), "owner_pw", ALICE_PW,
                "conditions", "", "includeSystem", false);
        boolean found = false;
        for (Element j : children(result(Soap.V12, "GetJobsJob", list))) {
            if (need(j, NS, "JobID").getTextContent().equals(String.valueOf(id))) {
                assertEquals(task, need(j, NS, "TaskName").getTextContent());
                assertEquals("SELECT 'é'", need(j, NS, "Query").getTextContent());
                found = true;
            }
        }
        assertTrue(found, list::toString);
    }

    @Test
    void soap11EnvelopeSentAsSoap12ContentTypeIsAnsweredInSoap11() throws Exception {
        Reply r = send(ADDRESS, soap11(body("GetJobStatus", "wsId", alice().wsid(), "pw", "wrong", "jobId", 1)),
                "Content-Type", "application/soap+xml; charset=utf-8");
        assertEquals(500, r.status(), r::toString);
        Element f = bodyContent(Soap.V11, r);
        assertEquals("Fault", f.getLocalName(), r::toString);
        assertEquals(BAD_LOGIN, need(f, "", "faultstring").getTextContent());
    }
}
