package org.opencasjobs.it;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;

/** What the service logs (SLF4J simple writes to stderr) while a test makes some calls. */
final class LogCapture {
    /** Calls that may throw. */
    @FunctionalInterface
    interface Calls {
        void run() throws Exception;
    }

    private LogCapture() {
    }

    /**
     * Runs {@code calls} and returns what was logged meanwhile. A request's line is written once
     * its answer is sent, a transition's once it is committed, so the capture lasts until
     * {@code complete} accepts the log (or a generous bound has passed, and the caller's
     * assertions then say what is missing). The log is echoed to the real stderr afterwards.
     */
    static String during(Calls calls, Predicate<String> complete) throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            calls.run();
            for (int i = 0; i < 200 && !complete.test(captured.toString(StandardCharsets.UTF_8)); i++) {
                Thread.sleep(50);
            }
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        original.print(log);
        return log;
    }

    /** Runs {@code calls} until every one of {@code expected} has been logged. */
    static String during(Calls calls, String... expected) throws Exception {
        return during(calls, log -> {
            for (String e : expected) {
                if (!log.contains(e)) {
                    return false;
                }
            }
            return true;
        });
    }
}
