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
 * Requests shaped like the real clients' in the ways that once failed here
 * (/work/drafts/client-research.md §0): a base URL ending in '/' (Python casjobs sends
 * {@code jobs.asmx//Op}).
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
}
