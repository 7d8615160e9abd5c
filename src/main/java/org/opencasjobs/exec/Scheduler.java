package org.opencasjobs.exec;

import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToIntFunction;
import org.opencasjobs.jobs.Queue;
import org.opencasjobs.jobs.Queues;
import org.opencasjobs.jobs.ServiceState;
import org.opencasjobs.ops.Metrics;
import org.opencasjobs.output.Outputs;
import org.opencasjobs.store.JobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background loop that decides which queued job runs when. Each cycle it lets the
 * {@link JobExecutor} enforce deadlines and cancels, completes suspend/wake requests, and claims
 * waiting jobs in every queue that has a free worker and is not suspended, handing each to a
 * worker that runs it through the executor. Claims are compare-and-sets in the job store, so a
 * job is claimed by one worker of one node only; a queue's concurrency counts its jobs running on
 * every node sharing the job store, and each node runs at most that many itself.
 */
public final class Scheduler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);
    /** How often a stopping scheduler asks its jobs' statements to stop until they have. */
    private static final long STOP_POLL_MILLIS = 100;

    /** The workers of one batch queue. */
    private record Workers(Queue queue, int slots, ExecutorService pool, AtomicInteger busy) {
    }

    private final JobStore jobs;
    private final JobExecutor executor;
    private final Outputs outputs;
    private final long periodMillis;
    private final int perUser;
    private final Map<String, Workers> workers = new HashMap<>();
    /** Jobs this scheduler's workers run now. */
    private final Set<Long> runningJobs = ConcurrentHashMap.newKeySet();
    /** Whether a cycle asked for by {@link #wake} is queued and has not started yet. */
    private final AtomicBoolean wakePending = new AtomicBoolean();
    /** Set when the server stops: no job starts any more, and running ones are re-queued. */
    private volatile boolean stopping;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "scheduler");
        t.setDaemon(true);
        return t;
    });

    /**
     * {@code outputs} is swept of expired files every ten minutes; each batch queue runs
     * {@code concurrency} jobs at once, at most {@code perUser} of them one user's.
     */
    public Scheduler(JobStore jobs, Queues queues, JobExecutor executor, Outputs outputs, long periodMillis,
                     ToIntFunction<String> concurrency, int perUser, Metrics metrics) {
        this.jobs = jobs;
        this.executor = executor;
        this.outputs = outputs;
        this.periodMillis = periodMillis;
        this.perUser = perUser;
        for (Queue q : queues.all()) {
            if (!q.quick()) {
                AtomicInteger n = new AtomicInteger();
                int slots = concurrency.applyAsInt(q.context());
                workers.put(q.serviceName(), new Workers(q, slots, Executors.newFixedThreadPool(slots, r -> {
                    Thread t = new Thread(r, "worker-" + q.serviceName() + "-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }), new AtomicInteger()));
            }
        }
        for (Workers w : workers.values()) {
            Tags tags = Tags.of("queue", w.queue.serviceName());
            metrics.registry().gauge("opencasjobs.workers.busy", tags, w.busy);
            metrics.registry().gauge("opencasjobs.workers.max", tags, w, x -> x.slots);
        }
    }

    /** Ends what a previous process left active, then starts the loop. */
    public void start() {
        executor.recover();
        loop.scheduleWithFixedDelay(this::cycleSafely, 0, periodMillis, TimeUnit.MILLISECONDS);
        loop.scheduleWithFixedDelay(this::sweepSafely, 0, 10, TimeUnit.MINUTES);
    }

    /**
     * Runs a cycle soon, e.g. after a submission or a cancel request, instead of at the next tick.
     * Wakes that come while a cycle is already waiting to run share it: under load every
     * submission and every finished job wakes the scheduler, and queuing one whole cycle per wake
     * kept its one thread busy with cycles that found nothing new.
     */
    public void wake() {
        if (!wakePending.compareAndSet(false, true)) {
            return; // a cycle that has not started yet will see what this wake is about
        }
        try {
            loop.execute(() -> {
                wakePending.set(false); // before the cycle: a wake during it runs another
                cycleSafely();
            });
        } catch (RejectedExecutionException stopped) {
            // the scheduler is stopping: nothing more will start
        }
    }

    /** An exception would cancel the periodic sweep for good: log it and sweep again next time. */
    private void sweepSafely() {
        try {
            outputs.sweep();
        } catch (RuntimeException e) {
            LOG.error("sweeping expired outputs failed; retrying next time", e);
        }
    }

    private void cycleSafely() {
        try {
            cycle();
        } catch (RuntimeException e) {
            LOG.error("scheduler cycle failed; retrying next cycle", e);
        }
    }

    void cycle() {
        executor.tick();
        jobs.completeServiceStateRequests();
        if (stopping || suspended(ServiceState.SCHEDULER)) {
            return;
        }
        for (Workers w : workers.values()) {
            int free = w.slots - w.busy.get();
            if (free <= 0 || suspended(w.queue.serviceName())) {
                continue;
            }
            for (long id : executor.claimWaiting(w.queue, free, w.slots, perUser)) {
                w.busy.incrementAndGet();
                runningJobs.add(id);
                w.pool.execute(() -> {
                    try {
                        executor.executeQueued(id, w.queue);
                    } finally {
                        runningJobs.remove(id);
                        w.busy.decrementAndGet();
                        wake();
                    }
                });
            }
        }
    }

    private boolean suspended(String serviceName) {
        return jobs.serviceState(serviceName).map(s -> s != ServiceState.RUNNING).orElse(false);
    }

    /**
     * Stops the scheduler: no job starts any more, and the statements of running jobs are
     * stopped so that their jobs go back to the queue (ready, 0) for the next start. Waits up to
     * {@code grace} for the workers; a job still running after that (an extract writing its file)
     * is left started, and the next start fails it as interrupted.
     */
    public void stop(Duration grace) {
        stopping = true;
        executor.beginStop();
        loop.shutdownNow();
        long deadline = System.nanoTime() + grace.toNanos();
        try {
            // A cycle still claiming jobs hands them to the workers: let it end before they stop taking work.
            loop.awaitTermination(5, TimeUnit.SECONDS);
            workers.values().forEach(w -> w.pool.shutdown());
            // A job between two statements has none to stop yet: keep asking until all are done.
            while (!allStopped() && System.nanoTime() < deadline) {
                runningJobs.forEach(executor::stopStatement);
                for (Workers w : workers.values()) {
                    w.pool.awaitTermination(STOP_POLL_MILLIS, TimeUnit.MILLISECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!allStopped()) {
            LOG.warn("jobs {} were still running when the shutdown grace period ended", runningJobs);
        }
        workers.values().forEach(w -> w.pool.shutdownNow());
    }

    private boolean allStopped() {
        return workers.values().stream().allMatch(w -> w.pool.isTerminated());
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(5));
    }
}
