package org.opencasjobs.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.opencasjobs.jobs.Job;
import org.opencasjobs.jobs.JobStatus;
import org.opencasjobs.jobs.JobType;
import org.opencasjobs.jobs.NewJob;
import org.opencasjobs.jobs.Queue;
import org.opencasjobs.store.JobStore.Lease;
import org.opencasjobs.store.JobStore.Outcome;

/**
 * Nodes sharing a job store, on each engine: leases and their epochs, claims that hold a queue's
 * concurrency across nodes, fencing of a lost node's changes, and the sweep that ends its jobs.
 */
@ParameterizedClass
@EnumSource(StoreEngine.class)
class NodesTest {
    private static final LocalDateTime T0 = LocalDateTime.of(2026, 12, 1, 12, 0);
    private static final Queue BATCH = new Queue("Sample", 500, false);
    private static final Duration LEASE = Duration.ofSeconds(15);

    @Parameter
    StoreEngine engine;
    private StoreEngine.Fresh db;
    private JobStore store;
    private Nodes nodes;

    @BeforeEach
    void open() {
        db = engine.open();
        store = new JdbcJobStore(db.db().dataSource());
        nodes = new Nodes(db.db().dataSource());
    }

    @AfterEach
    void close() {
        if (db != null) {
            db.close();
        }
    }

    private long submit(long wsid) {
        return store.insert(new NewJob(wsid, BATCH, false, JobType.QUERY, "t", "SELECT 1", null, "Sample", 0,
                "10.0.0.1", null), T0);
    }

    /** As a node that stopped renewing long ago: its heartbeat an hour back on the database's clock. */
    private void silence(Lease lease) throws SQLException {
        try (Connection c = db.db().dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE nodes SET heartbeat = heartbeat - INTERVAL '1' HOUR"
                     + " WHERE node_id = ? AND epoch = ?")) {
            ps.setString(1, lease.node());
            ps.setLong(2, lease.epoch());
            assertEquals(1, ps.executeUpdate());
        }
    }

    private List<String> transitions(long id) {
        return store.transitions(id).stream().map(t -> t.from().code + ">" + t.to().code).toList();
    }

    @Test
    void aNodeIdSeenAgainJoinsUnderTheNextEpoch() {
        Lease first = nodes.join("a");
        Lease again = nodes.join("a");
        assertEquals("a", again.node());
        assertTrue(again.epoch() > first.epoch(), again + " after " + first);
        assertFalse(nodes.renew(first), "the earlier epoch's lease is gone");
        assertTrue(nodes.renew(again));
        assertEquals(List.of(again), nodes.members().stream().map(Nodes.Member::lease).toList());
        assertTrue(nodes.members().get(0).silentFor().compareTo(LEASE) < 0, "just renewed, by the database's clock");
        nodes.leave(again);
        assertEquals(List.of(), nodes.members());
    }

    @Test
    void aLoneNodeForgetsEveryOtherLease() {
        nodes.join("killed-earlier");
        nodes.join("stopped-earlier");
        Lease me = nodes.join("me");
        nodes.forgetAllBut(me);
        assertEquals(List.of(me), nodes.members().stream().map(Nodes.Member::lease).toList());
    }

    @Test
    void aClaimRecordsTheLeaseAndOnlyThatLeaseChangesTheJob() {
        Lease a = nodes.join("a");
        long id = submit(1);
        assertTrue(store.claim(id, a, T0));
        assertFalse(store.claim(id, a, T0), "claimed once");
        Lease other = new Lease("a", a.epoch() + 100);
        assertFalse(store.transition(id, other, JobStatus.STARTED, JobStatus.FINISHED, T0, Outcome.NONE));
        assertFalse(store.transition(id, new Lease("b", a.epoch()), JobStatus.STARTED, JobStatus.FINISHED, T0,
                Outcome.NONE));
        assertTrue(store.transition(id, a, JobStatus.STARTED, JobStatus.FINISHED, T0, Outcome.NONE));
        assertEquals(List.of("0>1", "1>5"), transitions(id));
    }

    @Test
    void aNodeWithoutItsLeaseClaimsNothing() {
        Lease a = nodes.join("a");
        nodes.join("a"); // a later process took the id: epoch 1 is over
        long id = submit(1);
        assertFalse(store.claim(id, a, T0));
        assertEquals(List.of(), store.claimWaiting("Sample", 500, 4, 4, 4, a, T0));
        assertEquals(JobStatus.READY, store.find(id).orElseThrow().status());
    }

    @Test
    void aQueuesConcurrencyHoldsAcrossNodes() {
        Lease a = nodes.join("a");
        Lease b = nodes.join("b");
        List<Long> ids = new ArrayList<>();
        for (int wsid = 1; wsid <= 5; wsid++) {
            ids.add(submit(wsid));
        }
        List<Long> byA = store.claimWaiting("Sample", 500, 3, 2, 1, a, T0);
        assertEquals(ids.subList(0, 2), byA, "a has two free workers");
        List<Long> byB = store.claimWaiting("Sample", 500, 3, 5, 1, b, T0);
        assertEquals(ids.subList(2, 3), byB, "the queue runs three on all nodes together");
        assertEquals(List.of(), store.claimWaiting("Sample", 500, 3, 5, 1, b, T0));
        assertTrue(store.transition(byA.get(0), a, JobStatus.STARTED, JobStatus.FINISHED, T0, Outcome.NONE));
        assertEquals(ids.subList(3, 4), store.claimWaiting("Sample", 500, 3, 5, 1, b, T0));
        Job job = store.find(ids.get(3)).orElseThrow();
        assertEquals(JobStatus.STARTED, job.status());
    }

    @Test
    void concurrentClaimsOfManyNodesTakeEachJobOnceAndNeverExceedTheQueue() throws Exception {
        int nodeCount = 4;
        List<Lease> leases = new ArrayList<>();
        for (int n = 0; n < nodeCount; n++) {
            leases.add(nodes.join("n" + n));
        }
        Set<Long> submitted = new HashSet<>();
        for (int i = 0; i < 40; i++) {
            submitted.add(submit(100 + i));
        }
        ExecutorService pool = Executors.newFixedThreadPool(nodeCount);
        try {
            List<Future<List<Long>>> claims = new ArrayList<>();
            for (Lease l : leases) {
                claims.add(pool.submit(() -> store.claimWaiting("Sample", 500, 10, 10, 1, l, T0)));
            }
            List<Long> all = new ArrayList<>();
            for (Future<List<Long>> f : claims) {
                all.addAll(f.get());
            }
            assertEquals(10, all.size(), "ten slots in the queue, on all nodes together: " + all);
            assertEquals(10, new HashSet<>(all).size(), "no job claimed twice");
            assertTrue(submitted.containsAll(all));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theSweepEndsTheJobsOfALostNodeAndItsLateChangesAreRefused() throws SQLException {
        Lease a = nodes.join("a");
        Lease b = nodes.join("b");
        long running = submit(1);
        long canceling = submit(2);
        long onB = submit(3);
        long waiting = submit(4);
        assertTrue(store.claim(running, a, T0));
        assertTrue(store.claim(canceling, a, T0));
        assertTrue(store.claim(onB, b, T0));
        assertTrue(store.recordCreating(running, "Half"));
        assertTrue(store.transition(canceling, JobStatus.STARTED, JobStatus.CANCELING, T0));

        assertEquals(List.of(), nodes.sweep(LEASE, T0, n -> "lost " + n), "every node renewed lately");
        silence(a);
        List<Nodes.LostJob> ended = nodes.sweep(LEASE, T0, n -> "node " + n + " was lost");
        assertEquals(List.of(new Nodes.LostJob(running, 1, "a", JobStatus.FAILED, "Half"),
                new Nodes.LostJob(canceling, 2, "a", JobStatus.CANCELLED, null)), ended);
        assertEquals("node a was lost", store.find(running).orElseThrow().error());
        assertEquals(List.of("0>1", "1>4"), transitions(running));
        assertEquals(List.of("0>1", "1>2", "2>3"), transitions(canceling));
        assertEquals(JobStatus.STARTED, store.find(onB).orElseThrow().status(), "a live node's job runs on");
        assertEquals(JobStatus.READY, store.find(waiting).orElseThrow().status(), "waiting work stays for others");
        assertNull(store.find(waiting).orElseThrow().timeStart());

        // The lost node comes back: its lease is gone, and so is any say over its old jobs.
        assertFalse(nodes.renew(a));
        assertFalse(store.transition(running, a, JobStatus.FAILED, JobStatus.FINISHED, T0, Outcome.NONE));
        assertFalse(store.transition(running, a, JobStatus.STARTED, JobStatus.FINISHED, T0, Outcome.NONE));
        assertEquals(List.of("0>1", "1>4"), transitions(running));
        assertEquals(List.of(), nodes.sweep(LEASE, T0, n -> "again"), "each job is ended once");
        assertEquals(List.of(b), nodes.members().stream().map(Nodes.Member::lease).toList());
    }

    @Test
    void jobsLeftRunningByANodeThatLeftAreEndedByTheNextSweep() {
        Lease a = nodes.join("a");
        long id = submit(1);
        assertTrue(store.claim(id, a, T0));
        nodes.leave(a); // stopped before this job stopped (an extract past the shutdown grace)
        nodes.join("b");
        assertEquals(List.of(new Nodes.LostJob(id, 1, "a", JobStatus.FAILED, null)),
                nodes.sweep(LEASE, T0, n -> "lost " + n));
    }

    @Test
    void aStartingNodeFindsTheJobsItsEarlierProcessLeftAndThoseOfNoNode() {
        Lease before = nodes.join("a");
        Lease other = nodes.join("b");
        long mine = submit(1);
        long others = submit(2);
        long legacy = submit(3);
        assertTrue(store.claim(mine, before, T0));
        assertTrue(store.claim(others, other, T0));
        assertTrue(store.transition(legacy, JobStatus.READY, JobStatus.STARTED, T0)); // claimed before leases
        Lease now = nodes.join("a");
        assertEquals(List.of(mine, legacy), store.idsLeftBy(JobStatus.STARTED, now));
    }

    @Test
    void aJobBackInTheQueueIsNoNodesAndIsClaimedAgainFromTheStart() {
        Lease a = nodes.join("a");
        Lease b = nodes.join("b");
        long id = submit(1);
        assertTrue(store.claim(id, a, T0));
        assertTrue(store.transition(id, a, JobStatus.STARTED, JobStatus.READY, T0, Outcome.NONE)); // a stops
        nodes.leave(a);
        assertEquals(List.of(), nodes.sweep(LEASE, T0, n -> "lost"), "a job back in the queue is no one's");
        assertEquals(List.of(id), store.claimWaiting("Sample", 500, 2, 2, 1, b, T0));
        assertEquals(List.of("0>1", "1>0", "0>1"), transitions(id));
    }
}
