package org.opencasjobs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opencasjobs.it.TestServer.ALICE_PW;
import static org.opencasjobs.it.TestServer.NS;
import static org.opencasjobs.it.TestServer.form;

import jakarta.xml.ws.BindingProvider;
import jakarta.xml.ws.Service;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.namespace.QName;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.opencasjobs.wire.JobsSoap;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * What {@code jobs.asmx} serves besides operations (CONTRACT.md §3): the WSDL with addresses
 * rewritten to the URL the client used, the DISCO document, the HTML help pages (whose test form
 * must really work), and the refusals around them.
 */
class ServiceDocumentsTest {
    private static final String WSDL_SOAP = "http://schemas.xmlsoap.org/wsdl/soap/";
    private static final String WSDL_SOAP12 = "http://schemas.xmlsoap.org/wsdl/soap12/";
    private static final String WSDL_HTTP = "http://schemas.xmlsoap.org/wsdl/http/";
    private static final String DISCO = "http://schemas.xmlsoap.org/disco/";
    private static final String DISCO_SCL = "http://schemas.xmlsoap.org/disco/scl/";
    private static final String DISCO_SOAP = "http://schemas.xmlsoap.org/disco/soap/";
    private static final Pattern ADDRESS_LOCATION = Pattern.compile("(:address location=\")[^\"]*(\")");
    /** All 14 operations of CONTRACT.md §2, in ordinal (case-sensitive) name order, as ASP.NET lists them. */
    private static final List<String> OPERATIONS = List.of("CancelJob", "ExecuteQuickJob", "ExecuteQuickJobDS",
            "GetJobStatus", "GetJobTypes", "GetJobs", "GetJobsJob", "GetQueues", "GetServiceState",
            "SetServiceState", "SubmitExtractJob", "SubmitJob", "SubmitJobInto", "UploadData");

    static TestServer s;

    @BeforeAll
    static void start() throws Exception {
        s = new TestServer();
        s.holdJobs(); // submitted jobs stay waiting (status 0, TimeStart unset)
    }

    @AfterAll
    static void stop() throws Exception {
        if (s != null) {
            s.close();
        }
    }

    // ------------------------------------------------------------------ helpers

    static Document parse(String body) throws Exception {
        return TestServer.xml(body);
    }

    static String contentType(HttpResponse<?> r) {
        return r.headers().firstValue("Content-Type").orElse("");
    }

    /** Port name → address location, for every port of the WSDL's service. */
    static Map<String, String> addresses(Document wsdl) {
        Map<String, String> out = new LinkedHashMap<>();
        NodeList ports = wsdl.getElementsByTagNameNS("http://schemas.xmlsoap.org/wsdl/", "port");
        for (int i = 0; i < ports.getLength(); i++) {
            Element port = (Element) ports.item(i);
            for (String ns : List.of(WSDL_SOAP, WSDL_SOAP12, WSDL_HTTP)) {
                NodeList a = port.getElementsByTagNameNS(ns, "address");
                for (int j = 0; j < a.getLength(); j++) {
                    out.put(port.getAttribute("name") + " (" + ns + ")", ((Element) a.item(j)).getAttribute("location"));
                }
            }
        }
        return out;
    }

    static void assertAllAddresses(String expected, String wsdlBody) throws Exception {
        Map<String, String> a = addresses(parse(wsdlBody));
        assertEquals(4, a.size(), "port addresses: " + a);
        assertTrue(a.keySet().stream().anyMatch(k -> k.startsWith("JobsSoap (" + WSDL_SOAP)), a.toString());
        assertTrue(a.keySet().stream().anyMatch(k -> k.startsWith("JobsSoap12 (" + WSDL_SOAP12)), a.toString());
        assertTrue(a.keySet().stream().anyMatch(k -> k.startsWith("JobsHttpGet (" + WSDL_HTTP)), a.toString());
        assertTrue(a.keySet().stream().anyMatch(k -> k.startsWith("JobsHttpPost (" + WSDL_HTTP)), a.toString());
        a.forEach((port, location) -> assertEquals(expected, location, port));
    }

    static String htmlUnescape(String s) {
        return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'")
                .replace("&amp;", "&");
    }

    static String attr(String tag, String name) {
        Matcher m = Pattern.compile("\\s" + name + "\\s*=\\s*(?:\"([^\"]*)\"|'([^']*)')", Pattern.CASE_INSENSITIVE)
                .matcher(tag);
        return m.find() ? htmlUnescape(m.group(1) != null ? m.group(1) : m.group(2)) : null;
    }

    static int jobStatus(long id) throws Exception {
        HttpResponse<String> r = s.get("/services/jobs.asmx/GetJobStatus?"
                + form("wsid", s.alice.wsid(), "pw", ALICE_PW, "jobid", id));
        assertEquals(200, r.statusCode(), r.body());
        return Integer.parseInt(parse(r.body()).getDocumentElement().getTextContent().trim());
    }

    // ------------------------------------------------------------------ WSDL

    @ParameterizedTest
    @ValueSource(strings = {"WSDL", "wsdl", "Wsdl"})
    void wsdlInAnyCaseHasTheClientsAddress(String query) throws Exception {
        HttpResponse<String> r = s.get("/services/jobs.asmx?" + query);
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(contentType(r).startsWith("text/xml"), contentType(r));
        Document d = parse(r.body());
        assertEquals("definitions", d.getDocumentElement().getLocalName());
        assertAllAddresses(s.url(), r.body());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/CasJobs/services/jobs.asmx", "/casjobs/services/jobs.asmx"})
    void wsdlViaAliasPathCarriesThatPath(String path) throws Exception {
        HttpResponse<String> r = s.get(path + "?WSDL");
        assertEquals(200, r.statusCode(), r.body());
        assertAllAddresses("http://127.0.0.1:" + s.server.port() + path, r.body());
    }

    @Test
    void theRootIsALandingPageThatLeadsToEverythingAClientNeeds() throws Exception {
        HttpResponse<String> root = s.get("/");
        assertEquals(200, root.statusCode());
        assertTrue(root.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        for (String link : List.of("/services/jobs.asmx?WSDL", "/services/jobs.asmx\"", "/README.md", "/health")) {
            assertTrue(root.body().contains("href=\"" + link.replace("\"", "") + "\""), link + " in " + root.body());
        }
        assertTrue(root.body().contains("http://127.0.0.1:" + s.server.port() + "/services/jobs.asmx"), root.body());
        assertTrue(root.body().contains("<li>With curl (or any HTTP client)</li>"), "README sections: " + root.body());
        HttpResponse<String> readme = s.get("/README.md");
        assertEquals(200, readme.statusCode());
        assertEquals(Files.readString(Path.of(System.getProperty("user.dir"), "README.md")), readme.body());
        assertEquals(404, s.get("/nothing-here").statusCode());
    }

    @Test
    void wsdlWithPublicBaseUrl() throws Exception {
        try (TestServer pub = new TestServer(Map.of("casjobs.public.base.url", "https://sky.example.org"))) {
            HttpResponse<String> r = pub.get("/services/jobs.asmx?WSDL");
            assertEquals(200, r.statusCode(), r.body());
            assertAllAddresses("https://sky.example.org/services/jobs.asmx", r.body());

            HttpResponse<String> disco = pub.get("/services/jobs.asmx?disco");
            assertEquals(200, disco.statusCode(), disco.body());
            Element soap = (Element) parse(disco.body()).getElementsByTagNameNS(DISCO_SOAP, "soap").item(0);
            assertEquals("https://sky.example.org/services/jobs.asmx", soap.getAttribute("address"));

            HttpResponse<String> page = pub.get("/services/jobs.asmx?op=CancelJob");
            assertEquals(200, page.statusCode(), page.body());
            Matcher form = Pattern.compile("<form\\b[^>]*>", Pattern.CASE_INSENSITIVE).matcher(page.body());
            assertTrue(form.find(), page.body());
            assertEquals("https://sky.example.org/services/jobs.asmx/CancelJob", attr(form.group(), "action"));
        }
    }

    @Test
    void servedWsdlIsTheProjectsWsdlApartFromAddresses() throws Exception {
        String file = Files.readString(Path.of(System.getProperty("user.dir"), "wsdl", "jobs.wsdl"),
                StandardCharsets.UTF_8);
        HttpResponse<String> r = s.get("/services/jobs.asmx?WSDL");
        assertEquals(200, r.statusCode());
        String served = r.body();
        assertEquals(4, count(ADDRESS_LOCATION, file), "address elements in wsdl/jobs.wsdl");
        assertEquals(4, count(ADDRESS_LOCATION, served), "address elements in the served WSDL");
        assertEquals(ADDRESS_LOCATION.matcher(file).replaceAll("$1ADDRESS$2"),
                ADDRESS_LOCATION.matcher(served).replaceAll("$1ADDRESS$2"));
    }

    private static int count(Pattern p, String s) {
        int n = 0;
        for (Matcher m = p.matcher(s); m.find();) {
            n++;
        }
        return n;
    }

    @ParameterizedTest
    @CsvSource({"/services/jobs.asmx, JobsSoap12", "/services/jobs.asmx, JobsSoap",
            "/CasJobs/services/jobs.asmx, JobsSoap12"})
    void servedWsdlDrivesAJaxWsClient(String path, String port) throws Exception {
        long id = s.submit(s.alice, ALICE_PW);
        String url = "http://127.0.0.1:" + s.server.port() + path;
        Service service = Service.create(new URL(url + "?WSDL"), new QName(NS, "Jobs"));
        JobsSoap jobs = service.getPort(new QName(NS, port), JobsSoap.class);
        Object address = ((BindingProvider) jobs).getRequestContext().get(BindingProvider.ENDPOINT_ADDRESS_PROPERTY);
        assertEquals(url, address, "the client calls the address from the served WSDL");
        assertEquals(0, jobs.getJobStatus(s.alice.wsid(), ALICE_PW, id));
    }

    // ------------------------------------------------------------------ DISCO

    @Test
    void disco() throws Exception {
        HttpResponse<String> r = s.get("/services/jobs.asmx?disco");
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(contentType(r).startsWith("text/xml"), contentType(r));
        Element root = parse(r.body()).getDocumentElement();
        assertEquals(DISCO, root.getNamespaceURI());
        assertEquals("discovery", root.getLocalName());

        NodeList refs = root.getElementsByTagNameNS(DISCO_SCL, "contractRef");
        assertEquals(1, refs.getLength(), r.body());
        Element ref = (Element) refs.item(0);
        assertEquals(s.url() + "?wsdl", ref.getAttribute("ref"));
        assertEquals(s.url(), ref.getAttribute("docRef"));

        NodeList soaps = root.getElementsByTagNameNS(DISCO_SOAP, "soap");
        assertEquals(2, soaps.getLength(), r.body());
        List<QName> bindings = new ArrayList<>();
        for (int i = 0; i < soaps.getLength(); i++) {
            Element soap = (Element) soaps.item(i);
            assertEquals(s.url(), soap.getAttribute("address"));
            String b = soap.getAttribute("binding");
            int colon = b.indexOf(':');
            assertTrue(colon > 0, "binding is a QName: " + b);
            bindings.add(new QName(soap.lookupNamespaceURI(b.substring(0, colon)), b.substring(colon + 1)));
        }
        assertEquals(List.of(new QName(NS, "JobsSoap"), new QName(NS, "JobsSoap12")), bindings);
    }

    // ------------------------------------------------------------------ help pages

    @Test
    void overviewListsAllOperationsAlphabetically() throws Exception {
        HttpResponse<String> r = s.get("/services/jobs.asmx");
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(contentType(r).startsWith("text/html"), contentType(r));
        List<String> linked = new ArrayList<>();
        Matcher m = Pattern.compile("href=\"jobs\\.asmx\\?op=([^\"]*)\"").matcher(r.body());
        while (m.find()) {
            linked.add(m.group(1));
        }
        assertEquals(OPERATIONS, linked, "operation links, in order");
        assertEquals(OPERATIONS.stream().sorted().toList(), OPERATIONS, "expected list is sorted");
        assertTrue(Pattern.compile("href=\"jobs\\.asmx\\?wsdl\"", Pattern.CASE_INSENSITIVE).matcher(r.body()).find(),
                "link to the WSDL");
    }

    @Test
    void operationPageHasAWorkingTestForm() throws Exception {
        HttpResponse<String> r = s.get("/services/jobs.asmx?op=CancelJob");
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(contentType(r).startsWith("text/html"), contentType(r));
        String page = r.body();

        List<String> headings = new ArrayList<>();
        Matcher h = Pattern.compile("<h3>([^<]*)</h3>").matcher(page);
        while (h.find()) {
            headings.add(h.group(1).trim());
        }
        assertTrue(headings.containsAll(List.of("SOAP 1.1", "SOAP 1.2", "HTTP GET", "HTTP POST")), "sections: " + headings);
        String text = htmlUnescape(page);
        assertTrue(text.contains("SOAPAction: \"http://Services.Cas.jhu.edu/CancelJob\""), "SOAP 1.1 sample");
        assertTrue(text.contains("<wsId>long</wsId>") && text.contains("<jobId>long</jobId>"), "SOAP samples");
        assertTrue(text.contains("application/soap+xml; charset=utf-8"), "SOAP 1.2 sample");
        assertTrue(text.contains("GET /services/jobs.asmx/CancelJob?wsId=string&pw=string&jobId=string HTTP/1.1"),
                "HTTP GET sample");
        assertTrue(text.contains("POST /services/jobs.asmx/CancelJob HTTP/1.1"), "HTTP POST sample");

        Matcher formTag = Pattern.compile("<form\\b[^>]*>", Pattern.CASE_INSENSITIVE).matcher(page);
        assertTrue(formTag.find(), "a test form");
        String action = attr(formTag.group(), "action");
        assertEquals("POST", attr(formTag.group(), "method").toUpperCase());
        assertNotNull(action);
        assertTrue(action.endsWith("jobs.asmx/CancelJob"), action);
        int end = page.indexOf("</form>", formTag.end());
        assertTrue(end > 0, "form is closed");
        List<String> fields = new ArrayList<>();
        Matcher input = Pattern.compile("<input\\b[^>]*>", Pattern.CASE_INSENSITIVE)
                .matcher(page.substring(formTag.end(), end));
        while (input.find()) {
            String type = attr(input.group(), "type");
            if (type == null || type.equalsIgnoreCase("text")) {
                fields.add(attr(input.group(), "name"));
            }
        }
        assertEquals(List.of("wsId", "pw", "jobId"), fields);

        // Use the form as a browser would: its own field names, urlencoded, to its own action.
        long id = s.submit(s.alice, ALICE_PW);
        Map<String, Object> values = Map.of("wsId", s.alice.wsid(), "pw", ALICE_PW, "jobId", id);
        List<Object> pairs = new ArrayList<>();
        for (String f : fields) {
            pairs.add(f);
            pairs.add(values.get(f));
        }
        URI target = URI.create(s.url()).resolve(action);
        HttpResponse<String> invoked = s.http.send(HttpRequest.newBuilder(target)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(pairs.toArray()))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, invoked.statusCode(), invoked.body());
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        int st = jobStatus(id);
        while (st != 3 && System.nanoTime() < deadline) {
            Thread.sleep(50);
            st = jobStatus(id);
        }
        assertEquals(3, st, "the job cancelled through the help page's form");
    }

    @Test
    void unknownOperationPageIsNotFound() throws Exception {
        HttpResponse<String> r = s.get("/services/jobs.asmx?op=NoSuch");
        assertNotEquals(200, r.statusCode(), r.body());
        HttpResponse<String> lower = s.get("/services/jobs.asmx?op=canceljob");
        assertNotEquals(200, lower.statusCode(), "operation pages are case-sensitive");
    }

    @Test
    void deleteOnTheServiceAddressIs405() throws Exception {
        HttpResponse<String> r = s.http.send(HttpRequest.newBuilder(URI.create(s.url())).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, r.statusCode(), r.body());
    }

    @Test
    void cxfServiceListIsHidden() throws Exception {
        for (String path : List.of("/services/", "/services", "/CasJobs/services/")) {
            HttpResponse<String> r = s.get(path);
            assertNotEquals(200, r.statusCode(), () -> path + " answered: " + r.body());
            assertFalse(r.body().contains("Available SOAP services"), path);
        }
    }
}
