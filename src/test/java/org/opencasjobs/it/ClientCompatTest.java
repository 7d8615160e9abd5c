package org.opencasjobs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opencasjobs.it.TestServer.ALICE_PW;
import static org.opencasjobs.it.TestServer.form;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Requests shaped like the real clients' in the ways that once failed here: a base URL ending in '/' (Python casjobs sends
 * {@code jobs.asmx//Op}), and mastcasjobs' login by user name through {@code casusers.asmx/GetWebServiceId}.
 */
class ClientCompatTest {
    private static TestServer s;

    @BeforeAll
    static void start() throws Exception {
        s = new TestServer(Map.of("casjobs.login.max.failures", "1000"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (s != null) {
            s.close();
        }
    }

    /** A request exactly as written, path bytes untouched by any client library. */
    static String raw(String requestLine) throws Exception {
        try (Socket sock = new Socket("127.0.0.1", s.server.port())) {
            sock.setSoTimeout(10_000);
            OutputStream out = sock.getOutputStream();
            out.write((requestLine + "\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = sock.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    // ------------------------------------------------------------------ G2: jobs.asmx//Op

    @Test
    void aBaseUrlEndingInASlashWorksByGetAndPost() throws Exception {
        Object[] call = {"qry", "SELECT 1 AS one", "context", "Sample", "taskname", "quickie", "isSystem", "False",
            "wsid", s.alice.wsid(), "pw", ALICE_PW};
        for (String base : List.of("/services/jobs.asmx/", "/CasJobs/services/jobs.asmx/", "/casjobs/services/jobs.asmx/")) {
            HttpResponse<String> get = s.get(base + "/ExecuteQuickJob?" + form(call));
            assertEquals(200, get.statusCode(), () -> base + " GET: " + get.body());
            assertTrue(get.body().contains("<string xmlns=\"http://Services.Cas.jhu.edu\">[one]:Integer\n1\n</string>"), get.body());
            HttpResponse<String> post = s.post(base + "/ExecuteQuickJob", form(call),
                    "Content-Type", "application/x-www-form-urlencoded");
            assertEquals(200, post.statusCode(), () -> base + " POST: " + post.body());
            assertEquals(get.body(), post.body());
        }
        // errors read as on the single-slash address
        HttpResponse<String> wrong = s.get("/services/jobs.asmx//ExecuteQuickJob?" + form("qry", "SELECT 1",
                "context", "Sample", "taskname", "t", "isSystem", "False", "wsid", s.alice.wsid(), "pw", "nope"));
        assertEquals(500, wrong.statusCode());
        assertTrue(wrong.body().startsWith("System.Exception: Invalid WebServicesID or password. --->"), wrong.body());
        HttpResponse<String> unknown = s.get("/services/jobs.asmx//NoSuchOp");
        assertEquals(500, unknown.statusCode());
        assertTrue(unknown.body().startsWith("NoSuchOp Web Service method name is not valid."), unknown.body());
    }

    @Test
    void emptySegmentsStillCannotReachFilesOutsideTheOutputsFolder() throws Exception {
        Path outputs = s.dataDir.resolve("outputs");
        Path inside = outputs.resolve("c0ffee").resolve("Inside.csv");
        Files.createDirectories(inside.getParent());
        Files.writeString(inside, "inside-the-outputs\n");
        Files.writeString(s.dataDir.resolve("secret.txt"), "OUTSIDE-SECRET\n");
        String ok = raw("GET /CasJobsOutput/c0ffee/Inside.csv HTTP/1.1");
        assertTrue(ok.startsWith("HTTP/1.1 200") && ok.contains("inside-the-outputs"), ok);
        for (String path : List.of("/CasJobsOutput//../secret.txt", "/CasJobsOutput/..//secret.txt",
                "/CasJobsOutput//%2e%2e/secret.txt", "/CasJobsOutput/%2e%2e//secret.txt", "/CasJobsOutput//..%2fsecret.txt",
                "/CasJobsOutput/c0ffee//../../secret.txt", "/CasJobsOutput/c0ffee/..//..//secret.txt",
                "//CasJobsOutput/../secret.txt", "/CasJobsOutput///%2E%2E%2Fsecret.txt", "/CasJobsOutput/%2f../secret.txt",
                "/services/jobs.asmx//../../secret.txt", "/CasJobsOutput/c0ffee/%2e%2e/%2e%2e/secret.txt")) {
            String resp = raw("GET " + path + " HTTP/1.1");
            int status = Integer.parseInt(resp.substring(9, 12));
            assertFalse(resp.contains("OUTSIDE-SECRET"), () -> path + " escaped the outputs folder: " + resp);
            assertTrue(status >= 400, () -> path + ": " + resp);
        }
    }

    // ------------------------------------------------------------------ G3: casusers.asmx/GetWebServiceId

    private static final String WSID_URL = "/services/casusers.asmx/GetWebServiceId";

    /** What mastcasjobs does: POST userid and password, then ElementTree.fromstring(r.text).text. */
    static String mastWsid(TestServer server, String path, String user, String password) throws Exception {
        HttpResponse<String> r = server.post(path, form("userid", user, "password", password),
                "Content-Type", "application/x-www-form-urlencoded");
        assertEquals(200, r.statusCode(), () -> path + ": " + r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/xml"));
        assertTrue(r.body().startsWith("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<long xmlns=\"http://Services.Cas.jhu.edu\">"),
                r.body());
        org.w3c.dom.Element root = TestServer.xml(r.body()).getDocumentElement();
        assertEquals("long", root.getLocalName());
        assertEquals(TestServer.NS, root.getNamespaceURI());
        return root.getTextContent();
    }

    @Test
    void getWebServiceIdAnswersTheWsidForTheRightPasswordAndMinusOneOtherwise() throws Exception {
        String wsid = Long.toString(s.alice.wsid());
        for (String path : List.of(WSID_URL, "/CasJobs/services/casusers.asmx/GetWebServiceId",
                "/casjobs/services/casusers.asmx/GetWebServiceId", "/casusers.asmx/GetWebServiceId",
                "/services/casusers.asmx//GetWebServiceId")) {
            assertEquals(wsid, mastWsid(s, path, "alice", ALICE_PW), path);
        }
        assertEquals("-1", mastWsid(s, WSID_URL, "alice", "wrong"));
        assertEquals("-1", mastWsid(s, WSID_URL, "alice", ""));
        assertEquals("-1", mastWsid(s, WSID_URL, "nobody-by-this-name", ALICE_PW));
        assertEquals("-1", mastWsid(s, WSID_URL, "", ""));
        assertEquals(Long.toString(s.bob.wsid()), mastWsid(s, WSID_URL, "bob", TestServer.BOB_PW));
        // HTTP GET, parameter names in any case
        HttpResponse<String> get = s.get(WSID_URL + "?" + form("UserID", "alice", "Password", ALICE_PW));
        assertEquals(200, get.statusCode(), get.body());
        assertEquals("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<long xmlns=\"http://Services.Cas.jhu.edu\">" + wsid
                + "</long>", get.body());
        // the wsid it gives is the one jobs.asmx takes with that password
        HttpResponse<String> quick = s.get("/services/jobs.asmx/ExecuteQuickJob?" + form("qry", "SELECT 1 AS one",
                "context", "Sample", "taskname", "t", "isSystem", "False", "wsid", wsid, "pw", ALICE_PW));
        assertEquals(200, quick.statusCode(), quick.body());
        HttpResponse<String> missing = s.get(WSID_URL + "?" + form("userid", "alice"));
        assertEquals(500, missing.statusCode());
        assertTrue(missing.body().startsWith("Missing parameter: password."), missing.body());
        HttpResponse<String> other = s.get("/services/casusers.asmx/GetUser?" + form("userid", "alice"));
        assertEquals(500, other.statusCode());
        assertTrue(other.body().startsWith("GetUser Web Service method name is not valid."), other.body());
    }

    @Test
    void getWebServiceIdAnswersMinusOneForADisabledAccount() throws Exception {
        org.opencasjobs.jobs.Account carol = s.server.accounts().create("carol-disabled", "carol-pw", false);
        assertEquals(Long.toString(carol.wsid()), mastWsid(s, WSID_URL, "carol-disabled", "carol-pw"));
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:h2:file:" + s.dataDir.resolve("jobstore")
                + ";TRACE_LEVEL_FILE=0;WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE", "sa", "");
             java.sql.Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE accounts SET disabled = TRUE WHERE wsid = " + carol.wsid());
        }
        assertEquals("-1", mastWsid(s, WSID_URL, "carol-disabled", "carol-pw"));
    }

    @Test
    void getWebServiceIdGuessesAreThrottledByNameAndShareTheWsidsCount() throws Exception {
        try (TestServer t = new TestServer(Map.of("casjobs.login.max.failures", "3", "casjobs.login.window.seconds", "300"))) {
            for (int i = 0; i < 3; i++) {
                assertEquals("-1", mastWsid(t, WSID_URL, "alice", "guess" + i));
            }
            // throttled: even the right password answers -1 from this address (a number, as clients expect)
            assertEquals("-1", mastWsid(t, WSID_URL, "alice", ALICE_PW));
            // the owner from another address is not kept out
            String elsewhere = rawFrom(t, "127.0.0.2", "GET " + WSID_URL + "?"
                    + form("userid", "alice", "password", ALICE_PW) + " HTTP/1.1");
            assertTrue(elsewhere.startsWith("HTTP/1.1 200"), elsewhere);
            assertTrue(elsewhere.contains(">" + t.alice.wsid() + "</long>"), elsewhere);
            // the same account by its wsid is blocked too, from the address that guessed
            HttpResponse<String> byWsid = t.get("/services/jobs.asmx/GetJobStatus?" + form("wsId", t.alice.wsid(),
                    "pw", ALICE_PW, "jobId", 1));
            assertEquals(500, byWsid.statusCode());
            assertTrue(byWsid.body().contains("Too many failed logins"), byWsid.body());
            // another account is not, and unknown names are counted alike
            assertEquals(Long.toString(t.bob.wsid()), mastWsid(t, WSID_URL, "bob", TestServer.BOB_PW));
            for (int i = 0; i < 3; i++) {
                assertEquals("-1", mastWsid(t, WSID_URL, "nobody", "guess" + i));
            }
            assertEquals("-1", mastWsid(t, WSID_URL, "nobody", "x"));
        }
    }

    /** A request exactly as written, sent from {@code localAddress} (another loopback address is another client). */
    static String rawFrom(TestServer t, String localAddress, String requestLine) throws Exception {
        try (Socket sock = new Socket(java.net.InetAddress.getByName("127.0.0.1"), t.server.port(),
                java.net.InetAddress.getByName(localAddress), 0)) {
            sock.setSoTimeout(10_000);
            OutputStream out = sock.getOutputStream();
            out.write((requestLine + "\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = sock.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void getWebServiceIdPasswordsStayOutOfTheLog() throws Exception {
        String secret = "Zq7-Unlogged-Passw0rd";
        String log = LogCapture.during(() -> {
            s.get(WSID_URL + "?" + form("userid", "alice", "password", secret));
            s.get("/services/casusers.asmx//GetWebServiceId?" + form("userid", "alice", "Password", secret));
            s.get("/casusers.asmx/GetWebServiceId?" + form("userid", "alice", "PASSWORD", secret));
            s.post(WSID_URL, form("userid", "alice", "password", secret), "Content-Type", "application/x-www-form-urlencoded");
            s.get("/services/casusers.asmx/NoSuchOp?" + form("userid", "alice", "password", secret));
        }, captured -> captured.split("GetWebServiceId|NoSuchOp", -1).length >= 6);
        assertTrue(log.contains("GetWebServiceId wsid=-1"), log);
        assertTrue(log.contains("NoSuchOp"), log);
        assertFalse(log.contains(secret), log);
        assertFalse(log.contains(secret.replace("-", "%2D")), log);
    }
}
