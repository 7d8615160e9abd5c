package org.opencasjobs.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The HTTP GET/POST answers written without JAXB are the very bytes JAXB writes. */
class PlainXmlTest {
    @Test
    void numbersAndBooleansAreWrittenAsJaxbWritesThem() {
        for (int v : new int[] {0, 5, -1, Integer.MAX_VALUE, Integer.MIN_VALUE}) {
            assertEquals(PlainXml.viaJaxb(v, int.class), PlainXml.document(v, int.class));
        }
        for (long v : new long[] {0, 123_456_789_012L, -1, Long.MIN_VALUE}) {
            assertEquals(PlainXml.viaJaxb(v, long.class), PlainXml.document(v, long.class));
        }
        for (boolean v : new boolean[] {true, false}) {
            assertEquals(PlainXml.viaJaxb(v, boolean.class), PlainXml.document(v, boolean.class));
        }
    }

    @Test
    void aStatusIsAnIntRootInTheServiceNamespace() {
        assertEquals("<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<int xmlns=\"http://Services.Cas.jhu.edu\">5</int>",
                PlainXml.document(5, int.class));
    }
}
