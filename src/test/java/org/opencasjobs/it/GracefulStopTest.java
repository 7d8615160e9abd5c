package org.opencasjobs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opencasjobs.it.TestServer.ALICE_PW;
import static org.opencasjobs.it.TestServer.form;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.opencasjobs.jobs.JobStatus;

/**
 * Stopping the server lets a request in flight finish, then refuses new connections. The query is
 * CPU-bound: on a loaded machine it ran 62–63 s, past a 60 s grace and past the quick queue's
 * 1-minute limit. Here both are far longer than the query can take (the stop waits only as long as
 * the query runs), and the test checks that the query was still running when the stop began,
 * which is what makes it a request in flight.
 */
class GracefulStopTest {
    /** Longer than the query takes on any machine this runs on. */
    private static final int GRACE_SECONDS = 600;

    @Test
    void aQuickQueryInFlightIsAnsweredWhileTheServerStops() throws Exception {
        TestServer s = new TestServer(Map.of("casjobs.shutdown.grace.seconds", String.valueOf(GRACE_SECONDS),
                "casjobs.queue.quick.minutes", String.valueOf(GRACE_SECONDS / 60)));
        String url = s.url() + "/ExecuteQuickJob";
        HttpClient http = HttpClient.newHttpClient();
        // About two million row pairs: long enough to be running when the stop begins.
        CompletableFuture<HttpResponse<String>> answer = http.sendAsync(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form("wsid", s.alice.wsid(), "pw", ALICE_PW, "context", "Sample",
                        "taskname", "inflight", "isSystem", "false",
                        "qry", "SELECT COUNT(*) AS n FROM PhotoObj a, PhotoObj b WHERE a.ra < b.ra"))).build(),
                HttpResponse.BodyHandlers.ofString());
        for (int i = 0; i < 600 && s.server.jobStore().idsWithStatus(JobStatus.STARTED, false).isEmpty(); i++) {
            Thread.sleep(20);
        }
        assertEquals(1, s.server.jobStore().idsWithStatus(JobStatus.STARTED, false).size(), "the quick query runs");
        assertFalse(answer.isDone(), "the query is still running as the stop begins");

        s.close();

        HttpResponse<String> r = answer.get(GRACE_SECONDS, TimeUnit.SECONDS);
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("[n]:Integer"), r.body());
        assertThrows(IOException.class, () -> http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString()), "a stopped server accepts no connection");
    }
}
