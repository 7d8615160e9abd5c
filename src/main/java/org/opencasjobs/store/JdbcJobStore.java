package org.opencasjobs.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.opencasjobs.jobs.Job;
import org.opencasjobs.jobs.JobStatus;
import org.opencasjobs.jobs.JobType;
import org.opencasjobs.jobs.NewJob;
import org.opencasjobs.jobs.ServiceState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job store in a SQL database reached through JDBC. A status changes by
 * {@code UPDATE … WHERE status = expected} together with a row in job_transitions, in one
 * transaction.
 */
public final class JdbcJobStore implements JobStore {
    private static final String COLUMNS = "jobid, wsid, status, queue, is_quick, is_system, context, job_type,"
            + " task_name, query, modified_query, target, params, into_table, created_table, output_loc, output_base, error, message,"
            + " host_ip, rows_affected, estimate, time_submit, time_start, time_end";

    /** The width of jobs.error (V1 migration). */
    static final int ERROR_CHARS = 4000;

    private static final Logger LOG = LoggerFactory.getLogger("org.opencasjobs.jobs");

    private final DataSource ds;
    /** The batch queues whose queue_claims row is known to exist. */
    private final java.util.Set<String> queueRows = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public JdbcJobStore(DataSource ds) {
        this.ds = ds;
    }

    @Override
    public long insert(NewJob j, LocalDateTime now) {
        return JdbcWork.query(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO jobs (wsid, status, queue, is_quick, is_system,"
                    + " context, job_type, task_name, query, into_table, target, estimate, host_ip, output_base, time_submit)"
                    + " VALUES (?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
                ps.setLong(1, j.wsid());
                ps.setInt(2, j.queue().minutes());
                ps.setBoolean(3, j.queue().quick());
                ps.setBoolean(4, j.system());
                ps.setString(5, j.queue().context());
                ps.setString(6, j.type());
                ps.setString(7, j.taskName());
                ps.setString(8, j.query());
                ps.setString(9, j.intoTable());
                ps.setString(10, j.target());
                ps.setInt(11, j.estimate());
                ps.setString(12, j.hostIp());
                ps.setString(13, j.outputBase());
                ps.setTimestamp(14, Timestamp.valueOf(now));
                ps.executeUpdate();
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    keys.next();
                    long id = keys.getLong(1);
                    LOG.info("job {} submitted by wsid {} to {} ({}{})", id, j.wsid(), j.queue().serviceName(),
                            j.type(), j.queue().quick() ? ", quick" : "");
                    return id;
                }
            }
        });
    }

    @Override
    public Optional<Status> status(long jobId) {
        return JdbcWork.query(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT wsid, status FROM jobs WHERE jobid = ?")) {
                ps.setLong(1, jobId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new Status(rs.getLong(1), JobStatus.of(rs.getInt(2))))
                            : Optional.empty();
                }
            }
        });
    }

    @Override
    public Optional<Job> find(long jobId) {
        return JdbcWork.query(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM jobs WHERE jobid = ?")) {
                ps.setLong(1, jobId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(read(rs)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public boolean transition(long jobId, JobStatus from, JobStatus to, LocalDateTime now, Outcome outcome) {
        return move(jobId, null, from, to, now, outcome);
    }

    @Override
    public boolean transition(long jobId, Lease lease, JobStatus from, JobStatus to, LocalDateTime now,
                              Outcome outcome) {
        return move(jobId, lease, from, to, now, outcome);
    }

    /** A compare-and-set of the status, and with {@code lease} of the node and epoch holding the job. */
    private boolean move(long jobId, Lease lease, JobStatus from, JobStatus to, LocalDateTime now, Outcome outcome) {
        List<String> sets = new ArrayList<>(List.of("status = ?"));
        List<Object> values = new ArrayList<>(List.of(to.code));
        if (to == JobStatus.STARTED || to.isFinal()) {
            sets.add(to == JobStatus.STARTED ? "time_start = ?" : "time_end = ?");
            values.add(Timestamp.valueOf(now));
        } else if (to == JobStatus.READY) {
            sets.add("time_start = NULL"); // re-queued: it has not started as far as anyone can tell
            sets.add("node_id = NULL"); // and no node holds it
        }
        addIfSet(sets, values, "rows_affected", outcome.rows());
        addIfSet(sets, values, "created_table", outcome.createdTable());
        addIfSet(sets, values, "modified_query", outcome.modifiedQuery());
        addIfSet(sets, values, "output_loc", outcome.outputLoc());
        addIfSet(sets, values, "error", fit(outcome.error(), ERROR_CHARS));
        values.add(jobId);
        values.add(from.code);
        String held = "";
        if (lease != null) {
            // Held by the lease, and the lease still held: a node taken as lost changes nothing more.
            held = " AND node_id = ? AND lease_epoch = ? AND EXISTS (SELECT 1 FROM nodes"
                    + " WHERE nodes.node_id = ? AND nodes.epoch = ?)";
            values.add(lease.node());
            values.add(lease.epoch());
            values.add(lease.node());
            values.add(lease.epoch());
        }
        String where = " WHERE jobid = ? AND status = ?" + held;
        return JdbcWork.transaction(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE jobs SET " + String.join(", ", sets) + where)) {
                for (int i = 0; i < values.size(); i++) {
                    ps.setObject(i + 1, values.get(i));
                }
                if (ps.executeUpdate() != 1) {
                    return false;
                }
            }
            recordTransition(c, jobId, from, to, now);
            LOG.info("job {} {} > {}{}", jobId, from.code, to.code,
                    outcome.error() == null ? "" : ": " + outcome.error().replaceAll("\\s+", " "));
            return true;
        });
    }

    @Override
    public List<ActiveCount> activeCounts() {
        return JdbcWork.query(ds, c -> {
            List<ActiveCount> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT context, queue, is_quick, status, COUNT(*) FROM jobs"
                    + " WHERE status IN (0, 1, 2) GROUP BY context, queue, is_quick, status");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new ActiveCount(rs.getString(1), rs.getInt(2), rs.getBoolean(3), JobStatus.of(rs.getInt(4)),
                            rs.getLong(5)));
                }
            }
            return out;
        });
    }

    /**
     * A message shortened to fit its column: a job's ending must never fail because the
     * database's message about the user's SQL was long (it would stay started for good).
     */
    static String fit(String message, int max) {
        if (message == null || message.length() <= max) {
            return message;
        }
        return message.substring(0, max - 1) + "…";
    }

    private static void addIfSet(List<String> sets, List<Object> values, String column, Object value) {
        if (value != null) {
            sets.add(column + " = ?");
            values.add(value);
        }
    }

    /** How many waiting jobs {@link #waitingIds} reads at a time. */
    private static final int WAITING_PAGE = 100;

    @Override
    public List<Long> waitingIds(String context, int queueMinutes, int limit, int perUser) {
        return JdbcWork.query(ds, c -> waitingIds(c, context, queueMinutes, limit, perUser));
    }

    private static List<Long> waitingIds(Connection c, String context, int queueMinutes, int limit, int perUser)
            throws SQLException {
        Map<Long, Integer> running = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT wsid, COUNT(*) FROM jobs WHERE status IN (1, 2)"
                + " AND is_quick = FALSE AND context = ? AND queue = ? GROUP BY wsid")) {
            ps.setString(1, context);
            ps.setInt(2, queueMinutes);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    running.put(rs.getLong(1), rs.getInt(2));
                }
            }
        }
        // In submission order, each user's oldest few only, so one user's long backlog cannot hide
        // another's job; read a page at a time and only as far as needed: a window function over
        // the whole backlog, in every scheduler cycle, made each claim slower the more jobs waited.
        List<Long> out = new ArrayList<>();
        long after = Long.MIN_VALUE;
        while (out.size() < limit) {
            int read = 0;
            // ORDER BY status too, though it is one value: H2 reads jobs_by_status (status, jobid) in
            // its order only when ORDER BY names the index's columns; by jobid alone it sorted every
            // waiting job for each page.
            try (PreparedStatement ps = c.prepareStatement("SELECT jobid, wsid FROM jobs WHERE status = 0"
                    + " AND is_quick = FALSE AND context = ? AND queue = ? AND jobid > ? ORDER BY status, jobid"
                    + " FETCH FIRST " + WAITING_PAGE + " ROWS ONLY")) {
                ps.setString(1, context);
                ps.setInt(2, queueMinutes);
                ps.setLong(3, after);
                try (ResultSet rs = ps.executeQuery()) {
                    while (out.size() < limit && rs.next()) {
                        read++;
                        after = rs.getLong(1);
                        // Every waiting job of a user counts, taken or not: the user's nth is taken
                        // only while its running jobs plus n stay within perUser.
                        if (running.merge(rs.getLong(2), 1, Integer::sum) <= perUser) {
                            out.add(after);
                        }
                    }
                }
            }
            if (read < WAITING_PAGE) {
                break; // the last page, or enough taken
            }
        }
        return out;
    }

    @Override
    public boolean claim(long jobId, Lease lease, LocalDateTime now) {
        return JdbcWork.transaction(ds, c -> Nodes.renew(c, lease) && claim(c, jobId, lease, now));
    }

    @Override
    public List<Long> claimWaiting(String context, int queueMinutes, int queueSlots, int nodeFree, int perUser,
                                   Lease lease, LocalDateTime now) {
        // Most cycles find nothing waiting: they need no lock and write nothing.
        if (nodeFree <= 0 || waitingIds(context, queueMinutes, 1, perUser).isEmpty()) {
            return List.of();
        }
        ensureQueueRow(context, queueMinutes);
        return JdbcWork.transaction(ds, c -> {
            lockQueue(c, context, queueMinutes);
            // A claim proves the node alive: no other node may take it as lost while it claims.
            if (!Nodes.renew(c, lease)) {
                return List.<Long>of();
            }
            int limit = Math.min(nodeFree, queueSlots - runningCount(c, context, queueMinutes));
            List<Long> next = limit <= 0 ? List.of() : waitingIds(c, context, queueMinutes, limit, perUser);
            List<Long> claimed = new ArrayList<>();
            for (long id : lockWaiting(c, next)) {
                if (claim(c, id, lease, now)) {
                    claimed.add(id);
                }
            }
            return claimed;
        });
    }

    @Override
    public QuickClaim claimQuick(long jobId, long wsid, String context, int queueMinutes, int queueSlots, int perUser,
                                 Lease lease, LocalDateTime now) {
        // A quick queue shares the row of a batch queue with as many minutes, if there is one: that
        // only makes their claims take turns, the counts stay apart (is_quick).
        ensureQueueRow(context, queueMinutes);
        return JdbcWork.transaction(ds, c -> {
            lockQueue(c, context, queueMinutes);
            QuickClaim verdict;
            if (!Nodes.renew(c, lease)) {
                verdict = QuickClaim.QUEUE_BUSY; // this node lost its lease: it asks again under the new one
            } else {
                int[] running = quickRunning(c, context, queueMinutes, wsid);
                verdict = running[1] >= perUser ? QuickClaim.USER_BUSY
                        : running[0] >= queueSlots ? QuickClaim.QUEUE_BUSY : QuickClaim.CLAIMED;
            }
            if (verdict == QuickClaim.CLAIMED) {
                return claim(c, jobId, lease, now) ? QuickClaim.CLAIMED : QuickClaim.GONE;
            }
            return waitsFor(c, jobId, lease) ? verdict : QuickClaim.GONE;
        });
    }

    /** The quick queue's jobs running on every node, and how many of them are {@code wsid}'s. */
    private static int[] quickRunning(Connection c, String context, int queueMinutes, long wsid) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*), COUNT(CASE WHEN wsid = ? THEN 1 END)"
                + " FROM jobs WHERE status IN (1, 2) AND is_quick = TRUE AND context = ? AND queue = ?")) {
            ps.setLong(1, wsid);
            ps.setString(2, context);
            ps.setInt(3, queueMinutes);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new int[] {rs.getInt(1), rs.getInt(2)};
            }
        }
    }

    /**
     * Records on a waiting job the lease of the node waiting for its turn to run it (written only
     * when it changes: a job asks again and again); false if the job no longer waits.
     */
    private static boolean waitsFor(Connection c, long jobId, Lease lease) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT status, node_id, lease_epoch FROM jobs WHERE jobid = ?")) {
            ps.setLong(1, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || rs.getInt(1) != JobStatus.READY.code) {
                    return false;
                }
                if (lease.node().equals(rs.getString(2)) && rs.getLong(3) == lease.epoch()) {
                    return true;
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE jobs SET node_id = ?, lease_epoch = ?"
                + " WHERE jobid = ? AND status = 0")) {
            ps.setString(1, lease.node());
            ps.setLong(2, lease.epoch());
            ps.setLong(3, jobId);
            return ps.executeUpdate() == 1;
        }
    }

    /** Locks a queue's row in queue_claims until the transaction ends: the claims of all nodes take turns. */
    private static void lockQueue(Connection c, String context, int queueMinutes) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT queue FROM queue_claims WHERE context = ? AND queue = ? FOR UPDATE")) {
            ps.setString(1, context);
            ps.setInt(2, queueMinutes);
            ps.executeQuery().close();
        }
    }

    /** The batch queue's row in queue_claims, made on the first claim of any node (a race of two is harmless). */
    private void ensureQueueRow(String context, int queueMinutes) {
        if (queueRows.contains(context + "/" + queueMinutes)) {
            return;
        }
        JdbcWork.query(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO queue_claims (context, queue)"
                    + " SELECT ?, ? WHERE NOT EXISTS"
                    + " (SELECT 1 FROM queue_claims WHERE context = ? AND queue = ?)")) {
                ps.setString(1, context);
                ps.setInt(2, queueMinutes);
                ps.setString(3, context);
                ps.setInt(4, queueMinutes);
                ps.executeUpdate();
            } catch (SQLException e) {
                if (!"23505".equals(e.getSQLState())) { // another node made it meanwhile
                    throw e;
                }
            }
            return null;
        });
        queueRows.add(context + "/" + queueMinutes);
    }

    /** The queue's batch jobs running now on every node (claimed: started, or canceling after they started). */
    private static int runningCount(Connection c, String context, int queueMinutes) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM jobs WHERE status IN (1, 2)"
                + " AND time_start IS NOT NULL AND is_quick = FALSE AND context = ? AND queue = ?")) {
            ps.setString(1, context);
            ps.setInt(2, queueMinutes);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** Those of {@code ids} still waiting, locked for this transaction; rows another one is changing are skipped. */
    private static List<Long> lockWaiting(Connection c, List<Long> ids) throws SQLException {
        if (ids.isEmpty()) {
            return List.of();
        }
        String marks = String.join(", ", java.util.Collections.nCopies(ids.size(), "?"));
        List<Long> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT jobid FROM jobs WHERE jobid IN (" + marks + ")"
                + " AND status = 0 ORDER BY jobid FOR UPDATE SKIP LOCKED")) {
            for (int i = 0; i < ids.size(); i++) {
                ps.setLong(i + 1, ids.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
            }
        }
        return out;
    }

    /** 0 → 1 for {@code lease}, with its transition row, in the caller's transaction. */
    private static boolean claim(Connection c, long jobId, Lease lease, LocalDateTime now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE jobs SET status = 1, time_start = ?, node_id = ?,"
                + " lease_epoch = ? WHERE jobid = ? AND status = 0")) {
            ps.setTimestamp(1, Timestamp.valueOf(now));
            ps.setString(2, lease.node());
            ps.setLong(3, lease.epoch());
            ps.setLong(4, jobId);
            if (ps.executeUpdate() != 1) {
                return false;
            }
        }
        recordTransition(c, jobId, JobStatus.READY, JobStatus.STARTED, now);
        LOG.info("job {} 0 > 1 on node {} (epoch {})", jobId, lease.node(), lease.epoch());
        return true;
    }

    @Override
    public List<Long> idsLeftBy(JobStatus status, Lease me) {
        return JdbcWork.query(ds, c -> {
            List<Long> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT jobid FROM jobs WHERE status = ?"
                    + " AND (node_id IS NULL OR (node_id = ? AND lease_epoch < ?)) ORDER BY jobid")) {
                ps.setInt(1, status.code);
                ps.setString(2, me.node());
                ps.setLong(3, me.epoch());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getLong(1));
                    }
                }
            }
            return out;
        });
    }

    @Override
    public int waitingCount(long wsid, String context, int queueMinutes) {
        return JdbcWork.query(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM jobs WHERE status = 0"
                    + " AND is_quick = FALSE AND wsid = ? AND context = ? AND queue = ?")) {
                ps.setLong(1, wsid);
                ps.setString(2, context);
                ps.setInt(3, queueMinutes);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    static void recordTransition(Connection c, long jobId, JobStatus from, JobStatus to, LocalDateTime now)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO job_transitions (jobid, from_status, to_status, changed_at) VALUES (?, ?, ?, ?)")) {
            ps.setLong(1, jobId);
            ps.setInt(2, from.code);
            ps.setInt(3, to.code);
            ps.setTimestamp(4, Timestamp.valueOf(now));
            ps.executeUpdate();
        }
    }

    @Override
    public List<Transition> transitions(long jobId) {
        return JdbcWork.query(ds, c -> {
            List<Transition> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT from_status, to_status, changed_at"
                    + " FROM job_transitions WHERE jobid = ? ORDER BY id")) {
                ps.setLong(1, jobId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Transition(jobId, JobStatus.of(rs.getInt(1)), JobStatus.of(rs.getInt(2)),
                                rs.getTimestamp(3).toLocalDateTime()));
                    }
                }
            }
            return out;
        });
    }

    @Override
    public boolean recordCreating(long jobId, String table) {
        return JdbcWork.transaction(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE jobs SET creating_table = ? WHERE jobid = ? AND status IN (1, 2)")) {
                ps.setString(1, table);
                ps.setLong(2, jobId);
                return ps.executeUpdate() == 1;
            }
        });
    }

    @Override
    public Optional<String> creatingTable(long jobId) {
        return JdbcWork.query(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT creating_table FROM jobs WHERE jobid = ?")) {
                ps.setLong(1, jobId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public java.util.OptionalLong jobCreating(long wsid, String table) {
        return JdbcWork.query(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT MIN(jobid) FROM jobs WHERE wsid = ?"
                    + " AND status IN (1, 2) AND UPPER(creating_table) = UPPER(?)")) {
                ps.setLong(1, wsid);
                ps.setString(2, table);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    long id = rs.getLong(1);
                    return rs.wasNull() ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(id);
                }
            }
        });
    }

    @Override
    public List<String> outputLocations(LocalDateTime endedSince) {
        return JdbcWork.query(ds, c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT output_loc FROM jobs WHERE output_loc IS NOT NULL AND time_end >= ?")) {
                ps.setTimestamp(1, Timestamp.valueOf(endedSince));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
            }
            return out;
        });
    }

    @Override
    public List<Long> idsWithStatus(JobStatus status, boolean neverStarted) {
        return JdbcWork.query(ds, c -> {
            List<Long> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT jobid FROM jobs WHERE status = ?"
                    + (neverStarted ? " AND time_start IS NULL" : "") + " ORDER BY jobid")) {
                ps.setInt(1, status.code);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getLong(1));
                    }
                }
            }
            return out;
        });
    }

    @Override
    public List<Job> list(Conditions.Where where, Long owner, boolean includeSystem) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM jobs WHERE 1 = 1");
        List<Object> params = new ArrayList<>();
        if (owner != null) {
            sql.append(" AND wsid = ?");
            params.add(owner);
        }
        if (!includeSystem) {
            sql.append(" AND is_system = FALSE");
        }
        if (!where.sql().isEmpty()) {
            sql.append(" AND ").append(where.sql());
            params.addAll(where.params());
        }
        sql.append(" ORDER BY jobid DESC");
        return JdbcWork.query(ds, c -> {
            List<Job> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                for (int i = 0; i < params.size(); i++) {
                    ps.setObject(i + 1, params.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(read(rs));
                    }
                }
            }
            return out;
        });
    }

    @Override
    public List<JobType> jobTypes() {
        return JdbcWork.query(ds, c -> {
            List<JobType> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT type_name, description FROM job_types ORDER BY sort_order");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new JobType(rs.getString(1), rs.getString(2)));
                }
            }
            return out;
        });
    }

    @Override
    public Optional<ServiceState> serviceState(String name) {
        return JdbcWork.query(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT state FROM service_states WHERE service_name = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(ServiceState.valueOf(rs.getString(1))) : Optional.empty();
                }
            }
        });
    }

    @Override
    public void setServiceState(String name, ServiceState state) {
        JdbcWork.transaction(ds, c -> {
            try (PreparedStatement up = c.prepareStatement("UPDATE service_states SET state = ? WHERE service_name = ?")) {
                up.setString(1, state.name());
                up.setString(2, name);
                if (up.executeUpdate() == 0) {
                    try (PreparedStatement in = c.prepareStatement(
                            "INSERT INTO service_states (service_name, state) VALUES (?, ?)")) {
                        in.setString(1, name);
                        in.setString(2, state.name());
                        in.executeUpdate();
                    }
                }
            }
            return null;
        });
    }

    @Override
    public void completeServiceStateRequests() {
        JdbcWork.query(ds, c -> {
            for (ServiceState from : ServiceState.values()) {
                ServiceState to = from.completed().orElse(null);
                if (to != null) {
                    try (PreparedStatement ps = c.prepareStatement("UPDATE service_states SET state = ? WHERE state = ?")) {
                        ps.setString(1, to.name());
                        ps.setString(2, from.name());
                        ps.executeUpdate();
                    }
                }
            }
            return null;
        });
    }

    private static Job read(ResultSet rs) throws SQLException {
        return new Job(rs.getLong("jobid"), rs.getLong("wsid"), JobStatus.of(rs.getInt("status")), rs.getInt("queue"),
                rs.getBoolean("is_quick"), rs.getBoolean("is_system"), rs.getString("context"),
                rs.getString("job_type"), rs.getString("task_name"), rs.getString("query"),
                rs.getString("modified_query"), rs.getString("target"), rs.getString("params"),
                rs.getString("into_table"), rs.getString("created_table"), rs.getString("output_loc"), rs.getString("output_base"), rs.getString("error"),
                rs.getString("message"), rs.getString("host_ip"), rs.getLong("rows_affected"),
                rs.getInt("estimate"), time(rs, "time_submit"), time(rs, "time_start"), time(rs, "time_end"));
    }

    private static LocalDateTime time(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toLocalDateTime();
    }
}
