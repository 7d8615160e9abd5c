package org.opencasjobs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.xml.ws.BindingProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencasjobs.testing.Await;
import org.opencasjobs.testing.Postgres;
import org.opencasjobs.wire.Jobs;
import org.opencasjobs.wire.JobsSoap;

/**
 * Two servers as operators run them, each a child JVM with its own data folder, sharing one job
 * store in PostgreSQL: jobs submitted to both in turn run once each, and a node killed outright
 * (SIGKILL) while it runs a job has that job failed "node lost" by the other, which goes on serving.
 */
class ClusterNodesTest {
    /**
     * Runs for ten minutes unless stopped; PostgreSQL's own sleep (the nodes' catalog is the shared
     * PostgreSQL database), seen in pg_stat_activity by its text.
     */
    private static final String LONG = "SELECT CAST(pg_sleep(600) AS varchar(10)) AS slept";
    private static final int LEASE_SECONDS = 3;
    /** Client threads submitting at once, and the batch queue's concurrency on both nodes together. */
    private static final int CLIENTS = 4;
    private static final int CONCURRENCY = 8;

    @TempDir
    Path dir;
    private Postgres.Database pg;
    private final List<ChildServer> children = new ArrayList<>();
    private long wsid;
    private String password;

    @BeforeEach
    void database() {
        pg = Postgres.newDatabase();
    }

    @AfterEach
    void stop() throws Exception {
        for (ChildServer c : children) {
            c.kill();
        }
        if (pg != null) {
            pg.close();
        }
    }

    /**
     * Starts node {@code id}. The first start of the shared store creates the demo account; later
     * nodes find it there, and the test reads its password from the first node's folder.
     */
    private ChildServer node(String id) throws Exception {
        Path data = dir.resolve(id);
        Files.createDirectories(data);
        if (!children.isEmpty() && !Files.exists(data.resolve("demo-account.properties"))) {
            Files.copy(dir.resolve("a").resolve("demo-account.properties"), data.resolve("demo-account.properties"));
        }
        Map<String, String> env = new HashMap<>(Map.of("CASJOBS_ENGINE", "postgresql",
                "CASJOBS_POSTGRESQL_URL", pg.url(), "CASJOBS_POSTGRESQL_USER", pg.owner(),
                "CASJOBS_POSTGRESQL_PASSWORD", pg.password(), "CASJOBS_NODE_ID", id,
                "CASJOBS_NODE_LEASE_SECONDS", String.valueOf(LEASE_SECONDS), "CASJOBS_SAMPLE_ROWS", "0",
                "CASJOBS_QUEUE_BATCH_CONCURRENCY", String.valueOf(CONCURRENCY),
                "CASJOBS_QUEUE_BATCH_PER_USER", String.valueOf(CONCURRENCY)));
        env.put("CASJOBS_QUEUE_BATCH_WAITING_PER_USER", "1000");
        ChildServer c = ChildServer.start(data, env);
        children.add(c);
        wsid = c.wsid;
        password = c.password;
        return c;
    }

    private static JobsSoap client(ChildServer c) {
        JobsSoap soap = new Jobs().getJobsSoap12();
        ((BindingProvider) soap).getRequestContext().put(BindingProvider.ENDPOINT_ADDRESS_PROPERTY, c.url);
        return soap;
    }

    private String row(String sql, long jobId) throws SQLException {
        try (Connection c = pg.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** How many backends of the database run statements of job {@code jobId} (tagged with its id). */
    private int backendsOf(long jobId) {
        try {
            return Integer.parseInt(row("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()"
                    + " AND application_name = 'opencasjobs job ' || CAST(? AS text)", jobId));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private String transitions(long jobId) throws SQLException {
        return row("SELECT STRING_AGG(from_status || '>' || to_status, ' ' ORDER BY id) FROM casjobs.job_transitions"
                + " WHERE jobid = ?", jobId);
    }

    @Test
    void jobsSubmittedToTwoNodesInTurnRunOnceEach() throws Exception {
        List<ChildServer> servers = List.of(node("a"), node("b"));
        int count = Integer.getInteger("cluster.jobs", 300); // more on request: -Dcluster.jobs=10000
        long began = System.nanoTime();
        // Several clients at once, each sending its jobs to the nodes in turn: one client waiting for each
        // answer before the next call would measure its own round trips, not the nodes.
        List<Long> ids = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newFixedThreadPool(CLIENTS);
        List<java.util.concurrent.Future<?>> submitted = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            int first = c;
            submitted.add(clients.submit(() -> {
                List<JobsSoap> nodes = List.of(client(servers.get(0)), client(servers.get(1)));
                for (int i = first; i < count; i += CLIENTS) {
                    ids.add(nodes.get(i % 2).submitJob(wsid, password, "SELECT " + i + " AS i", "Sample", "rr" + i, 0));
                }
                return null;
            }));
        }
        for (var f : submitted) {
            f.get();
        }
        clients.shutdown();
        double submitSeconds = (System.nanoTime() - began) / 1e9;
        // Bounded by progress, not by the total: each wait ends when one more job has ended.
        Map<String, Integer> outcomes = statuses();
        while (ended(outcomes) < count) {
            int before = ended(outcomes);
            outcomes = Await.until("more of the " + count + " jobs to end", this::statuses,
                    m -> ended(m) > before);
        }
        double seconds = (System.nanoTime() - began) / 1e9;
        assertEquals(Map.of("5", count), outcomes);
        Map<String, Integer> byNode = new TreeMap<>();
        for (long id : ids) {
            assertEquals("0>1 1>5", transitions(id), "job " + id + " ran once");
            byNode.merge(row("SELECT node_id FROM casjobs.jobs WHERE jobid = ?", id), 1, Integer::sum);
        }
        assertTrue(List.of("a", "b").containsAll(byNode.keySet()), byNode.toString());
        System.out.printf("%d jobs submitted in turn to 2 nodes by " + CLIENTS + " clients (submitting took %.1f s):"
                + " all finished once"
                + " %.1f s after the first submission (%.0f jobs/s); run by %s%n", count, submitSeconds, seconds,
                count / seconds, byNode);
    }

    @Test
    void aRollingRestartUnderLoadLosesAndDoublesNothing() throws Exception {
        Map<String, ChildServer> live = new java.util.concurrent.ConcurrentHashMap<>(Map.of("a", node("a"), "b", node("b")));
        java.util.concurrent.atomic.AtomicBoolean submitting = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicInteger accepted = new java.util.concurrent.atomic.AtomicInteger();
        long owner = wsid;
        String pw = password;
        // Jobs that each run half a second, so that every SIGTERM finds some running.
        Thread load = new Thread(() -> {
            for (int i = 0; submitting.get(); i++) {
                ChildServer to = live.get(i % 2 == 0 ? "a" : "b");
                if (to == null) {
                    to = live.values().iterator().next();
                }
                try {
                    client(to).submitJob(owner, pw, "SELECT " + i + " AS i, CAST(pg_sleep(0.5) AS varchar(10)) AS s",
                            "Sample", "roll" + i, 0);
                    accepted.incrementAndGet();
                } catch (RuntimeException refused) {
                    // the node is stopping: the client tries the next one, as behind a load balancer
                }
            }
        }, "load");
        load.start();
        for (String id : List.of("a", "b")) {
            Thread.sleep(3000);
            ChildServer stopping = live.remove(id);
            stopping.process.destroy(); // SIGTERM
            assertTrue(stopping.process.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), "node " + id + " stopped");
            children.remove(stopping);
            live.put(id, node(id)); // the same data folder and id: it joins again
        }
        Thread.sleep(2000);
        submitting.set(false);
        load.join();
        Map<String, Integer> outcomes = statuses();
        while (ended(outcomes) < outcomes.values().stream().mapToInt(Integer::intValue).sum()) {
            int before = ended(outcomes);
            outcomes = Await.until("the jobs to end", this::statuses, m -> ended(m) > before);
        }
        int total = outcomes.values().stream().mapToInt(Integer::intValue).sum();
        assertTrue(total >= accepted.get(), "every accepted job is recorded: " + total + " of " + accepted.get());
        assertEquals(Map.of("5", total), outcomes, () -> "none lost (failed) by the restarts: " + notFinished());
        Map<String, Integer> histories = new TreeMap<>();
        try (Connection c = pg.connect(); PreparedStatement ps = c.prepareStatement("SELECT STRING_AGG(from_status"
                + " || '>' || to_status, ' ' ORDER BY id) FROM casjobs.job_transitions GROUP BY jobid");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                histories.merge(rs.getString(1), 1, Integer::sum);
            }
        }
        // run once to its end: straight, or after being handed back to the queue by stopping nodes
        assertTrue(histories.keySet().stream().allMatch(h -> h.matches("(0>1 1>0 )*0>1 1>5")), histories.toString());
        System.out.printf("rolling restart of 2 nodes under load: %d jobs, all finished once; histories %s%n", total,
                histories);
    }

    /** How many jobs are in each status now. */
    private Map<String, Integer> statuses() {
        Map<String, Integer> byStatus = new TreeMap<>();
        try (Connection c = pg.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT status, COUNT(*) FROM casjobs.jobs GROUP BY status"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                byStatus.put(String.valueOf(rs.getInt(1)), rs.getInt(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return byStatus;
    }

    /** The jobs that did not finish, each with its history and error: what a failure must show. */
    private String notFinished() {
        StringBuilder jobs = new StringBuilder();
        try (Connection c = pg.connect(); PreparedStatement ps = c.prepareStatement("SELECT j.jobid, j.status, j.error,"
                + " (SELECT STRING_AGG(t.from_status || '>' || t.to_status, ' ' ORDER BY t.id)"
                + " FROM casjobs.job_transitions t WHERE t.jobid = j.jobid) FROM casjobs.jobs j WHERE j.status <> 5");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                long id = rs.getLong(1);
                jobs.append("\n  job ").append(id).append(" status ").append(rs.getInt(2)).append(" (")
                        .append(rs.getString(4)).append("): ").append(rs.getString(3));
                for (String node : List.of("a", "b")) { // what the nodes logged about it
                    Path log = dir.resolve(node).resolve("child-stderr.log");
                    if (Files.exists(log)) {
                        try (var lines = Files.lines(log)) {
                            lines.filter(l -> l.matches(".*\\bjob " + id + "\\b.*"))
                                    .forEach(l -> jobs.append("\n    ").append(node).append(": ").append(l));
                        } catch (java.io.IOException | java.io.UncheckedIOException e) {
                            jobs.append("\n    ").append(node).append(": log not read: ").append(e);
                        }
                    }
                }
            }
        } catch (SQLException e) {
            jobs.append(" (not read: ").append(e.getMessage()).append(')');
        }
        return jobs.toString();
    }

    private static int ended(Map<String, Integer> byStatus) {
        return byStatus.entrySet().stream().filter(e -> e.getKey().compareTo("3") >= 0)
                .mapToInt(Map.Entry::getValue).sum();
    }

    @Test
    void aNodeKilledWhileRunningAJobHasItFailedByTheOtherThatGoesOnServing() throws Exception {
        ChildServer a = node("a");
        ChildServer b = node("b");
        Map<String, ChildServer> byId = Map.of("a", a, "b", b);
        long id = client(a).submitJob(wsid, password, LONG, "Sample", "long", 0);
        Await.until("the long job to start", () -> client(b).getJobStatus(wsid, password, id), s -> s == 1);
        String holder = row("SELECT node_id FROM casjobs.jobs WHERE jobid = ?", id);
        ChildServer dead = byId.get(holder);
        ChildServer alive = dead == a ? b : a;
        dead.kill();
        long killed = System.nanoTime();
        JobsSoap survivor = client(alive);
        assertEquals(4, Await.until("the job to end", () -> survivor.getJobStatus(wsid, password, id), s -> s >= 3));
        long tookMillis = (System.nanoTime() - killed) / 1_000_000;
        String error = row("SELECT error FROM casjobs.jobs WHERE jobid = ?", id);
        assertTrue(error.contains("(" + holder + ")") && error.contains("lost"), error);
        assertEquals("0>1 1>4", transitions(id));
        // the killed JVM's backend would sleep on: the survivor terminates it (found by the job's tag)
        Await.until("the dead node's statement to be stopped", () -> backendsOf(id), n -> n == 0);

        List<Long> after = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            after.add(survivor.submitJob(wsid, password, "SELECT " + i + " AS i", "Sample", "after", 0));
        }
        for (long next : after) {
            assertEquals(5, Await.until("job " + next + " to end", () -> survivor.getJobStatus(wsid, password, next),
                    s -> s >= 3));
            assertEquals("0>1 1>5", transitions(next));
        }
        System.out.printf("kill -9 of node %s running job %d: failed \"node lost\" by the other node %d ms later"
                + " (lease %d s)%n", holder, id, tookMillis, LEASE_SECONDS);
    }
}
