package org.opencasjobs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opencasjobs.it.TestServer.ALICE_PW;
import static org.opencasjobs.it.TestServer.form;
import static org.opencasjobs.it.TestServer.soap11;
import static org.opencasjobs.it.TestServer.soap12;
import static org.opencasjobs.it.TestServer.x;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencasjobs.testing.Await;

/**
 * The operator's view: one log line per request and per job transition with no password in
 * any of them, {@code /metrics} in Prometheus text format and {@code /health}.
 */
class ObservabilityTest {
    private static final String ASMX = "/services/jobs.asmx";
    /** Passwords distinctive enough that finding one in the log cannot be a coincidence. */
    private static final String WRONG_PW = "Wr0ngPassw0rd-Zq7";

    private static TestServer s;

    @BeforeAll
    static void start() throws Exception {
        s = new TestServer(Map.of("casjobs.login.max.failures", "1000"));
    }

    @AfterAll
    static void stop() throws Exception {
        s.close();
    }

    @Test
    void passwordsNeverReachTheLogWhicheverWayTheyAreSent() throws Exception {
        long wsid = s.alice.wsid();
        String log = LogCapture.during(() -> {
            // HTTP GET: the password is in the query string, right and wrong, in every spelling.
            s.get(ASMX + "/GetJobs?" + form("owner_wsid", wsid, "owner_pw", ALICE_PW, "conditions", "",
                    "includeSystem", "false"));
            s.get(ASMX + "/GetJobStatus?" + form("wsid", wsid, "PW", WRONG_PW, "jobid", 1));
            s.get(ASMX + "/NoSuchOperation?" + form("wsid", wsid, "pw", ALICE_PW));
            s.get(ASMX + "?" + form("op", "CancelJob", "pw", ALICE_PW));
            s.get("/CasJobsOutput/nothing-here?" + form("owner_pw", ALICE_PW));
            // HTTP POST, SOAP 1.1 and SOAP 1.2: the password is in the body.
            s.post(ASMX + "/GetQueues", form("wsid", wsid, "pw", ALICE_PW),
                    "Content-Type", "application/x-www-form-urlencoded");
            s.post(ASMX, soap11("<GetJobStatus xmlns=\"http://Services.Cas.jhu.edu\"><wsId>" + wsid + "</wsId><pw>"
                    + WRONG_PW + "</pw><jobId>1</jobId></GetJobStatus>"), "Content-Type", "text/xml; charset=utf-8",
                    "SOAPAction", "\"http://Services.Cas.jhu.edu/GetJobStatus\"");
            s.post(ASMX, soap12("<GetQueues xmlns=\"http://Services.Cas.jhu.edu\"><wsid>" + wsid + "</wsid><pw>"
                    + x(ALICE_PW) + "</pw></GetQueues>"), "Content-Type", "application/soap+xml; charset=utf-8");
        }, "soap1.2 GetQueues");
        assertFalse(log.contains(ALICE_PW), log);
        assertFalse(log.contains(WRONG_PW), log);
        assertFalse(log.contains(java.net.URLEncoder.encode(ALICE_PW, StandardCharsets.UTF_8)), log);
        // Each request still got its line, with what it was.
        assertTrue(log.contains("http-get GetJobs wsid=" + wsid + " -> 200 ok"), log);
        assertTrue(log.contains("http-get GetJobStatus wsid=" + wsid + " job=1 -> 500 fault"), log);
        assertTrue(log.contains("http-get GET " + ASMX + "/NoSuchOperation?wsid=" + wsid + "&pw=*** -> 500 bad_request"),
                log);
        assertTrue(log.contains("page GET " + ASMX + "?op=CancelJob&pw=*** -> 200 ok"), log);
        assertTrue(log.contains("download GET /CasJobsOutput/nothing-here?owner_pw=*** -> 404 not_found"), log);
        assertTrue(log.contains("http-post GetQueues wsid=" + wsid + " -> 200 ok"), log);
        assertTrue(log.contains("soap1.1 GetJobStatus wsid=" + wsid + " job=1 -> 500 fault"), log);
        assertTrue(log.contains("soap1.2 GetQueues wsid=" + wsid + " -> 200 ok"), log);
    }

    @Test
    void aRequestJettyCannotReadIsLoggedAndAnsweredWithoutInternals() throws Exception {
        HttpResponse<String>[] r = new HttpResponse[1];
        String log = LogCapture.during(() -> r[0] = s.get(ASMX + "/GetJobStatus?wsid=1&pw=secret-pw&jobid="
                + "9".repeat(20_000)), "-> 414");
        assertEquals(414, r[0].statusCode());
        assertFalse(r[0].body().toLowerCase().contains("java") || r[0].body().contains("Exception"), r[0].body());
        assertTrue(log.contains("other unreadable request -> 414 too_large \"URI Too Long\" from 127.0.0.1"), log);
        assertFalse(log.contains("secret-pw"), log);
    }

    @Test
    void aBatchJobLogsItsRequestAndEachTransition() throws Exception {
        long[] id = new long[1];
        String log = LogCapture.during(() -> {
            id[0] = submitTop3();
            Await.finalJob(s.server.jobStore(), id[0]);
        }, " 1 > 5", "http-get SubmitJob");
        long wsid = s.alice.wsid();
        assertTrue(log.contains("http-get SubmitJob wsid=" + wsid + " job=" + id[0] + " -> 200 ok"), log);
        assertTrue(log.contains("job " + id[0] + " submitted by wsid " + wsid + " to Sample/500"), log);
        assertTrue(log.contains("job " + id[0] + " 0 > 1"), log);
        assertTrue(log.contains("job " + id[0] + " 1 > 5"), log);
    }

    @Test
    void metricsCountRequestsJobsAndPools() throws Exception {
        long wsid = s.alice.wsid();
        long id = submitTop3();
        Await.finalJob(s.server.jobStore(), id);
        s.get(ASMX + "/GetJobStatus?" + form("wsid", wsid, "pw", WRONG_PW, "jobid", id));

        HttpResponse<String> r = s.get("/metrics");
        // The run time is recorded just after the final status is committed.
        for (int i = 0; i < 200 && !r.body().contains("opencasjobs_job_run_seconds_count{queue=\"Sample/500\",status=\"finished\"}"); i++) {
            Thread.sleep(50);
            r = s.get("/metrics");
        }
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"), r.headers().toString());
        String m = r.body();
        assertTrue(sample(m, "opencasjobs_requests_seconds_count",
                "operation=\"SubmitJob\",outcome=\"ok\",protocol=\"http-get\"") >= 1, m);
        assertTrue(sample(m, "opencasjobs_requests_seconds_count",
                "operation=\"GetJobStatus\",outcome=\"fault\",protocol=\"http-get\"") >= 1, m);
        assertTrue(m.contains("opencasjobs_requests_seconds_bucket{operation=\"SubmitJob\",outcome=\"ok\","
                + "protocol=\"http-get\",le=\"0.1\"}"), "latency histogram buckets: " + m);
        assertTrue(sample(m, "opencasjobs_job_wait_seconds_count", "queue=\"Sample/500\"") >= 1, m);
        assertTrue(sample(m, "opencasjobs_job_run_seconds_count", "queue=\"Sample/500\",status=\"finished\"") >= 1, m);
        assertEquals(0, sample(m, "opencasjobs_jobs", "queue=\"Sample/500\",status=\"started\""), m);
        assertEquals(2, sample(m, "opencasjobs_workers_max", "queue=\"Sample/500\""), m);
        assertTrue(sample(m, "hikaricp_connections_max", "pool=\"jobstore\"") >= 1, m);
        assertTrue(m.contains("jvm_memory_used_bytes"), m);
    }

    @Test
    void eachNodeShowsItsClaimsAndLeaseLosses() throws Exception {
        String before = s.get("/metrics").body();
        String node = nodeOf(before);
        double claims = sample(before, "opencasjobs_node_claims_total", "node=\"" + node + "\"");
        Await.finalJob(s.server.jobStore(), submitTop3());
        String m = s.get("/metrics").body();
        assertTrue(sample(m, "opencasjobs_node_claims_total", "node=\"" + node + "\"") >= claims + 1,
                "the batch job's claim is counted: " + m);
        assertEquals(0, sample(m, "opencasjobs_node_lease_losses_total", "node=\"" + node + "\""), m);
        assertEquals(0, sample(m, "opencasjobs_node_lost_jobs_total", "node=\"" + node + "\""), m);
    }

    /** The node label of this server's node metrics. */
    private static String nodeOf(String exposition) {
        Matcher m = Pattern.compile("(?m)^opencasjobs_node_claims_total\\{node=\"([^\"]+)\"}").matcher(exposition);
        assertTrue(m.find(), "no opencasjobs_node_claims_total: " + exposition);
        return m.group(1);
    }

    @Test
    void waitingJobsAreCountedByQueueAndStatus() throws Exception {
        try (TestServer held = new TestServer().holdJobs()) {
            held.submit(held.alice, ALICE_PW);
            held.submit(held.alice, ALICE_PW);
            String m = held.get("/metrics").body();
            assertEquals(2, sample(m, "opencasjobs_jobs", "queue=\"Sample/500\",status=\"ready\""), m);
            assertEquals(0, sample(m, "opencasjobs_jobs", "queue=\"Sample/500\",status=\"canceling\""), m);
        }
    }

    @Test
    void healthIsUpWhenTheJobStoreAndCatalogAnswer() throws Exception {
        HttpResponse<String> r = s.get("/health");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("{\"status\":\"UP\",\"jobstore\":\"UP\",\"catalog\":\"UP\"}", r.body().strip());
    }

    /** The value of one Prometheus sample, by metric name and its exact label set. */
    static double sample(String exposition, String name, String labels) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name + "{" + labels + "}") + " (\\S+)$").matcher(exposition);
        if (!m.find()) {
            throw new AssertionError("no sample " + name + "{" + labels + "}");
        }
        return Double.parseDouble(m.group(1));
    }

    /** A batch job that finishes: its rows go to a new MyDB table Job{id}. */
    private static long submitTop3() throws Exception {
        String body = s.get(ASMX + "/SubmitJob?" + form("wsid", s.alice.wsid(), "pw", ALICE_PW,
                "qry", "SELECT TOP 3 objID FROM PhotoObj", "context", "Sample", "taskname", "obs", "estimate", 500)).body();
        return Long.parseLong(body.replaceAll("(?s).*<long[^>]*>(\\d+)</long>.*", "$1"));
    }
}
