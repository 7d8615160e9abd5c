package org.opencasjobs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.opencasjobs.it.TestServer.ADMIN_PW;
import static org.opencasjobs.it.TestServer.ALICE_PW;
import static org.opencasjobs.it.TestServer.BOB_PW;
import static org.opencasjobs.it.TestServer.form;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.opencasjobs.jobs.Account;
import org.opencasjobs.jobs.Job;
import org.opencasjobs.jobs.JobStatus;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Running batch jobs (CONTRACT.md §5), against a real server over the HTTP GET binding: cancelling
 * a running job stops its statement and removes its half-written table; queue time limits stop
 * batch and quick jobs with an error naming the limit; a waiting job is cancelled without ever
 * starting; a finished job is not changed by a late cancel; a suspended queue starts nothing until
 * it is woken.
 *
 * <p>No assertion is about elapsed time: every wait is a bounded poll on states, with generous
 * bounds; measured latencies are printed, not asserted.
 */
class RunningJobsTest {
    /** Runs for minutes on the 2000-row Sample (a two-way join alone takes seconds). */
    static final String LONG_FROM = " FROM PhotoObj a, PhotoObj b, PhotoObj c WHERE a.ra < b.ra AND b.ra < c.ra";
    static final String LONG = "SELECT COUNT(*) AS n" + LONG_FROM;
    static final String LONG_INTO_BIG = "SELECT COUNT(*) AS n INTO mydb.Big" + LONG_FROM;
    static final long WAIT_MS = 60_000;
    /** The "ends cancelled within 2 seconds", waited for generously and measured instead. */
    static final long CANCEL_WAIT_MS = 10_000;
    static final String UNSET_TIME = "0001-01-01T00:00:00";

    // ------------------------------------------------------------------ 1. cancel a running job

    @Test
    void cancellingARunningJobStopsItDropsItsTableAndFreesItsConnection() throws Exception {
        try (TestServer s = new TestServer()) {
            Ws alice = new Ws(s, s.alice, ALICE_PW);
            long id = alice.submit(LONG_INTO_BIG, 500);
            alice.awaitStatus(id, st -> st != 0, WAIT_MS);
            assertEquals(1, alice.status(id), "the long job runs");
            // Once its statement runs, the job has created MyDB.Big (H2 creates the table, then fills it).
            System.out.println("[RunningJobsTest] MyDB.Big tables seen while the job runs: " + alice.bigTables());

            long t0 = System.nanoTime();
            alice.cancel(id);
            int right = alice.status(id);
            assertTrue(right == 2 || right == 3, "status right after CancelJob returns: " + right);
            int end = alice.awaitStatus(id, st -> st >= 3, CANCEL_WAIT_MS);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            // The issue asks for "cancelled (3) within 2 seconds": machines are noisy, so the test waits
            // up to CANCEL_WAIT_MS for state 3 and prints the measured latency instead of asserting it.
            System.out.println("[RunningJobsTest] cancel latency (CancelJob call to status 3 seen): " + ms + " ms");
            assertEquals(3, end, "a cancelled running job ends cancelled");
            assertEquals(List.of("0>1", "1>2", "2>3"), transitions(s, id));
            Job job = s.server.jobStore().find(id).orElseThrow();
            assertNotNull(job.timeStart());
            assertNotNull(job.timeEnd());

            // The half-written table is gone, and a query on it fails.
            assertEquals(0, alice.bigTables(), "MyDB.Big must not survive the cancel");
            String fault = alice.quickFault("SELECT * FROM mydb.Big", "MyDB");
            assertTrue(fault.toLowerCase().contains("big"), fault);

            // The user's connections are usable again: new quick queries work, many times over.
            for (int i = 0; i < 20; i++) {
                String csv = alice.quick("SELECT TOP 3 objID FROM PhotoObj ORDER BY objID", "Sample");
                assertEquals(4, csv.strip().lines().count(), csv);
            }
            // And the same query can run again as a batch job, to its end.
            long again = alice.submit("SELECT TOP 5 objID, ra INTO mydb.Big FROM PhotoObj", 500);
            assertEquals(5, alice.awaitStatus(again, st -> st >= 3, WAIT_MS), () -> alice.error(again));
            assertEquals(1, alice.bigTables());
        }
    }

    // ------------------------------------------------------------------ 2. queue time limits

    @Test
    void jobsRunningPastTheirQueueLimitFailNamingTheLimit() throws Exception {
        // A "minute" of 1 s: the batch queue Sample/2 stops jobs after 2 s, the quick queue after 1 s.
        try (TestServer s = new TestServer(Map.of("casjobs.queue.seconds.per.minute", "1",
                "casjobs.queue.batch.minutes", "2"))) {
            Ws alice = new Ws(s, s.alice, ALICE_PW);
            long id = alice.submit(LONG_INTO_BIG, 500);
            assertEquals(4, alice.awaitStatus(id, st -> st >= 3, WAIT_MS), "a job past its queue limit fails");
            String error = alice.error(id);
            System.out.println("[RunningJobsTest] batch timeout error: " + error);
            assertNotNull(error);
            assertTrue(error.contains("2-minute"), error);
            assertTrue(error.contains("Sample/2"), error);
            assertEquals(List.of("0>1", "1>4"), transitions(s, id));
            assertEquals(0, alice.bigTables(), "the table of a stopped job is removed");

            String fault = alice.quickFault(LONG, "Sample");
            System.out.println("[RunningJobsTest] quick timeout fault: " + fault);
            assertTrue(fault.contains("1-minute limit"), fault);
            assertTrue(fault.contains("Sample quick queue"), fault);
            assertTrue(fault.contains("batch job"), fault);
            // The quick job is recorded, failed, with that error, in queue 1.
            List<Long> failed = s.server.jobStore().idsWithStatus(JobStatus.FAILED, false);
            List<Long> quick = failed.stream().filter(j -> j != id).toList();
            assertEquals(1, quick.size(), "failed jobs: " + failed);
            Element cj = alice.job(quick.get(0));
            assertEquals("4", child(cj, "Status"));
            assertEquals("1", child(cj, "Queue"));
            assertEquals(LONG, child(cj, "Query"));
            assertTrue(child(cj, "Error").contains("1-minute limit"), child(cj, "Error"));
            assertEquals(List.of("0>1", "1>4"), transitions(s, quick.get(0)));
            // More timeouts than the quick queue has slots (4): each frees its slot, so the service still
            // answers quick queries afterwards.
            for (int i = 0; i < 4; i++) {
                assertTrue(alice.quickFault(LONG, "Sample").contains("1-minute limit"));
            }
            assertEquals("[n]:Integer\n1", alice.quick("SELECT 1 AS n", "Sample").strip().replace("\r", ""));
            assertEquals(6, s.server.jobStore().idsWithStatus(JobStatus.FAILED, false).size());
        }
    }

    // ------------------------------------------------------------------ 3. cancel a waiting job

    @Test
    void cancellingAWaitingJobEndsItWithoutStarting() throws Exception {
        // One worker per batch queue, kept busy by a long job: the next job waits.
        try (TestServer s = new TestServer(Map.of("casjobs.queue.batch.concurrency", "1"))) {
            Ws alice = new Ws(s, s.alice, ALICE_PW);
            long busy = alice.submit(LONG, 500);
            alice.awaitStatus(busy, st -> st != 0, WAIT_MS);
            assertEquals(1, alice.status(busy));
            long waiting = alice.submit("SELECT TOP 5 objID INTO mydb.Waiting FROM PhotoObj", 500);
            assertEquals(0, alice.status(waiting), "the only worker is busy: the job waits");

            long t0 = System.nanoTime();
            alice.cancel(waiting);
            int right = alice.status(waiting);
            assertTrue(right == 2 || right == 3, "status right after CancelJob returns: " + right);
            assertEquals(3, alice.awaitStatus(waiting, st -> st >= 3, CANCEL_WAIT_MS));
            System.out.println("[RunningJobsTest] cancel latency of a waiting job: "
                    + (System.nanoTime() - t0) / 1_000_000 + " ms");
            assertEquals(List.of("0>2", "2>3"), transitions(s, waiting), "never started");
            Element cj = alice.job(waiting);
            assertEquals(UNSET_TIME, child(cj, "TimeStart"), "TimeStart unset");
            assertTrue(!UNSET_TIME.equals(child(cj, "TimeEnd")), "TimeEnd set");
            assertNull(s.server.jobStore().find(waiting).orElseThrow().timeStart());

            // The long job is still the one running; cancelling it frees the worker for new jobs.
            assertEquals(1, alice.status(busy));
            alice.cancel(busy);
            assertEquals(3, alice.awaitStatus(busy, st -> st >= 3, CANCEL_WAIT_MS));
            long next = alice.submit("SELECT TOP 5 objID INTO mydb.Waiting FROM PhotoObj", 500);
            assertEquals(5, alice.awaitStatus(next, st -> st >= 3, WAIT_MS), () -> alice.error(next));
            assertEquals(List.of("0>2", "2>3"), transitions(s, waiting), "the cancelled job stayed cancelled");
        }
    }

    // ------------------------------------------------------------------ 4. cancel too late

    @Test
    void aFinishedJobIsNotChangedByCancel() throws Exception {
        try (TestServer s = new TestServer()) {
            Ws alice = new Ws(s, s.alice, ALICE_PW);
            long id = alice.submit("SELECT TOP 5 objID, ra INTO mydb.Done FROM PhotoObj", 500);
            assertEquals(5, alice.awaitStatus(id, st -> st >= 3, WAIT_MS), () -> alice.error(id));
            Job before = s.server.jobStore().find(id).orElseThrow();
            alice.cancel(id);
            // Another user may not even try; an admin may, to the same (no) effect.
            String bobs = new Ws(s, s.bob, BOB_PW).cancelFault(id);
            assertTrue(bobs.contains("another user"), bobs);
            new Ws(s, s.admin, ADMIN_PW).cancel(id);
            Job after = s.server.jobStore().find(id).orElseThrow();
            assertEquals(JobStatus.FINISHED, after.status());
            assertEquals(before.timeEnd(), after.timeEnd());
            assertEquals(5, after.rows());
            assertEquals(List.of("0>1", "1>5"), transitions(s, id));
            // Unknown ids are ignored without a fault.
            alice.cancel(id + 1_000_000);
        }
    }

    /**
     * CancelJob racing fast jobs: whatever wins, the end is final and consistent with the
     * transitions, and a job reported finished kept its table while a cancelled one left none.
     */
    @Test
    void cancelRacingFastJobsEndsInAConsistentFinalState() throws Exception {
        try (TestServer s = new TestServer()) {
            Ws alice = new Ws(s, s.alice, ALICE_PW);
            Set<List<String>> allowed = Set.of(
                    List.of("0>2", "2>3"),               // cancelled before it started
                    List.of("0>1", "1>2", "2>3"),        // cancelled while running
                    List.of("0>1", "1>2", "2>5"),        // finished before the cancel took effect
                    List.of("0>1", "1>5"));              // finished before the cancel arrived
            List<Long> ids = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                long id = alice.submit("SELECT TOP 50 objID, ra INTO mydb.Race" + i + " FROM PhotoObj", 500);
                if (i % 3 == 1) {
                    Thread.sleep(30 * i); // let some start, or finish, first
                }
                alice.cancel(id);
                ids.add(id);
            }
            Map<String, Integer> ends = new java.util.TreeMap<>();
            for (int i = 0; i < ids.size(); i++) {
                long id = ids.get(i);
                int end = alice.awaitStatus(id, st -> st >= 3, WAIT_MS);
                List<String> steps = transitions(s, id);
                ends.merge(String.join(",", steps), 1, Integer::sum);
                assertTrue(allowed.contains(steps), "job " + id + ": " + steps);
                assertEquals(steps.get(steps.size() - 1).endsWith(">5") ? 5 : 3, end, "job " + id + ": " + steps);
                long tables = alice.count("SELECT COUNT(*) AS n FROM information_schema.tables"
                        + " WHERE table_schema = 'dbo' AND UPPER(table_name) = 'RACE" + i + "'");
                assertEquals(end == 5 ? 1 : 0, tables, "job " + id + " ended " + end + " " + steps);
            }
            System.out.println("[RunningJobsTest] cancel race, transitions seen (count): " + ends);
        }
    }

    // ------------------------------------------------------------------ 5. suspend and wake

    @Test
    void aSuspendedQueueStartsNothingUntilWoken() throws Exception {
        try (TestServer s = new TestServer()) {
            Ws alice = new Ws(s, s.alice, ALICE_PW);
            Ws admin = new Ws(s, s.admin, ADMIN_PW);
            assertEquals("RUNNING", admin.serviceState("Sample/500"));
            admin.setServiceState("Sample/500", "SUSPENDING");
            assertEquals("SUSPENDED", admin.awaitServiceState("Sample/500", "SUSPENDED", WAIT_MS));

            long id = alice.submit("SELECT TOP 5 objID INTO mydb.Later FROM PhotoObj", 500);
            // Twenty scheduler periods and more: the job is accepted but never started.
            for (int i = 0; i < 20; i++) {
                assertEquals(0, alice.status(id), "a suspended queue starts no job");
                Thread.sleep(100);
            }
            assertEquals("SUSPENDED", admin.serviceState("Sample/500"));
            assertEquals(List.of(), transitions(s, id));
            // Quick queries are not held by a suspended batch queue.
            assertEquals(2, alice.quick("SELECT TOP 1 objID FROM PhotoObj", "Sample").strip().lines().count());

            admin.setServiceState("Sample/500", "WAKING");
            assertEquals(5, alice.awaitStatus(id, st -> st >= 3, WAIT_MS), () -> alice.error(id));
            assertEquals("RUNNING", admin.awaitServiceState("Sample/500", "RUNNING", WAIT_MS));
            assertEquals(List.of("0>1", "1>5"), transitions(s, id));
        }
    }

    // ------------------------------------------------------------------ helpers

    static List<String> transitions(TestServer s, long id) {
        return s.server.jobStore().transitions(id).stream().map(t -> t.from().code + ">" + t.to().code).toList();
    }

    static String child(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && name.equals(e.getLocalName())) {
                return e.getTextContent();
            }
        }
        return null;
    }

    /** One user's calls over the HTTP GET binding, as the Python casjobs client makes them. */
    static final class Ws {
        private static final Pattern FAULT = Pattern.compile("System.Exception: *(.*?) *--->", Pattern.DOTALL);
        private final TestServer s;
        private final long wsid;
        private final String pw;

        Ws(TestServer s, Account who, String pw) {
            this.s = s;
            this.wsid = who.wsid();
            this.pw = pw;
        }

        HttpResponse<String> call(String op, Object... pairs) throws Exception {
            return s.get("/services/jobs.asmx/" + op + "?" + form(pairs));
        }

        String ok(String op, Object... pairs) throws Exception {
            HttpResponse<String> r = call(op, pairs);
            if (r.statusCode() != 200) {
                fail(op + " failed: " + r.statusCode() + " " + r.body());
            }
            return r.body();
        }

        static String fault(HttpResponse<String> r) {
            assertEquals(500, r.statusCode(), r::body);
            Matcher m = FAULT.matcher(r.body());
            assertTrue(m.find(), r::body);
            return m.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
                    .replace("&#39;", "'").replace("&amp;", "&");
        }

        static String text(String xml) throws Exception {
            return parse(xml).getTextContent().trim();
        }

        long submit(String qry, int estimate) throws Exception {
            return Long.parseLong(text(ok("SubmitJob", "wsid", wsid, "pw", pw, "qry", qry, "context", "Sample",
                    "taskname", "running-jobs", "estimate", estimate)));
        }

        int status(long id) throws Exception {
            return Integer.parseInt(text(ok("GetJobStatus", "wsId", wsid, "pw", pw, "jobId", id)));
        }

        void cancel(long id) throws Exception {
            HttpResponse<String> r = call("CancelJob", "wsId", wsid, "pw", pw, "jobId", id);
            assertEquals(200, r.statusCode(), r::body);
        }

        String cancelFault(long id) throws Exception {
            return fault(call("CancelJob", "wsId", wsid, "pw", pw, "jobId", id));
        }

        /** The rows of a quick query, as typed CSV. */
        String quick(String qry, String context) throws Exception {
            return text(ok("ExecuteQuickJob", "wsid", wsid, "pw", pw, "qry", qry, "context", context,
                    "taskname", "q", "isSystem", "false"));
        }

        String quickFault(String qry, String context) throws Exception {
            return fault(call("ExecuteQuickJob", "wsid", wsid, "pw", pw, "qry", qry, "context", context,
                    "taskname", "q", "isSystem", "false"));
        }

        /** The single number a quick query of one row and one column returns. */
        long count(String qry) throws Exception {
            String csv = quick(qry, "MyDB");
            List<String> lines = csv.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
            assertEquals(2, lines.size(), csv);
            return Long.parseLong(lines.get(1));
        }

        long bigTables() throws Exception {
            return count("SELECT COUNT(*) AS n FROM information_schema.tables"
                    + " WHERE table_schema = 'dbo' AND UPPER(table_name) = 'BIG'");
        }

        Element job(long id) throws Exception {
            Element root = parse(ok("GetJobs", "owner_wsid", wsid, "owner_pw", pw, "conditions", "JobID:" + id,
                    "includeSystem", "true"));
            List<Element> jobs = new ArrayList<>();
            for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
                if (n instanceof Element e) {
                    jobs.add(e);
                }
            }
            assertEquals(1, jobs.size(), "GetJobs JobID:" + id);
            return jobs.get(0);
        }

        String error(long id) {
            try {
                return child(job(id), "Error");
            } catch (Exception e) {
                return "(GetJobs failed: " + e + ")";
            }
        }

        String serviceState(String name) throws Exception {
            return text(ok("GetServiceState", "wsid", wsid, "pw", pw, "serviceName", name));
        }

        void setServiceState(String name, String state) throws Exception {
            ok("SetServiceState", "wsid", wsid, "pw", pw, "serviceName", name, "state", state);
        }

        String awaitServiceState(String name, String wanted, long maxMillis) throws Exception {
            long deadline = System.nanoTime() + maxMillis * 1_000_000;
            String state = serviceState(name);
            while (!state.equals(wanted) && System.nanoTime() < deadline) {
                Thread.sleep(50);
                state = serviceState(name);
            }
            return state;
        }

        /** Polls GetJobStatus until {@code done} holds or {@code maxMillis} pass; returns the last status. */
        int awaitStatus(long id, IntPredicate done, long maxMillis) throws Exception {
            long deadline = System.nanoTime() + maxMillis * 1_000_000;
            int st = status(id);
            while (!done.test(st) && System.nanoTime() < deadline) {
                Thread.sleep(20);
                st = status(id);
            }
            return st;
        }

        static Element parse(String xml) throws Exception {
            return TestServer.xml(xml).getDocumentElement();
        }
    }
}
