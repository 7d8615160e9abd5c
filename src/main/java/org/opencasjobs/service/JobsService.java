package org.opencasjobs.service;

import java.time.Clock;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.opencasjobs.auth.Account;
import org.opencasjobs.auth.Accounts;
import org.opencasjobs.jobs.Conditions;
import org.opencasjobs.jobs.Job;
import org.opencasjobs.jobs.JobStatus;
import org.opencasjobs.jobs.JobType;
import org.opencasjobs.jobs.NewJob;
import org.opencasjobs.jobs.Queue;
import org.opencasjobs.jobs.Queues;
import org.opencasjobs.store.JobStore;

/** The use cases of jobs.asmx, free of any protocol: every rule about accounts, jobs and queues. */
public final class JobsService {
    /** The Get/SetServiceState name of the scheduler itself; queues are named {@code Context/minutes}. */
    public static final String SCHEDULER = "Scheduler";
    public static final String RUNNING = "RUNNING";
    public static final String SUSPENDING = "SUSPENDING";
    public static final String SUSPENDED = "SUSPENDED";
    public static final String WAKING = "WAKING";

    private final Accounts accounts;
    private final JobStore jobs;
    private final Queues queues;
    private final Clock clock;

    public JobsService(Accounts accounts, JobStore jobs, Queues queues, Clock clock) {
        this.accounts = accounts;
        this.jobs = jobs;
        this.queues = queues;
        this.clock = clock;
    }

    private Account login(Credentials who) {
        return accounts.authenticate(who.wsid(), who.password(), who.clientAddress());
    }

    private LocalDateTime now() {
        return LocalDateTime.now(clock);
    }

    public long submitJob(Credentials who, String query, String context, String taskName, int estimate) {
        Account a = login(who);
        Queue queue = queues.batchFor(context, estimate);
        if (query == null || query.isBlank()) {
            throw new CasJobsException("The query is empty: send the SQL to run in qry.");
        }
        return jobs.insert(new NewJob(a.wsid(), queue, false, JobType.QUERY, emptyToNull(taskName), query, null,
                queue.context(), estimate, who.clientAddress()), now());
    }

    /**
     * Asks for a job to stop. Unknown ids, quick jobs and ended jobs are left alone without an
     * error; otherwise the job is canceling (2) when this returns, unless the scheduler already
     * finished the cancellation.
     */
    public void cancelJob(Credentials who, long jobId) {
        Account a = login(who);
        Job job = jobs.find(jobId).orElse(null);
        if (job == null) {
            return;
        }
        checkOwner(a, job);
        if (job.quick()) {
            return;
        }
        // Compare-and-set from each cancellable status in turn: whoever moves it first wins.
        if (!jobs.transition(jobId, JobStatus.READY, JobStatus.CANCELING, now())) {
            jobs.transition(jobId, JobStatus.STARTED, JobStatus.CANCELING, now());
        }
    }

    public int getJobStatus(Credentials who, long jobId) {
        Account a = login(who);
        Job job = jobs.find(jobId).orElseThrow(() -> new CasJobsException("Job " + jobId + " does not exist."));
        checkOwner(a, job);
        return job.status().code;
    }

    /** Jobs matching the GetJobs conditions: the caller's own, or everyone's for administrators. */
    public List<Job> getJobs(Credentials who, String conditions, boolean includeSystem) {
        Account a = login(who);
        Conditions.Where where = Conditions.parse(conditions, a.admin());
        return jobs.list(where, a.admin() ? null : a.wsid(), includeSystem);
    }

    public List<Queue> getQueues(Credentials who) {
        login(who);
        return queues.all();
    }

    public List<JobType> getJobTypes(Credentials who) {
        login(who);
        return jobs.jobTypes();
    }

    public String getServiceState(Credentials who, String serviceName) {
        requireAdmin(login(who));
        return jobs.serviceState(canonicalServiceName(serviceName)).orElse(RUNNING);
    }

    /** Suspends (SUSPENDING) or wakes (WAKING) a queue or the scheduler; the scheduler completes the change. */
    public void setServiceState(Credentials who, String serviceName, String state) {
        requireAdmin(login(who));
        String name = canonicalServiceName(serviceName);
        String s = state == null ? "" : state.trim().toUpperCase(Locale.ROOT);
        if (!s.equals(SUSPENDING) && !s.equals(WAKING)) {
            throw new CasJobsException("Unknown state '" + state + "'. Use SUSPENDING or WAKING.");
        }
        jobs.setServiceState(name, s);
    }

    /** A fault for operations that a later version of this server implements. */
    public void notAvailableYet(Credentials who, String operation) {
        login(who);
        throw new CasJobsException(operation + " is not available yet on this server.");
    }

    private String canonicalServiceName(String serviceName) {
        String n = serviceName == null ? "" : serviceName.trim();
        if (n.equalsIgnoreCase(SCHEDULER)) {
            return SCHEDULER;
        }
        return queues.byServiceName(n).map(Queue::serviceName).orElseThrow(() -> {
            List<String> names = new ArrayList<>(List.of(SCHEDULER));
            queues.all().forEach(q -> names.add(q.serviceName()));
            return new CasJobsException("Unknown service '" + serviceName + "'. Services: "
                    + String.join(", ", names) + ".");
        });
    }

    private static void checkOwner(Account a, Job job) {
        if (job.wsid() != a.wsid() && !a.admin()) {
            throw new CasJobsException("Job " + job.jobId() + " belongs to another user.");
        }
    }

    private static void requireAdmin(Account a) {
        if (!a.admin()) {
            throw new CasJobsException("Only administrators may read or change service states.");
        }
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
