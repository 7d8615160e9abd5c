package org.opencasjobs.exec;

import java.time.Clock;
import java.time.LocalDateTime;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.opencasjobs.jobs.JobStatus;
import org.opencasjobs.service.JobsService;
import org.opencasjobs.store.JobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background loop that owns the internal job transitions: canceling jobs that no worker is
 * running become cancelled, and suspend/wake requests of queues complete. Every change is a
 * compare-and-set in the job store, so a concurrent CancelJob and this loop cannot both win.
 */
public final class Scheduler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);
    static final String RESTARTED = "The server restarted while this job was running; please submit it again.";

    private final JobStore jobs;
    private final Clock clock;
    private final long periodMillis;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "scheduler");
        t.setDaemon(true);
        return t;
    });

    public Scheduler(JobStore jobs, Clock clock, long periodMillis) {
        this.jobs = jobs;
        this.clock = clock;
        this.periodMillis = periodMillis;
    }

    /** Ends what a previous process left active, then starts the loop. */
    public void start() {
        recover();
        loop.scheduleWithFixedDelay(this::cycleSafely, 0, periodMillis, TimeUnit.MILLISECONDS);
    }

    /**
     * A single node owns every job, so at start-up nothing is running: jobs left started by a
     * process that died fail, and jobs left canceling are cancelled.
     */
    void recover() {
        LocalDateTime now = LocalDateTime.now(clock);
        for (long id : jobs.idsWithStatus(JobStatus.STARTED, false)) {
            if (jobs.transition(id, JobStatus.STARTED, JobStatus.FAILED, now, JobStore.Outcome.error(RESTARTED))) {
                LOG.info("job {} failed: left started by a previous run", id);
            }
        }
        for (long id : jobs.idsWithStatus(JobStatus.CANCELING, false)) {
            if (jobs.transition(id, JobStatus.CANCELING, JobStatus.CANCELLED, now)) {
                LOG.info("job {} cancelled: left canceling by a previous run", id);
            }
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
        LocalDateTime now = LocalDateTime.now(clock);
        for (long id : jobs.idsWithStatus(JobStatus.CANCELING, true)) {
            if (jobs.transition(id, JobStatus.CANCELING, JobStatus.CANCELLED, now)) {
                LOG.info("job {} cancelled before it started", id);
            }
        }
        jobs.advanceServiceStates(JobsService.SUSPENDING, JobsService.SUSPENDED);
        jobs.advanceServiceStates(JobsService.WAKING, JobsService.RUNNING);
    }

    @Override
    public void close() {
        loop.shutdownNow();
        try {
            loop.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
