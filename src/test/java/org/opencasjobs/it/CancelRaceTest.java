package org.opencasjobs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencasjobs.jobs.Job;
import org.opencasjobs.jobs.JobStatus;
import org.opencasjobs.store.JobStore;
import org.opencasjobs.testing.Await;

/** Many CancelJob calls racing each other and the scheduler: exactly one wins each step. */
class CancelRaceTest {
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new TestServer().holdJobs();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void twentyConcurrentCancelsMakeOneTransition() throws Exception {
        long bystander = server.submit(server.alice, TestServer.ALICE_PW);
        long target = server.submit(server.alice, TestServer.ALICE_PW);
        long bobs = server.submit(server.bob, TestServer.BOB_PW);
        String envelope = TestServer.soap11("<CancelJob xmlns=\"" + TestServer.NS + "\"><wsId>" + server.alice.wsid()
                + "</wsId><pw>" + TestServer.x(TestServer.ALICE_PW) + "</pw><jobId>" + target + "</jobId></CancelJob>");
        ExecutorService pool = Executors.newFixedThreadPool(20);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            calls.add(pool.submit(() -> {
                go.await();
                return server.post("/services/jobs.asmx", envelope, "Content-Type", "text/xml; charset=utf-8",
                        "SOAPAction", "\"http://Services.Cas.jhu.edu/CancelJob\"");
            }));
        }
        go.countDown();
        for (Future<HttpResponse<String>> f : calls) {
            HttpResponse<String> r = f.get();
            assertEquals(200, r.statusCode(), r.body());
            assertTrue(r.body().contains("CancelJobResponse"), r.body());
        }
        pool.shutdown();

        JobStore store = server.server.jobStore();
        Job job = Await.finalJob(store, target);
        assertEquals(JobStatus.CANCELLED, job.status());
        assertNotNull(job.timeEnd());
        List<String> steps = store.transitions(target).stream().map(t -> t.from().code + ">" + t.to().code).toList();
        assertEquals(List.of("0>2", "2>3"), steps, "one cancel request won, then the scheduler completed it");

        for (long other : new long[] {bystander, bobs}) {
            Job o = store.find(other).orElseThrow();
            assertEquals(JobStatus.READY, o.status(), "job " + other + " untouched");
            assertEquals(List.of(), store.transitions(other));
        }
    }
}
