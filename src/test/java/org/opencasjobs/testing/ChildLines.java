package org.opencasjobs.testing;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.LinkedBlockingQueue;

/** A child process's standard output, line by line, for tests that kill it: "EOF" comes last. */
public final class ChildLines {
    /** What the queue holds once the child's output has ended (it exited or was killed). */
    public static final String EOF = "EOF";

    private ChildLines() {
    }

    /** Starts a daemon thread reading {@code p}'s output into the returned queue. */
    public static LinkedBlockingQueue<String> of(Process p) {
        LinkedBlockingQueue<String> out = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    out.add(line);
                }
            } catch (Exception ignored) {
                // killed: the output ends here
            }
            out.add(EOF);
        }, "child-stdout");
        reader.setDaemon(true);
        reader.start();
        return out;
    }
}
