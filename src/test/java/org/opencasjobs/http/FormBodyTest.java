package org.opencasjobs.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading a form field by field: decoding as browsers and clients encode, and each bound. */
class FormBodyTest {
    private static FormBody body(String text) {
        return new FormBody(new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1)), StandardCharsets.UTF_8);
    }

    private static List<String> all(String text) throws IOException {
        FormBody f = body(text);
        List<String> out = new ArrayList<>();
        for (String name = f.name(1000); name != null; name = f.name(1000)) {
            out.add(name + "=" + f.value(1000));
        }
        return out;
    }

    @Test
    void decodesPlusAndEscapesAndKeepsAStrayPercent() throws IOException {
        assertEquals(List.of("pw=a&l<i>c%e+1 \"x'", "q=SELECT 1", "é=%zz%4"),
                all("pw=a%26l%3Ci%3Ec%25e%2B1+%22x%27&q=SELECT+1&%C3%A9=%zz%4"));
    }

    @Test
    void namesWithoutValuesAndEmptyBodies() throws IOException {
        assertEquals(List.of("a=", "b=", "c=3"), all("a&b=&c=3&"));
        assertEquals(List.of(), all(""));
        assertEquals(List.of("x==y"), all("x==y"));
    }

    @Test
    void eachNameAndValueWithinItsBound() throws IOException {
        FormBody f = body("wsid=12&data=" + "x".repeat(50));
        assertEquals("wsid", f.name(5));
        assertEquals(5, f.lastRawBytes());
        assertEquals("12", f.value(3));
        assertEquals("data", f.name(5));
        assertThrows(FormBody.TooLarge.class, () -> f.value(49));
        FormBody g = body("data=" + "%41".repeat(10));
        g.name(5);
        assertThrows(FormBody.TooLarge.class, () -> g.value(1000, 9), "held once decoded: 10 bytes");
        FormBody h = body("data=" + "%41".repeat(10));
        h.name(5);
        assertEquals("A".repeat(10), h.value(30, 10));
        assertNull(h.name(5));
    }
}
