package org.opencasjobs.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RedactionTest {
    @Test
    void passwordParametersAreHiddenWhateverTheirCaseOrEncoding() {
        assertEquals("wsid=1&pw=***&jobid=2", Redaction.query("wsid=1&pw=s3cret&jobid=2"));
        assertEquals("owner_wsid=1&owner_pw=***", Redaction.query("owner_wsid=1&owner_pw=a%26b"));
        assertEquals("PW=***&Owner_PW=***&password=***", Redaction.query("PW=x&Owner_PW=y&password=z"));
        assertEquals("%70w=***", Redaction.query("%70w=hidden")); // "pw", percent-encoded
    }

    @Test
    void otherParametersAreKeptAsSent() {
        assertEquals("op=CancelJob", Redaction.query("op=CancelJob"));
        assertEquals("WSDL", Redaction.query("WSDL"));
        assertEquals("qry=SELECT%201&pwx=1", Redaction.query("qry=SELECT%201&pwx=1"));
        assertEquals(null, Redaction.query(null));
    }
}
