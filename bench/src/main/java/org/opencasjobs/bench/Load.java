package org.opencasjobs.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Load for a fixed time on kept-alive connections: wrk when the machine has it (C, so the client
 * takes little of the CPU the servers share with it), else a closed-loop driver in Java: {@code connections} threads, each on its own kept-alive connection,
 * sending one request again and again for a fixed time. An answer counts only if it is a 200
 * whose body holds the expected text, so a server answering errors fast cannot win.
 */
final class Load {
    private Load() {
    }

    /** Whether wrk is on the PATH. */
    static final boolean WRK = Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
            .anyMatch(d -> Files.isExecutable(Path.of(d, "wrk")));

    /** What drives the load, for the report. */
    static String driver() {
        return WRK ? "wrk" : "a Java load driver";
    }

    /**
     * Calls per second over {@code seconds}; fails if any answer was wrong. wrk counts answers
     * that are not 2xx, so a sample answer is checked for the expected text first.
     */
    static double callsPerSecond(int port, byte[] request, String expected, int connections, double seconds)
            throws Exception {
        if (!WRK) {
            return javaDriver(port, request, expected, connections, seconds);
        }
        try (RawHttp http = new RawHttp("127.0.0.1", port)) {
            RawHttp.Answer a = http.send(request);
            if (a.status() != 200 || !a.text().contains(expected)) {
                throw new IllegalStateException("wrong answer " + a.status() + " " + a.text());
            }
        }
        Path script = Files.createTempFile("bench-wrk", ".lua");
        try {
            Files.writeString(script, lua(request));
            // wrk gives up on an answer after 2 s by default, which a burst of other builds on this
            // machine once reached: 10 s, and a round with a timeout still fails (and is reported)
            Process p = new ProcessBuilder("wrk", "-t2", "-c" + connections, "-d" + Math.max(1, Math.round(seconds)) + "s",
                    "--timeout", "10s", "-s", script.toString(), "http://127.0.0.1:" + port).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            Matcher m = Pattern.compile("Requests/sec:\\s+([\\d.]+)").matcher(out);
            if (!m.find() || out.contains("Non-2xx") || out.contains("Socket errors")) {
                throw new IllegalStateException("wrk: " + out);
            }
            return Double.parseDouble(m.group(1));
        } finally {
            Files.deleteIfExists(script);
        }
    }

    /** A wrk script sending exactly this request (its Host and Content-Length wrk sets itself). */
    static String lua(byte[] request) {
        String text = new String(request, StandardCharsets.UTF_8);
        int split = text.indexOf("\r\n\r\n");
        String[] head = text.substring(0, split).split("\r\n");
        String[] line = head[0].split(" ");
        StringBuilder s = new StringBuilder();
        s.append("wrk.method = ").append(quote(line[0])).append('\n');
        s.append("wrk.path = ").append(quote(line[1])).append('\n');
        for (int i = 1; i < head.length; i++) {
            int colon = head[i].indexOf(':');
            String name = head[i].substring(0, colon);
            if (!name.equalsIgnoreCase("Host") && !name.equalsIgnoreCase("Content-Length")) {
                s.append("wrk.headers[").append(quote(name)).append("] = ")
                        .append(quote(head[i].substring(colon + 1).trim())).append('\n');
            }
        }
        String body = text.substring(split + 4);
        if (!body.isEmpty()) {
            s.append("wrk.body = ").append(quote(body)).append('\n');
        }
        return s.toString();
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static double javaDriver(int port, byte[] request, String expected, int connections, double seconds)
            throws Exception {
        byte[] want = expected.getBytes(StandardCharsets.UTF_8);
        AtomicLong ok = new AtomicLong();
        AtomicLong wrong = new AtomicLong();
        List<String> firstWrong = new ArrayList<>();
        long end = System.nanoTime() + (long) (seconds * 1e9);
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < connections; i++) {
            Thread t = new Thread(() -> {
                try (RawHttp http = new RawHttp("127.0.0.1", port)) {
                    while (System.nanoTime() < end) {
                        RawHttp.Answer a = http.send(request);
                        if (a.status() == 200 && contains(a.body(), want)) {
                            ok.incrementAndGet();
                        } else {
                            wrong.incrementAndGet();
                            synchronized (firstWrong) {
                                if (firstWrong.isEmpty()) {
                                    firstWrong.add(a.status() + " " + a.text());
                                }
                            }
                        }
                    }
                } catch (Exception e) {
                    wrong.incrementAndGet();
                    synchronized (firstWrong) {
                        firstWrong.add(e.toString());
                    }
                }
            }, "load-" + i);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        if (wrong.get() > 0) {
            throw new IllegalStateException(wrong.get() + " wrong answers, the first: " + firstWrong.get(0));
        }
        return ok.get() / elapsed;
    }

    static boolean contains(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
