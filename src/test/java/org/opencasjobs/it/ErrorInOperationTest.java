package org.opencasjobs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opencasjobs.it.TestServer.ALICE_PW;
import static org.opencasjobs.it.TestServer.form;
import static org.opencasjobs.it.TestServer.x;

import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 15: an {@code OutOfMemoryError} (or any other Java error) inside an operation is answered
 * on every protocol as a CasJobs fault with an incident id, never with the text of CXF, Jetty or
 * the Java error. The error is provoked without exhausting the heap: the service reads the time
 * from an injected clock, and this one throws the error on the request threads once armed, as an
 * allocation deep in the service layer would.
 */
class ErrorInOperationTest {
    /** Java, CXF and Jetty words a user must never read. */
    private static final Pattern JAVA_WORDS = Pattern.compile("java\\.|javax\\.|jakarta\\.|org\\.apache|"
            + "org\\.eclipse|OutOfMemoryError|StackOverflowError|Error:|Exception:(?! *An internal)|\\bat [a-z]+\\.");
    private static final String INCIDENT = "An internal error occurred (incident ";

    private static final FailingClock clock = new FailingClock();
    private static TestServer s;

    @BeforeAll
    static void start() throws Exception {
        s = new TestServer(Map.of(), clock);
    }

    @AfterEach
    void disarm() {
        clock.fail(null);
    }

    @AfterAll
    static void stop() throws Exception {
        s.close();
    }

    @Test
    void anOutOfMemoryErrorInAnOperationIsACasJobsFaultOnSoap11() throws Exception {
        clock.fail(() -> new OutOfMemoryError("Java heap space"));
        HttpResponse<String> r = s.post("/services/jobs.asmx", TestServer.soap11(getQueues()),
                "Content-Type", "text/xml; charset=utf-8", "SOAPAction", "\"http://Services.Cas.jhu.edu/GetQueues\"");
        assertCasJobsFault(r, "soap:Server");
    }

    @Test
    void anOutOfMemoryErrorInAnOperationIsACasJobsFaultOnSoap12() throws Exception {
        clock.fail(() -> new OutOfMemoryError("Java heap space"));
        HttpResponse<String> r = s.post("/services/jobs.asmx", TestServer.soap12(getQueues()),
                "Content-Type", "application/soap+xml; charset=utf-8");
        assertCasJobsFault(r, "Receiver");
    }

    @Test
    void anOutOfMemoryErrorInAnOperationIsACasJobsErrorOnHttpGetAndPost() throws Exception {
        clock.fail(() -> new OutOfMemoryError("Java heap space"));
        String query = form("wsid", s.alice.wsid(), "pw", ALICE_PW);
        assertCasJobsFault(s.get("/services/jobs.asmx/GetQueues?" + query), "System.Exception");
        assertCasJobsFault(s.post("/services/jobs.asmx/GetQueues", query,
                "Content-Type", "application/x-www-form-urlencoded"), "System.Exception");
    }

    @Test
    void anyOtherJavaErrorInAnOperationIsACasJobsFaultToo() throws Exception {
        clock.fail(() -> new StackOverflowError());
        HttpResponse<String> r = s.post("/services/jobs.asmx", TestServer.soap11(getQueues()),
                "Content-Type", "text/xml; charset=utf-8", "SOAPAction", "\"http://Services.Cas.jhu.edu/GetQueues\"");
        assertCasJobsFault(r, "soap:Server");
        clock.fail(null);
        HttpResponse<String> after = s.post("/services/jobs.asmx", TestServer.soap11(getQueues()),
                "Content-Type", "text/xml; charset=utf-8", "SOAPAction", "\"http://Services.Cas.jhu.edu/GetQueues\"");
        assertEquals(200, after.statusCode(), "the service answers again once the error is gone: " + after.body());
    }

    private static String getQueues() {
        return "<GetQueues xmlns=\"http://Services.Cas.jhu.edu\"><wsid>" + s.alice.wsid() + "</wsid><pw>" + x(ALICE_PW)
                + "</pw></GetQueues>";
    }

    private static void assertCasJobsFault(HttpResponse<String> r, String marker) {
        assertEquals(500, r.statusCode(), r.body());
        assertTrue(r.body().contains(marker), r.body());
        assertTrue(r.body().contains(INCIDENT), r.body());
        assertFalse(JAVA_WORDS.matcher(r.body()).find(), r.body());
    }

    /** The system clock, throwing an error on the web server's request threads while armed. */
    private static final class FailingClock extends Clock {
        private final Clock system = Clock.systemDefaultZone();
        private volatile Supplier<Error> error;

        void fail(Supplier<Error> error) {
            this.error = error;
        }

        @Override
        public Instant instant() {
            Supplier<Error> e = error;
            if (e != null && Thread.currentThread().getName().startsWith("qtp")) {
                throw e.get();
            }
            return system.instant();
        }

        @Override
        public ZoneId getZone() {
            return system.getZone();
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }
}
