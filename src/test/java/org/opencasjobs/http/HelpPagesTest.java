package org.opencasjobs.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class HelpPagesTest {

    private static final String URL = "http://h:1/CasJobs/services/jobs.asmx";
    private static final List<String> ALL_OPS = List.of(
            "CancelJob", "ExecuteQuickJob", "ExecuteQuickJobDS", "GetJobStatus", "GetJobTypes",
            "GetJobs", "GetJobsJob", "GetQueues", "GetServiceState", "SetServiceState",
            "SubmitExtractJob", "SubmitJob", "SubmitJobInto", "UploadData");

    private static HelpPages pages;

    @BeforeAll
    static void load() throws IOException {
        pages = new HelpPages(wsdl());
    }

    /** The WSDL is a classpath resource under Maven; fall back to the project file otherwise. */
    private static byte[] wsdl() throws IOException {
        try (InputStream in = HelpPagesTest.class.getResourceAsStream("/wsdl/jobs.wsdl")) {
            if (in != null) return in.readAllBytes();
        }
        return Files.readAllBytes(Path.of("wsdl/jobs.wsdl"));
    }

    @Test
    void overviewListsAllOperationsInOrdinalOrderWithLinks() {
        String html = pages.overview(URL);
        List<String> listed = all(Pattern.compile("<li><a href=\"jobs\\.asmx\\?op=(\\w+)\">\\1</a>"), html);
        assertEquals(ALL_OPS, listed);
        assertTrue(html.contains("<title>Jobs Web Service</title>"));
        assertTrue(html.contains("The following operations are supported. For a formal definition, please review the "
                + "<a href=\"jobs.asmx?WSDL\">Service Description</a>."));
        assertTrue(html.contains("Runs SQL jobs against astronomical catalogs"), "service documentation");
        // Descriptions are our own HTML: unescaped once, not shown as markup.
        assertTrue(html.contains("<b>Parameters:</b><br/>"));
        assertFalse(html.contains("&lt;br/&gt;"));
    }

    @Test
    void cancelJobPageHasFormAndAllFourSamples() {
        String html = pages.operation("CancelJob", URL);
        assertNotNull(html);
        assertTrue(html.indexOf("Click <a href=\"jobs.asmx\">here</a> for a complete list of operations.")
                < html.indexOf("<h2>CancelJob</h2>"));
        assertTrue(html.contains("<form target=\"_blank\" action=\"http://h:1/CasJobs/services/jobs.asmx/CancelJob\""
                + " method=\"POST\">"));
        String form = html.substring(html.indexOf("<form"), html.indexOf("</form>"));
        assertEquals(List.of("wsId", "pw", "jobId"), all(Pattern.compile(" name=\"([^\"]*)\""), form));
        assertTrue(form.contains("<input type=\"submit\" value=\"Invoke\""));

        assertInOrder(html, "<h3>Test</h3>", "<h3>SOAP 1.1</h3>", "<h3>SOAP 1.2</h3>", "<h3>HTTP GET</h3>",
                "<h3>HTTP POST</h3>");
        assertTrue(html.contains("The following is a sample SOAP 1.1 request and response. "
                + "The placeholders shown need to be replaced with actual values."));
        assertTrue(html.contains("<pre>POST /CasJobs/services/jobs.asmx HTTP/1.1\nHost: h:1\n"
                + "Content-Type: text/xml; charset=utf-8\nContent-Length: length\n"
                + "SOAPAction: &quot;http://Services.Cas.jhu.edu/CancelJob&quot;\n\n"
                + "&lt;?xml version=&quot;1.0&quot; encoding=&quot;utf-8&quot;?&gt;\n"
                + "&lt;soap:Envelope xmlns:xsi=&quot;http://www.w3.org/2001/XMLSchema-instance&quot; "
                + "xmlns:xsd=&quot;http://www.w3.org/2001/XMLSchema&quot; "
                + "xmlns:soap=&quot;http://schemas.xmlsoap.org/soap/envelope/&quot;&gt;\n"
                + "  &lt;soap:Body&gt;\n"
                + "    &lt;CancelJob xmlns=&quot;http://Services.Cas.jhu.edu&quot;&gt;\n"
                + "      &lt;wsId&gt;long&lt;/wsId&gt;\n"
                + "      &lt;pw&gt;string&lt;/pw&gt;\n"
                + "      &lt;jobId&gt;long&lt;/jobId&gt;\n"
                + "    &lt;/CancelJob&gt;\n"
                + "  &lt;/soap:Body&gt;\n"
                + "&lt;/soap:Envelope&gt;</pre>"));
        assertTrue(html.contains("    &lt;CancelJobResponse xmlns=&quot;http://Services.Cas.jhu.edu&quot; /&gt;\n"
                + "  &lt;/soap:Body&gt;"));
        assertTrue(html.contains("Content-Type: application/soap+xml; charset=utf-8\nContent-Length: length\n\n"));
        assertTrue(html.contains("&lt;soap12:Envelope xmlns:xsi=&quot;http://www.w3.org/2001/XMLSchema-instance&quot; "
                + "xmlns:xsd=&quot;http://www.w3.org/2001/XMLSchema&quot; "
                + "xmlns:soap12=&quot;http://www.w3.org/2003/05/soap-envelope&quot;&gt;\n  &lt;soap12:Body&gt;"));
        assertTrue(html.contains("<pre>GET /CasJobs/services/jobs.asmx/CancelJob?wsId=string&amp;pw=string"
                + "&amp;jobId=string HTTP/1.1\nHost: h:1</pre>\n<pre>HTTP/1.1 200 OK</pre>"));
        assertTrue(html.contains("<pre>POST /CasJobs/services/jobs.asmx/CancelJob HTTP/1.1\nHost: h:1\n"
                + "Content-Type: application/x-www-form-urlencoded\nContent-Length: length\n\n"
                + "wsId=string&amp;pw=string&amp;jobId=string</pre>\n<pre>HTTP/1.1 200 OK</pre>"));
    }

    @Test
    void getJobsSamplesShowTwoCJJobItemsWithTheirFields() {
        String html = pages.operation("GetJobs", URL);
        // two items in each of SOAP 1.1, SOAP 1.2, HTTP GET and HTTP POST responses
        assertEquals(8, count(html, "&lt;CJJob&gt;\n"));
        assertTrue(html.contains("        &lt;CJJob&gt;\n          &lt;JobID&gt;long&lt;/JobID&gt;\n"));
        for (String f : List.of("&lt;TimeSubmit&gt;dateTime&lt;/TimeSubmit&gt;", "&lt;Status&gt;int&lt;/Status&gt;",
                "&lt;Type&gt;string&lt;/Type&gt;")) {
            assertTrue(html.contains(f), f);
        }
        assertTrue(html.contains("&lt;?xml version=&quot;1.0&quot; encoding=&quot;utf-8&quot;?&gt;\n"
                + "&lt;ArrayOfCJJob xmlns:xsi=&quot;http://www.w3.org/2001/XMLSchema-instance&quot; "
                + "xmlns:xsd=&quot;http://www.w3.org/2001/XMLSchema&quot; xmlns=&quot;http://Services.Cas.jhu.edu&quot;&gt;\n"
                + "  &lt;CJJob&gt;\n    &lt;JobID&gt;long&lt;/JobID&gt;"));
        assertTrue(html.contains("&lt;includeSystem&gt;boolean&lt;/includeSystem&gt;"));
    }

    @Test
    void scalarAndDataSetResults() {
        String submit = pages.operation("SubmitJob", URL);
        assertTrue(submit.contains("&lt;SubmitJobResult&gt;long&lt;/SubmitJobResult&gt;"));
        assertTrue(submit.contains("HTTP/1.1 200 OK\nContent-Type: text/xml; charset=utf-8\nContent-Length: length\n\n"
                + "&lt;?xml version=&quot;1.0&quot; encoding=&quot;utf-8&quot;?&gt;\n"
                + "&lt;long xmlns=&quot;http://Services.Cas.jhu.edu&quot;&gt;long&lt;/long&gt;</pre>"));
        String ds = pages.operation("ExecuteQuickJobDS", URL);
        assertTrue(ds.contains("&lt;ExecuteQuickJobDSResult&gt;\n        "
                + "&lt;xsd:schema&gt;schema&lt;/xsd:schema&gt;xml&lt;/ExecuteQuickJobDSResult&gt;"));
        assertTrue(ds.contains("&lt;DataSet xmlns=&quot;http://Services.Cas.jhu.edu&quot;&gt;"));
    }

    @Test
    void uploadDataShowsTableExists() {
        String html = pages.operation("UploadData", URL);
        assertTrue(html.contains("name=\"tableExists\""));
        assertTrue(html.contains("&lt;tableExists&gt;boolean&lt;/tableExists&gt;"));
        assertTrue(html.contains("&amp;tableExists=string HTTP/1.1"));
        assertTrue(html.contains("&lt;UploadDataResponse xmlns=&quot;http://Services.Cas.jhu.edu&quot; /&gt;"));
    }

    @Test
    void unknownOrWrongCaseOperationIsNull() {
        assertNull(pages.operation("NoSuchOp", URL));
        assertNull(pages.operation("canceljob", URL));
        assertNull(pages.operation(null, URL));
    }

    /** Every XML sample, once un-escaped, must be well-formed (catches broken nesting or prefixes). */
    @Test
    void everySampleIsWellFormedXml() throws Exception {
        Pattern pre = Pattern.compile("<pre>(.*?)</pre>", Pattern.DOTALL);
        for (String op : ALL_OPS) {
            int xmlSamples = 0;
            for (String block : all(pre, pages.operation(op, URL))) {
                String text = unescape(block);
                int start = text.indexOf("<?xml");
                if (start < 0) continue;
                parse(text.substring(start));
                xmlSamples++;
            }
            // SOAP 1.1 and 1.2 request and response, plus the HTTP GET/POST responses unless void
            assertTrue(xmlSamples == 4 || xmlSamples == 6, op + ": " + xmlSamples);
        }
    }

    @Test
    void serviceUrlIsEscapedEverywhere() {
        String evil = "http://h:1/x/<script>alert(\"1\")</script>/jobs.asmx";
        for (String out : List.of(pages.overview(evil), pages.operation("CancelJob", evil), pages.disco(evil))) {
            assertFalse(out.contains("<script>"), out);
            assertTrue(out.contains("&lt;script&gt;"));
        }
        assertTrue(pages.operation("CancelJob", evil).contains(
                "action=\"http://h:1/x/&lt;script&gt;alert(&quot;1&quot;)&lt;/script&gt;/jobs.asmx/CancelJob\""));
    }

    @Test
    void discoHasTheAspNetShape() throws Exception {
        String sdss3 = "http://skyserver.sdss3.org/casjobs/services/jobs.asmx";
        assertEquals("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                + "<discovery xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
                + "xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" xmlns=\"http://schemas.xmlsoap.org/disco/\">\n"
                + "  <contractRef ref=\"" + sdss3 + "?wsdl\" docRef=\"" + sdss3
                + "\" xmlns=\"http://schemas.xmlsoap.org/disco/scl/\" />\n"
                + "  <soap address=\"" + sdss3 + "\" xmlns:q1=\"http://Services.Cas.jhu.edu\" binding=\"q1:JobsSoap\" "
                + "xmlns=\"http://schemas.xmlsoap.org/disco/soap/\" />\n"
                + "  <soap address=\"" + sdss3 + "\" xmlns:q2=\"http://Services.Cas.jhu.edu\" binding=\"q2:JobsSoap12\" "
                + "xmlns=\"http://schemas.xmlsoap.org/disco/soap/\" />\n"
                + "</discovery>", pages.disco(sdss3));

        Document doc = parse(pages.disco(URL));
        NodeList refs = doc.getElementsByTagNameNS("http://schemas.xmlsoap.org/disco/scl/", "contractRef");
        assertEquals(1, refs.getLength());
        Element ref = (Element) refs.item(0);
        assertTrue(ref.getAttribute("ref").endsWith("?wsdl"));
        assertEquals(URL + "?wsdl", ref.getAttribute("ref"));
        assertEquals(URL, ref.getAttribute("docRef"));
        assertEquals(2, doc.getElementsByTagNameNS("http://schemas.xmlsoap.org/disco/soap/", "soap").getLength());
    }

    // ---- helpers ----

    private static List<String> all(Pattern p, String s) {
        List<String> out = new ArrayList<>();
        Matcher m = p.matcher(s);
        while (m.find()) out.add(m.group(1));
        return out;
    }

    private static int count(String s, String needle) {
        int n = 0;
        for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) n++;
        return n;
    }

    private static void assertInOrder(String s, String... parts) {
        int at = -1;
        for (String p : parts) {
            int next = s.indexOf(p, at + 1);
            assertTrue(next > at, "missing or out of order: " + p);
            at = next;
        }
    }

    private static String unescape(String s) {
        return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'")
                .replace("&amp;", "&");
    }

    private static Document parse(String xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }
}
