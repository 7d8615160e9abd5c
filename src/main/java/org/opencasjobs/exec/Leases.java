package org.opencasjobs.exec;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.opencasjobs.store.JobStore.Lease;
import org.opencasjobs.store.Nodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This process as a node of the job store: its id, the lease it holds (the fencing epoch every
 * change of its running jobs is compared with), and the heartbeat that renews the lease every
 * third of its length. On each beat it also takes as lost the nodes that stopped renewing theirs,
 * ending the jobs they held ({@link Nodes#sweep}). A beat that finds its own lease gone (this node
 * was taken as lost: it paused, or lost the database, for longer than the lease) rejoins under a
 * new epoch; the {@link JobExecutor} then stops the statements of the jobs it ran under the old one,
 * which it can no longer end.
 *
 * <p>On H2 the job store is one process's file, so there is one node ({@link #alone()}): at start
 * it forgets the leases of earlier processes and ends whatever they left running, as before there
 * were nodes, and it has no heartbeat: no one could take it as lost, and every commit would grow
 * the file (the H2 job store does not reuse space while open).
 */
public final class Leases implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Leases.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What a user reads on a job that was running on a node taken as lost; {@code %s} is the node. */
    static final String NODE_LOST = "The server node running this job (%s) stopped answering, or stopped, before the"
            + " job ended; the node was taken as lost and the job is not run again by itself: please submit it again.";

    /** What a user reads on a quick job its node recorded but never started (it stopped in between). */
    static final String QUICK_ABANDONED = "The server node that took this quick query stopped before running it:"
            + " please run it again.";

    private final Nodes nodes;
    private final String nodeId;
    private final Duration lease;
    private final boolean alone;
    private final Clock clock;
    private volatile Lease current;
    /** How often this node found its lease gone; how many jobs of lost nodes it ended (for /metrics). */
    private final AtomicLong leaseLosses = new AtomicLong();
    private final AtomicLong lostNodesJobs = new AtomicLong();
    /** How many jobs, quick and batch, this node claimed (for /metrics: each node's share of the work). */
    private final AtomicLong claims = new AtomicLong();
    /**
     * Quick jobs seen waiting, with when this node first saw them so (its monotonic clock, so that
     * no node's wall clock matters): one still waiting a whole lease later was abandoned.
     */
    private final Map<Long, Long> quickWaitingSince = new ConcurrentHashMap<>();
    /** What is done with each job of a lost node this node ended (stopping what is left of it). */
    private volatile Consumer<Nodes.LostJob> afterLost = job -> { };
    /** Runs {@link #afterLost}, which may wait on the database, away from the heartbeat. */
    private final ExecutorService cleaner = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "lost-jobs");
        t.setDaemon(true);
        return t;
    });
    private final ScheduledExecutorService heart = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "heartbeat");
        t.setDaemon(true);
        return t;
    });

    private Leases(Nodes nodes, String nodeId, Duration lease, boolean alone, Clock clock) {
        this.nodes = nodes;
        this.nodeId = nodeId;
        this.lease = lease;
        this.alone = alone;
        this.clock = clock;
        this.current = nodes.join(nodeId);
        if (alone) {
            nodes.forgetAllBut(current);
        }
    }

    /**
     * Joins the job store as node {@code nodeId} (a generated id when empty) and starts the heartbeat.
     *
     * @param alone true when no other process can share the job store (H2)
     */
    public static Leases join(Nodes nodes, String nodeId, Duration lease, boolean alone, Clock clock) {
        Leases l = new Leases(nodes, nodeId.isEmpty() ? generatedId() : nodeId, lease, alone, clock);
        LOG.info("node {} joined the job store (epoch {}, lease {} s{})", l.nodeId, l.current.epoch(),
                lease.toSeconds(), alone ? ", the only node" : "");
        if (!alone) {
            long every = Math.max(1, lease.toMillis() / 3);
            l.heart.scheduleWithFixedDelay(l::beatSafely, every, every, TimeUnit.MILLISECONDS);
        }
        return l;
    }

    /** A node id for a process started without one: the host's name where known, and a random part. */
    static String generatedId() {
        String host = System.getenv().getOrDefault("HOSTNAME", "node").replaceAll("[^A-Za-z0-9._-]", "");
        byte[] b = new byte[4];
        RANDOM.nextBytes(b);
        String base = host.isEmpty() ? "node" : host.substring(0, Math.min(host.length(), 48));
        return base + "-" + HexFormat.of().formatHex(b);
    }

    public String nodeId() {
        return nodeId;
    }

    /** The lease this node holds now; claims record it, and every change of a claimed job compares it. */
    public Lease current() {
        return current;
    }

    /** How long a node may stay silent before the others take it as lost. */
    Duration lease() {
        return lease;
    }

    /** Whether this node still holds {@code lease}: false once it was taken as lost and rejoined. */
    boolean holds(Lease lease) {
        return lease != null && lease.equals(current);
    }

    /** True when this is the only node the job store can have (H2). */
    boolean alone() {
        return alone;
    }

    private void beatSafely() {
        try {
            beat();
        } catch (RuntimeException e) {
            // The database may be unreachable for a while: the lease runs out if it stays so.
            LOG.warn("node {}: heartbeat failed: {}", nodeId, e.getMessage());
        }
    }

    /** One heartbeat: renews the lease (or rejoins if it was lost), then ends the jobs of lost nodes. */
    void beat() {
        Lease held = current;
        if (!nodes.renew(held)) {
            leaseLosses.incrementAndGet();
            current = nodes.join(nodeId);
            LOG.error("node {} lost its lease (epoch {}): other nodes took it as lost and ended its running jobs;"
                    + " rejoined as epoch {}, its old jobs' statements are stopped", nodeId, held.epoch(),
                    current.epoch());
        }
        failAbandonedQuickJobs();
        List<Nodes.LostJob> ended = nodes.sweep(lease, LocalDateTime.now(clock), node -> String.format(NODE_LOST, node));
        lostNodesJobs.addAndGet(ended.size());
        for (Nodes.LostJob job : ended) {
            cleaner.execute(() -> {
                try {
                    afterLost.accept(job);
                } catch (RuntimeException e) {
                    LOG.warn("job {} of lost node {}: could not stop what is left of it: {}", job.jobId(), job.node(),
                            e.getMessage());
                }
            });
        }
    }

    /**
     * Sets what is done with each job of a lost node after this node ended it: its statements still
     * running and its half-written table are removed where other nodes can reach them.
     */
    void afterLostJob(Consumer<Nodes.LostJob> action) {
        afterLost = action;
    }

    /**
     * Fails the quick jobs that stayed waiting for a whole lease with no live node waiting on them.
     * A node asks for a quick job's start right after recording it, and while the cluster's quick
     * queue is full notes the job as waited on under its lease ({@code JobStore.claimQuick}); one
     * still unnoted a lease later was left by a node that died in between (no queue runs quick
     * jobs), and one noted under a lease that is gone belongs to a node lost meanwhile. Either way
     * it will never run.
     */
    private void failAbandonedQuickJobs() {
        long now = System.nanoTime();
        List<Long> waiting = nodes.waitingQuickJobs();
        quickWaitingSince.keySet().retainAll(waiting);
        for (long id : waiting) {
            long since = quickWaitingSince.computeIfAbsent(id, k -> now);
            if (now - since > lease.toNanos()) {
                quickWaitingSince.remove(id);
                if (nodes.failWaitingQuick(id, LocalDateTime.now(clock), QUICK_ABANDONED)) {
                    LOG.warn("quick job {} failed: still waiting a whole lease ({} s) after it was recorded; its node"
                            + " stopped before starting it", id, lease.toSeconds());
                }
            }
        }
    }

    /** How many times this node found its lease gone (taken as lost by the others) and joined again. */
    public long leaseLosses() {
        return leaseLosses.get();
    }

    /** How many running jobs of lost (or stopped) nodes this node's heartbeats ended. */
    public long lostNodesJobs() {
        return lostNodesJobs.get();
    }

    /** Counts {@code n} jobs this node has just claimed. */
    void claimed(int n) {
        claims.addAndGet(n);
    }

    /** How many jobs, quick and batch, this node claimed since it started. */
    public long claims() {
        return claims.get();
    }

    /** Stops renewing the lease, as a node that hangs would (tests); other nodes then take it as lost. */
    void stopBeating() {
        heart.shutdownNow();
    }

    /** Stops the heartbeat and leaves the job store: its jobs must have gone back to the queue already. */
    @Override
    public void close() {
        cleaner.shutdown();
        heart.shutdownNow();
        try {
            heart.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            nodes.leave(current);
        } catch (RuntimeException e) {
            LOG.warn("node {} could not leave the job store: {}", nodeId, e.getMessage());
        }
    }
}
