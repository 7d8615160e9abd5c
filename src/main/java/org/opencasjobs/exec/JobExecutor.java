package org.opencasjobs.exec;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.Locale;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;
import org.opencasjobs.catalog.Catalog;
import org.opencasjobs.catalog.SqlErrors;
import org.opencasjobs.dialect.SqlTranslator;
import org.opencasjobs.jobs.CasJobsException;
import org.opencasjobs.jobs.Job;
import org.opencasjobs.jobs.JobStatus;
import org.opencasjobs.jobs.JobType;
import org.opencasjobs.jobs.MyDb;
import org.opencasjobs.jobs.Queue;
import org.opencasjobs.ops.Metrics;
import org.opencasjobs.output.Extractor;
import org.opencasjobs.output.Outputs;
import org.opencasjobs.store.JobStore;
import org.opencasjobs.store.JobStore.Outcome;
import org.opencasjobs.store.Nodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way a job runs, quick or queued: it is claimed (0 → 1), kept within its queue's limits,
 * runs its SQL or extract, and ends with one compare-and-set transition whose message the user
 * reads; a table it was creating is removed if it does not finish. This class also owns the
 * cancel protocol: {@link #abort} moves a job to canceling (2) and stops its statement; the run
 * that sees its statement stopped, or {@link #tick} for a job that never started, moves it to
 * cancelled (3). Which queued job runs when is the {@link Scheduler}'s business.
 */
public final class JobExecutor {
    private static final Logger LOG = LoggerFactory.getLogger(JobExecutor.class);
    static final String RESTARTED = "The server restarted while this job was running; please submit it again.";

    /** The work of one job: its answer (quick jobs) and what the ending transition records. */
    private record Done<T>(T answer, Outcome outcome) {
    }

    private interface Work<T> {
        Done<T> run() throws SQLException, IOException;
    }

    /** A started job: its id, its queue, when it started (for the run metrics) and the lease it was claimed under. */
    private record Run(long jobId, Queue queue, LocalDateTime started, JobStore.Lease lease) {
    }

    /** How a run ended: its final status (READY when re-queued) and, for users, its answer or error. */
    private record Ended<T>(JobStatus status, T answer, String error) {
    }

    private final JobStore jobs;
    private final Catalog catalog;
    private final QueryRunner runner;
    private final Outputs outputs;
    private final Clock clock;
    private final String[] catalogs;
    private final int secondsPerMinute;
    private final ToIntFunction<String> quickConcurrency;
    private final int quickPerUser;
    private final Metrics metrics;
    private final Leases leases;
    /** The jobs this node claimed and runs now, each with the lease it claimed it under. */
    private final Map<Long, JobStore.Lease> claimed = new ConcurrentHashMap<>();
    /** Per context, the slots of its quick queue. */
    private final Map<String, FairSlots> quickSlots = new ConcurrentHashMap<>();
    /** Notified when a quick job of this node ends: in a cluster, its waiting quick jobs ask for a start again. */
    private final Object quickEnded = new Object();
    /** How long, at most, a waiting quick job in a cluster waits before asking again (for jobs ending on other nodes). */
    static final long QUICK_ASK_MILLIS = 50;
    private static final String STOPPING = "The server is stopping; try again later.";
    /** How often {@link #tick} measures the MyDBs running jobs write (a query of the store's numbers each). */
    private static final long QUOTA_CHECK_NANOS = TimeUnit.SECONDS.toNanos(2);
    private volatile long lastQuotaCheck = System.nanoTime();
    /** Set when the server stops: queued jobs stopped from now on wait again instead of failing. */
    private volatile boolean stopping;

    /**
     * @param catalogs         the catalog contexts' names, for translating queued queries
     * @param quickConcurrency per context, how many quick jobs run at once
     * @param quickPerUser     how many of those may be one user's
     */
    public JobExecutor(JobStore jobs, Catalog catalog, Outputs outputs, Clock clock, String[] catalogs,
                       int secondsPerMinute, ToIntFunction<String> quickConcurrency, int quickPerUser,
                       Metrics metrics, Leases leases) {
        this.jobs = jobs;
        this.catalog = catalog;
        this.runner = new QueryRunner(catalog, new RunningStatements());
        this.outputs = outputs;
        this.clock = clock;
        this.catalogs = catalogs.clone();
        this.secondsPerMinute = secondsPerMinute;
        this.quickConcurrency = quickConcurrency;
        this.quickPerUser = quickPerUser;
        this.metrics = metrics;
        this.leases = leases;
        leases.afterLostJob(this::stopLostJob);
    }

    /** Stops what a lost node left of a job this node ended (on PostgreSQL: its statements, its table). */
    private void stopLostJob(Nodes.LostJob job) {
        try {
            int stopped = catalog.stopLostJob(job.wsid(), job.jobId(), job.creatingTable());
            if (stopped > 0 || job.creatingTable() != null) {
                LOG.info("job {} of lost node {}: {} statement(s) stopped{}", job.jobId(), job.node(), stopped,
                        job.creatingTable() == null ? "" : ", MyDB." + job.creatingTable() + " dropped");
            }
        } catch (SQLException e) {
            LOG.warn("job {} of lost node {}: cannot stop its statements or drop its table: {}", job.jobId(),
                    job.node(), e.getMessage());
        }
    }

    private LocalDateTime now() {
        return LocalDateTime.now(clock);
    }

    /** Claims a waiting job for a run on this node: 0 → 1; false if another actor moved it first. */
    boolean claim(long jobId) {
        JobStore.Lease lease = leases.current();
        if (!jobs.claim(jobId, lease, now())) {
            return false;
        }
        leases.claimed(1);
        claimed.put(jobId, lease);
        return true;
    }

    /**
     * Claims for this node the waiting jobs of a batch queue that start next: at most {@code free},
     * and no more than leave {@code slots} of the queue's jobs running on all nodes together.
     */
    List<Long> claimWaiting(Queue queue, int free, int slots, int perUser) {
        JobStore.Lease lease = leases.current();
        List<Long> ids = jobs.claimWaiting(queue.context(), queue.minutes(), slots, free, perUser, lease, now());
        ids.forEach(id -> claimed.put(id, lease));
        leases.claimed(ids.size());
        return ids;
    }

    // ---------------------------------------------------------------- execute now

    /**
     * Runs a new quick job (ready, just recorded) at once in its context's quick queue and returns
     * the answer of its last statement, null if that returned no rows.
     *
     * @throws CasJobsException the job failed; it has ended failed (4) with this message
     */
    public <T> QueryRunner.Result<T> executeNow(long jobId, long wsid, Queue queue, SqlTranslator.Translation sql,
                                                QueryRunner.RowsReader<T> reader) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos((long) queue.minutes() * secondsPerMinute);
        FairSlots slots = quickSlots.computeIfAbsent(queue.context(),
                c -> new FairSlots(quickConcurrency.applyAsInt(c), quickPerUser));
        Work<QueryRunner.Result<T>> work = () -> query(jobId, wsid, queue, sql, reader);
        Ended<QueryRunner.Result<T>> ended;
        try {
            ended = leases.alone() ? runAlone(jobId, wsid, queue, slots, deadline, work)
                    : runInCluster(jobId, wsid, queue, slots, deadline, work);
        } finally {
            claimed.remove(jobId);
        }
        if (ended.status() != JobStatus.FINISHED) {
            throw new CasJobsException(ended.error());
        }
        return ended.answer();
    }

    /** On the only node of the job store: claimed at once, it runs when this node's slots leave it one. */
    private <T> Ended<T> runAlone(long jobId, long wsid, Queue queue, FairSlots slots, long deadline, Work<T> work) {
        if (!claim(jobId)) {
            throw new IllegalStateException("quick job " + jobId + " was moved before it started");
        }
        Run run = new Run(jobId, queue, now(), claimed.get(jobId));
        try {
            FairSlots.Refusal refused = slots.acquire(wsid, deadline - System.nanoTime());
            if (refused != FairSlots.Refusal.NONE) {
                return fail(run, quickBusy(queue, refused));
            }
            try {
                return run(run, "query", work);
            } finally {
                slots.release(wsid);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail(run, STOPPING);
        }
    }

    /**
     * In a cluster the quick queue's limits hold on all nodes together: the job is claimed only when
     * the queue's jobs running on every node, and the user's among them, leave it a slot (counted in
     * the job store, {@link JobStore#claimQuick}). Until then it waits (0), noted as this node's, and
     * asks again whenever a quick job ends here, and at least every {@link #QUICK_ASK_MILLIS} for
     * those ending elsewhere. This node's {@link FairSlots} bound how many of its waiting jobs ask at
     * once, fairly per user, so a flood of one user's queries neither hammers the store nor hides
     * the others' jobs.
     */
    private <T> Ended<T> runInCluster(long jobId, long wsid, Queue queue, FairSlots slots, long deadline,
                                      Work<T> work) {
        int total = quickConcurrency.applyAsInt(queue.context());
        int perUser = Math.min(quickPerUser, total);
        try {
            JobStore.QuickClaim got = claimQuick(jobId, wsid, queue, total, perUser);
            if (got == JobStore.QuickClaim.QUEUE_BUSY || got == JobStore.QuickClaim.USER_BUSY) {
                FairSlots.Refusal turn = slots.acquire(wsid, deadline - System.nanoTime());
                if (turn != FairSlots.Refusal.NONE) {
                    return failWaiting(jobId, quickBusy(queue, turn));
                }
                try {
                    got = askUntilClaimed(jobId, wsid, queue, total, perUser, deadline);
                } finally {
                    slots.release(wsid);
                }
            }
            switch (got) {
                case CLAIMED -> { }
                case GONE -> throw new CasJobsException(jobs.find(jobId).map(Job::error).orElse(Leases.QUICK_ABANDONED));
                default -> {
                    return failWaiting(jobId, quickBusy(queue, got == JobStore.QuickClaim.USER_BUSY
                            ? FairSlots.Refusal.USER_BUSY : FairSlots.Refusal.QUEUE_BUSY));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failWaiting(jobId, STOPPING);
        } catch (CasJobsException e) {
            throw e; // ended by another node already: its message
        } catch (RuntimeException e) {
            // The job store failed while the job waited, noted as this live node's: no other node would
            // ever end it, so it is ended here (if the store answers again), and the caller told.
            LOG.error("quick job {}: the job store failed while it waited for a slot", jobId, e);
            try {
                failWaiting(jobId, "The query could not start because of an internal error; the operators can"
                        + " find it in the server log under job " + jobId + ".");
            } catch (RuntimeException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
        try {
            return run(new Run(jobId, queue, now(), claimed.get(jobId)), "query", work);
        } finally {
            synchronized (quickEnded) {
                quickEnded.notifyAll();
            }
        }
    }

    /** Asks for the quick job's start until claimed, no longer waiting, or {@code deadline}; the last answer. */
    private JobStore.QuickClaim askUntilClaimed(long jobId, long wsid, Queue queue, int total, int perUser,
                                                long deadline) throws InterruptedException {
        while (true) {
            JobStore.QuickClaim got = claimQuick(jobId, wsid, queue, total, perUser);
            long left = deadline - System.nanoTime();
            if (got == JobStore.QuickClaim.CLAIMED || got == JobStore.QuickClaim.GONE || left <= 0) {
                return got;
            }
            synchronized (quickEnded) {
                TimeUnit.NANOSECONDS.timedWait(quickEnded,
                        Math.min(left, TimeUnit.MILLISECONDS.toNanos(QUICK_ASK_MILLIS)));
            }
        }
    }

    private JobStore.QuickClaim claimQuick(long jobId, long wsid, Queue queue, int total, int perUser) {
        JobStore.Lease lease = leases.current();
        JobStore.QuickClaim got = jobs.claimQuick(jobId, wsid, queue.context(), queue.minutes(), total, perUser, lease,
                now());
        if (got == JobStore.QuickClaim.CLAIMED) {
            leases.claimed(1);
            claimed.put(jobId, lease);
        }
        return got;
    }

    private String quickBusy(Queue queue, FairSlots.Refusal refused) {
        return refused == FairSlots.Refusal.USER_BUSY
                ? "Your other quick queries in " + queue.context() + " kept this one waiting for its whole "
                  + queue.minutes() + "-minute limit (one user runs at most " + quickPerUser
                  + " at once); wait for them, or submit a batch job."
                : "The " + queue.context() + " quick queue stayed busy for its whole " + queue.minutes()
                  + "-minute limit; try again, or submit a batch job.";
    }

    /** Fails a quick job that never started (0 → 4). */
    private <T> Ended<T> failWaiting(long jobId, String message) {
        jobs.transition(jobId, JobStatus.READY, JobStatus.FAILED, now(), Outcome.error(message));
        return new Ended<>(JobStatus.FAILED, null, message);
    }

    // ---------------------------------------------------------------- execute queued

    /** Runs a queued job that {@link #claim} has started, to its final state (or back to the queue when stopping). */
    void executeQueued(long jobId, Queue queue) {
        try {
            runQueued(jobId, queue);
        } finally {
            claimed.remove(jobId);
        }
    }

    private void runQueued(long jobId, Queue queue) {
        Job job = jobs.find(jobId).orElseThrow();
        // Submitted on one node and started on another, by their own clocks: a skew must not count as negative.
        Duration waited = Duration.between(job.timeSubmit(), job.timeStart());
        metrics.jobStarted(queue.serviceName(), waited.isNegative() ? Duration.ZERO : waited);
        Run run = new Run(jobId, queue, job.timeStart(), claimed.get(jobId));
        if (stopping) {
            requeue(run);
            return;
        }
        if (!job.type().equals(JobType.QUERY)) {
            run(run, "extract", () -> extract(job, queue));
            return;
        }
        run(run, "job", () -> {
            SqlTranslator.Translation sql = job.intoTable() != null
                    ? SqlTranslator.into(job.query(), job.intoTable(), catalog.target(job.wsid()), catalogs)
                    : SqlTranslator.batch(job.query(), "Job" + jobId, catalog.target(job.wsid()), catalogs);
            return query(jobId, job.wsid(), queue, sql, JobExecutor::countRows);
        });
    }

    private <T> Done<QueryRunner.Result<T>> query(long jobId, long wsid, Queue queue, SqlTranslator.Translation sql,
                                                  QueryRunner.RowsReader<T> reader) throws SQLException {
        QueryRunner.Result<T> r = runner.run(jobId, wsid, queue.context(), sql, queue.minutes() * secondsPerMinute,
                queue.quick(), reader, table -> jobs.recordCreating(jobId, table));
        return new Done<>(r, new Outcome(r.rows(), sql.createdTable(), String.join(";\n", sql.statements()), null,
                null));
    }

    /**
     * An extract job: the MyDB table named by TaskName, written in the format named by Type. Its
     * statements are registered like a query's, so a cancel or the queue's time limit stops it
     * mid-write; a stopped extract leaves no file.
     */
    private Done<Void> extract(Job job, Queue queue) throws SQLException, IOException {
        long jobId = job.jobId();
        RunningStatements running = runner.running();
        long deadline = System.nanoTime() + queue.minutes() * secondsPerMinute * 1_000_000_000L;
        try {
            Outputs.Written w = outputs.extract(catalog, job.wsid(), job.taskName(), Extractor.Format.of(job.type()),
                    st -> {
                        if (st == null) {
                            running.unregister(jobId);
                            return;
                        }
                        try {
                            st.setQueryTimeout((int) Math.max(1,
                                    (deadline - System.nanoTime() + 999_999_999L) / 1_000_000_000L));
                        } catch (SQLException ignored) {
                            // the scheduler's deadline check stops it all the same
                        }
                        running.register(jobId, st, deadline);
                    });
            String base = job.outputBase() == null ? "" : job.outputBase();
            return new Done<>(null, new Outcome(w.rows(), null, null, base + w.urlPath(), null));
        } finally {
            running.unregister(jobId);
        }
    }

    // ---------------------------------------------------------------- the end of a run

    /**
     * Runs a started job's work and ends it: finished, cancelled when its statement was stopped
     * by a cancel, back to the queue when stopped by a shutdown, failed otherwise, with a message
     * in the user's terms. {@code what} names the job in the message of an internal error.
     */
    private <T> Ended<T> run(Run run, String what, Work<T> work) {
        long jobId = run.jobId();
        try {
            Done<T> done = work.run();
            // A cancel that arrives as the job completes is too late: what happened stands.
            if (!end(run, JobStatus.FINISHED, done.outcome())) {
                LOG.warn("job {} finished, but its status had changed meanwhile", jobId);
                if (done.outcome().outputLoc() != null) {
                    outputs.discard(done.outcome().outputLoc()); // no job points to it: never a stray file
                }
            }
            return new Ended<>(JobStatus.FINISHED, done.answer(), null);
        } catch (SQLException e) {
            if (!SqlErrors.wasCanceled(e)) {
                // A real error, even after a cancel was asked for: what happened stands.
                return fail(run, userMessage(run, what, e, SqlErrors.message(e)));
            }
            if (!leases.holds(run.lease())) {
                // Stopped because this node lost its lease: the job is no longer this node's to end.
                return new Ended<>(JobStatus.FAILED, null, String.format(Leases.NODE_LOST, leases.nodeId()));
            }
            if (jobs.transition(jobId, run.lease(), JobStatus.CANCELING, JobStatus.CANCELLED, now(), Outcome.NONE)) {
                ended(run, JobStatus.CANCELLED);
                return new Ended<>(JobStatus.CANCELLED, null, "Job " + jobId + " was cancelled.");
            }
            if (stopping && !run.queue().quick() && requeue(run)) {
                return new Ended<>(JobStatus.READY, null, null);
            }
            return fail(run, overLimit(run.queue()));
        } catch (QueryRunner.TableNotFound e) {
            return fail(run, messageOf(run, e));
        } catch (CasJobsException e) {
            return fail(run, userMessage(run, what, e, e.getMessage()));
        } catch (IOException | RuntimeException | Error e) {
            LOG.error("job {} failed unexpectedly", jobId, e);
            Ended<T> failed = fail(run, internalError(what, jobId));
            if (e instanceof Error error) {
                throw error;
            }
            return failed;
        }
    }

    /**
     * What the user reads of a job's error: {@code message}, unless the database itself failed
     * (its storage, its memory): then its cause is logged with the job's id, and the user is told
     * where the operators find it instead of reading a Java exception's text.
     */
    private static String userMessage(Run run, String what, Exception e, String message) {
        Optional<SQLException> internal = SqlErrors.internal(e);
        if (internal.isEmpty()) {
            return message;
        }
        LOG.error("job {} failed: the database reported an internal error (code {}, state {})", run.jobId(),
                internal.get().getErrorCode(), internal.get().getSQLState(), e);
        return internalError(what, run.jobId());
    }

    private static String internalError(String what, long jobId) {
        return "The " + what + " failed because of an internal error; the operators can find it in the server log"
                + " under job " + jobId + ".";
    }

    private static String overLimit(Queue queue) {
        return queue.quick()
                ? "The query ran longer than the " + queue.minutes() + "-minute limit of the " + queue.context()
                  + " quick queue and was stopped. Submit it as a batch job (SubmitJob) to give it more time."
                : "The job ran longer than the " + queue.minutes() + "-minute limit of the " + queue.serviceName()
                  + " queue and was stopped.";
    }

    private <T> Ended<T> fail(Run run, String message) {
        end(run, JobStatus.FAILED, Outcome.error(message));
        return new Ended<>(JobStatus.FAILED, null, message);
    }

    /** Ends a started job, or one asked to cancel while it ran; false if neither. */
    private boolean end(Run run, JobStatus to, Outcome outcome) {
        LocalDateTime now = now();
        boolean moved = jobs.transition(run.jobId(), run.lease(), JobStatus.STARTED, to, now, outcome)
                || jobs.transition(run.jobId(), run.lease(), JobStatus.CANCELING, to, now, outcome);
        if (moved) {
            ended(run, to);
        }
        return moved;
    }

    private void ended(Run run, JobStatus status) {
        if (!run.queue().quick()) { // the run metrics are about batch queues
            metrics.jobEnded(run.queue().serviceName(), status.name().toLowerCase(Locale.ROOT),
                    Duration.between(run.started(), now()));
        }
    }

    /**
     * A job stopped because the server is shutting down waits again, from the start, for the
     * next start of the server (its half-written table was dropped by the runner).
     */
    private boolean requeue(Run run) {
        long jobId = run.jobId();
        if (jobs.transition(jobId, run.lease(), JobStatus.STARTED, JobStatus.READY, now(), Outcome.NONE)) {
            LOG.info("job {} re-queued: the server is shutting down", jobId);
            return true;
        }
        if (jobs.transition(jobId, run.lease(), JobStatus.CANCELING, JobStatus.CANCELLED, now(), Outcome.NONE)) {
            LOG.info("job {} cancelled as the server shut down", jobId);
            return true;
        }
        return false;
    }

    private static Long countRows(java.sql.ResultSet rs) throws SQLException {
        long n = 0;
        while (rs.next()) {
            n++;
        }
        return n;
    }

    // ---------------------------------------------------------------- cancel and stop

    /**
     * Asks a waiting or running queued job to stop: 0 or 1 → 2 (quick jobs cannot be cancelled),
     * and stops its statement if it runs in this process. The job reaches 3 when its run sees the
     * statement stopped, or at the next {@link #tick} if it never started.
     *
     * @return true if this call moved the job to canceling
     */
    public boolean abort(Job job) {
        if (job.quick()) {
            return false;
        }
        // Compare-and-set from each cancellable status in turn: whoever moves it first wins.
        boolean moved = jobs.transition(job.jobId(), JobStatus.READY, JobStatus.CANCELING, now())
                || jobs.transition(job.jobId(), JobStatus.STARTED, JobStatus.CANCELING, now());
        if (moved) {
            runner.running().cancel(job.jobId());
        }
        return moved;
    }

    /**
     * One scheduler cycle's enforcement: stops statements past their job's deadline, and every
     * two seconds those taking their MyDB past its quota ({@link #checkQuotas}); stops again
     * the statements of jobs asked to cancel (a job between two statements had none to stop),
     * and cancels (2 → 3) jobs asked to cancel before they started.
     */
    void tick() {
        runner.running().cancelOverdue();
        stopJobsOfLostLease();
        long now = System.nanoTime();
        if (now - lastQuotaCheck >= QUOTA_CHECK_NANOS) {
            lastQuotaCheck = now;
            checkQuotas();
        }
        for (long id : jobs.idsWithStatus(JobStatus.CANCELING, false)) {
            if (!runner.running().cancel(id) && jobs.find(id).map(j -> j.timeStart() == null).orElse(false)
                    && jobs.transition(id, JobStatus.CANCELING, JobStatus.CANCELLED, now())) {
                LOG.info("job {} cancelled before it started", id);
            }
        }
    }

    /**
     * Stops, again each cycle (a job between two statements has none to stop), the statements of
     * jobs this node claimed under a lease it has lost: other nodes have ended those jobs already.
     */
    private void stopJobsOfLostLease() {
        claimed.forEach((id, lease) -> {
            if (!leases.holds(lease)) {
                runner.running().cancel(id);
            }
        });
    }

    /**
     * Stops the statements of running jobs whose MyDB has grown past its quota since they
     * started; each ends failed with the quota's message, its half-written table removed.
     */
    void checkQuotas() {
        runner.running().stopOverQuota(catalog.myDbQuotaBytes(), catalog::myDbUsedBytes);
    }

    /**
     * At start-up, ends what no live node runs ({@link #leftBehind}): jobs left started by a
     * process that died fail, and jobs left canceling are cancelled, each after the table it was
     * creating (recorded by {@link JobStore#recordCreating}) is dropped; on a lone node so do
     * quick jobs left waiting. Then extract folders that were being written, or that no job
     * points to, are deleted. (Jobs of other nodes that died are ended by the heartbeats, once
     * their lease has run out: {@link Leases}.)
     */
    void recover() {
        LocalDateTime now = now();
        for (long id : leftBehind(JobStatus.STARTED)) {
            dropCreatedTable(id);
            if (jobs.transition(id, JobStatus.STARTED, JobStatus.FAILED, now, Outcome.error(RESTARTED))) {
                LOG.info("job {} failed: left started by a previous run", id);
            }
        }
        // A quick job is claimed as soon as it is recorded: one still waiting was left by a process
        // that died in between, and no queue would ever run it. (In a cluster it may be another
        // node's, about to be claimed: not done there.)
        for (long id : leases.alone() ? jobs.idsWithStatus(JobStatus.READY, true) : List.<Long>of()) {
            if (jobs.find(id).map(Job::quick).orElse(false)
                    && jobs.transition(id, JobStatus.READY, JobStatus.FAILED, now, Outcome.error(RESTARTED))) {
                LOG.info("quick job {} failed: left waiting by a previous run", id);
            }
        }
        for (long id : leftBehind(JobStatus.CANCELING)) {
            dropCreatedTable(id);
            if (jobs.transition(id, JobStatus.CANCELING, JobStatus.CANCELLED, now)) {
                LOG.info("job {} cancelled: left canceling by a previous run", id);
            }
        }
        if (leases.alone()) {
            outputs.recover(outputTokens());
        } else {
            // Other nodes may share the outputs folder and be writing extracts into it right now: only
            // what stayed the same for two leases, and that no job records then, is left over.
            Map<String, String> before = outputs.look();
            Duration settle = leases.lease().multipliedBy(2);
            CompletableFuture.runAsync(() -> outputs.recoverUnchanged(before, outputTokens()),
                    CompletableFuture.delayedExecutor(settle.toMillis(), TimeUnit.MILLISECONDS));
        }
    }

    /** Whether a token is of a folder a job records as its OutputLoc (a day's margin for clock changes). */
    private java.util.function.Predicate<String> outputTokens() {
        Set<String> tokens = new HashSet<>();
        for (String loc : jobs.outputLocations(now().minus(outputs.retention()).minusDays(1))) {
            tokens.add(Outputs.tokenOf(loc));
        }
        return tokens::contains;
    }

    /**
     * Jobs in {@code status} that no live node runs: on a lone node every one (the job store is its
     * own), in a cluster those claimed before there were leases or by an earlier process with this
     * node's id.
     */
    private List<Long> leftBehind(JobStatus status) {
        return leases.alone() ? jobs.idsWithStatus(status, false) : jobs.idsLeftBy(status, leases.current());
    }

    /**
     * A failed statement's message in the user's terms; a MyDB table it did not find because
     * another of the user's jobs is still writing it is said to be so.
     */
    private String messageOf(Run run, QueryRunner.TableNotFound e) {
        Optional<Job> job = jobs.find(run.jobId());
        java.util.OptionalLong writer = job.isEmpty() ? java.util.OptionalLong.empty()
                : jobs.jobCreating(job.get().wsid(), e.table());
        if (writer.isPresent() && writer.getAsLong() != run.jobId()) {
            return "Table " + e.table() + " is being written by job " + writer.getAsLong()
                    + ": it appears in MyDB when that job finishes.";
        }
        return e.getMessage();
    }

    /** Drops the table a job left unfinished was creating; the table did not exist before the job. */
    private void dropCreatedTable(long jobId) {
        Optional<String> table = jobs.creatingTable(jobId);
        Optional<Job> job = jobs.find(jobId);
        if (table.isEmpty() || job.isEmpty()) {
            return;
        }
        try (Connection c = catalog.connect(job.get().wsid(), MyDb.NAME); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + catalog.myDbTable(job.get().wsid(), table.get()));
            LOG.info("job {}: dropped MyDB.{}, which it was creating when the previous run stopped", jobId,
                    table.get());
        } catch (SQLException e) {
            LOG.warn("job {}: cannot drop MyDB.{}, which it was creating: {}", jobId, table.get(), e.getMessage());
        }
    }

    /** From now on, queued jobs whose statements stop go back to their queue. */
    void beginStop() {
        stopping = true;
    }

    /** How many jobs this node has claimed and not yet ended (or given up, having lost its lease). */
    int runningHere() {
        return claimed.size();
    }

    /** Whether a statement of the job runs on this node now. */
    boolean runsStatement(long jobId) {
        return runner.running().runs(jobId);
    }

    /** Stops the statement of a job running here, if it has one now. */
    void stopStatement(long jobId) {
        runner.running().cancel(jobId);
    }
}
