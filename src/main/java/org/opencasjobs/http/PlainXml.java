package org.opencasjobs.http;

import jakarta.xml.bind.JAXBContext;
import jakarta.xml.bind.JAXBElement;
import jakarta.xml.bind.JAXBException;
import jakarta.xml.bind.Marshaller;
import jakarta.xml.bind.annotation.XmlType;
import java.io.StringWriter;
import javax.xml.namespace.QName;
import org.glassfish.jaxb.runtime.marshaller.NamespacePrefixMapper;
import org.opencasjobs.wire.ExecuteQuickJobDSResponse;
import org.opencasjobs.wire.ObjectFactory;

/**
 * The body of a successful HTTP GET/POST call, as ASMX writes it: an XML declaration, then the
 * result as a root element named after its XSD type ({@code <long>}, {@code <ArrayOfCJJob>}) in
 * the service namespace, indented by two spaces.
 */
final class PlainXml {
    static final String NS = "http://Services.Cas.jhu.edu";
    private static final String XSI = "http://www.w3.org/2001/XMLSchema-instance";
    private static final String XSD = "http://www.w3.org/2001/XMLSchema";
    /** The root's namespace declarations, which .NET writes in the order xsi, xsd, default. */
    private static final java.util.regex.Pattern DECLARATIONS =
            java.util.regex.Pattern.compile("<(\\w+)(?: xmlns(?::\\w+)?=\"[^\"]*\")+(/?)>");
    private static final JAXBContext CONTEXT;
    static {
        try {
            CONTEXT = JAXBContext.newInstance(ObjectFactory.class);
        } catch (JAXBException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Declares xsi and xsd on complex roots, as .NET's XmlSerializer does; ours is the default namespace. */
    private static final NamespacePrefixMapper DOTNET_PREFIXES = new NamespacePrefixMapper() {
        @Override
        public String getPreferredPrefix(String uri, String suggestion, boolean required) {
            return NS.equals(uri) ? "" : XSI.equals(uri) ? "xsi" : XSD.equals(uri) ? "xsd" : suggestion;
        }

        @Override
        public String[] getPreDeclaredNamespaceUris2() {
            return new String[] {"xsi", XSI, "xsd", XSD};
        }
    };

    private PlainXml() {
    }

    static String document(Object value, Class<?> declared) {
        if (value instanceof ExecuteQuickJobDSResponse.ExecuteQuickJobDSResult ds) {
            return dataSet(ds.getAny());
        }
        if (declared == int.class || declared == long.class || declared == boolean.class) {
            return number(value, declared);
        }
        return viaJaxb(value, declared);
    }

    /**
     * A number or boolean result, written as JAXB writes it ({@link #viaJaxb}, which
     * {@code PlainXmlTest} compares it with): its text needs no escaping, and GetJobStatus, the
     * call clients poll most, answers one; a marshaller made per call cost more than the rest of
     * the HTTP GET path.
     */
    private static String number(Object value, Class<?> declared) {
        return "<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<" + declared.getName() + " xmlns=\"" + NS + "\">"
                + value + "</" + declared.getName() + ">";
    }

    /** Any result through JAXB, with the root named after its XSD type. */
    static String viaJaxb(Object value, Class<?> declared) {
        boolean primitive = declared.isPrimitive() || declared == String.class;
        String root = switch (declared.getName()) {
            case "long" -> "long";
            case "int" -> "int";
            case "boolean" -> "boolean";
            case "java.lang.String" -> "string";
            default -> typeName(declared);
        };
        Class<?> type = declared == long.class ? Long.class : declared == int.class ? Integer.class
                : declared == boolean.class ? Boolean.class : declared;
        try {
            Marshaller m = CONTEXT.createMarshaller();
            m.setProperty(Marshaller.JAXB_FRAGMENT, true);
            m.setProperty(Marshaller.JAXB_FORMATTED_OUTPUT, true);
            m.setProperty("org.glassfish.jaxb.indentString", "  ");
            if (!primitive) {
                m.setProperty("org.glassfish.jaxb.namespacePrefixMapper", DOTNET_PREFIXES);
            }
            StringWriter out = new StringWriter();
            out.write("<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n");
            m.marshal(element(new QName(NS, root), type, value), out);
            return primitive ? out.toString() : DECLARATIONS.matcher(out.toString()).replaceFirst(
                    "<$1 xmlns:xsi=\"" + XSI + "\" xmlns:xsd=\"" + XSD + "\" xmlns=\"" + NS + "\"$2>");
        } catch (JAXBException e) {
            throw new IllegalStateException("Cannot write a " + root + " result", e);
        }
    }

    /** A DataSet root holding the inline schema and diffgram elements (JAXB cannot name the anonymous type). */
    private static String dataSet(java.util.List<Object> content) {
        try {
            javax.xml.parsers.DocumentBuilderFactory f = javax.xml.parsers.DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            org.w3c.dom.Document doc = f.newDocumentBuilder().newDocument();
            org.w3c.dom.Element root = doc.createElementNS(NS, "DataSet");
            doc.appendChild(root);
            for (Object o : content) {
                root.appendChild(doc.importNode((org.w3c.dom.Node) o, true));
            }
            javax.xml.transform.Transformer t = javax.xml.transform.TransformerFactory.newInstance().newTransformer();
            t.setOutputProperty(javax.xml.transform.OutputKeys.OMIT_XML_DECLARATION, "yes");
            StringWriter out = new StringWriter();
            out.write("<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n");
            t.transform(new javax.xml.transform.dom.DOMSource(doc), new javax.xml.transform.stream.StreamResult(out));
            return out.toString();
        } catch (javax.xml.parsers.ParserConfigurationException | javax.xml.transform.TransformerException e) {
            throw new IllegalStateException("Cannot write a DataSet result", e);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static JAXBElement<?> element(QName name, Class type, Object value) {
        return new JAXBElement(name, type, value);
    }

    /** The XSD type name of a generated class; ASMX names the DataSet result's root DataSet. */
    private static String typeName(Class<?> c) {
        XmlType t = c.getAnnotation(XmlType.class);
        if (t == null || t.name().isEmpty()) {
            return "DataSet";
        }
        return t.name();
    }
}
