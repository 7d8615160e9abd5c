package org.opencasjobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opencasjobs.MainTest.ok;
import static org.opencasjobs.MainTest.oneLineError;
import static org.opencasjobs.it.TestServer.form;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencasjobs.http.AdminEndpoint;
import org.opencasjobs.it.TestServer;

/**
 * The account and context commands while a server runs on the data folder: done by that server
 * through its admin endpoint, in effect for it at once (its remembered logins included), and
 * said so; with no server they open the data folder as before.
 */
class OnlineAdminTest {
    /** A jobs.asmx call with these credentials over HTTP GET: 200 and the result, or 500 and the fault's text. */
    private static HttpResponse<String> getQueues(TestServer s, long wsid, String pw) throws Exception {
        return s.get("/services/jobs.asmx/GetQueues?" + form("wsid", wsid, "pw", pw));
    }

    private static HttpResponse<String> getServiceState(TestServer s, long wsid, String pw) throws Exception {
        return s.get("/services/jobs.asmx/GetServiceState?" + form("wsid", wsid, "pw", pw, "serviceName", "Scheduler"));
    }

    @Test
    void accountCommandsChangeTheRunningServerAtOnce() throws Exception {
        // The login cache (60 s by default) is on: a change must not wait for it.
        try (TestServer s = new TestServer()) {
            String d = s.dataDir.toString();

            long carol = Long.parseLong(ok("account", "add", "--data-dir", d, "--username", "carol",
                    "--password", "first-pw").trim());
            assertEquals(200, getQueues(s, carol, "first-pw").statusCode(), "a new account logs in without a restart");
            assertEquals("Error: An account named 'carol' exists already.",
                    oneLineError(1, "account", "add", "--data-dir", d, "--username", "carol", "--password", "x"));

            assertEquals("Changed the password of account " + carol + " (carol) on the running server:"
                            + " the old password no longer works.",
                    ok("account", "passwd", "--data-dir", d, "--username", "carol", "--password", "second-pw").trim());
            HttpResponse<String> old = getQueues(s, carol, "first-pw");
            assertEquals(500, old.statusCode(), "the old password, remembered a moment ago, is refused at once");
            assertTrue(old.body().contains("Invalid WebServicesID or password."), old.body());
            assertEquals(200, getQueues(s, carol, "second-pw").statusCode());

            assertEquals("Account " + carol + " (carol) is disabled on the running server: its logins are refused.",
                    ok("account", "disable", "--data-dir", d, "--wsid", String.valueOf(carol)).trim());
            HttpResponse<String> disabled = getQueues(s, carol, "second-pw");
            assertEquals(500, disabled.statusCode(), "a disabled account's next call fails, remembered login or not");
            assertTrue(disabled.body().contains("is disabled"), disabled.body());
            assertEquals("Account " + carol + " (carol) is enabled on the running server.",
                    ok("account", "enable", "--data-dir", d, "--username", "carol").trim());
            assertEquals(200, getQueues(s, carol, "second-pw").statusCode());

            assertEquals(500, getServiceState(s, carol, "second-pw").statusCode());
            assertEquals("Account " + carol + " (carol) is an administrator on the running server.",
                    ok("account", "set-admin", "--data-dir", d, "--username", "carol").trim());
            assertEquals(200, getServiceState(s, carol, "second-pw").statusCode(), "admin rights at once");

            List<String> list = ok("account", "list", "--data-dir", d).lines().toList();
            assertTrue(list.get(0).matches("WSID +USERNAME +ADMIN +DISABLED +CREATED"), list.toString());
            assertTrue(list.stream().anyMatch(l -> l.matches(carol + " +carol +yes +no +\\d{4}-.*")), list.toString());
            assertTrue(list.stream().anyMatch(l -> l.matches(s.alice.wsid() + " +alice +no +no +.*")), list.toString());

            assertEquals("Error: There is no account named 'nobody'.", oneLineError(1, "account", "passwd",
                    "--data-dir", d, "--username", "nobody", "--password", "x"));
            assertEquals("Error: There is no account with wsid 123.", oneLineError(1, "account", "disable",
                    "--data-dir", d, "--wsid", "123"));
            assertEquals("Error: The password must not be empty.", oneLineError(1, "account", "passwd",
                    "--data-dir", d, "--username", "carol", "--password", ""));
            assertEquals(200, getQueues(s, carol, "second-pw").statusCode(), "a refused change changes nothing");

            String contexts = ok("context", "list", "--data-dir", d);
            assertTrue(contexts.contains("Sample: H2 file " + s.dataDir.resolve("catalog/contexts/Sample.mv.db")), contexts);
            assertTrue(contexts.matches("(?s).*\n {2}table PhotoObjAll +2000 rows\n.*"), contexts);
            assertTrue(contexts.contains("MyDB: one H2 file per account"), contexts);
            // Looking did not close the server's own connection to the context: it still answers queries.
            HttpResponse<String> count = s.get("/services/jobs.asmx/ExecuteQuickJob?" + form("wsid", carol,
                    "pw", "second-pw", "qry", "SELECT COUNT(*) AS n FROM PhotoObjAll", "context", "Sample", "taskname", "q",
                    "isSystem", "false"));
            assertEquals(200, count.statusCode(), count.body());
            assertTrue(count.body().contains("2000"), count.body());

            String sample = oneLineError(1, "sample", "generate", "--data-dir", d, "--rows", "5");
            assertTrue(sample.contains("in use by a running server") && sample.contains("stop the server first"), sample);
            assertEquals(200, getQueues(s, carol, "second-pw").statusCode(), "the server still serves");
        }
    }

    @Test
    void theEndpointIsLoopbackOnlyTokenGuardedAndGoneAfterTheStop() throws Exception {
        TestServer s = new TestServer();
        Path file = s.dataDir.resolve(AdminEndpoint.FILE);
        Map<String, String> f;
        try {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            f = AdminEndpoint.readFile(s.dataDir);
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + f.get("port");
            HttpResponse<String> noToken = http.send(HttpRequest.newBuilder(URI.create(base + AdminEndpoint.ACCOUNT_LIST))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(403, noToken.statusCode());
            HttpResponse<String> wrong = http.send(HttpRequest.newBuilder(URI.create(base + AdminEndpoint.ACCOUNT_LIST))
                    .header("Authorization", "Bearer " + "0".repeat(64)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(403, wrong.statusCode());
            HttpResponse<String> hello = http.send(HttpRequest.newBuilder(URI.create(base + AdminEndpoint.HELLO
                    + "?nonce=abc")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(AdminEndpoint.proof(f.get("token"), "abc"), hello.body());
            // Not on the public port.
            HttpResponse<String> onPublic = s.post(AdminEndpoint.ACCOUNT_LIST, "", "Authorization", "Bearer " + f.get("token"));
            assertTrue(onPublic.statusCode() >= 400 && !onPublic.body().contains(String.valueOf(s.alice.wsid())),
                    onPublic.statusCode() + " " + onPublic.body());
            // Not on any address but loopback.
            for (InetAddress a : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces()).stream()
                    .flatMap(n -> java.util.Collections.list(n.getInetAddresses()).stream())
                    .filter(a -> !a.isLoopbackAddress()).toList()) {
                try (java.net.Socket sock = new java.net.Socket()) {
                    sock.connect(new InetSocketAddress(a, Integer.parseInt(f.get("port"))), 1000);
                    throw new AssertionError("the admin endpoint answers on " + a);
                } catch (java.io.IOException expected) {
                    // refused (or unreachable): good
                }
            }
        } finally {
            s.server.close();
        }
        assertFalse(Files.exists(file), "the file is deleted at the stop");
        // Stopped: the commands open the data folder themselves again.
        String d = s.dataDir.toString();
        assertEquals("Account " + s.bob.wsid() + " (bob) is disabled: its logins are refused.",
                ok("account", "disable", "--data-dir", d, "--username", "bob").trim());
        assertTrue(ok("account", "list", "--data-dir", d).lines().anyMatch(l -> l.matches(s.bob.wsid() + " +bob +no +yes +.*")));
        try (java.util.stream.Stream<Path> files = Files.walk(s.dataDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /**
     * A file left by a killed server: if nothing answers at its port, or something answers that
     * cannot prove it holds the token, the command opens the data folder itself and sends that
     * program nothing but the hello.
     */
    @Test
    void aStaleFileIsIgnoredAndNoPasswordLeavesForAStranger(@TempDir Path data) throws Exception {
        String d = data.toString();
        long carol = MainTest.add(data, "carol", "pw-1");
        int closedPort;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = free.getLocalPort();
        }
        Files.writeString(data.resolve(AdminEndpoint.FILE), "port=" + closedPort + "\ntoken=" + "ab".repeat(32) + "\n");
        assertEquals("Changed the password of account " + carol + " (carol).",
                ok("account", "passwd", "--data-dir", d, "--username", "carol", "--password", "pw-2").trim());
        assertEquals("carol", MainTest.login(data, carol, "pw-2"));

        List<String> seen = new CopyOnWriteArrayList<>();
        HttpServer stranger = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        stranger.createContext("/", ex -> {
            seen.add(ex.getRequestMethod() + " " + ex.getRequestURI() + " " + new String(ex.getRequestBody().readAllBytes())
                    + ex.getRequestHeaders().getOrDefault("Authorization", List.of()));
            byte[] body = "not a proof".getBytes();
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        stranger.start();
        try {
            Files.writeString(data.resolve(AdminEndpoint.FILE), "port=" + stranger.getAddress().getPort()
                    + "\ntoken=" + "ab".repeat(32) + "\n");
            assertEquals("Changed the password of account " + carol + " (carol).",
                    ok("account", "passwd", "--data-dir", d, "--username", "carol", "--password", "pw-3").trim());
            assertEquals("carol", MainTest.login(data, carol, "pw-3"));
            assertEquals(1, seen.size(), seen.toString());
            assertTrue(seen.get(0).startsWith("GET " + AdminEndpoint.HELLO + "?nonce="), seen.toString());
            assertFalse(seen.get(0).contains("pw-3") || seen.get(0).contains("ab".repeat(32)), seen.toString());
        } finally {
            stranger.stop(0);
        }
    }
}
