package org.opencasjobs.service;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;
import org.opencasjobs.auth.Accounts;
import org.opencasjobs.catalog.Catalog;
import org.opencasjobs.catalog.SqlErrors;
import org.opencasjobs.config.ServerConfig;
import org.opencasjobs.dialect.SqlTranslator;
import org.opencasjobs.exec.JobExecutor;
import org.opencasjobs.exec.QueryRunner;
import org.opencasjobs.jobs.Account;
import org.opencasjobs.jobs.CasJobsException;
import org.opencasjobs.jobs.Job;
import org.opencasjobs.jobs.JobType;
import org.opencasjobs.jobs.MyDb;
import org.opencasjobs.jobs.NewJob;
import org.opencasjobs.jobs.Queue;
import org.opencasjobs.jobs.Queues;
import org.opencasjobs.jobs.ServiceState;
import org.opencasjobs.output.DataSetXml;
import org.opencasjobs.output.TypedCsv;
import org.opencasjobs.store.Conditions;
import org.opencasjobs.store.JobStore;

/** The use cases of jobs.asmx, free of any protocol: every rule about accounts, jobs and queues. */
public final class JobsService {
    private final Accounts accounts;
    private final JobStore jobs;
    private final Queues queues;
    private final Clock clock;
    private final JobExecutor executor;
    private final Catalog catalog;
    private final long uploadMaxBytes;
    private final int batchWaitingPerUser;
    private final Runnable jobsChanged;
    private final long quickMaxRows;
    private final long quickMaxBytes;

    /** {@code jobsChanged} is told of submissions and cancel requests (it wakes the scheduler). */
    public JobsService(Accounts accounts, JobStore jobs, Queues queues, Catalog catalog, JobExecutor executor,
                       ServerConfig config, Clock clock, Runnable jobsChanged) {
        this.catalog = catalog;
        this.uploadMaxBytes = config.uploadMaxBytes();
        this.batchWaitingPerUser = config.batchWaitingPerUser();
        this.accounts = accounts;
        this.jobs = jobs;
        this.queues = queues;
        this.executor = executor;
        this.clock = clock;
        this.jobsChanged = jobsChanged;
        this.quickMaxRows = config.quickMaxRows();
        this.quickMaxBytes = config.quickMaxBytes();
    }

    private Account login(Credentials who) {
        return accounts.authenticate(who.wsid(), who.password(), who.clientAddress());
    }

    private LocalDateTime now() {
        return LocalDateTime.now(clock);
    }

    /** Runs a query at once in the context's quick queue and returns its rows as typed CSV. */
    public String executeQuickJob(Credentials who, String query, String context, String taskName, boolean system) {
        return runQuick(who, query, context, taskName, system, rs -> TypedCsv.write(rs, quickMaxRows, quickMaxBytes),
                TypedCsv::rowsAffected);
    }

    /** As {@link #executeQuickJob}, answering a .NET DataSet (schema and diffgram elements). */
    public List<org.w3c.dom.Element> executeQuickJobDS(Credentials who, String query, String context, String taskName,
                                                       boolean system) {
        return runQuick(who, query, context, taskName, system,
                rs -> DataSetXml.write(rs, quickMaxRows, quickMaxBytes), n -> List.of());
    }

    private <T> T runQuick(Credentials who, String query, String context, String taskName, boolean system,
                           QueryRunner.RowsReader<T> reader, LongFunction<T> noRows) {
        Account a = login(who);
        Queue queue = queues.quick(context);
        String q = requireQuery(query);
        SqlTranslator.Translation sql = SqlTranslator.quick(q, catalog.target(a.wsid()), queues.catalogs());
        long id = record(new NewJob(a.wsid(), queue, system, JobType.QUERY, emptyToNull(taskName), q, null,
                queue.context(), 0, who.clientAddress(), null));
        QueryRunner.Result<T> r = executor.executeNow(id, a.wsid(), queue, sql, reader);
        return r.answer() != null ? r.answer() : noRows.apply(r.rows());
    }

    /** Queues a batch query after checking its syntax; a SELECT without INTO writes a new MyDB table. */
    public long submitJob(Credentials who, String query, String context, String taskName, int estimate) {
        return submit(who, query, context, null, taskName, estimate);
    }

    /** Queues a batch query whose result goes into MyDB table {@code table} (a new table if none is named). */
    public long submitJobInto(Credentials who, String query, String context, String table, String taskName,
                              int estimate) {
        return submit(who, query, context, emptyToNull(table == null ? null : table.trim()), taskName, estimate);
    }

    private long submit(Credentials who, String query, String context, String intoTable, String taskName,
                        int estimate) {
        Account a = login(who);
        Queue queue = queues.batchFor(context, estimate);
        String q = requireQuery(query);
        if (intoTable != null) {
            SqlTranslator.into(q, intoTable, catalog.target(a.wsid()), queues.catalogs());
        } else {
            SqlTranslator.batch(q, "Job0", catalog.target(a.wsid()), queues.catalogs());
        }
        long id = record(new NewJob(a.wsid(), queue, false, JobType.QUERY, emptyToNull(taskName), q, intoTable,
                queue.context(), estimate, who.clientAddress(), null));
        jobsChanged.run();
        return id;
    }

    /**
     * Queues a job writing MyDB table {@code table} to a file of {@code type}; {@code outputBase}
     * (scheme://host[:port]) starts the finished job's OutputLoc.
     */
    public long submitExtractJob(Credentials who, String table, String type, String outputBase) {
        Account a = login(who);
        JobType t = jobs.jobTypes().stream()
                .filter(x -> !x.type().equals(JobType.QUERY) && x.type().equalsIgnoreCase(String.valueOf(type).trim()))
                .findFirst().orElseThrow(() -> new CasJobsException("Unknown output type '" + type + "'. Use one of: "
                        + String.join(", ", jobs.jobTypes().stream().map(JobType::type)
                        .filter(x -> !x.equals(JobType.QUERY)).toList()) + "."));
        String name = MyDb.tableName(table);
        try (Connection c = catalog.connect(a.wsid(), MyDb.NAME)) {
            if (name.isEmpty() || !catalog.myDbTableExists(c, a.wsid(), name)) {
                throw new CasJobsException("Table '" + name + "' does not exist in MyDB.");
            }
        } catch (SQLException e) {
            throw new CasJobsException(SqlErrors.message(e), e);
        }
        Queue queue = queues.batchFor(MyDb.NAME, 0);
        long id = record(new NewJob(a.wsid(), queue, false, t.type(), name, null, null, MyDb.NAME, 0,
                who.clientAddress(), outputBase));
        jobsChanged.run();
        return id;
    }

    /**
     * Loads CSV text into a MyDB table: a new one, or an existing one when {@code tableExists};
     * refused while the MyDB is at its quota, and undone if it would take the MyDB past it.
     */
    public void uploadData(Credentials who, String table, String data, boolean tableExists) {
        Account a = login(who);
        if (data == null || data.isBlank()) {
            throw new CasJobsException("The data is empty: send CSV text whose first line names the columns.");
        }
        if (data.length() > uploadMaxBytes) {
            throw new CasJobsException("The data is " + data.length() + " characters long, more than the "
                    + uploadMaxBytes + " this server accepts in one upload. Split it into several UploadData calls"
                    + " (the first with tableExists=false, the others with tableExists=true).");
        }
        try (Connection c = catalog.connect(a.wsid(), MyDb.NAME)) {
            long before = catalog.checkMyDbQuota(a.wsid());
            catalog.upload(c, a.wsid(), table, data, tableExists, () -> {
                if (catalog.grewPastQuota(before, catalog.myDbUsedBytes(a.wsid()))) {
                    throw new CasJobsException(catalog.quotaExceeded(before));
                }
            });
        } catch (SQLException e) {
            if (SqlErrors.internal(e).isPresent()) {
                // the database failed, not the user's data: the fault gives an incident id, the log the cause
                throw new IllegalStateException("UploadData into MyDB." + table + " of wsid " + a.wsid()
                        + ": the database reported an internal error", e);
            }
            throw new CasJobsException(SqlErrors.message(e), e);
        }
    }

    /** Records a new job, once what the user named is known to fit where the job store keeps it. */
    private long record(NewJob job) {
        within(job.taskName(), JobStore.TASK_NAME_MAX, "The task name");
        within(job.intoTable(), JobStore.TABLE_NAME_MAX, "The table name");
        within(job.outputBase(), JobStore.OUTPUT_BASE_MAX, "The server address this request used (its Host header)");
        Queue q = job.queue();
        // A soft bound (parallel submissions may pass it by a few): one user cannot fill a queue for hours.
        if (!q.quick() && jobs.waitingCount(job.wsid(), q.context(), q.minutes()) >= batchWaitingPerUser) {
            throw new CasJobsException("You already have " + batchWaitingPerUser + " jobs waiting in the "
                    + q.serviceName() + " queue, the most one user may; wait for some to start, or cancel some.");
        }
        return jobs.insert(job, now());
    }

    private static void within(String value, int max, String what) {
        if (value != null && value.length() > max) {
            throw new CasJobsException(what + " is " + value.length() + " characters long; at most " + max
                    + " are allowed.");
        }
    }

    private static String requireQuery(String query) {
        if (query == null || query.isBlank()) {
            throw new CasJobsException("The query is empty: send the SQL to run in qry.");
        }
        return query;
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
        if (executor.abort(job)) {
            jobsChanged.run(); // the scheduler completes the cancel of a job that has not started
        }
    }

    public int getJobStatus(Credentials who, long jobId) {
        Account a = login(who);
        // The call clients poll most: its owner and status only, not the whole row.
        JobStore.Status s = jobs.status(jobId).orElseThrow(() -> new CasJobsException("Job " + jobId
                + " does not exist."));
        checkOwner(a, jobId, s.wsid());
        return s.status().code;
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
        return jobs.serviceState(canonicalServiceName(serviceName)).orElse(ServiceState.RUNNING).name();
    }

    /** Suspends (SUSPENDING) or wakes (WAKING) a queue or the scheduler; the scheduler completes the change. */
    public void setServiceState(Credentials who, String serviceName, String state) {
        requireAdmin(login(who));
        String name = canonicalServiceName(serviceName);
        ServiceState s = ServiceState.request(state).orElseThrow(
                () -> new CasJobsException("Unknown state '" + state + "'. Use SUSPENDING or WAKING."));
        jobs.setServiceState(name, s);
    }

    private String canonicalServiceName(String serviceName) {
        String n = serviceName == null ? "" : serviceName.trim();
        if (n.equalsIgnoreCase(ServiceState.SCHEDULER)) {
            return ServiceState.SCHEDULER;
        }
        return queues.byServiceName(n).map(Queue::serviceName).orElseThrow(() -> {
            List<String> names = new ArrayList<>(List.of(ServiceState.SCHEDULER));
            queues.all().forEach(q -> names.add(q.serviceName()));
            return new CasJobsException("Unknown service '" + serviceName + "'. Services: "
                    + String.join(", ", names) + ".");
        });
    }

    private static void checkOwner(Account a, Job job) {
        checkOwner(a, job.jobId(), job.wsid());
    }

    private static void checkOwner(Account a, long jobId, long owner) {
        if (owner != a.wsid() && !a.admin()) {
            throw new CasJobsException("Job " + jobId + " belongs to another user.");
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
