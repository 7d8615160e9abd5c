package org.opencasjobs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opencasjobs.it.TestServer.ADMIN_PW;
import static org.opencasjobs.it.TestServer.ALICE_PW;
import static org.opencasjobs.it.TestServer.BOB_PW;
import static org.opencasjobs.it.TestServer.NS;
import static org.opencasjobs.it.TestServer.form;
import static org.opencasjobs.it.TestServer.soap11;
import static org.opencasjobs.it.TestServer.x;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.opencasjobs.jobs.Account;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * "8 concurrent clients submit 500 jobs: every JobID distinct, every job reaches a final state,
 * none lost, none run twice." Each client has its own HTTP connection pool; half call the HTTP GET
 * binding, half SOAP 1.1; the jobs go to two users' MyDBs. Throughput is printed, never asserted.
 */
class SubmitLoadTest {
    static final int CLIENTS = 8;
    static final int JOBS = 500;
    /** A generous bound for all jobs to end (they take milliseconds each). */
    static final long FINISH_WAIT_MS = 5 * 60_000;

    @Test
    void eightClientsSubmitFiveHundredJobsThatEachRunOnce() throws Exception {
        try (TestServer s = new TestServer(Map.of("casjobs.queue.batch.concurrency", "4",
                // a load of few users: let each fill the queue and use every worker
                "casjobs.queue.batch.waiting.per.user", "1000", "casjobs.queue.batch.per.user", "4"))) {
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<List<long[]>>> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                int count = JOBS / CLIENTS + (c < JOBS % CLIENTS ? 1 : 0); // 63 × 4 + 62 × 4 = 500
                Account who = c % 2 == 0 ? s.alice : s.bob;
                String pw = c % 2 == 0 ? ALICE_PW : BOB_PW;
                boolean soap = c % 4 >= 2;
                clients.add(pool.submit(() -> {
                    HttpClient http = HttpClient.newHttpClient();
                    List<long[]> ids = new ArrayList<>();
                    go.await();
                    for (int i = 0; i < count; i++) {
                        String qry = "SELECT TOP 5 objID, ra INTO mydb.L_" + client + "_" + i + " FROM PhotoObj";
                        ids.add(new long[] {submit(s, http, soap, who.wsid(), pw, qry), who.wsid()});
                    }
                    return ids;
                }));
            }
            long t0 = System.nanoTime();
            go.countDown();
            List<Long> ids = new ArrayList<>();
            Map<Long, Long> owner = new HashMap<>();
            for (Future<List<long[]>> f : clients) {
                for (long[] idAndOwner : f.get(FINISH_WAIT_MS, TimeUnit.MILLISECONDS)) {
                    ids.add(idAndOwner[0]);
                    owner.put(idAndOwner[0], idAndOwner[1]);
                }
            }
            long submitted = System.nanoTime();
            pool.shutdown();
            assertEquals(JOBS, ids.size());
            assertEquals(JOBS, new HashSet<>(ids).size(), "every JobID distinct");

            // Poll until no job is active or waiting: an administrator sees every user's jobs.
            HttpClient adminHttp = HttpClient.newHttpClient();
            long deadline = System.nanoTime() + FINISH_WAIT_MS * 1_000_000;
            List<Element> active = getJobs(s, adminHttp, "Status: 0, 2");
            while (!active.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(200);
                active = getJobs(s, adminHttp, "Status: 0, 2");
            }
            long ended = System.nanoTime();
            assertEquals(0, active.size(), "jobs still waiting or running after " + FINISH_WAIT_MS + " ms");

            Map<Long, Element> all = new HashMap<>();
            for (Element j : getJobs(s, adminHttp, "")) {
                all.put(Long.parseLong(child(j, "JobID")), j);
            }
            assertEquals(Set.copyOf(ids), all.keySet(), "none lost, none extra");
            Map<String, Integer> byStatus = new TreeMap<>();
            List<String> failures = new ArrayList<>();
            List<String> badSteps = Collections.synchronizedList(new ArrayList<>());
            for (long id : ids) {
                Element j = all.get(id);
                String status = child(j, "Status");
                byStatus.merge(status, 1, Integer::sum);
                if (!status.equals("5")) {
                    failures.add("job " + id + " status " + status + ": " + child(j, "Error"));
                } else {
                    assertEquals("5", child(j, "Rows"), "rows of job " + id);
                }
                assertEquals(String.valueOf(owner.get(id)), child(j, "WebServicesID"), "owner of job " + id);
                List<String> steps = s.server.jobStore().transitions(id).stream()
                        .map(t -> t.from().code + ">" + t.to().code).toList();
                if (!steps.equals(List.of("0>1", "1>5"))) {
                    badSteps.add("job " + id + ": " + steps);
                }
            }
            double submitSeconds = (submitted - t0) / 1e9;
            double totalSeconds = (ended - t0) / 1e9;
            System.out.printf("[SubmitLoadTest] %d jobs from %d clients: submitted in %.2f s (%.1f submits/s);"
                            + " all final after %.2f s (%.1f jobs/s end to end); statuses %s%n",
                    JOBS, CLIENTS, submitSeconds, JOBS / submitSeconds, totalSeconds, JOBS / totalSeconds, byStatus);
            failures.forEach(f -> System.out.println("[SubmitLoadTest] " + f));
            assertEquals(List.of(), failures, "every job finishes");
            assertEquals(List.of(), badSteps, "every job starts once and finishes: 0>1, 1>5");

            // Each finished job made its own table, once: alice's and bob's MyDBs hold exactly theirs.
            for (Account who : List.of(s.alice, s.bob)) {
                long expected = owner.values().stream().filter(w -> w == who.wsid()).count();
                String pw = who == s.alice ? ALICE_PW : BOB_PW;
                assertEquals(expected, tables(s, adminHttp, who.wsid(), pw), "L_ tables of wsid " + who.wsid());
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    static long submit(TestServer s, HttpClient http, boolean soap, long wsid, String pw, String qry)
            throws Exception {
        HttpResponse<String> r;
        if (soap) {
            String body = soap11("<SubmitJob xmlns=\"" + NS + "\"><wsid>" + wsid + "</wsid><pw>" + x(pw) + "</pw><qry>"
                    + x(qry) + "</qry><context>Sample</context><taskname>load</taskname><estimate>500</estimate>"
                    + "</SubmitJob>");
            r = http.send(HttpRequest.newBuilder(URI.create(s.url()))
                    .header("Content-Type", "text/xml; charset=utf-8")
                    .header("SOAPAction", "\"" + NS + "/SubmitJob\"")
                    .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } else {
            r = http.send(HttpRequest.newBuilder(URI.create(s.url() + "/SubmitJob?" + form("wsid", wsid, "pw", pw,
                    "qry", qry, "context", "Sample", "taskname", "load", "estimate", 500))).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
        if (r.statusCode() != 200) {
            throw new AssertionError("SubmitJob (" + (soap ? "SOAP" : "GET") + ") failed: " + r.statusCode() + " "
                    + r.body());
        }
        Element root = parse(r.body());
        String text = soap ? root.getElementsByTagNameNS(NS, "SubmitJobResult").item(0).getTextContent()
                : root.getTextContent();
        return Long.parseLong(text.trim());
    }

    static List<Element> getJobs(TestServer s, HttpClient http, String conditions) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(s.url() + "/GetJobs?" + form(
                "owner_wsid", s.admin.wsid(), "owner_pw", ADMIN_PW, "conditions", conditions, "includeSystem", "true")))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r::body);
        List<Element> out = new ArrayList<>();
        for (Node n = parse(r.body()).getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                out.add(e);
            }
        }
        return out;
    }

    static long tables(TestServer s, HttpClient http, long wsid, String pw) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(s.url() + "/ExecuteQuickJob?" + form(
                "wsid", wsid, "pw", pw, "qry", "SELECT COUNT(*) AS n FROM information_schema.tables"
                        + " WHERE table_schema = 'dbo' AND table_name LIKE 'L\\_%' ESCAPE '\\'",
                "context", "MyDB", "taskname", "count", "isSystem", "false"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r::body);
        List<String> lines = parse(r.body()).getTextContent().lines().map(String::strip)
                .filter(l -> !l.isEmpty()).toList();
        assertTrue(lines.size() == 2, lines::toString);
        return Long.parseLong(lines.get(1));
    }

    static String child(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && name.equals(e.getLocalName())) {
                return e.getTextContent();
            }
        }
        return null;
    }

    static Element parse(String xml) throws Exception {
        return TestServer.xml(xml).getDocumentElement();
    }
}
