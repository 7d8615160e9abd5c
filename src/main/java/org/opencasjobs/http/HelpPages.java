package org.opencasjobs.http;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The human-facing side of {@code jobs.asmx}: the HTML overview ({@code GET jobs.asmx}), the
 * per-operation pages ({@code ?op=Op}) and the DISCO document ({@code ?disco}), laid out like
 * ASP.NET's {@code DefaultWsdlHelpGenerator.aspx} (NOTES §6).
 *
 * <p>Everything is derived from our WSDL, so the pages cannot drift from the contract. The WSDL is
 * read once into an immutable model (DOM trees are not safe for concurrent reads), which makes an
 * instance safe to share between request threads.
 */
public final class HelpPages {

    private static final String WSDL = "http://schemas.xmlsoap.org/wsdl/";
    private static final String XSD = "http://www.w3.org/2001/XMLSchema";
    private static final String XSI = "http://www.w3.org/2001/XMLSchema-instance";
    private static final String WSDL_SOAP11 = "http://schemas.xmlsoap.org/wsdl/soap/";
    private static final String WSDL_SOAP12 = "http://schemas.xmlsoap.org/wsdl/soap12/";
    private static final String ENV11 = "http://schemas.xmlsoap.org/soap/envelope/";
    private static final String ENV12 = "http://www.w3.org/2003/05/soap-envelope";
    /** Relative links, as ASP.NET writes them; never taken from the URL, so they stay harmless. */
    private static final String ASMX = "jobs.asmx";
    private static final String PLACEHOLDERS =
            " The placeholders shown need to be replaced with actual values.";
    private static final String CSS = "body{font-family:Verdana,sans-serif;color:#000;margin:0}"
            + "#content{margin:10px 30px;font-size:.75em}"
            + ".heading1{background:#036;color:#fff;font-size:2em;padding:6px 30px;margin:-10px -30px 1em}"
            + "h2{font-size:1.5em;margin-top:1.5em}h3{font-size:1.1em;margin-top:2em}"
            + "pre{background:#e5e5cc;padding:5px;white-space:pre-wrap}"
            + "table.frm{border-collapse:collapse;border:1px solid #dcdcdc}"
            + "table.frm th{background:#036;color:#fff;text-align:left;padding:4px}"
            + "table.frm td{padding:4px}li{margin-bottom:1em}";

    /**
     * One element declaration with its type resolved: a leaf ({@code text} = the XSD type name used
     * as placeholder), a DataSet-like wildcard, or a sequence of children. {@code namedType} marks
     * elements of a named complex type, whose XmlSerializer roots carry xsi/xsd declarations.
     */
    private record Decl(String name, String text, List<Decl> children, boolean repeated,
                        boolean dataSet, boolean namedType) {}

    /** An operation: HTML doc, SOAP request/response wrappers, HTTP form fields and result root. */
    private record Op(String name, String doc, String soapAction, Decl request, Decl response,
                      List<String> httpParams, Decl httpResult) {}

    /** A SOAP port, for the DISCO document. */
    private record SoapPort(String binding, boolean soap12) {}

    private final String serviceName;
    private final String serviceDoc;
    private final String targetNamespace;
    private final Map<String, Op> ops = new TreeMap<>(); // String order = ordinal, as required
    private final List<SoapPort> soapPorts = new ArrayList<>();

    // Parse-time lookup tables; only used while building the model.
    private final Map<String, Element> elements = new HashMap<>();
    private final Map<String, Element> complexTypes = new HashMap<>();
    private final Map<String, Element> messages = new HashMap<>();

    /** @param wsdl the bytes of {@code wsdl/jobs.wsdl} */
    public HelpPages(byte[] wsdl) {
        Element defs = parse(wsdl).getDocumentElement();
        targetNamespace = defs.getAttribute("targetNamespace");
        for (Element schema : descendants(defs, XSD, "schema")) {
            for (Element e : children(schema, XSD, "element")) elements.put(e.getAttribute("name"), e);
            for (Element t : children(schema, XSD, "complexType")) complexTypes.put(t.getAttribute("name"), t);
        }
        for (Element m : children(defs, WSDL, "message")) messages.put(m.getAttribute("name"), m);

        Element service = children(defs, WSDL, "service").stream().findFirst()
                .orElseThrow(() -> new IllegalArgumentException("WSDL has no service"));
        serviceName = service.getAttribute("name");
        String doc = documentation(service);
        serviceDoc = doc.isEmpty() ? documentation(defs) : doc;
        for (Element port : children(service, WSDL, "port")) {
            boolean s11 = !children(port, WSDL_SOAP11, "address").isEmpty();
            boolean s12 = !children(port, WSDL_SOAP12, "address").isEmpty();
            if (s11 || s12) soapPorts.add(new SoapPort(local(port.getAttribute("binding")), s12));
        }

        // soapAction per operation, from the SOAP 1.1 binding.
        Map<String, String> actions = new HashMap<>();
        for (Element so : descendants(defs, WSDL_SOAP11, "operation")) {
            actions.put(((Element) so.getParentNode()).getAttribute("name"), so.getAttribute("soapAction"));
        }
        // ASP.NET names the port types {Service}Soap, {Service}HttpGet and {Service}HttpPost.
        Map<String, Element> soapOps = portTypeOps(defs, serviceName + "Soap");
        Map<String, Element> getOps = portTypeOps(defs, serviceName + "HttpGet");
        Map<String, Element> postOps = portTypeOps(defs, serviceName + "HttpPost");
        for (Element op : soapOps.values()) {
            String name = op.getAttribute("name");
            List<String> params = new ArrayList<>();
            Element postOp = postOps.get(name);
            if (postOp != null) {
                for (Element part : parts(postOp, "input")) params.add(part.getAttribute("name"));
            }
            Decl httpResult = null;
            Element getOp = getOps.get(name);
            if (getOp != null) {
                for (Element part : parts(getOp, "output")) httpResult = topLevel(part.getAttribute("element"));
            }
            ops.put(name, new Op(name, documentation(op),
                    actions.getOrDefault(name, targetNamespace + "/" + name),
                    topLevel(parts(op, "input").get(0).getAttribute("element")),
                    topLevel(parts(op, "output").get(0).getAttribute("element")),
                    List.copyOf(params), httpResult));
        }
        elements.clear();
        complexTypes.clear();
        messages.clear();
    }

    /** The HTML page for {@code GET jobs.asmx}: service description and all operations. */
    public String overview(String serviceUrl) {
        StringBuilder sb = head(serviceUrl);
        sb.append("<div class=\"intro\">").append(serviceDoc).append("</div>\n")
          .append("<p>The following operations are supported. For a formal definition, please review the ")
          .append("<a href=\"").append(ASMX).append("?WSDL\">Service Description</a>.</p>\n<ul>\n");
        for (Op op : ops.values()) {
            sb.append("<li><a href=\"").append(ASMX).append("?op=").append(esc(op.name())).append("\">")
              .append(esc(op.name())).append("</a><span><br>").append(op.doc()).append("</span></li>\n");
        }
        return sb.append("</ul>\n").append(TAIL).toString();
    }

    /** The HTML page for {@code ?op=Op}, or null if there is no such operation (case-sensitive). */
    public String operation(String opName, String serviceUrl) {
        Op op = opName == null ? null : ops.get(opName);
        if (op == null) return null;
        String[] hostPath = hostAndPath(serviceUrl);
        String host = hostPath[0];
        String path = hostPath[1];

        StringBuilder sb = head(serviceUrl);
        sb.append("<p>Click <a href=\"").append(ASMX).append("\">here</a> for a complete list of operations.</p>\n")
          .append("<h2>").append(esc(op.name())).append("</h2>\n")
          .append("<div class=\"intro\">").append(op.doc()).append("</div>\n");

        sb.append("<h3>Test</h3>\n<p>To test the operation using the HTTP POST protocol, click the 'Invoke' button.</p>\n")
          .append("<form target=\"_blank\" action=\"").append(esc(serviceUrl + "/" + op.name()))
          .append("\" method=\"POST\">\n<table class=\"frm\">\n<tr><th>Parameter</th><th>Value</th></tr>\n");
        for (String p : op.httpParams()) {
            sb.append("<tr><td><label for=\"p-").append(esc(p)).append("\">").append(esc(p)).append(":</label></td>")
              .append("<td><input class=\"frmInput\" type=\"text\" size=\"50\" id=\"p-").append(esc(p))
              .append("\" name=\"").append(esc(p)).append("\"></td></tr>\n");
        }
        sb.append("<tr><td></td><td><input type=\"submit\" value=\"Invoke\" class=\"button\"></td></tr>\n")
          .append("</table>\n</form>\n");

        String tns = " xmlns=\"" + targetNamespace + "\"";
        section(sb, "SOAP 1.1",
                "POST " + path + " HTTP/1.1\nHost: " + host + "\nContent-Type: text/xml; charset=utf-8\n"
                        + "Content-Length: length\nSOAPAction: \"" + op.soapAction() + "\"\n\n"
                        + envelope("soap", ENV11, op.request()),
                "HTTP/1.1 200 OK\nContent-Type: text/xml; charset=utf-8\nContent-Length: length\n\n"
                        + envelope("soap", ENV11, op.response()));
        section(sb, "SOAP 1.2",
                "POST " + path + " HTTP/1.1\nHost: " + host + "\nContent-Type: application/soap+xml; charset=utf-8\n"
                        + "Content-Length: length\n\n" + envelope("soap12", ENV12, op.request()),
                "HTTP/1.1 200 OK\nContent-Type: application/soap+xml; charset=utf-8\nContent-Length: length\n\n"
                        + envelope("soap12", ENV12, op.response()));

        // HTTP GET/POST parameters are always typed string in the WSDL, so the placeholder is too.
        StringBuilder query = new StringBuilder();
        for (String p : op.httpParams()) query.append(query.length() == 0 ? "" : "&").append(p).append("=string");
        String httpResponse = "HTTP/1.1 200 OK";
        if (op.httpResult() != null) {
            Decl r = op.httpResult();
            String attrs = r.namedType() ? " xmlns:xsi=\"" + XSI + "\" xmlns:xsd=\"" + XSD + "\"" + tns : tns;
            StringBuilder xml = new StringBuilder();
            xml(xml, r, 0, attrs, false);
            httpResponse += "\nContent-Type: text/xml; charset=utf-8\nContent-Length: length\n\n"
                    + "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n" + xml.toString().stripTrailing();
        }
        section(sb, "HTTP GET",
                "GET " + path + "/" + op.name() + (query.length() == 0 ? "" : "?" + query) + " HTTP/1.1\nHost: " + host,
                httpResponse);
        section(sb, "HTTP POST",
                "POST " + path + "/" + op.name() + " HTTP/1.1\nHost: " + host
                        + "\nContent-Type: application/x-www-form-urlencoded\nContent-Length: length\n\n" + query,
                httpResponse);
        return sb.append(TAIL).toString();
    }

    /** The DISCO document for {@code ?disco}, shaped like the one ASP.NET serves (LF, no final newline). */
    public String disco(String serviceUrl) {
        String url = esc(serviceUrl);
        StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n")
                .append("<discovery xmlns:xsi=\"").append(XSI).append("\" xmlns:xsd=\"").append(XSD)
                .append("\" xmlns=\"http://schemas.xmlsoap.org/disco/\">\n")
                .append("  <contractRef ref=\"").append(url).append("?wsdl\" docRef=\"").append(url)
                .append("\" xmlns=\"http://schemas.xmlsoap.org/disco/scl/\" />\n");
        int q = 0;
        for (SoapPort port : soapPorts) {
            q++;
            sb.append("  <soap address=\"").append(url).append("\" xmlns:q").append(q).append("=\"")
              .append(esc(targetNamespace)).append("\" binding=\"q").append(q).append(':')
              .append(esc(port.binding())).append("\" xmlns=\"http://schemas.xmlsoap.org/disco/soap/\" />\n");
        }
        return sb.append("</discovery>").toString();
    }

    // ---- HTML pieces ----

    private static final String TAIL = "</div>\n</body>\n</html>\n";

    private StringBuilder head(String serviceUrl) {
        return new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<title>").append(esc(serviceName)).append(" Web Service</title>\n")
                .append("<link rel=\"alternate\" type=\"text/xml\" href=\"").append(esc(serviceUrl + "?disco"))
                .append("\">\n<style>").append(CSS).append("</style>\n</head>\n<body>\n<div id=\"content\">\n")
                .append("<p class=\"heading1\">").append(esc(serviceName)).append("</p>\n");
    }

    private static void section(StringBuilder sb, String protocol, String request, String response) {
        sb.append("<h3>").append(protocol).append("</h3>\n<p>The following is a sample ").append(protocol)
          .append(" request and response.").append(PLACEHOLDERS).append("</p>\n")
          .append("<pre>").append(esc(request)).append("</pre>\n")
          .append("<pre>").append(esc(response)).append("</pre>\n");
    }

    private String envelope(String prefix, String envNs, Decl body) {
        StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n")
                .append('<').append(prefix).append(":Envelope xmlns:xsi=\"").append(XSI)
                .append("\" xmlns:xsd=\"").append(XSD).append("\" xmlns:").append(prefix).append("=\"")
                .append(envNs).append("\">\n  <").append(prefix).append(":Body>\n");
        xml(sb, body, 2, " xmlns=\"" + targetNamespace + "\"", true);
        return sb.append("  </").append(prefix).append(":Body>\n</").append(prefix).append(":Envelope>").toString();
    }

    /** Writes a sample instance of {@code d}, two-space indented like XmlSerializer; arrays get two items. */
    private static void xml(StringBuilder sb, Decl d, int depth, String attrs, boolean soap) {
        String pad = "  ".repeat(depth);
        sb.append(pad).append('<').append(d.name()).append(attrs);
        if (d.text() != null) {
            sb.append('>').append(d.text()).append("</").append(d.name()).append(">\n");
        } else if (d.dataSet()) {
            // ASP.NET shows a DataSet as its inline schema followed by the data; in SOAP the
            // envelope declares xsd:, a bare HTTP document has to declare the namespace itself.
            sb.append(">\n").append(pad).append("  ")
              .append(soap ? "<xsd:schema>schema</xsd:schema>" : "<schema xmlns=\"" + XSD + "\">schema</schema>")
              .append("xml</").append(d.name()).append(">\n");
        } else if (d.children().isEmpty()) {
            sb.append(" />\n");
        } else {
            sb.append(">\n");
            for (Decl c : d.children()) {
                for (int i = c.repeated() ? 2 : 1; i > 0; i--) xml(sb, c, depth + 1, "", soap);
            }
            sb.append(pad).append("</").append(d.name()).append(">\n");
        }
    }

    /** Host header value and path of the service URL, without java.net.URI so that junk is tolerated. */
    private static String[] hostAndPath(String url) {
        String s = url == null ? "" : url;
        int cut = indexOfAny(s, "?#");
        if (cut >= 0) s = s.substring(0, cut);
        int scheme = s.indexOf("://");
        int start = scheme < 0 ? 0 : scheme + 3;
        int slash = s.indexOf('/', start);
        String authority = slash < 0 ? s.substring(start) : s.substring(start, slash);
        authority = authority.substring(authority.lastIndexOf('@') + 1); // drop any user info
        return new String[] {authority, slash < 0 ? "/" : s.substring(slash)};
    }

    private static int indexOfAny(String s, String chars) {
        for (int i = 0; i < s.length(); i++) if (chars.indexOf(s.charAt(i)) >= 0) return i;
        return -1;
    }

    /** HTML/XML escaping for text and attribute values. */
    static String esc(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    // ---- WSDL reading ----

    private static Document parse(byte[] wsdl) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            return f.newDocumentBuilder().parse(new ByteArrayInputStream(wsdl));
        } catch (Exception e) {
            throw new IllegalArgumentException("Cannot read the WSDL: " + e.getMessage(), e);
        }
    }

    private Map<String, Element> portTypeOps(Element defs, String portType) {
        Map<String, Element> result = new HashMap<>();
        for (Element pt : children(defs, WSDL, "portType")) {
            if (!pt.getAttribute("name").equals(portType)) continue;
            for (Element op : children(pt, WSDL, "operation")) result.put(op.getAttribute("name"), op);
        }
        return result;
    }

    /** The parts of the message an operation uses for {@code input} or {@code output}. */
    private List<Element> parts(Element portTypeOp, String direction) {
        List<Element> io = children(portTypeOp, WSDL, direction);
        Element msg = io.isEmpty() ? null : messages.get(local(io.get(0).getAttribute("message")));
        return msg == null ? List.of() : children(msg, WSDL, "part");
    }

    private Decl topLevel(String qname) {
        Element e = elements.get(local(qname));
        if (e == null) throw new IllegalArgumentException("WSDL schema has no element " + qname);
        return decl(e, 0);
    }

    private Decl decl(Element e, int depth) {
        if (depth > 10) throw new IllegalArgumentException("WSDL schema nests too deeply at " + e.getAttribute("name"));
        String name = e.getAttribute("name");
        String max = e.getAttribute("maxOccurs");
        boolean repeated = !max.isEmpty() && !max.equals("0") && !max.equals("1");
        String type = e.getAttribute("type");
        if (!type.isEmpty()) {
            int colon = type.indexOf(':');
            String ns = e.lookupNamespaceURI(colon < 0 ? null : type.substring(0, colon));
            if (XSD.equals(ns)) return new Decl(name, local(type), List.of(), repeated, false, false);
            Element ct = complexTypes.get(local(type));
            if (ct == null) throw new IllegalArgumentException("WSDL schema has no complexType " + type);
            return content(name, ct, repeated, true, depth);
        }
        List<Element> inline = children(e, XSD, "complexType");
        if (inline.isEmpty()) return new Decl(name, "anyType", List.of(), repeated, false, false);
        return content(name, inline.get(0), repeated, false, depth);
    }

    private Decl content(String name, Element complexType, boolean repeated, boolean named, int depth) {
        List<Decl> kids = new ArrayList<>();
        boolean any = false;
        for (Element seq : children(complexType, XSD, "sequence")) {
            for (Node n = seq.getFirstChild(); n != null; n = n.getNextSibling()) {
                if (!(n instanceof Element c) || !XSD.equals(c.getNamespaceURI())) continue;
                if (c.getLocalName().equals("element")) kids.add(decl(c, depth + 1));
                else if (c.getLocalName().equals("any")) any = true;
            }
        }
        return new Decl(name, null, List.copyOf(kids), repeated, any && kids.isEmpty(), named);
    }

    /** The documentation text; the DOM has already undone the XML escaping, leaving our HTML. */
    private static String documentation(Element parent) {
        List<Element> docs = children(parent, WSDL, "documentation");
        return docs.isEmpty() ? "" : docs.get(0).getTextContent().strip();
    }

    private static List<Element> children(Element parent, String ns, String localName) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && ns.equals(e.getNamespaceURI()) && localName.equals(e.getLocalName())) {
                out.add(e);
            }
        }
        return out;
    }

    private static List<Element> descendants(Element root, String ns, String localName) {
        List<Element> out = new ArrayList<>();
        var list = root.getElementsByTagNameNS(ns, localName);
        for (int i = 0; i < list.getLength(); i++) out.add((Element) list.item(i));
        return out;
    }

    private static String local(String qname) {
        return qname.substring(qname.indexOf(':') + 1);
    }
}
