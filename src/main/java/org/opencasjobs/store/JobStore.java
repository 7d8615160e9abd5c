package org.opencasjobs.store;

import java.time.LocalDateTime;
import java.util.List;
import java.util.Optional;
import org.opencasjobs.jobs.Job;
import org.opencasjobs.jobs.JobStatus;
import org.opencasjobs.jobs.JobType;
import org.opencasjobs.jobs.NewJob;
import org.opencasjobs.jobs.ServiceState;

/**
 * Where jobs, job types and service states are kept. A job's status changes only by
 * compare-and-set together with a recorded transition, so two actors can never both move the
 * same job. {@link JdbcJobStore} keeps them in a SQL database (H2 by default).
 */
public interface JobStore {
    /** The longest task name, MyDB table name and output base (scheme://host:port) a job may record. */
    int TASK_NAME_MAX = 1024;
    int TABLE_NAME_MAX = 256;
    int OUTPUT_BASE_MAX = 512;

    /** A count of active jobs of one queue in one status. */
    record ActiveCount(String context, int queueMinutes, boolean quick, JobStatus status, long count) {
    }

    /** One recorded status change. */
    record Transition(long jobId, JobStatus from, JobStatus to, LocalDateTime at) {
    }

    /** Records a new job, ready (0), and returns its id. */
    long insert(NewJob j, LocalDateTime now);

    Optional<Job> find(long jobId);

    /** A job's owner and status: what GetJobStatus needs. */
    record Status(long wsid, JobStatus status) {
    }

    /** The owner and status of a job, read without the rest of its row. */
    Optional<Status> status(long jobId);

    /** What a job produced, recorded with the transition that ends it; null fields are left as they are. */
    record Outcome(Long rows, String createdTable, String modifiedQuery, String outputLoc, String error) {
        public static final Outcome NONE = new Outcome(null, null, null, null, null);

        public static Outcome error(String message) {
            return new Outcome(null, null, null, null, message);
        }
    }

    /**
     * Moves a job from {@code from} to {@code to} if it is still in {@code from}; false if another
     * actor changed it first. Starting sets TimeStart; reaching a final status sets TimeEnd.
     */
    default boolean transition(long jobId, JobStatus from, JobStatus to, LocalDateTime now) {
        return transition(jobId, from, to, now, Outcome.NONE);
    }

    /** As {@link #transition(long, JobStatus, JobStatus, LocalDateTime)}, recording {@code outcome} too. */
    boolean transition(long jobId, JobStatus from, JobStatus to, LocalDateTime now, Outcome outcome);

    /**
     * The claim a node holds on the jobs it runs: its id and the epoch of its lease, the fencing
     * counter. A node that loses its lease (its row in {@link Nodes} removed as lost) rejoins with a
     * new epoch, so nothing it does under the old one can change a job any more.
     */
    record Lease(String node, long epoch) {
    }

    /**
     * Claims a waiting job for {@code lease}: 0 → 1, recording the node and the epoch; false if
     * another actor moved it first or the lease is no longer held.
     */
    boolean claim(long jobId, Lease lease, LocalDateTime now);

    /**
     * Claims for {@code lease} the waiting jobs of a batch queue that start next (as
     * {@link #waitingIds}), at most {@code nodeFree}, and no more than leave {@code queueSlots} jobs
     * of the queue running across all nodes. One transaction per queue at a time: claims of other
     * nodes wait for it, and jobs another transaction is changing are passed over (SKIP LOCKED).
     */
    List<Long> claimWaiting(String context, int queueMinutes, int queueSlots, int nodeFree, int perUser, Lease lease,
                            LocalDateTime now);

    /** How asking for a waiting quick job's start went ({@link #claimQuick}). */
    enum QuickClaim {
        /** Claimed for the lease: 0 → 1. */
        CLAIMED,
        /** The quick queue runs its limit of jobs on all nodes together; the job still waits. */
        QUEUE_BUSY,
        /** The user runs their limit of the queue's jobs on all nodes together; the job still waits. */
        USER_BUSY,
        /** The job no longer waits: another node ended it as abandoned. */
        GONE
    }

    /**
     * Claims waiting quick job {@code jobId} of {@code wsid} for {@code lease} if the context's
     * quick queue runs fewer than {@code queueSlots} jobs on all nodes together and the user fewer
     * than {@code perUser} of them, counted and claimed under the queue's lock as
     * {@link #claimWaiting} does. Otherwise the job stays waiting, recorded as waited on by the
     * lease's node, so that no node takes it as abandoned while that node lives.
     */
    QuickClaim claimQuick(long jobId, long wsid, String context, int queueMinutes, int queueSlots, int perUser,
                          Lease lease, LocalDateTime now);

    /**
     * As {@link #transition(long, JobStatus, JobStatus, LocalDateTime, Outcome)}, for a job
     * claimed under {@code lease}: false too if the job is no longer held by that node and epoch.
     * Every change of a running job by the node running it goes through here.
     */
    boolean transition(long jobId, Lease lease, JobStatus from, JobStatus to, LocalDateTime now, Outcome outcome);

    /**
     * Ids of jobs in {@code status} (oldest first) that no live node runs: claimed before there
     * were leases, or under an earlier epoch of {@code me}'s node (a process with this node id that
     * died). What a starting node of a cluster may end at once.
     */
    List<Long> idsLeftBy(JobStatus status, Lease me);

    /** How many jobs are ready, started or canceling, per context, queue (minutes) and status. */
    List<ActiveCount> activeCounts();

    /**
     * Ids of waiting jobs of a batch queue to start next, oldest first, at most {@code limit}, and
     * none of a user who would then run more than {@code perUser} jobs in the queue: a user with
     * jobs running waits while other users' jobs start.
     */
    List<Long> waitingIds(String context, int queueMinutes, int limit, int perUser);

    /** How many jobs {@code wsid} has waiting in a batch queue. */
    int waitingCount(long wsid, String context, int queueMinutes);

    /** The recorded status changes of a job, oldest first. */
    List<Transition> transitions(long jobId);

    /**
     * Records that started (or canceling) job {@code jobId} is about to create MyDB table
     * {@code table}, which did not exist when it looked, so that start-up recovery can drop it if
     * the job is left unfinished by a process that died. False if the job is in another status.
     */
    boolean recordCreating(long jobId, String table);

    /** The table {@link #recordCreating} recorded for the job, if any. */
    Optional<String> creatingTable(long jobId);

    /**
     * The started (or canceling) job of account {@code wsid} that is creating MyDB table
     * {@code table} (names match in any case), if any: such a table is not there until the job ends.
     */
    java.util.OptionalLong jobCreating(long wsid, String table);

    /** The OutputLoc of every job that ended at or after {@code endedSince} with one. */
    List<String> outputLocations(LocalDateTime endedSince);

    /** Ids of jobs in {@code status}, oldest first; with {@code neverStarted}, only those without TimeStart. */
    List<Long> idsWithStatus(JobStatus status, boolean neverStarted);

    /**
     * Jobs matching {@code where}, newest first; {@code owner} null means every user's jobs
     * (administrators), and system jobs only with {@code includeSystem}.
     */
    List<Job> list(Conditions.Where where, Long owner, boolean includeSystem);

    List<JobType> jobTypes();

    /** The stored state of a queue or the scheduler, if one was ever set. */
    Optional<ServiceState> serviceState(String name);

    void setServiceState(String name, ServiceState state);

    /** Completes every pending request (SUSPENDING to SUSPENDED, WAKING to RUNNING): one scheduler cycle's step. */
    void completeServiceStateRequests();
}
