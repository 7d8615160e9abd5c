package org.opencasjobs.exec;

import io.micrometer.core.instrument.Tags;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToIntFunction;
import org.opencasjobs.catalog.Catalog;
import org.opencasjobs.jobs.Job;
import org.opencasjobs.jobs.JobStatus;
import org.opencasjobs.jobs.JobType;
import org.opencasjobs.jobs.Queue;
import org.opencasjobs.jobs.Queues;
import org.opencasjobs.ops.Metrics;
import org.opencasjobs.output.Extractor;
import org.opencasjobs.output.Outputs;
import org.opencasjobs.service.CasJobsException;
import org.opencasjobs.service.JobsService;
import org.opencasjobs.store.JobStore;
import org.opencasjobs.store.JobStore.Outcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background loop that runs batch jobs and owns the internal transitions. Each cycle it
 * stops the statements of running jobs that were asked to cancel, cancels waiting ones, starts
 * waiting jobs in every queue that has a free worker and is not suspended, and completes
 * suspend/wake requests. Every change is a compare-and-set in the job store, so a job is claimed
 * by one worker only, and a concurrent CancelJob and this loop cannot both win.
 */
public final class Scheduler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);
    static final String RESTARTED = "The server restarted while this job was running; please submit it again.";
    /** How often a stopping scheduler asks its jobs' statements to stop until they have. */
    private static final long STOP_POLL_MILLIS = 100;

    /** The workers of one batch queue. */
    private record Workers(Queue queue, int slots, ExecutorService pool, AtomicInteger busy) {
    }

    private final JobStore jobs;
    private final String[] catalogs;
    private final QueryRunner runner;
    private final Catalog catalog;
    private final Outputs outputs;
    private final Clock clock;
    private final long periodMillis;
    private final int secondsPerMinute;
    private final Metrics metrics;
    private final Map<String, Workers> workers = new HashMap<>();
    /** Jobs this scheduler's workers run now. */
    private final Set<Long> runningJobs = ConcurrentHashMap.newKeySet();
    /** Set when the server stops: no job starts any more, and running ones are re-queued. */
    private volatile boolean stopping;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "scheduler");
        t.setDaemon(true);
        return t;
    });

    public Scheduler(JobStore jobs, Queues queues, Catalog catalog, QueryRunner runner, Outputs outputs, Clock clock,
                     long periodMillis, ToIntFunction<String> concurrency, int secondsPerMinute, Metrics metrics) {
        this.jobs = jobs;
        this.catalogs = queues.catalogs();
        this.catalog = catalog;
        this.runner = runner;
        this.outputs = outputs;
        this.clock = clock;
        this.periodMillis = periodMillis;
        this.secondsPerMinute = secondsPerMinute;
        this.metrics = metrics;
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
        recover();
        loop.scheduleWithFixedDelay(this::cycleSafely, 0, periodMillis, TimeUnit.MILLISECONDS);
        loop.scheduleWithFixedDelay(this::sweepSafely, 0, 10, TimeUnit.MINUTES);
    }

    /** Runs a cycle soon, e.g. after a submission or a cancel request, instead of at the next tick. */
    public void wake() {
        try {
            loop.execute(this::cycleSafely);
        } catch (RejectedExecutionException stopped) {
            // the scheduler is stopping: nothing more will start
        }
    }

    /**
     * A single node owns every job, so at start-up nothing is running: jobs left started by a
     * process that died fail, and jobs left canceling are cancelled.
     */
    void recover() {
        LocalDateTime now = LocalDateTime.now(clock);
        for (long id : jobs.idsWithStatus(JobStatus.STARTED, false)) {
            if (jobs.transition(id, JobStatus.STARTED, JobStatus.FAILED, now, Outcome.error(RESTARTED))) {
                LOG.info("job {} failed: left started by a previous run", id);
            }
        }
        for (long id : jobs.idsWithStatus(JobStatus.CANCELING, false)) {
            if (jobs.transition(id, JobStatus.CANCELING, JobStatus.CANCELLED, now)) {
                LOG.info("job {} cancelled: left canceling by a previous run", id);
            }
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
        runner.running().cancelOverdue();
        LocalDateTime now = LocalDateTime.now(clock);
        for (long id : jobs.idsWithStatus(JobStatus.CANCELING, false)) {
            if (!runner.running().cancel(id) && jobs.find(id).map(j -> j.timeStart() == null).orElse(false)
                    && jobs.transition(id, JobStatus.CANCELING, JobStatus.CANCELLED, now)) {
                LOG.info("job {} cancelled before it started", id);
            }
        }
        jobs.advanceServiceStates(JobsService.SUSPENDING, JobsService.SUSPENDED);
        jobs.advanceServiceStates(JobsService.WAKING, JobsService.RUNNING);
        if (stopping || suspended(JobsService.SCHEDULER)) {
            return;
        }
        for (Workers w : workers.values()) {
            int free = w.slots - w.busy.get();
            if (free <= 0 || suspended(w.queue.serviceName())) {
                continue;
            }
            for (long id : jobs.waitingIds(w.queue.context(), w.queue.minutes(), free)) {
                if (jobs.transition(id, JobStatus.READY, JobStatus.STARTED, LocalDateTime.now(clock))) {
                    w.busy.incrementAndGet();
                    runningJobs.add(id);
                    w.pool.execute(() -> {
                        try {
                            run(id, w.queue);
                        } finally {
                            runningJobs.remove(id);
                            w.busy.decrementAndGet();
                            wake();
                        }
                    });
                }
            }
        }
    }

    private boolean suspended(String serviceName) {
        return jobs.serviceState(serviceName).map(s -> !s.equals(JobsService.RUNNING)).orElse(false);
    }

    /** Runs one claimed job to its final state. */
    private void run(long id, Queue queue) {
        Job job = jobs.find(id).orElseThrow();
        metrics.jobStarted(queue.serviceName(), Duration.between(job.timeSubmit(), job.timeStart()));
        if (stopping) {
            requeue(job);
            return;
        }
        if (!job.type().equals(JobType.QUERY)) {
            extract(job, queue);
            return;
        }
        SqlTranslator.Translation sql;
        try {
            sql = job.intoTable() != null ? SqlTranslator.into(job.query(), job.intoTable(), catalogs)
                    : SqlTranslator.batch(job.query(), "Job" + id, catalogs);
            QueryRunner.Result<Long> r = runner.run(id, job.wsid(), job.context(), sql,
                    queue.minutes() * secondsPerMinute, Scheduler::countRows);
            Outcome done = new Outcome(r.rows(), sql.createdTable(), String.join(";\n", sql.statements()), null, null);
            // A cancel that arrives as the job completes is too late: what happened stands.
            if (!end(job, queue, JobStatus.FINISHED, done)) {
                LOG.warn("job {} finished, but its status had changed meanwhile", id);
            }
        } catch (SQLException e) {
            boolean canceling = jobs.find(id).map(j -> j.status() == JobStatus.CANCELING).orElse(false);
            if (canceling && SqlErrors.wasCanceled(e)) {
                if (jobs.transition(id, JobStatus.CANCELING, JobStatus.CANCELLED, LocalDateTime.now(clock))) {
                    ended(job, queue, JobStatus.CANCELLED);
                }
            } else if (SqlErrors.wasCanceled(e) && stopping) {
                requeue(job);
            } else if (SqlErrors.wasCanceled(e)) {
                end(job, queue, JobStatus.FAILED, Outcome.error("The job ran longer than the " + queue.minutes()
                        + "-minute limit of the " + queue.serviceName() + " queue and was stopped."));
            } else {
                // A real error before the cancel took effect: what happened stands.
                end(job, queue, JobStatus.FAILED, Outcome.error(SqlErrors.message(e)));
            }
        } catch (CasJobsException e) {
            end(job, queue, JobStatus.FAILED, Outcome.error(e.getMessage()));
        } catch (RuntimeException e) {
            LOG.error("job {} failed unexpectedly", id, e);
            end(job, queue, JobStatus.FAILED, Outcome.error("The job failed because of an internal error; the operators"
                    + " can find it in the server log under job " + id + "."));
        }
    }

    /**
     * A job stopped because the server is shutting down waits again, from the start, for the
     * next start of the server (its half-written table was dropped by the runner).
     */
    private void requeue(Job job) {
        if (jobs.transition(job.jobId(), JobStatus.STARTED, JobStatus.READY, LocalDateTime.now(clock))) {
            LOG.info("job {} re-queued: the server is shutting down", job.jobId());
        } else if (jobs.transition(job.jobId(), JobStatus.CANCELING, JobStatus.CANCELLED, LocalDateTime.now(clock))) {
            LOG.info("job {} cancelled as the server shut down", job.jobId());
        }
    }

    /** An extract job: the MyDB table named by TaskName, written in the format named by Type. */
    private void extract(Job job, Queue queue) {
        long id = job.jobId();
        try {
            Outputs.Written w = outputs.extract(catalog, job.wsid(), job.taskName(), Extractor.Format.of(job.type()));
            String base = job.outputBase() == null ? "" : job.outputBase();
            end(job, queue, JobStatus.FINISHED, new Outcome(w.rows(), null, null, base + w.urlPath(), null));
        } catch (SQLException e) {
            end(job, queue, JobStatus.FAILED, Outcome.error(SqlErrors.message(e)));
        } catch (CasJobsException e) {
            end(job, queue, JobStatus.FAILED, Outcome.error(e.getMessage()));
        } catch (java.io.IOException | RuntimeException e) {
            LOG.error("extract job {} failed unexpectedly", id, e);
            end(job, queue, JobStatus.FAILED, Outcome.error("The extract failed because of an internal error; the"
                    + " operators can find it in the server log under job " + id + "."));
        }
    }

    /** Ends a started job, or one asked to cancel while it ran. */
    private boolean end(Job job, Queue queue, JobStatus to, Outcome outcome) {
        LocalDateTime now = LocalDateTime.now(clock);
        boolean moved = jobs.transition(job.jobId(), JobStatus.STARTED, to, now, outcome)
                || jobs.transition(job.jobId(), JobStatus.CANCELING, to, now, outcome);
        if (moved) {
            ended(job, queue, to);
        }
        return moved;
    }

    private void ended(Job job, Queue queue, JobStatus status) {
        metrics.jobEnded(queue.serviceName(), status.name().toLowerCase(Locale.ROOT),
                Duration.between(job.timeStart(), LocalDateTime.now(clock)));
    }

    private static Long countRows(java.sql.ResultSet rs) throws SQLException {
        long n = 0;
        while (rs.next()) {
            n++;
        }
        return n;
    }

    /**
     * Stops the scheduler: no job starts any more, and the statements of running jobs are
     * stopped so that their jobs go back to the queue (ready, 0) for the next start. Waits up to
     * {@code grace} for the workers; a job still running after that (an extract writing its file)
     * is left started, and the next start fails it as interrupted.
     */
    public void stop(Duration grace) {
        stopping = true;
        loop.shutdownNow();
        long deadline = System.nanoTime() + grace.toNanos();
        try {
            // A cycle still claiming jobs hands them to the workers: let it end before they stop taking work.
            loop.awaitTermination(5, TimeUnit.SECONDS);
            workers.values().forEach(w -> w.pool.shutdown());
            // A job between two statements has none to stop yet: keep asking until all are done.
            while (!allStopped() && System.nanoTime() < deadline) {
                runningJobs.forEach(id -> runner.running().cancel(id));
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
