package org.opencasjobs.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Attr;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

/**
 * Proves that our contract {@code wsdl/jobs.wsdl} (as found on the classpath) is structurally the
 * WSDL of the deployed CasJobs service (its structure, documentation removed, is the test resource
 * {@code reference/jobs-sdss3-structure.wsdl}), except for
 * the intended differences of CONTRACT.md §1–§2: no {@code ExecuteQuickJobOID}, an optional
 * trailing {@code tableExists} on UploadData, a lax {@code s:any} instead of {@code ref="s:schema"}
 * for DataSets, and documentation texts of our own. Every check collects human-readable
 * differences ("where: expected … but was …") and asserts that the list is empty.
 */
class WsdlContractTest {

    static final String WSDL = "http://schemas.xmlsoap.org/wsdl/";
    static final String XSD = "http://www.w3.org/2001/XMLSchema";
    static final String SOAP = "http://schemas.xmlsoap.org/wsdl/soap/";
    static final String SOAP12 = "http://schemas.xmlsoap.org/wsdl/soap12/";
    static final String HTTP = "http://schemas.xmlsoap.org/wsdl/http/";
    static final String MIME = "http://schemas.xmlsoap.org/wsdl/mime/";
    static final String TNS = "http://Services.Cas.jhu.edu";
    /** Display prefixes, so that differences read like the WSDL regardless of the prefixes a file declares. */
    static final Map<String, String> PREFIX = Map.of(WSDL, "wsdl", XSD, "s", SOAP, "soap", SOAP12, "soap12",
            HTTP, "http", MIME, "mime", TNS, "tns");
    static final String OID = "ExecuteQuickJobOID";
    static final String LAX_ANY = "any[0..unbounded] processContents=lax";
    static final String TABLE_EXISTS = "tableExists:s:boolean[0..1]";
    static final List<String> PORT_TYPES = List.of("JobsSoap", "JobsHttpGet", "JobsHttpPost");
    static final List<String> BINDINGS = List.of("JobsSoap", "JobsSoap12", "JobsHttpGet", "JobsHttpPost");
    /**
     * The structure of the deployed service's WSDL (test resource): the WSDL as served, except that each
     * wsdl:documentation text is replaced by the SHA-256 of its whitespace-normalized text (attribute sha256).
     */
    static final String REFERENCE = "reference/jobs-sdss3-structure.wsdl";

    static Element ours;
    static Element ref;

    // ------------------------------------------------------------------ loading

    @BeforeAll
    static synchronized void load() throws Exception {
        if (ours != null) return;
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        f.setXIncludeAware(false);
        f.setExpandEntityReferences(false);
        ClassLoader cl = WsdlContractTest.class.getClassLoader();
        try (InputStream in = cl.getResourceAsStream("wsdl/jobs.wsdl"); InputStream r = cl.getResourceAsStream(REFERENCE)) {
            assertNotNull(in, "our contract wsdl/jobs.wsdl is not on the test classpath");
            assertNotNull(r, "the reference structure " + REFERENCE + " is not on the test classpath");
            ours = f.newDocumentBuilder().parse(in).getDocumentElement();
            ref = f.newDocumentBuilder().parse(r).getDocumentElement();
        }
    }

    /** The operations to check one by one: the reference's, minus the one we intentionally do not offer. */
    static Stream<String> operations() throws Exception {
        load();
        return names(portType(ref, "JobsSoap"), WSDL, "operation").stream().filter(op -> !op.equals(OID));
    }

    // ------------------------------------------------------------------ service, bindings, order

    @Test
    void identityServiceAndPorts() {
        List<String> diffs = new ArrayList<>();
        check(diffs, "definitions/@targetNamespace", TNS, ours.getAttribute("targetNamespace"));
        check(diffs, "reference definitions/@targetNamespace", TNS, ref.getAttribute("targetNamespace"));
        check(diffs, "service names", List.of("Jobs"), names(ours, WSDL, "service"));
        List<String> expectedPorts = List.of("JobsSoap -> tns:JobsSoap at soap:address",
                "JobsSoap12 -> tns:JobsSoap12 at soap12:address", "JobsHttpGet -> tns:JobsHttpGet at http:address",
                "JobsHttpPost -> tns:JobsHttpPost at http:address");
        check(diffs, "reference service Jobs ports", expectedPorts, ports(ref));
        check(diffs, "service Jobs ports", expectedPorts, ports(ours));
        List<String> locations = kids(byName(ours, WSDL, "service", "Jobs"), WSDL, "port").stream()
                .map(port -> kids(port, null, "address").stream().map(a -> a.getAttribute("location")).findFirst().orElse(""))
                .distinct().collect(Collectors.toList());
        if (locations.size() != 1 || locations.get(0).isBlank()) {
            diffs.add("service Jobs: expected all ports at one non-empty address but found " + locations);
        }
        check(diffs, "wsdl:types schemas", List.of(describe(schema(ref))), kids(kid(ours, WSDL, "types"), null, null)
                .stream().map(WsdlContractTest::describe).collect(Collectors.toList()));
        check(diffs, "portType names", names(ref, WSDL, "portType"), names(ours, WSDL, "portType"));
        check(diffs, "binding names", names(ref, WSDL, "binding"), names(ours, WSDL, "binding"));
        Map<String, String> expectedKind = Map.of("JobsSoap", "soap:binding[transport=http://schemas.xmlsoap.org/soap/http]",
                "JobsSoap12", "soap12:binding[transport=http://schemas.xmlsoap.org/soap/http]",
                "JobsHttpGet", "http:binding[verb=GET]", "JobsHttpPost", "http:binding[verb=POST]");
        for (String b : BINDINGS) {
            Element o = binding(ours, b), r = binding(ref, b);
            if (o == null) { diffs.add("binding " + b + ": missing"); continue; }
            check(diffs, "binding " + b + " @type", qn(r, "type"), qn(o, "type"));
            check(diffs, "binding " + b + " extensions", List.of(expectedKind.get(b)), extensions(o));
            check(diffs, "reference binding " + b + " extensions", List.of(expectedKind.get(b)), extensions(r));
        }
        assertEquals(List.of(), diffs);
    }

    @Test
    void sameOperationsInSameOrderInEveryPortTypeAndBinding() {
        List<String> diffs = new ArrayList<>();
        for (String pt : PORT_TYPES) {
            check(diffs, "portType " + pt + " operations", withoutOid(names(portType(ref, pt), WSDL, "operation")),
                    names(portType(ours, pt), WSDL, "operation"));
        }
        for (String b : BINDINGS) {
            check(diffs, "binding " + b + " operations", withoutOid(names(binding(ref, b), WSDL, "operation")),
                    names(binding(ours, b), WSDL, "operation"));
        }
        check(diffs, "message names", withoutOid(names(ref, WSDL, "message")), names(ours, WSDL, "message"));
        assertEquals(List.of(), diffs);
    }

    @Test
    void executeQuickJobOidIsNotOffered() {
        assertEquals(List.of(), descendants(ours, e -> e.getAttribute("name").startsWith(OID)).stream()
                .map(e -> describe(e) + " declares " + OID).collect(Collectors.toList()));
    }

    // ------------------------------------------------------------------ types

    @Test
    void namedComplexTypesMatchReference() {
        List<String> diffs = new ArrayList<>();
        check(diffs, "named complexTypes", sorted(names(schema(ref), XSD, "complexType")),
                sorted(names(schema(ours), XSD, "complexType")));
        for (String t : names(schema(ref), XSD, "complexType")) {
            check(diffs, "complexType " + t, particles(byName(schema(ref), XSD, "complexType", t)),
                    particles(byName(schema(ours), XSD, "complexType", t)));
        }
        assertEquals(List.of(), diffs);
    }

    @Test
    void topLevelElementsMatchReference() {
        List<String> diffs = new ArrayList<>();
        check(diffs, "top-level elements", sorted(withoutOid(names(schema(ref), XSD, "element"))),
                sorted(names(schema(ours), XSD, "element")));
        for (String name : List.of("string", "DataSet", "long", "int", "ArrayOfCJJob", "ArrayOfJob", "ArrayOfCJQueue",
                "ArrayOfCJType")) {
            Element o = byName(schema(ours), XSD, "element", name), r = byName(schema(ref), XSD, "element", name);
            if (o == null) { diffs.add("element " + name + ": missing"); continue; }
            check(diffs, "element " + name + " @type", qn(r, "type"), qn(o, "type"));
            check(diffs, "element " + name + " @nillable", nillable(r), nillable(o));
        }
        assertEquals(List.of(), diffs);
    }

    /** CONTRACT.md §2: the DataSet content is a lax wildcard, never {@code ref="s:schema"} (breaks wsimport, suds). */
    @Test
    void dataSetsAreLaxWildcardsWithoutSchemaRef() {
        List<String> diffs = new ArrayList<>();
        Element response = byName(schema(ours), XSD, "element", "ExecuteQuickJobDSResponse");
        Element result = response == null ? null : descendants(response,
                e -> XSD.equals(e.getNamespaceURI()) && e.getAttribute("name").equals("ExecuteQuickJobDSResult"))
                .stream().findFirst().orElse(null);
        Element dataSet = byName(schema(ours), XSD, "element", "DataSet");
        for (Element e : new Element[] {result, dataSet}) {
            if (e == null) { diffs.add("ExecuteQuickJobDSResult or DataSet element: missing"); continue; }
            String where = "element " + e.getAttribute("name");
            check(diffs, where + " content", List.of(LAX_ANY), particles(kid(e, XSD, "complexType")));
            descendants(e, d -> d.hasAttribute("ref") && (XSD + ":schema").equals(resolved(d, "ref")))
                    .forEach(d -> diffs.add(where + ": contains ref=\"s:schema\""));
        }
        assertEquals(List.of(), diffs);
    }

    // ------------------------------------------------------------------ per operation

    @ParameterizedTest(name = "{0}")
    @MethodSource("operations")
    void requestWrapper(String op) {
        List<String> expected = particles(kid(byName(schema(ref), XSD, "element", op), XSD, "complexType"));
        if (op.equals("UploadData")) expected = plus(expected, TABLE_EXISTS);
        assertEquals(expected, particles(kid(byName(schema(ours), XSD, "element", op), XSD, "complexType")),
                "request wrapper element " + op);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("operations")
    void responseWrapper(String op) {
        List<String> diffs = new ArrayList<>();
        Element r = byName(schema(ref), XSD, "element", op + "Response");
        Element o = byName(schema(ours), XSD, "element", op + "Response");
        if (o == null) fail("element " + op + "Response: missing");
        List<String> refParticles = particles(kid(r, XSD, "complexType"));
        List<String> ourParticles = particles(kid(o, XSD, "complexType"));
        if (op.equals("ExecuteQuickJobDS")) {
            // same name and occurrences; the anonymous content is checked by dataSetsAreLaxWildcardsWithoutSchemaRef
            check(diffs, op + "Response content", List.of(op + "Result:(anonymous complexType)[0..1]"), refParticles);
        } else if (!refParticles.isEmpty()) {
            check(diffs, op + "Response: reference result name", op + "Result",
                    refParticles.get(0).substring(0, refParticles.get(0).indexOf(':')));
        }
        check(diffs, op + "Response content", refParticles, ourParticles);
        assertEquals(List.of(), diffs);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("operations")
    void soapPortTypeMessagesAndBindings(String op) {
        List<String> diffs = new ArrayList<>();
        Element pt = byName(portType(ours, "JobsSoap"), WSDL, "operation", op);
        if (pt == null) fail("portType JobsSoap: operation " + op + " missing");
        check(diffs, "portType JobsSoap operation " + op, canon(byName(portType(ref, "JobsSoap"), WSDL, "operation", op)),
                canon(pt));
        check(diffs, "SOAP input message of " + op, List.of("parameters element=tns:" + op), parts(ours, pt, "input"));
        check(diffs, "SOAP output message of " + op, List.of("parameters element=tns:" + op + "Response"),
                parts(ours, pt, "output"));
        for (String b : List.of("JobsSoap", "JobsSoap12")) {
            String p = b.equals("JobsSoap") ? "soap" : "soap12";
            Element o = byName(binding(ours, b), WSDL, "operation", op);
            if (o == null) { diffs.add("binding " + b + ": operation " + op + " missing"); continue; }
            String where = "binding " + b + " operation " + op;
            check(diffs, where, List.of(p + ":operation[soapAction=" + TNS + "/" + op + ", style=document]"), extensions(o));
            check(diffs, where + " input", List.of(p + ":body[use=literal]"), extensions(kid(o, WSDL, "input")));
            check(diffs, where + " output", List.of(p + ":body[use=literal]"), extensions(kid(o, WSDL, "output")));
            check(diffs, where + " (whole, against reference)", canon(byName(binding(ref, b), WSDL, "operation", op)), canon(o));
        }
        assertEquals(List.of(), diffs);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("operations")
    void httpPortTypesMessagesAndBindings(String op) {
        List<String> diffs = new ArrayList<>();
        for (String b : List.of("JobsHttpGet", "JobsHttpPost")) {
            Element rpt = byName(portType(ref, b), WSDL, "operation", op);
            Element opt = byName(portType(ours, b), WSDL, "operation", op);
            Element rb = byName(binding(ref, b), WSDL, "operation", op);
            Element ob = byName(binding(ours, b), WSDL, "operation", op);
            if (opt == null || ob == null) { diffs.add(b + ": operation " + op + " missing"); continue; }
            check(diffs, "portType " + b + " operation " + op, canon(rpt), canon(opt));
            List<String> params = parts(ref, rpt, "input").stream().map(s -> s.substring(0, s.indexOf(' ')) + " type=s:string")
                    .collect(Collectors.toList());
            if (op.equals("UploadData")) params = plus(params, "tableExists type=s:string");
            check(diffs, b + " input message of " + op, params, parts(ours, opt, "input"));
            List<String> body = parts(ref, rpt, "output");
            check(diffs, b + " output message of " + op, body, parts(ours, opt, "output"));
            String where = "binding " + b + " operation " + op;
            check(diffs, where, List.of("http:operation[location=/" + op + "]"), extensions(ob));
            check(diffs, where + " input", List.of(b.equals("JobsHttpGet") ? "http:urlEncoded"
                    : "mime:content[type=application/x-www-form-urlencoded]"), extensions(kid(ob, WSDL, "input")));
            check(diffs, where + " output", body.isEmpty() ? List.of() : List.of("mime:mimeXml[part=Body]"),
                    extensions(kid(ob, WSDL, "output")));
            check(diffs, where + " (whole, against reference)", canon(rb), canon(ob));
        }
        assertEquals(List.of(), diffs);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("operations")
    void documentationIsOurOwn(String op) {
        List<String> diffs = new ArrayList<>();
        List<Element> containers = new ArrayList<>();
        PORT_TYPES.forEach(n -> containers.add(portType(ours, n)));
        BINDINGS.forEach(n -> containers.add(binding(ours, n)));
        TreeSet<String> refDocs = new TreeSet<>();
        descendants(ref, e -> WSDL.equals(e.getNamespaceURI()) && e.getLocalName().equals("operation")
                && e.getAttribute("name").equals(op)).forEach(e -> refDocs.add(doc(e)));
        refDocs.remove("");
        for (Element c : containers) {
            Element o = c == null ? null : byName(c, WSDL, "operation", op);
            if (o != null && refDocs.contains(doc(o))) {
                diffs.add(describe(c) + " operation " + op + ": documentation is the reference's text");
            }
        }
        assertEquals(List.of(), diffs);
    }

    @Test
    void serviceDocumentationIsOurOwn() {
        List<String> diffs = new ArrayList<>();
        TreeSet<String> refDocs = new TreeSet<>(List.of(doc(ref), doc(byName(ref, WSDL, "service", "Jobs"))));
        refDocs.remove("");
        if (refDocs.contains(doc(ours))) diffs.add("definitions: documentation is the reference's text");
        if (refDocs.contains(doc(byName(ours, WSDL, "service", "Jobs")))) diffs.add("service Jobs: documentation is the reference's text");
        assertEquals(List.of(), diffs);
    }

    // ------------------------------------------------------------------ helpers

    static void check(List<String> diffs, String where, Object expected, Object actual) {
        if (!Objects.equals(expected, actual)) diffs.add(where + ": expected " + expected + " but was " + actual);
    }

    static List<Element> kids(Node parent, String ns, String local) {
        List<Element> out = new ArrayList<>();
        if (parent == null) return out;
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element && (ns == null || ns.equals(n.getNamespaceURI()))
                    && (local == null || local.equals(n.getLocalName()))) out.add((Element) n);
        }
        return out;
    }

    static Element kid(Node parent, String ns, String local) {
        return kids(parent, ns, local).stream().findFirst().orElse(null);
    }

    static Element byName(Node parent, String ns, String local, String name) {
        return kids(parent, ns, local).stream().filter(e -> e.getAttribute("name").equals(name)).findFirst().orElse(null);
    }

    static List<String> names(Node parent, String ns, String local) {
        return kids(parent, ns, local).stream().map(e -> e.getAttribute("name")).collect(Collectors.toList());
    }

    static List<Element> descendants(Element root, Predicate<Element> p) {
        List<Element> out = new ArrayList<>();
        if (p.test(root)) out.add(root);
        kids(root, null, null).forEach(k -> out.addAll(descendants(k, p)));
        return out;
    }

    static Element schema(Element defs) {
        Element s = kid(kid(defs, WSDL, "types"), XSD, "schema");
        assertNotNull(s, "wsdl:types/s:schema missing");
        return s;
    }

    static Element portType(Element defs, String name) { return byName(defs, WSDL, "portType", name); }

    static Element binding(Element defs, String name) { return byName(defs, WSDL, "binding", name); }

    static List<String> withoutOid(List<String> names) {
        return names.stream().filter(n -> !n.startsWith(OID)).collect(Collectors.toList());
    }

    static List<String> sorted(List<String> l) { return l.stream().sorted().collect(Collectors.toList()); }

    static List<String> plus(List<String> l, String extra) { return Stream.concat(l.stream(), Stream.of(extra)).collect(Collectors.toList()); }

    /** A QName-valued attribute, resolved with the namespace in scope: "namespace:local". Null if absent. */
    static String resolved(Element e, String attr) {
        if (e == null || !e.hasAttribute(attr)) return null;
        String v = e.getAttribute(attr).trim();
        int i = v.indexOf(':');
        String ns = e.lookupNamespaceURI(i < 0 ? null : v.substring(0, i));
        return ns + ":" + v.substring(i + 1);
    }

    /** The same, for display: "s:string", "tns:CJJob", or "{namespace}local" for unknown namespaces. */
    static String qn(Element e, String attr) {
        String r = resolved(e, attr);
        if (r == null) return null;
        int i = r.lastIndexOf(':');
        String ns = r.substring(0, i);
        return PREFIX.containsKey(ns) ? PREFIX.get(ns) + ":" + r.substring(i + 1) : "{" + ns + "}" + r.substring(i + 1);
    }

    static String nillable(Element e) { return e == null ? null : String.valueOf("true".equals(e.getAttribute("nillable"))); }

    static String occurs(Element e) {
        return "[" + (e.hasAttribute("minOccurs") ? e.getAttribute("minOccurs") : "1") + ".."
                + (e.hasAttribute("maxOccurs") ? e.getAttribute("maxOccurs") : "1") + "]";
    }

    /** The particles of a complexType's sequence, e.g. "wsid:s:long[1..1]", "CJJob:tns:CJJob[0..unbounded] nillable". */
    static List<String> particles(Element complexType) {
        if (complexType == null) return List.of("(no complexType)");
        List<String> out = new ArrayList<>();
        for (Element c : kids(complexType, null, null)) {
            if (!(XSD.equals(c.getNamespaceURI()) && c.getLocalName().equals("sequence"))) {
                out.add("unexpected " + describe(c));
                continue;
            }
            for (Element p : kids(c, null, null)) {
                if (XSD.equals(p.getNamespaceURI()) && p.getLocalName().equals("element")) {
                    String type = p.hasAttribute("type") ? qn(p, "type")
                            : kid(p, XSD, "complexType") != null ? "(anonymous complexType)" : "(no type)";
                    out.add((p.hasAttribute("ref") ? "ref=" + qn(p, "ref") : p.getAttribute("name") + ":" + type)
                            + occurs(p) + ("true".equals(p.getAttribute("nillable")) ? " nillable" : ""));
                } else if (XSD.equals(p.getNamespaceURI()) && p.getLocalName().equals("any")) {
                    out.add("any" + occurs(p) + " processContents="
                            + (p.hasAttribute("processContents") ? p.getAttribute("processContents") : "strict")
                            + (p.hasAttribute("namespace") ? " namespace=" + p.getAttribute("namespace") : ""));
                } else {
                    out.add("unexpected " + describe(p));
                }
            }
        }
        return out;
    }

    /** The parts of the message that a portType operation's input or output refers to: "name element=… type=…". */
    static List<String> parts(Element defs, Element portTypeOp, String io) {
        String msg = resolved(kid(portTypeOp, WSDL, io), "message");
        if (msg == null) return List.of("(no " + io + " message)");
        if (!msg.startsWith(defs.getAttribute("targetNamespace") + ":")) return List.of("(message " + msg + " not in targetNamespace)");
        Element m = byName(defs, WSDL, "message", msg.substring(msg.lastIndexOf(':') + 1));
        if (m == null) return List.of("(message " + msg + " not declared)");
        return kids(m, WSDL, "part").stream().map(p -> p.getAttribute("name")
                + (p.hasAttribute("element") ? " element=" + qn(p, "element") : "")
                + (p.hasAttribute("type") ? " type=" + qn(p, "type") : "")).collect(Collectors.toList());
    }

    /** Extensibility elements (non-WSDL children) of a WSDL element, each described with its attributes. */
    static List<String> extensions(Element e) {
        return kids(e, null, null).stream().filter(k -> !WSDL.equals(k.getNamespaceURI()))
                .map(WsdlContractTest::describe).collect(Collectors.toList());
    }

    /** "prefix:local[attr=value, …]" with attributes sorted and QName values resolved. */
    static String describe(Element e) {
        if (e == null) return "(missing)";
        String ns = e.getNamespaceURI();
        String name = (PREFIX.containsKey(ns) ? PREFIX.get(ns) + ":" : "{" + ns + "}") + e.getLocalName();
        NamedNodeMap attrs = e.getAttributes();
        String a = IntStream.range(0, attrs.getLength()).mapToObj(i -> (Attr) attrs.item(i))
                .filter(at -> !XMLConstants.XMLNS_ATTRIBUTE_NS_URI.equals(at.getNamespaceURI()))
                .sorted(Comparator.comparing(Attr::getName))
                .map(at -> at.getName() + "=" + ((WSDL.equals(ns) || XSD.equals(ns))
                        && List.of("message", "element", "type", "binding", "ref").contains(at.getName())
                        ? qn(e, at.getName()) : at.getValue()))
                .collect(Collectors.joining(", "));
        return a.isEmpty() ? name : name + "[" + a + "]";
    }

    /** The whole subtree in one line, without wsdl:documentation. */
    static String canon(Element e) {
        if (e == null) return "(missing)";
        String kids = kids(e, null, null).stream()
                .filter(k -> !(WSDL.equals(k.getNamespaceURI()) && k.getLocalName().equals("documentation")))
                .map(WsdlContractTest::canon).collect(Collectors.joining(" "));
        return kids.isEmpty() ? describe(e) : describe(e) + " { " + kids + " }";
    }

    /**
     * The SHA-256 (hex) of an element's wsdl:documentation text, whitespace-normalized; "" if it has none or it is
     * empty. The reference structure carries only these digests, in the attribute sha256.
     */
    static String doc(Element e) {
        Element d = kid(e, WSDL, "documentation");
        if (d == null) return "";
        if (d.hasAttribute("sha256")) return d.getAttribute("sha256");
        String text = d.getTextContent().replaceAll("\\s+", " ").trim();
        if (text.isEmpty()) return "";
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException x) {
            throw new IllegalStateException(x);
        }
    }

    static List<String> ports(Element defs) {
        return kids(byName(defs, WSDL, "service", "Jobs"), WSDL, "port").stream()
                .map(p -> p.getAttribute("name") + " -> " + qn(p, "binding") + " at "
                        + kids(p, null, null).stream().map(k -> describe(k).replaceAll("\\[.*", ""))
                                .collect(Collectors.joining(",")))
                .collect(Collectors.toList());
    }
}
