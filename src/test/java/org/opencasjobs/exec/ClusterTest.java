package org.opencasjobs.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencasjobs.catalog.Catalog;
import org.opencasjobs.config.ServerConfig;
import org.opencasjobs.jobs.Job;
import org.opencasjobs.jobs.JobStatus;
import org.opencasjobs.jobs.JobType;
import org.opencasjobs.jobs.NewJob;
import org.opencasjobs.jobs.Queue;
import org.opencasjobs.jobs.Queues;
import org.opencasjobs.ops.Metrics;
import org.opencasjobs.output.Outputs;
import org.opencasjobs.store.JdbcJobStore;
import org.opencasjobs.store.JobStore;
import org.opencasjobs.store.JobStoreDatabase;
import org.opencasjobs.store.Nodes;
import org.opencasjobs.testing.Await;
import org.opencasjobs.testing.Postgres;

/**
 * Several nodes in one JVM sharing one PostgreSQL database, each with its own data folder: the job
 * store and the catalog (contexts and MyDBs, one login role per account) are the database's, wired
 * as the service wires them: jobs run once each whichever node
 * claims them, a node that stops renewing its lease has its jobs ended by another and can no longer
 * change them, and a cancel asked on one node stops the job running on another.
 */
class ClusterTest {
    /**
     * Runs for ten minutes unless stopped; PostgreSQL's own sleep (the nodes' catalog is the shared
     * PostgreSQL database), seen in pg_stat_activity by its text.
     */
    private static final String LONG = "SELECT CAST(pg_sleep(600) AS varchar(10)) AS slept";
    private static final int SLOTS = 4;

    @TempDir
    Path dir;
    private Postgres.Database pg;
    private final List<Node> nodes = new ArrayList<>();

    /** One node: its job store pool, catalog, lease, executor and scheduler. */
    private static final class Node implements AutoCloseable {
        final JobStoreDatabase database;
        final JobStore jobs;
        final Catalog catalog;
        final Queues queues;
        final Leases leases;
        final JobExecutor executor;
        final Scheduler scheduler;
        private boolean started;

        Node(String id, Path dataDir, Postgres.Database pg, Clock clock, Map<String, String> more) throws Exception {
            Map<String, String> s = new HashMap<>(pg.settings());
            s.putAll(more);
            s.putAll(Map.of("casjobs.data.dir", dataDir.toString(), "casjobs.sample.rows", "0",
                    "casjobs.queue.batch.concurrency", String.valueOf(SLOTS), "casjobs.queue.batch.per.user", "100",
                    "casjobs.node.id", id));
            ServerConfig config = ServerConfig.of(s);
            database = JobStoreDatabase.open(config);
            jobs = new JdbcJobStore(database.dataSource());
            catalog = Catalog.open(config);
            queues = new Queues(config);
            leases = Leases.join(new Nodes(database.dataSource()), config.nodeId(), config.nodeLease(), false, clock);
            Outputs outputs = new Outputs(dataDir.resolve("outputs"), config.outputRetention(), clock);
            Metrics metrics = new Metrics();
            executor = new JobExecutor(jobs, catalog, outputs, clock, queues.catalogs(), config.secondsPerMinute(),
                    config::quickConcurrency, config.quickPerUser(), metrics, leases);
            scheduler = new Scheduler(jobs, queues, executor, outputs, 50, config::batchConcurrency,
                    config.batchPerUser(), metrics);
        }

        Node start() {
            scheduler.start();
            started = true;
            return this;
        }

        @Override
        public void close() {
            if (started) {
                scheduler.stop(Duration.ofSeconds(10));
            }
            leases.close();
            catalog.close();
            database.close();
        }
    }

    @BeforeEach
    void database() {
        pg = Postgres.newDatabase();
    }

    @AfterEach
    void stop() {
        nodes.forEach(Node::close);
        if (pg != null) {
            pg.close();
        }
    }

    private Node node(String id) throws Exception {
        return node(id, Clock.systemDefaultZone());
    }

    private Node node(String id, Clock clock) throws Exception {
        return node(id, clock, Map.of());
    }

    private Node node(String id, Clock clock, Map<String, String> more) throws Exception {
        Node n = new Node(id, dir.resolve(id), pg, clock, more);
        nodes.add(n);
        return n;
    }

    private List<String> members(Node n) {
        return new Nodes(n.database.dataSource()).members().stream().map(m -> m.lease().node()).toList();
    }

    private long submit(Node via, long wsid, String sql) {
        Queue q = via.queues.batchFor("Sample", 0);
        return via.jobs.insert(new NewJob(wsid, q, false, JobType.QUERY, "cluster", sql, null, "Sample", 0,
                "127.0.0.1", null), LocalDateTime.now());
    }

    private static List<String> transitions(JobStore jobs, long id) {
        return jobs.transitions(id).stream().map(t -> t.from().code + ">" + t.to().code).toList();
    }

    private String nodeOf(long jobId) throws SQLException {
        try (Connection c = pg.connect();
             PreparedStatement ps = c.prepareStatement("SELECT node_id FROM casjobs.jobs WHERE jobid = ?")) {
            ps.setLong(1, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    /** How many backends of the database run statements of job {@code jobId} (tagged with its id). */
    private int backendsOf(long jobId) {
        try (Connection c = pg.connect(); PreparedStatement ps = c.prepareStatement("SELECT COUNT(*)"
                + " FROM pg_stat_activity WHERE datname = current_database() AND application_name = ?")) {
            ps.setString(1, "opencasjobs job " + jobId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private boolean tableExists(String schema, String table) {
        try (Connection c = pg.connect(); PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_tables"
                + " WHERE schemaname = ? AND tablename = ?")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** As a node that stopped renewing long ago: its heartbeat an hour back on the database's clock. */
    private void expireLease(Node n) throws SQLException {
        try (Connection c = pg.connect();
             PreparedStatement ps = c.prepareStatement("UPDATE casjobs.nodes SET heartbeat = heartbeat"
                     + " - INTERVAL '1 hour' WHERE node_id = ?")) {
            ps.setString(1, n.leases.nodeId());
            assertEquals(1, ps.executeUpdate());
        }
    }

    @Test
    void jobsSubmittedToSeveralNodesRunOnceEachAndTheQueueLimitHoldsAcrossThem() throws Exception {
        Node a = node("a").start();
        Node b = node("b").start();
        Node c = node("c").start();
        List<Node> all = List.of(a, b, c);
        // Watches how many of the queue's jobs run at once on all nodes together.
        AtomicLong most = new AtomicLong();
        AtomicBoolean watching = new AtomicBoolean(true);
        Thread watcher = new Thread(() -> {
            try (Connection conn = pg.connect();
                 PreparedStatement ps = conn.prepareStatement("SELECT COUNT(*) FROM casjobs.jobs"
                         + " WHERE status IN (1, 2) AND time_start IS NOT NULL")) {
                while (watching.get()) {
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        most.accumulateAndGet(rs.getLong(1), Math::max);
                    }
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        watcher.start();
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 90; i++) {
            Node via = all.get(i % all.size());
            ids.add(submit(via, 1000 + i % 7, "SELECT " + i + " AS i"));
            via.scheduler.wake();
        }
        Map<String, Integer> byNode = new TreeMap<>();
        Duration waited = Duration.ZERO;
        for (long id : ids) {
            Job job = Await.finalJob(a.jobs, id);
            waited = waited.plus(Duration.between(job.timeSubmit(), job.timeStart()));
            assertEquals(JobStatus.FINISHED, job.status(), job.error());
            assertEquals(List.of("0>1", "1>5"), transitions(a.jobs, id), "job " + id);
            byNode.merge(nodeOf(id), 1, Integer::sum);
        }
        watching.set(false);
        watcher.join();
        assertEquals(90, byNode.values().stream().mapToInt(Integer::intValue).sum());
        assertTrue(all.stream().map(n -> n.leases.nodeId()).toList().containsAll(byNode.keySet()), byNode.toString());
        assertTrue(most.get() <= SLOTS, "at most " + SLOTS + " at once on all nodes together, saw " + most.get());
        System.out.println("jobs run per node: " + byNode + "; most running at once: " + most.get()
                + "; mean wait from submission to start (queued behind " + SLOTS + " slots): " + waited.toMillis() / ids.size() + " ms");
    }

    @Test
    void theQuickQueuesLimitsHoldOnAllNodesTogether() throws Exception {
        // Two quick jobs at once in Sample on the whole cluster, at most one of them a user's.
        Map<String, String> quick = Map.of("casjobs.queue.quick.concurrency", "2", "casjobs.queue.quick.per.user", "1");
        List<Node> all = List.of(node("a", Clock.systemDefaultZone(), quick), node("b", Clock.systemDefaultZone(), quick),
                node("c", Clock.systemDefaultZone(), quick));
        all.forEach(Node::start);
        AtomicLong most = new AtomicLong();
        AtomicLong mostOfOneUser = new AtomicLong();
        AtomicBoolean watching = new AtomicBoolean(true);
        Thread watcher = new Thread(() -> {
            try (Connection conn = pg.connect();
                 PreparedStatement ps = conn.prepareStatement("SELECT wsid, COUNT(*) FROM casjobs.jobs"
                         + " WHERE status IN (1, 2) AND is_quick GROUP BY wsid")) {
                while (watching.get()) {
                    long sum = 0;
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            sum += rs.getLong(2);
                            mostOfOneUser.accumulateAndGet(rs.getLong(2), Math::max);
                        }
                    }
                    most.accumulateAndGet(sum, Math::max);
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        watcher.start();
        // Each of three users sends one slow quick query to each node, all at once.
        List<java.util.concurrent.CompletableFuture<Long>> runs = new ArrayList<>();
        for (long wsid = 7; wsid < 10; wsid++) {
            for (Node via : all) {
                long user = wsid;
                runs.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> quick(via, user, 1),
                        java.util.concurrent.Executors.newSingleThreadExecutor()));
            }
        }
        List<Long> ids = new ArrayList<>();
        for (var run : runs) {
            ids.add(run.get(2, java.util.concurrent.TimeUnit.MINUTES));
        }
        watching.set(false);
        watcher.join();
        for (long id : ids) {
            assertEquals(List.of("0>1", "1>5"), transitions(all.get(0).jobs, id), "job " + id);
        }
        assertTrue(most.get() >= 1, "the watcher saw the quick jobs run");
        assertTrue(most.get() <= 2, "at most 2 quick jobs at once on all nodes together, saw " + most.get());
        assertEquals(1, mostOfOneUser.get(), "at most 1 of a user's quick jobs at once on all nodes together");
    }

    @Test
    void aNodeThatStopsRenewingItsLeaseHasItsJobFailedByAnotherAndComesBackWithoutIt() throws Exception {
        Node a = node("a").start();
        Node b = node("b");
        long id = submit(a, 7, LONG);
        a.scheduler.wake();
        Await.status(a.jobs, id, JobStatus.STARTED);
        assertEquals("a", nodeOf(id));

        a.leases.stopBeating(); // a hangs, as far as the job store can tell
        expireLease(a);
        b.leases.beat();
        Job lost = a.jobs.find(id).orElseThrow();
        assertEquals(JobStatus.FAILED, lost.status());
        assertEquals(String.format(Leases.NODE_LOST, "a"), lost.error());
        assertEquals(List.of(), new Nodes(b.database.dataSource()).members().stream()
                .filter(m -> m.lease().node().equals("a")).toList(), "a is no longer a member");

        // a comes back: it finds its lease gone, rejoins under a new epoch, stops the old job's statement
        // and ends nothing: the job stays as b ended it.
        long before = a.leases.current().epoch();
        a.leases.beat();
        assertNotEquals(before, a.leases.current().epoch());
        assertEquals(1, a.leases.leaseLosses());
        assertEquals(1, b.leases.lostNodesJobs());
        Await.until("a to stop the statement of the job it lost", a.executor::runningHere, n -> n == 0);
        assertEquals(String.format(Leases.NODE_LOST, "a"), a.jobs.find(id).orElseThrow().error());
        assertEquals(List.of("0>1", "1>4"), transitions(a.jobs, id));

        // Under its new lease it takes work again.
        long next = submit(a, 7, "SELECT 1 AS x");
        a.scheduler.wake();
        assertEquals(JobStatus.FINISHED, Await.finalJob(a.jobs, next).status());
        assertEquals("a", nodeOf(next));
    }

    @Test
    void nodesWhoseClocksAreHoursOffTakeNoLiveNodeAsLost() throws Exception {
        Node a = node("a").start();
        Node ahead = node("ahead", Clock.offset(Clock.systemDefaultZone(), Duration.ofHours(2))).start();
        Node behind = node("behind", Clock.offset(Clock.systemDefaultZone(), Duration.ofHours(-2))).start();
        long id = submit(a, 7, LONG);
        a.scheduler.wake();
        Await.status(a.jobs, id, JobStatus.STARTED);
        for (Node n : List.of(ahead, behind, a)) {
            n.leases.beat();
        }
        assertEquals(List.of("a", "ahead", "behind"), members(a), "heartbeats are on the database's clock");
        assertEquals(JobStatus.STARTED, a.jobs.find(id).orElseThrow().status());
        assertEquals(0, ahead.leases.lostNodesJobs() + behind.leases.lostNodesJobs() + a.leases.lostNodesJobs());
        // And jobs run on the skewed nodes as on any other.
        List<Long> more = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            more.add(submit(i % 2 == 0 ? ahead : behind, 100 + i, "SELECT " + i + " AS i"));
        }
        ahead.scheduler.wake();
        behind.scheduler.wake();
        for (long m : more) {
            assertEquals(JobStatus.FINISHED, Await.finalJob(a.jobs, m).status());
            assertEquals(List.of("0>1", "1>5"), transitions(a.jobs, m));
        }
        assertTrue(a.executor.abort(a.jobs.find(id).orElseThrow()));
        assertEquals(JobStatus.CANCELLED, Await.finalJob(a.jobs, id).status());
    }

    @Test
    void aNodeWhoseClockIsHoursBehindTakesASilentNodeAsLostByTheDatabasesClock() throws Exception {
        Node a = node("a").start();
        Node behind = node("behind", Clock.offset(Clock.systemDefaultZone(), Duration.ofHours(-2)));
        long id = submit(a, 7, LONG);
        a.scheduler.wake();
        Await.status(a.jobs, id, JobStatus.STARTED);
        a.leases.stopBeating();
        behind.leases.beat();
        assertEquals(JobStatus.STARTED, a.jobs.find(id).orElseThrow().status(), "a's lease has not run out yet");
        // An hour of silence by the database's clock: by behind's own clock a's last heartbeat would
        // still lie an hour ahead, in its future.
        expireLease(a);
        behind.leases.beat();
        assertEquals(JobStatus.FAILED, a.jobs.find(id).orElseThrow().status());
        assertEquals(1, behind.leases.lostNodesJobs());
        assertEquals(List.of("behind"), members(behind));
    }

    @Test
    void aNodeStoppedOnPurposeHandsItsRunningJobToAnother() throws Exception {
        Node a = node("a").start();
        Node b = node("b");
        long id = submit(a, 7, LONG);
        a.scheduler.wake();
        Await.status(a.jobs, id, JobStatus.STARTED);
        Await.until("the job's statement to run on a", () -> a.executor.runsStatement(id), r -> r);
        nodes.remove(a);
        a.close(); // SIGTERM: the job goes back to the queue, and a leaves
        assertEquals(JobStatus.READY, b.jobs.find(id).orElseThrow().status());
        assertEquals(List.of("b"), members(b));
        b.start();
        Await.status(b.jobs, id, JobStatus.STARTED);
        assertEquals("b", nodeOf(id));
        assertTrue(b.executor.abort(b.jobs.find(id).orElseThrow()));
        assertEquals(JobStatus.CANCELLED, Await.finalJob(b.jobs, id).status());
        assertEquals(List.of("0>1", "1>0", "0>1", "1>2", "2>3"), transitions(b.jobs, id), "run once to its end, by b");
    }

    @Test
    void theNodeThatTakesAnotherAsLostStopsItsStatementAndDropsTheTableItWasWriting() throws Exception {
        Node a = node("a").start();
        Node b = node("b");
        // The first statement makes MyDB.Half (the job's table), the second runs on into a temporary
        // table: a job half done when its node hangs.
        long id = submit(a, 7, "SELECT 1 AS x INTO MyDB.Half; SELECT CAST(pg_sleep(600) AS varchar(10)) AS slept"
                + " INTO #waiting");
        a.scheduler.wake();
        Await.until("the job's second statement to run on a", () -> tableExists("mydb_7", "half")
                && a.executor.runsStatement(id), r -> r);
        assertEquals(1, backendsOf(id), "the job's connection is tagged with its id");

        a.leases.stopBeating();
        expireLease(a);
        b.leases.beat();
        assertEquals(JobStatus.FAILED, b.jobs.find(id).orElseThrow().status());
        // b stops a's statement in the database and drops the table, though a never answers again
        Await.until("a's statement to be stopped by b", () -> backendsOf(id), n -> n == 0);
        Await.until("MyDB.Half to be dropped by b", () -> tableExists("mydb_7", "half"), e -> !e);
        assertEquals(List.of("0>1", "1>4"), transitions(b.jobs, id));
    }

    @Test
    void aQuickJobRecordedByANodeThatDiedBeforeStartingItIsFailedByAnother() throws Exception {
        Node b = new Node("b", dir.resolve("b"), pg, Clock.systemDefaultZone(), Map.of("casjobs.node.lease.seconds", "3"));
        nodes.add(b);
        // What a node leaves when it dies between recording a quick job and claiming it: no queue runs it.
        long id = b.jobs.insert(new NewJob(7, b.queues.quick("Sample"), false, JobType.QUERY, "quick", "SELECT 1 AS x",
                null, "Sample", 0, "127.0.0.1", null), LocalDateTime.now());
        b.leases.beat();
        assertEquals(JobStatus.READY, b.jobs.find(id).orElseThrow().status(), "just recorded: its node may claim it");
        Job job = Await.until("b to fail the quick job left waiting for a whole lease", () -> {
            b.leases.beat();
            return b.jobs.find(id).orElseThrow();
        }, j -> j.status() != JobStatus.READY);
        assertEquals(JobStatus.FAILED, job.status());
        assertEquals(Leases.QUICK_ABANDONED, job.error());
        assertEquals(List.of("0>4"), transitions(b.jobs, id));
    }

    @Test
    void aQuickJobWaitingLongerThanALeaseForTheClustersSlotIsNotTakenAsAbandoned() throws Exception {
        Map<String, String> oneAtATime = Map.of("casjobs.queue.quick.concurrency", "1",
                "casjobs.node.lease.seconds", "3");
        Node a = node("a", Clock.systemDefaultZone(), oneAtATime).start();
        Node b = node("b", Clock.systemDefaultZone(), oneAtATime).start();
        var first = java.util.concurrent.CompletableFuture.supplyAsync(() -> quick(a, 7, 8));
        Await.until("a's quick job to hold the cluster's one slot", () -> {
            try (Connection c = pg.connect(); PreparedStatement ps = c.prepareStatement(
                    "SELECT COUNT(*) FROM casjobs.jobs WHERE is_quick AND status = 1");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }, n -> n == 1);
        // b's job waits more than two leases, while both nodes' heartbeats look for abandoned quick jobs.
        long second = quick(b, 8, 0);
        long firstId = first.get(1, java.util.concurrent.TimeUnit.MINUTES);
        assertEquals(List.of("0>1", "1>5"), transitions(b.jobs, firstId));
        assertEquals(List.of("0>1", "1>5"), transitions(b.jobs, second), "it waited, then ran");
        assertTrue(Duration.between(b.jobs.find(second).orElseThrow().timeSubmit(),
                b.jobs.find(second).orElseThrow().timeStart()).toMillis() > 6000, "it waited longer than two leases");
    }

    /** Runs a quick job of {@code wsid} on {@code via} that sleeps {@code seconds}; its id. */
    private static long quick(Node via, long wsid, int seconds) {
        Queue q = via.queues.quick("Sample");
        long id = via.jobs.insert(new NewJob(wsid, q, false, JobType.QUERY, "quick", "sleep", null, "Sample", 0,
                "127.0.0.1", null), LocalDateTime.now());
        via.executor.executeNow(id, wsid, q, org.opencasjobs.dialect.SqlTranslator.quick("SELECT CAST(pg_sleep("
                + seconds + ") AS varchar(10)) AS slept", via.catalog.target(wsid), via.queues.catalogs()), rs -> null);
        return id;
    }

    @Test
    void aLostNodesLateEndingOfItsJobIsRefused() throws Exception {
        Node a = node("a").start();
        Node b = node("b");
        long id = submit(a, 7, LONG);
        a.scheduler.wake();
        Await.status(a.jobs, id, JobStatus.STARTED);
        a.leases.stopBeating();
        expireLease(a);
        b.leases.beat();
        assertEquals(JobStatus.FAILED, a.jobs.find(id).orElseThrow().status());

        // a has not noticed (no heartbeat): its statement ends, and it tries to end the job as its own.
        Await.until("a's run to end", () -> {
            a.executor.stopStatement(id); // again until its statement has started and stopped
            return a.executor.runningHere();
        }, n -> n == 0);
        Job job = a.jobs.find(id).orElseThrow();
        assertEquals(String.format(Leases.NODE_LOST, "a"), job.error(), "a's ending was refused");
        assertEquals(List.of("0>1", "1>4"), transitions(a.jobs, id));
    }

    @Test
    void aCancelAskedOnOneNodeStopsTheJobRunningOnAnother() throws Exception {
        Node a = node("a").start();
        Node b = node("b").start();
        long id = submit(a, 7, LONG);
        // Only a's scheduler is told; b may claim it too on its own cycle: whichever runs it, cancel on the other.
        a.scheduler.wake();
        Await.status(a.jobs, id, JobStatus.STARTED);
        String runner = nodeOf(id);
        Node running = runner.equals("a") ? a : b;
        Node other = running == a ? b : a;
        Await.until("the job's statement to run on " + runner, () -> running.executor.runsStatement(id), r -> r);
        long asked = System.nanoTime();
        assertTrue(other.executor.abort(other.jobs.find(id).orElseThrow()));
        Job job = Await.finalJob(other.jobs, id);
        long tookMillis = (System.nanoTime() - asked) / 1_000_000;
        assertEquals(JobStatus.CANCELLED, job.status(), job.error());
        assertEquals(List.of("0>1", "1>2", "2>3"), transitions(a.jobs, id));
        Await.until("the run on " + runner + " to end", running.executor::runningHere, n -> n == 0);
        assertEquals(0, backendsOf(id), "no backend of the job remains");
        System.out.println("cancel on " + other.leases.nodeId() + " of a job on " + runner + ": cancelled after "
                + tookMillis + " ms");
    }
}
