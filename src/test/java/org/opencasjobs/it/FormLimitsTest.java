package org.opencasjobs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opencasjobs.it.TestServer.ALICE_PW;
import static org.opencasjobs.it.TestServer.form;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencasjobs.auth.Accounts;

/**
 * Issue 15: an HTTP POST form of an operation is read only as far as its bounds, not whole before
 * the login it carries is checked: every operation's form is at most {@code casjobs.form.max.bytes},
 * only UploadData's data may be longer, and an upload whose wrong login comes before its data is
 * refused without the data being read.
 */
class FormLimitsTest {
    private static final int FORM_MAX = 4096;
    private static final int UPLOAD_MAX = 200_000;
    private static TestServer s;

    @BeforeAll
    static void start() throws Exception {
        s = new TestServer(Map.of("casjobs.form.max.bytes", String.valueOf(FORM_MAX),
                "casjobs.upload.max.bytes", String.valueOf(UPLOAD_MAX)));
    }

    @AfterAll
    static void stop() throws Exception {
        s.close();
    }

    @Test
    void anUploadWithAWrongPasswordIsRefusedBeforeItsDataIsSent() throws Exception {
        // The client announces all the data an upload may have but sends only the fields before it and
        // the start of the data: the answer can only come if the server refuses without waiting for
        // (reading) the rest. (Only a little is sent: data the server never reads would make its close
        // a reset, which can hide the answer from the client.)
        String head = form("wsid", s.alice.wsid(), "pw", "wrong", "tableName", "Big") + "&data=id%2Cv%0A";
        String answer = sendPart("UploadData", 3L * UPLOAD_MAX, head + "1%2C0.5%0A".repeat(100));
        assertTrue(answer.startsWith("HTTP/1.1 500"), answer);
        assertTrue(answer.contains(Accounts.BAD_CREDENTIALS), answer);
        assertTrue(answer.toLowerCase().contains("connection: close"), answer);
        assertEquals(0, tables("Big"), "nothing was loaded");
    }

    @Test
    void anUploadLargerThanTheOtherFormsIsTakenWhateverTheOrderOfItsFields() throws Exception {
        String csv = "id,v\n" + "1,0.5\n".repeat(2_000); // 12 KB: three times the forms' limit
        HttpResponse<String> r = post("UploadData", form("data", csv, "tableName", "DataFirst", "tableExists", "false",
                "wsid", s.alice.wsid(), "pw", ALICE_PW));
        assertEquals(200, r.statusCode(), r.body());
        r = post("UploadData", form("wsid", s.alice.wsid(), "pw", ALICE_PW, "tableName", "LoginFirst", "data", csv,
                "tableExists", "false"));
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(1, tables("DataFirst"));
        assertEquals(1, tables("LoginFirst"));
    }

    @Test
    void anotherOperationsFormOverTheLimitIsRefusedWith413() throws Exception {
        String query = "SELECT 1 AS x WHERE 1 IN (" + "1, ".repeat(2_000) + "1)";
        HttpResponse<String> declared = post("SubmitJob", form("wsid", s.alice.wsid(), "pw", ALICE_PW, "qry", query,
                "context", "MyDB", "taskname", "t", "estimate", 1));
        assertEquals(413, declared.statusCode(), declared.body());
        assertTrue(declared.body().contains("larger than the " + FORM_MAX + " bytes"), declared.body());
        // sent in chunks, without a length: refused once the reading passes the limit
        byte[] body = form("wsid", s.alice.wsid(), "pw", ALICE_PW, "qry", query, "context", "MyDB", "taskname", "t",
                "estimate", 1).getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> chunked = s.http.send(HttpRequest.newBuilder(URI.create(s.url() + "/SubmitJob"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(413, chunked.statusCode(), chunked.body());
    }

    @Test
    void uploadDataOverItsOwnLimitIsRefusedBeforeItIsRead() throws Exception {
        String head = form("wsid", s.alice.wsid(), "pw", ALICE_PW, "tableName", "TooBig") + "&data=id%2Cv%0A";
        String answer = sendPart("UploadData", 100_000_000, head);
        assertTrue(answer.startsWith("HTTP/1.1 500"), answer); // UploadData's fault, as its clients parse it
        assertTrue(answer.contains("System.Exception: The data is more than the " + UPLOAD_MAX + " characters"), answer);
        assertTrue(answer.contains("Split it into several UploadData calls"), answer);
        assertEquals(0, tables("TooBig"));
    }

    /**
     * Announces a form of {@code length} bytes to {@code op}, sends only {@code part} of it and
     * returns the answer: one that comes at all came without the rest being read.
     */
    private static String sendPart(String op, long length, String part) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", s.server.port())) {
            socket.setSoTimeout(120_000); // a bound for a server that waits for the rest: the test then fails
            OutputStream out = socket.getOutputStream();
            out.write(("POST /services/jobs.asmx/" + op + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + length + "\r\n\r\n"
                    + part).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return readAnswer(socket.getInputStream());
        }
    }

    private static HttpResponse<String> post(String op, String body) throws Exception {
        return s.post("/services/jobs.asmx/" + op, body, "Content-Type", "application/x-www-form-urlencoded");
    }

    /** How many MyDB tables of alice's have this name. */
    private static long tables(String name) throws Exception {
        HttpResponse<String> r = post("ExecuteQuickJob", form("wsid", s.alice.wsid(), "pw", ALICE_PW, "context", "MyDB",
                "taskname", "t", "isSystem", "false", "qry", "SELECT COUNT(*) AS n FROM information_schema.tables"
                        + " WHERE table_schema = 'dbo' AND table_name = '" + name + "'"));
        assertEquals(200, r.statusCode(), r.body());
        String csv = TestServer.xml(r.body()).getDocumentElement().getTextContent().trim();
        return Long.parseLong(csv.lines().reduce((a, b) -> b).orElseThrow().trim());
    }

    /** The status line, headers and body the server sent before closing (or until its body's length). */
    private static String readAnswer(InputStream in) throws Exception {
        StringBuilder sb = new StringBuilder();
        byte[] buf = new byte[8192];
        for (int n = in.read(buf); n > 0; n = in.read(buf)) {
            sb.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            int end = sb.indexOf("\r\n\r\n");
            if (end > 0) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)")
                        .matcher(sb.substring(0, end));
                if (m.find() && sb.length() - end - 4 >= Integer.parseInt(m.group(1))) {
                    break;
                }
            }
        }
        return sb.toString();
    }
}
