package org.opencasjobs.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The service as operators run it, {@code Main serve}, in a child JVM on a data folder, so that
 * tests can kill it outright (SIGKILL) or stop it (SIGTERM) and start it again on the same files.
 * Its standard error is appended to {@code child-stderr.log} in the data folder.
 */
final class ChildServer {
    private static final Pattern SERVING = Pattern.compile("OpenCasJobs is serving http://localhost:(\\d+)/services/jobs\\.asmx");

    final Process process;
    /** Every line the child printed on standard output, as it comes. */
    final List<String> out = new CopyOnWriteArrayList<>();
    final String url;
    /** The demo account the first start of the data folder created. */
    final long wsid;
    final String password;

    private ChildServer(Path dataDir, Map<String, String> env) throws Exception {
        ProcessBuilder pb = TestServer.javaProcess("org.opencasjobs.Main", "serve", "--port", "0", "--data-dir",
                dataDir.toString());
        pb.environment().put("CASJOBS_BIND_ADDRESS", "127.0.0.1");
        pb.environment().putAll(env);
        Path stderr = dataDir.resolve("child-stderr.log");
        pb.redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()));
        process = pb.start();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    out.add(line);
                }
            } catch (IOException ignored) {
                // the child was killed
            }
        }, "child-stdout");
        reader.setDaemon(true);
        reader.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        Integer port = null;
        while (port == null && System.nanoTime() < deadline && process.isAlive()) {
            for (String line : out) {
                Matcher m = SERVING.matcher(line);
                if (m.find()) {
                    port = Integer.parseInt(m.group(1));
                }
            }
            if (port == null) {
                Thread.sleep(20);
            }
        }
        if (port == null) {
            fail("the child did not start serving; stdout: " + out + "; stderr: " + Files.readString(stderr));
        }
        url = "http://127.0.0.1:" + port + "/services/jobs.asmx";
        // The demo account is written beside the data on the folder's first start, just after serving begins.
        Properties demo = demoAccount(dataDir);
        while (demo.getProperty("password") == null && System.nanoTime() < deadline) {
            Thread.sleep(20);
            demo = demoAccount(dataDir);
        }
        wsid = Long.parseLong(demo.getProperty("wsid"));
        password = demo.getProperty("password");
    }

    /** Starts {@code serve} on {@code dataDir} with these environment variables, and waits until it serves. */
    static ChildServer start(Path dataDir, Map<String, String> env) throws Exception {
        return new ChildServer(dataDir, env);
    }

    /** What {@code demo-account.properties} holds now (nothing if it is not written yet). */
    static Properties demoAccount(Path dataDir) throws IOException {
        Properties p = new Properties();
        Path file = dataDir.resolve("demo-account.properties");
        if (Files.exists(file)) {
            try (var in = Files.newBufferedReader(file)) {
                p.load(in);
            }
        }
        return p;
    }

    /** Kills it outright, as {@code kill -9} does, and waits for the process to end. */
    void kill() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(60, TimeUnit.SECONDS);
        }
    }
}
