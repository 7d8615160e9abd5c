package org.opencasjobs.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server in a JVM of its own (the product, or the references): started, waited for until a
 * line of its standard output says it serves, measured (RSS, live heap) and stopped with SIGTERM.
 */
final class ChildJvm implements AutoCloseable {
    final Process process;
    final List<String> out = new CopyOnWriteArrayList<>();
    final String name;

    ChildJvm(String name, List<String> command, Map<String, String> env, Path stderr) throws IOException {
        this.name = name;
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        pb.redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()));
        process = pb.start();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    out.add(line);
                }
            } catch (IOException ignored) {
                // the child ended
            }
        }, name + "-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    /** The first match of {@code pattern} in the child's output, waiting for it up to {@code seconds}. */
    Matcher await(Pattern pattern, int seconds, Path stderr) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline && process.isAlive()) {
            for (String line : out) {
                Matcher m = pattern.matcher(line);
                if (m.find()) {
                    return m;
                }
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException(name + " did not start: " + out + "\n" + tail(stderr));
    }

    static String tail(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }

    /** Resident memory of the process, in MB (Linux). */
    double rssMb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
            }
        }
        throw new IllegalStateException("no VmRSS for " + name);
    }

    /**
     * CPU time the process has used so far, user and system, in seconds (Linux: /proc/PID/stat,
     * in clock ticks of USER_HZ, which is 100). On a machine shared with other work, calls per
     * second move with everyone's load; the CPU a server spends per call much less so.
     */
    double cpuSeconds() throws IOException {
        String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
        // The fields after the command name, which is in parentheses and may hold spaces.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // utime, stime: fields 14, 15
    }

    /** Live heap in MB: the class histogram runs a full collection first and sums what survived. */
    double liveHeapMb() throws Exception {
        Process jcmd = new ProcessBuilder("jcmd", String.valueOf(process.pid()), "GC.class_histogram")
                .redirectErrorStream(true).start();
        String text = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        jcmd.waitFor();
        Matcher m = Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)").matcher(text);
        if (!m.find()) {
            throw new IllegalStateException("jcmd GC.class_histogram said: " + text.lines().limit(5).toList());
        }
        return Long.parseLong(m.group(1)) / (1024.0 * 1024.0);
    }

    static Predicate<String> any() {
        return s -> true;
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }
}
