package org.opencasjobs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.opencasjobs.it.TestServer.form;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencasjobs.app.OpenCasJobs;
import org.opencasjobs.catalog.Catalog;
import org.opencasjobs.config.ServerConfig;
import org.opencasjobs.jobs.Job;
import org.opencasjobs.jobs.JobStatus;
import org.opencasjobs.store.JdbcJobStore;
import org.opencasjobs.store.JobStore;
import org.opencasjobs.store.JobStoreDatabase;

/**
 * "Jobs left started or canceling by a process that died end failed (4, with an error saying the
 * server restarted) or cancelled on the next start — never active forever", and a process stopped
 * with SIGTERM re-queues its running jobs. A real server runs in a child JVM ({@code Main serve}),
 * is killed with SIGKILL or stopped with SIGTERM mid-job, and the service is started again in this
 * JVM on the same data folder.
 */
class ProcessKillRecoveryTest {
    static final String LONG_FROM = " FROM PhotoObj a, PhotoObj b, PhotoObj c WHERE a.ra < b.ra AND b.ra < c.ra";
    static final long WAIT_MS = 60_000;
    /**
     * A quiet moment before a kill: the main test lets its long jobs run this long (and checks
     * they still do), and {@link #jobsAcknowledgedJustBeforeAKillAreNotLost} starts its burst
     * after it. (Losing acknowledged state to a kill after quiet is {@link JobStoreKillTest}'s.)
     */
    static final long SETTLE_MS = 3_000;

    @TempDir
    Path dataDir;

    private Process child;
    private List<String> childOut = List.of();

    @AfterEach
    void killChild() throws Exception {
        if (child != null && child.isAlive()) {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void jobsLeftActiveByAKilledProcessEndOnTheNextStart() throws Exception {
        Ws ws = startChild();
        long running = ws.submit("SELECT COUNT(*) AS n INTO mydb.Crashed" + LONG_FROM);
        long canceled = ws.submit("SELECT COUNT(*) AS n INTO mydb.Canceled" + LONG_FROM);
        // Two batch workers by default, and two jobs per user here: both run.
        assertEquals(1, ws.awaitStatus(running, st -> st != 0, WAIT_MS), "the first long job runs");
        assertEquals(1, ws.awaitStatus(canceled, st -> st != 0, WAIT_MS), "the second long job runs");
        Thread.sleep(SETTLE_MS);
        assertEquals(1, ws.status(running), () -> "still running: the query is long" + childLog(running));
        // Ask for a cancel and kill at once: the job may die canceling (2) or cancelled already (3).
        ws.cancel(canceled);
        long killedAt = System.nanoTime();
        child.destroyForcibly();
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child JVM exits after SIGKILL");
        System.out.println("[ProcessKillRecoveryTest] child killed (exit " + child.exitValue() + ") "
                + (System.nanoTime() - killedAt) / 1_000_000 + " ms after the kill was sent");

        Properties demo = ChildServer.demoAccount(dataDir);
        try (OpenCasJobs again = OpenCasJobs.start(ServerConfig.of(Map.of("casjobs.data.dir", dataDir.toString(),
                "casjobs.port", "0", "casjobs.bind.address", "127.0.0.1")), Clock.systemDefaultZone())) {
            JobStore store = again.jobStore();
            Job r = store.find(running).orElseThrow();
            assertEquals(JobStatus.FAILED, r.status(), "a job left started fails on the next start");
            assertNotNull(r.error());
            assertTrue(r.error().contains("restarted"), r.error());
            assertNotNull(r.timeStart());
            assertNotNull(r.timeEnd());
            assertEquals(List.of("0>1", "1>4"), steps(store, running));

            Job c = store.find(canceled).orElseThrow();
            List<String> cSteps = steps(store, canceled);
            System.out.println("[ProcessKillRecoveryTest] the job canceled just before the kill: status "
                    + c.status().code + ", transitions " + cSteps + ", error " + c.error());
            assertTrue(c.status().isFinal(), "never active after a restart: " + c.status());
            assertTrue(Set.of(
                    List.of("0>1", "1>2", "2>3"),     // cancelled by the child, or left canceling and cancelled on start
                    List.of("0>1", "1>4")).contains(cSteps), // the cancel request was lost with the process
                    cSteps.toString());
            if (c.status() == JobStatus.FAILED) {
                assertTrue(c.error().contains("restarted"), () -> c.error() + childLog(canceled));
            }
            assertNotNull(c.timeEnd());

            // No job of this data folder is active any more.
            assertEquals(List.of(), store.idsWithStatus(JobStatus.STARTED, false));
            assertEquals(List.of(), store.idsWithStatus(JobStatus.CANCELING, false));

            // The service works: the user sees the failure, quick queries run, new jobs run to their end.
            Ws after = new Ws("http://127.0.0.1:" + again.port() + "/services/jobs.asmx",
                    Long.parseLong(demo.getProperty("wsid")), demo.getProperty("password"));
            assertEquals(4, after.status(running));
            String csv = after.quick("SELECT TOP 3 objID FROM PhotoObj ORDER BY objID", "Sample");
            assertEquals(4, csv.strip().lines().count(), csv);
            long crashedTables = after.count("SELECT COUNT(*) AS n FROM information_schema.tables"
                    + " WHERE table_schema = 'dbo' AND UPPER(table_name) IN ('CRASHED', 'CANCELED')");
            System.out.println("[ProcessKillRecoveryTest] half-written tables of the killed jobs left in MyDB: "
                    + crashedTables);
            assertEquals(0, crashedTables, "a table the killed jobs were writing does not survive them");
            long fresh = after.submit("SELECT TOP 5 objID, ra INTO mydb.AfterRestart FROM PhotoObj");
            assertEquals(5, after.awaitStatus(fresh, st -> st >= 3, WAIT_MS),
                    () -> String.valueOf(store.find(fresh).map(Job::error)));
            assertEquals(List.of("0>1", "1>5"), steps(store, fresh));
        }
    }

    /**
     * The job ids SubmitJob returned must still name the jobs after a crash: a job that was
     * acknowledged and is then silently gone is lost, and a job that forgets it started may run
     * twice. Killing the process within about half a second of the SubmitJob replies loses jobs,
     * because H2 (default WRITE_DELAY 500 ms) has not yet written those commits to its file.
     */
    @Test
    void jobsAcknowledgedJustBeforeAKillAreNotLost() throws Exception {
        Ws ws = startChild();
        // A returning user (MyDB ready) on a server that has been quiet for a moment; then a burst
        // of small jobs, each of which runs and ends within milliseconds, and a kill.
        ws.quick("SELECT 1 AS n", "MyDB");
        Thread.sleep(SETTLE_MS);
        List<Long> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ids.add(ws.submit("SELECT TOP 5 objID, ra INTO mydb.Acked" + i + " FROM PhotoObj"));
        }
        child.destroyForcibly();
        assertTrue(child.waitFor(60, TimeUnit.SECONDS));
        try (OpenCasJobs again = OpenCasJobs.start(ServerConfig.of(Map.of("casjobs.data.dir", dataDir.toString(),
                "casjobs.port", "0", "casjobs.bind.address", "127.0.0.1")), Clock.systemDefaultZone())) {
            JobStore store = again.jobStore();
            List<Long> lost = ids.stream().filter(id -> store.find(id).isEmpty()).toList();
            assertEquals(List.of(), lost, "jobs acknowledged by SubmitJob (" + ids + ") lost after the kill");
            for (long id : ids) {
                Job j = store.find(id).orElseThrow();
                for (int i = 0; i < 600 && !j.status().isFinal(); i++) {
                    Thread.sleep(100);
                    j = store.find(id).orElseThrow();
                }
                assertTrue(j.status().isFinal(), "job " + id + " never ends: " + j.status());
                List<String> steps = steps(store, id);
                assertEquals(1, steps.stream().filter(t -> t.equals("0>1")).count(), "one start: " + steps);
            }
        }
    }

    /**
     * Graceful shutdown: on SIGTERM the child stops by itself; its running jobs go back to the
     * queue (ready, 0, TimeStart cleared) with their half-written tables dropped, a waiting job
     * is untouched, the H2 files open again at once, and after a restart the re-queued jobs run.
     */
    @Test
    void sigtermRequeuesRunningJobsAndStopsCleanly() throws Exception {
        Ws ws = startChild();
        long first = ws.submit("SELECT COUNT(*) AS n INTO mydb.StoppedA" + LONG_FROM);
        long second = ws.submit("SELECT COUNT(*) AS n INTO mydb.StoppedB" + LONG_FROM);
        long waiting = ws.submit("SELECT TOP 5 objID INTO mydb.Waited FROM PhotoObj");
        assertEquals(1, ws.awaitStatus(first, st -> st != 0, WAIT_MS), "the first long job runs");
        assertEquals(1, ws.awaitStatus(second, st -> st != 0, WAIT_MS), "the second long job runs");
        assertEquals(0, ws.status(waiting), "two batch workers, both busy: the third job waits");

        long sentAt = System.nanoTime();
        child.destroy(); // SIGTERM
        assertTrue(child.waitFor(120, TimeUnit.SECONDS), "the child stops by itself after SIGTERM");
        System.out.println("[ProcessKillRecoveryTest] child stopped " + (System.nanoTime() - sentAt) / 1_000_000
                + " ms after SIGTERM, with two jobs running");
        assertEquals(143, child.exitValue(), "exit status of a JVM stopped by SIGTERM (128 + 15)");
        String log = Files.readString(dataDir.resolve("child-stderr.log"));
        assertTrue(log.contains("job " + first + " re-queued: the server is shutting down"), log);
        assertTrue(log.contains("job " + second + " re-queued: the server is shutting down"), log);
        assertTrue(log.contains("OpenCasJobs - stopped"), log);
        assertFalse(log.contains("ERROR") || log.contains("still running"), log);

        ServerConfig config = ServerConfig.of(Map.of("casjobs.data.dir", dataDir.toString(), "casjobs.port", "0",
                "casjobs.bind.address", "127.0.0.1", "casjobs.shutdown.grace.seconds", "5"));
        Properties demo = ChildServer.demoAccount(dataDir);
        long wsid = Long.parseLong(demo.getProperty("wsid"));
        // Before anything runs again: the stores open at once and show the defined state.
        try (JobStoreDatabase db = JobStoreDatabase.open(config)) {
            JobStore store = new JdbcJobStore(db.dataSource());
            for (long id : List.of(first, second)) {
                Job j = store.find(id).orElseThrow();
                assertEquals(JobStatus.READY, j.status(), "job " + id + " is back in the queue");
                assertNull(j.timeStart());
                assertNull(j.error());
                assertEquals(List.of("0>1", "1>0"), steps(store, id));
            }
            assertEquals(JobStatus.READY, store.find(waiting).orElseThrow().status());
            assertEquals(List.of(), steps(store, waiting));
        }
        try (Catalog catalog = Catalog.open(config); Connection c = catalog.connect(wsid, "MyDB");
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES"
                     + " WHERE TABLE_SCHEMA = 'MyDB' AND UPPER(TABLE_NAME) IN ('STOPPEDA', 'STOPPEDB')")) {
            rs.next();
            assertEquals(0, rs.getLong(1), "the stopped jobs' half-written tables are gone");
        }

        try (OpenCasJobs again = OpenCasJobs.start(config, Clock.systemDefaultZone())) {
            Ws after = new Ws("http://127.0.0.1:" + again.port() + "/services/jobs.asmx", wsid,
                    demo.getProperty("password"));
            assertEquals(1, after.awaitStatus(first, st -> st != 0, WAIT_MS), "the re-queued job runs again");
            after.cancel(first);
            after.cancel(second);
            assertEquals(5, after.awaitStatus(waiting, st -> st >= 3, WAIT_MS), "the waiting job runs to its end");
            assertEquals(List.of("0>1", "1>0", "0>1", "1>2", "2>3"), steps(again.jobStore(), first));
        }
    }

    // ------------------------------------------------------------------ helpers

    /** What the killed child logged about job {@code id}, with the stack traces that follow: what a failure must show. */
    private String childLog(long id) {
        Path log = dataDir.resolve("child-stderr.log");
        StringBuilder out = new StringBuilder("\nthe child's log of job ").append(id).append(':');
        try {
            boolean inTrace = false;
            for (String line : Files.readAllLines(log)) {
                boolean about = line.matches(".*\\bjob " + id + "\\b.*");
                inTrace = about || (inTrace && (line.startsWith("\t") || line.startsWith("Caused by") || line.startsWith("org.")
                        || line.startsWith("java.")));
                if (inTrace) {
                    out.append('\n').append(line);
                }
            }
        } catch (java.io.IOException e) {
            out.append(" not read: ").append(e);
        }
        return out.toString();
    }

    static List<String> steps(JobStore store, long id) {
        return store.transitions(id).stream().map(t -> t.from().code + ">" + t.to().code).toList();
    }

    /** Starts {@code Main serve} in a child JVM on {@link #dataDir} and waits until it serves. */
    private Ws startChild() throws Exception {
        ChildServer started = ChildServer.start(dataDir, Map.of("CASJOBS_SAMPLE_ROWS", "20000",
                "CASJOBS_QUEUE_BATCH_PER_USER", "2")); // one user's two jobs run side by side
        child = started.process;
        childOut = started.out;
        return new Ws(started.url, started.wsid, started.password);
    }

    /** The demo user's calls over the HTTP GET binding. */
    static final class Ws {
        private static final Pattern FAULT = Pattern.compile("System.Exception: *(.*?) *--->", Pattern.DOTALL);
        private final HttpClient http = HttpClient.newHttpClient();
        private final String base;
        private final long wsid;
        private final String pw;

        Ws(String base, long wsid, String pw) {
            this.base = base;
            this.wsid = wsid;
            this.pw = pw;
        }

        String ok(String op, Object... pairs) throws Exception {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/" + op + "?" + form(pairs)))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                Matcher m = FAULT.matcher(r.body());
                fail(op + " failed: " + r.statusCode() + " " + (m.find() ? m.group(1) : r.body()));
            }
            return r.body();
        }

        static String text(String xml) throws Exception {
            return TestServer.xml(xml).getDocumentElement().getTextContent().trim();
        }

        long submit(String qry) throws Exception {
            return Long.parseLong(text(ok("SubmitJob", "wsid", wsid, "pw", pw, "qry", qry, "context", "Sample",
                    "taskname", "kill", "estimate", 500)));
        }

        int status(long id) throws Exception {
            return Integer.parseInt(text(ok("GetJobStatus", "wsId", wsid, "pw", pw, "jobId", id)));
        }

        void cancel(long id) throws Exception {
            ok("CancelJob", "wsId", wsid, "pw", pw, "jobId", id);
        }

        String quick(String qry, String context) throws Exception {
            return text(ok("ExecuteQuickJob", "wsid", wsid, "pw", pw, "qry", qry, "context", context,
                    "taskname", "q", "isSystem", "false"));
        }

        long count(String qry) throws Exception {
            List<String> lines = quick(qry, "MyDB").lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
            assertEquals(2, lines.size(), lines::toString);
            return Long.parseLong(lines.get(1));
        }

        int awaitStatus(long id, IntPredicate done, long maxMillis) throws Exception {
            long deadline = System.nanoTime() + maxMillis * 1_000_000;
            int st = status(id);
            while (!done.test(st) && System.nanoTime() < deadline) {
                Thread.sleep(20);
                st = status(id);
            }
            return st;
        }
    }
}
