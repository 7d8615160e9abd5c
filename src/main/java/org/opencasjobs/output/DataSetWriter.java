package org.opencasjobs.output;

import java.io.IOException;
import java.io.Writer;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import org.opencasjobs.output.DataSetXml;

/**
 * Streams a result as the file .NET's {@code DataSet.WriteXml(path, XmlWriteMode.WriteSchema)}
 * writes for a table filled by a {@code SqlDataAdapter}: root {@code NewDataSet}, the inline
 * {@code xs:schema} first (the same schema {@link DataSetXml} produces), then one {@code Table}
 * element per row with a child element per non-NULL column, indented by two spaces. No diffgram.
 *
 * <pre>
 * &lt;?xml version="1.0" encoding="utf-8" standalone="yes"?&gt;
 * &lt;NewDataSet&gt;
 *   &lt;xs:schema id="NewDataSet" xmlns="" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:msdata="urn:schemas-microsoft-com:xml-msdata"&gt;
 *     …
 *   &lt;/xs:schema&gt;
 *   &lt;Table&gt;
 *     &lt;objID&gt;1237645876861272065&lt;/objID&gt;
 *   &lt;/Table&gt;
 * &lt;/NewDataSet&gt;
 * </pre>
 *
 * A carriage return in text is written as {@code &#xD;} (as .NET does), so parsers do not turn
 * it into a line feed.
 */
final class DataSetWriter {
    private static final String GUID_TYPE =
            "System.Guid, mscorlib, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089";

    private DataSetWriter() {
    }

    /** Writes the whole result to {@code out} (which the caller closes); returns the row count. */
    static long write(ResultSet rs, Column[] cols, Writer out) throws SQLException, IOException {
        try {
            out.write("<?xml version=\"1.0\" encoding=\"utf-8\" standalone=\"yes\"?>\n");
            XMLStreamWriter x = XMLOutputFactory.newFactory().createXMLStreamWriter(out);
            x.writeStartElement("NewDataSet");
            schema(x, cols);
            long count = 0;
            while (rs.next()) {
                nl(x, 1);
                x.writeStartElement("Table");
                for (Column col : cols) {
                    Object v = col.read(rs);
                    if (v != null) {
                        nl(x, 2);
                        x.writeStartElement(col.xmlName);
                        text(x, col.xml(v));
                        x.writeEndElement();
                    }
                }
                nl(x, 1);
                x.writeEndElement();
                count++;
            }
            nl(x, 0);
            x.writeEndElement();
            x.writeCharacters("\n");
            x.flush();
            x.close();
            return count;
        } catch (XMLStreamException e) {
            Throwable cause = e.getNestedException() != null ? e.getNestedException() : e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getMessage(), e);
        }
    }

    private static void schema(XMLStreamWriter x, Column[] cols) throws XMLStreamException {
        nl(x, 1);
        x.writeStartElement("xs", "schema", DataSetXml.XS);
        x.writeAttribute("id", "NewDataSet");
        x.writeDefaultNamespace("");
        x.writeNamespace("xs", DataSetXml.XS);
        x.writeNamespace("msdata", DataSetXml.MSDATA);
        nl(x, 2);
        x.writeStartElement("xs", "element", DataSetXml.XS);
        x.writeAttribute("name", "NewDataSet");
        x.writeAttribute("msdata", DataSetXml.MSDATA, "IsDataSet", "true");
        x.writeAttribute("msdata", DataSetXml.MSDATA, "UseCurrentLocale", "true");
        nl(x, 3);
        x.writeStartElement("xs", "complexType", DataSetXml.XS);
        nl(x, 4);
        x.writeStartElement("xs", "choice", DataSetXml.XS);
        x.writeAttribute("minOccurs", "0");
        x.writeAttribute("maxOccurs", "unbounded");
        nl(x, 5);
        x.writeStartElement("xs", "element", DataSetXml.XS);
        x.writeAttribute("name", "Table");
        nl(x, 6);
        x.writeStartElement("xs", "complexType", DataSetXml.XS);
        nl(x, 7);
        x.writeStartElement("xs", "sequence", DataSetXml.XS);
        for (Column col : cols) {
            nl(x, 8);
            x.writeEmptyElement("xs", "element", DataSetXml.XS);
            x.writeAttribute("name", col.xmlName);
            if (col.kind == Column.Kind.GUID) {
                x.writeAttribute("msdata", DataSetXml.MSDATA, "DataType", GUID_TYPE);
            }
            x.writeAttribute("type", col.kind.xsdType);
            x.writeAttribute("minOccurs", "0");
        }
        for (int depth = 7; depth >= 1; depth--) {
            nl(x, depth);
            x.writeEndElement();
        }
    }

    private static void nl(XMLStreamWriter x, int depth) throws XMLStreamException {
        x.writeCharacters(INDENT[depth]);
    }

    private static final String[] INDENT = new String[9];

    static {
        for (int i = 0; i < INDENT.length; i++) {
            INDENT[i] = "\n" + "  ".repeat(i);
        }
    }

    /** Element text; each CR becomes a character reference so that it survives parsing. */
    private static void text(XMLStreamWriter x, String s) throws XMLStreamException {
        int from = 0;
        int cr;
        while ((cr = s.indexOf('\r', from)) >= 0) {
            if (cr > from) {
                x.writeCharacters(s.substring(from, cr));
            }
            x.writeEntityRef("#xD");
            from = cr + 1;
        }
        if (from < s.length()) {
            x.writeCharacters(from == 0 ? s : s.substring(from));
        }
    }
}
