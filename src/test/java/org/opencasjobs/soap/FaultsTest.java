package org.opencasjobs.soap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import javax.xml.stream.XMLStreamException;
import org.apache.cxf.binding.soap.SoapMessage;
import org.apache.cxf.interceptor.Fault;
import org.apache.cxf.message.ExchangeImpl;
import org.apache.cxf.message.MessageImpl;
import org.junit.jupiter.api.Test;

/**
 * The fault CXF makes of a failure while it reads a request, before any operation runs (the
 * end-to-end tests reach operations, where ErrorInOperationTest throws its errors): a request it
 * cannot read is the client's fault and says why; a Java error there (the heap exhausted by a large
 * envelope) is the server's, answered with an incident id and none of the error's text.
 */
class FaultsTest {
    private static Fault rewritten(Throwable cause) {
        SoapMessage message = new SoapMessage(new MessageImpl());
        message.setExchange(new ExchangeImpl());
        Fault fault = new Fault(cause);
        message.setContent(Exception.class, fault);
        new Faults.OutInterceptor().handleMessage(message);
        return fault;
    }

    @Test
    void anOutOfMemoryErrorWhileReadingIsTheServersFaultWithAnIncidentOnly() {
        Fault f = rewritten(new OutOfMemoryError("Java heap space"));
        assertEquals(Fault.FAULT_CODE_SERVER, f.getFaultCode());
        assertTrue(f.getMessage().startsWith(Faults.PROCESS_PREFIX + "An internal error occurred (incident "),
                f.getMessage());
        assertFalse(f.getMessage().contains("heap") || f.getMessage().contains("java"), f.getMessage());
    }

    @Test
    void aJavaErrorWrappedByTheReaderIsTheServersFaultToo() {
        Fault f = rewritten(new IllegalStateException("reading failed", new OutOfMemoryError("Java heap space")));
        assertEquals(Fault.FAULT_CODE_SERVER, f.getFaultCode());
        assertFalse(f.getMessage().contains("heap") || f.getMessage().contains("java"), f.getMessage());
    }

    @Test
    void anUnreadableRequestStaysTheClientsFaultAndSaysWhy() {
        Fault f = rewritten(new XMLStreamException("Unexpected character 'x'"));
        assertEquals(Fault.FAULT_CODE_CLIENT, f.getFaultCode());
        assertTrue(f.getMessage().startsWith(Faults.READ_PREFIX), f.getMessage());
        assertTrue(f.getMessage().contains("Unexpected character"), f.getMessage());
    }
}
