package org.opencasjobs.exec;

import java.sql.SQLException;
import java.time.Clock;
import java.time.LocalDateTime;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToIntFunction;
import org.opencasjobs.jobs.Job;
import org.opencasjobs.catalog.Catalog;
import org.opencasjobs.jobs.JobStatus;
import org.opencasjobs.jobs.JobType;
import org.opencasjobs.output.Extractor;
import org.opencasjobs.output.Outputs;
import org.opencasjobs.jobs.Queue;
import org.opencasjobs.jobs.Queues;
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
    private final Map<String, Workers> workers = new HashMap<>();
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "scheduler");
        t.setDaemon(true);
        return t;
    });

    public Scheduler(JobStore jobs, Queues queues, Catalog catalog, QueryRunner runner, Outputs outputs, Clock clock,
                     long periodMillis, ToIntFunction<String> concurrency, int secondsPerMinute) {
        this.jobs = jobs;
        this.catalogs = queues.catalogs();
        this.catalog = catalog;
        this.runner = runner;
        this.outputs = outputs;
        this.clock = clock;
        this.periodMillis = periodMillis;
        this.secondsPerMinute = secondsPerMinute;
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
    }

    /** Ends what a previous process left active, then starts the loop. */
    public void start() {
        recover();
        loop.scheduleWithFixedDelay(this::cycleSafely, 0, periodMillis, TimeUnit.MILLISECONDS);
        loop.scheduleWithFixedDelay(this::sweepSafely, 0, 10, TimeUnit.MINUTES);
    }

    /** Runs a cycle soon, e.g. after a submission or a cancel request, instead of at the next tick. */
    public void wake() {
        if (!loop.isShutdown()) {
            loop.execute(this::cycleSafely);
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
        if (suspended(JobsService.SCHEDULER)) {
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
                    w.pool.execute(() -> {
                        try {
                            run(id, w.queue);
                        } finally {
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
        if (!job.type().equals(JobType.QUERY)) {
            extract(job);
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
            if (!end(id, JobStatus.FINISHED, done)) {
                LOG.warn("job {} finished, but its status had changed meanwhile", id);
            }
        } catch (SQLException e) {
            boolean canceling = jobs.find(id).map(j -> j.status() == JobStatus.CANCELING).orElse(false);
            if (canceling && SqlErrors.wasCanceled(e)) {
                jobs.transition(id, JobStatus.CANCELING, JobStatus.CANCELLED, LocalDateTime.now(clock));
            } else if (SqlErrors.wasCanceled(e)) {
                end(id, JobStatus.FAILED, Outcome.error("The job ran longer than the " + queue.minutes()
                        + "-minute limit of the " + queue.serviceName() + " queue and was stopped."));
            } else {
                // A real error before the cancel took effect: what happened stands.
                end(id, JobStatus.FAILED, Outcome.error(SqlErrors.message(e)));
            }
        } catch (CasJobsException e) {
            end(id, JobStatus.FAILED, Outcome.error(e.getMessage()));
        } catch (RuntimeException e) {
            LOG.error("job {} failed unexpectedly", id, e);
            end(id, JobStatus.FAILED, Outcome.error("The job failed because of an internal error; the operators"
                    + " can find it in the server log under job " + id + "."));
        }
    }

    /** An extract job: the MyDB table named by TaskName, written in the format named by Type. */
    private void extract(Job job) {
        long id = job.jobId();
        try {
            Outputs.Written w = outputs.extract(catalog, job.wsid(), job.taskName(), Extractor.Format.of(job.type()));
            String base = job.outputBase() == null ? "" : job.outputBase();
            end(id, JobStatus.FINISHED, new Outcome(w.rows(), null, null, base + w.urlPath(), null));
        } catch (SQLException e) {
            end(id, JobStatus.FAILED, Outcome.error(SqlErrors.message(e)));
        } catch (CasJobsException e) {
            end(id, JobStatus.FAILED, Outcome.error(e.getMessage()));
        } catch (java.io.IOException | RuntimeException e) {
            LOG.error("extract job {} failed unexpectedly", id, e);
            end(id, JobStatus.FAILED, Outcome.error("The extract failed because of an internal error; the operators"
                    + " can find it in the server log under job " + id + "."));
        }
    }

    /** Ends a started job, or one asked to cancel while it ran. */
    private boolean end(long id, JobStatus to, Outcome outcome) {
        LocalDateTime now = LocalDateTime.now(clock);
        return jobs.transition(id, JobStatus.STARTED, to, now, outcome)
                || jobs.transition(id, JobStatus.CANCELING, to, now, outcome);
    }

    private static Long countRows(java.sql.ResultSet rs) throws SQLException {
        long n = 0;
        while (rs.next()) {
            n++;
        }
        return n;
    }

    @Override
    public void close() {
        loop.shutdownNow();
        workers.values().forEach(w -> w.pool.shutdownNow());
        try {
            loop.awaitTermination(5, TimeUnit.SECONDS);
            for (Workers w : workers.values()) {
                w.pool.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
