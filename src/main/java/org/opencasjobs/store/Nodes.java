package org.opencasjobs.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import javax.sql.DataSource;
import org.opencasjobs.jobs.JobStatus;
import org.opencasjobs.store.JobStore.Lease;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The nodes sharing a job store, each a row whose heartbeat is the database's clock at its last
 * renewal (CURRENT_TIMESTAMP: nodes' own clocks may be skewed, the database's is one). A node whose
 * heartbeat is older than the lease is lost: any other node removes its row and ends the jobs it
 * held, and the lost node, when it comes back, finds its row gone and must rejoin under a new epoch.
 */
public final class Nodes {
    private static final Logger LOG = LoggerFactory.getLogger(Nodes.class);

    /** A job that was running on a lost node, as it was ended: failed (4), or cancelled (3) if a cancel was asked. */
    public record LostJob(long jobId, long wsid, String node, JobStatus endedAs, String creatingTable) {
    }

    private final DataSource ds;

    public Nodes(DataSource ds) {
        this.ds = ds;
    }

    /**
     * Registers the node {@code nodeId} under a new lease, whose epoch no lease had before. An
     * earlier lease of the same id (a process with this id that died, or this one before it lost
     * its lease) ends here: node ids are unique, so that process is gone, and the jobs it held are
     * ended by the next sweep.
     */
    public Lease join(String nodeId) {
        return JdbcWork.transaction(ds, c -> {
            try (PreparedStatement del = c.prepareStatement("DELETE FROM nodes WHERE node_id = ?")) {
                del.setString(1, nodeId);
                if (del.executeUpdate() > 0) {
                    LOG.info("node {} joins again: its earlier lease ends", nodeId);
                }
            }
            try (PreparedStatement in = c.prepareStatement("INSERT INTO nodes (node_id, started, heartbeat)"
                    + " VALUES (?, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)", Statement.RETURN_GENERATED_KEYS)) {
                in.setString(1, nodeId);
                in.executeUpdate();
                try (ResultSet keys = in.getGeneratedKeys()) {
                    keys.next();
                    return new Lease(nodeId, keys.getLong(1));
                }
            }
        });
    }

    /** Renews the lease's heartbeat; false if the lease is gone (the node was taken as lost, or rejoined). */
    public boolean renew(Lease lease) {
        return JdbcWork.query(ds, c -> renew(c, lease));
    }

    /** As {@link #renew(Lease)}, in the caller's transaction, whose end it then holds the node's row for. */
    static boolean renew(Connection c, Lease lease) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE nodes SET heartbeat = CURRENT_TIMESTAMP WHERE node_id = ? AND epoch = ?")) {
            ps.setString(1, lease.node());
            ps.setLong(2, lease.epoch());
            return ps.executeUpdate() == 1;
        }
    }

    /** Removes every lease but {@code kept}: on a job store only one process can open, all others are over. */
    public void forgetAllBut(Lease kept) {
        JdbcWork.query(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM nodes WHERE epoch <> ?")) {
                ps.setLong(1, kept.epoch());
                return ps.executeUpdate();
            }
        });
    }

    /** Removes the lease's row: a node stopping on purpose, after its jobs went back to the queue. */
    public void leave(Lease lease) {
        JdbcWork.query(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM nodes WHERE node_id = ? AND epoch = ?")) {
                ps.setString(1, lease.node());
                ps.setLong(2, lease.epoch());
                return ps.executeUpdate();
            }
        });
    }

    /** The leases now registered, and how long ago (by the database's clock) each was renewed. */
    public record Member(Lease lease, Duration silentFor) {
    }

    public List<Member> members() {
        return JdbcWork.query(ds, c -> {
            List<Member> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT node_id, epoch, heartbeat, CURRENT_TIMESTAMP FROM nodes ORDER BY node_id");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Member(new Lease(rs.getString(1), rs.getLong(2)), Duration.between(
                            rs.getObject(3, OffsetDateTime.class), rs.getObject(4, OffsetDateTime.class))));
                }
            }
            return out;
        });
    }

    /**
     * Takes as lost every node whose heartbeat is older than {@code lease} (removing its row, if it
     * did not renew meanwhile), then ends every running job held under a lease that no longer has a
     * row: a lost node's, or one a node that stopped left running. Started jobs fail with
     * {@code message} (given the node's id); jobs asked to cancel are cancelled. Each job changes
     * by compare-and-set on its status, node and epoch, with its transition row.
     */
    public List<LostJob> sweep(Duration lease, LocalDateTime now, Function<String, String> message) {
        for (Member m : members()) {
            if (m.silentFor().compareTo(lease) > 0 && remove(m.lease(), lease)) {
                LOG.warn("node {} (epoch {}) is lost: no heartbeat for {} s, more than its {} s lease", m.lease().node(),
                        m.lease().epoch(), m.silentFor().toSeconds(), lease.toSeconds());
            }
        }
        List<LostJob> ended = new ArrayList<>();
        for (LostJob orphan : orphans()) {
            if (endOrphan(orphan, now, message.apply(orphan.node()))) {
                ended.add(orphan);
            }
        }
        return ended;
    }

    /** Removes a lease's row if its heartbeat is still older than {@code lease} now. */
    private boolean remove(Lease silent, Duration lease) {
        return JdbcWork.transaction(ds, c -> {
            OffsetDateTime beat;
            OffsetDateTime now;
            try (PreparedStatement ps = c.prepareStatement("SELECT heartbeat, CURRENT_TIMESTAMP FROM nodes"
                    + " WHERE node_id = ? AND epoch = ? FOR UPDATE")) {
                ps.setString(1, silent.node());
                ps.setLong(2, silent.epoch());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return false; // another node took it as lost first
                    }
                    beat = rs.getObject(1, OffsetDateTime.class);
                    now = rs.getObject(2, OffsetDateTime.class);
                }
            }
            if (Duration.between(beat, now).compareTo(lease) <= 0) {
                return false; // it renewed after all
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM nodes WHERE node_id = ? AND epoch = ?")) {
                ps.setString(1, silent.node());
                ps.setLong(2, silent.epoch());
                return ps.executeUpdate() == 1;
            }
        });
    }

    /**
     * Waiting (0) quick jobs no live node waits on: not yet noted as waited on, or noted by a lease
     * that has no row any more. A node asks for a quick job's start the moment it has recorded it,
     * and notes it as its own while the queue is full ({@link JobStore#claimQuick}), so one that
     * stays so was left by a node that stopped in between (see {@link #failWaitingQuick}).
     */
    public List<Long> waitingQuickJobs() {
        return JdbcWork.query(ds, c -> {
            List<Long> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT jobid FROM jobs WHERE status = 0 AND is_quick"
                    + UNATTENDED + " ORDER BY jobid"); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
            }
            return out;
        });
    }

    /** Of waiting jobs, those no live node has noted as waited on. */
    private static final String UNATTENDED = " AND (node_id IS NULL OR NOT EXISTS (SELECT 1 FROM nodes n"
            + " WHERE n.node_id = jobs.node_id AND n.epoch = jobs.lease_epoch))";

    /**
     * Fails a quick job still waiting with no live node waiting on it (0 → 4, compare-and-set on
     * its status, with its transition row): false if it was claimed, ended or noted meanwhile.
     */
    public boolean failWaitingQuick(long jobId, LocalDateTime now, String message) {
        return JdbcWork.transaction(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE jobs SET status = ?, time_end = ?, error = ?"
                    + " WHERE jobid = ? AND status = ? AND is_quick" + UNATTENDED)) {
                ps.setInt(1, JobStatus.FAILED.code);
                ps.setTimestamp(2, Timestamp.valueOf(now));
                ps.setString(3, JdbcJobStore.fit(message, JdbcJobStore.ERROR_CHARS));
                ps.setLong(4, jobId);
                ps.setInt(5, JobStatus.READY.code);
                if (ps.executeUpdate() != 1) {
                    return false;
                }
            }
            JdbcJobStore.recordTransition(c, jobId, JobStatus.READY, JobStatus.FAILED, now);
            return true;
        });
    }

    /** Running jobs whose lease has no row any more: how each will be ended. */
    private List<LostJob> orphans() {
        return JdbcWork.query(ds, c -> {
            List<LostJob> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT jobid, node_id, status, creating_table, wsid FROM jobs j"
                    + " WHERE status IN (1, 2) AND node_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM nodes n"
                    + " WHERE n.node_id = j.node_id AND n.epoch = j.lease_epoch) ORDER BY jobid");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    JobStatus status = JobStatus.of(rs.getInt(3));
                    out.add(new LostJob(rs.getLong(1), rs.getLong(5), rs.getString(2),
                            status == JobStatus.CANCELING ? JobStatus.CANCELLED : JobStatus.FAILED, rs.getString(4)));
                }
            }
            return out;
        });
    }

    private boolean endOrphan(LostJob job, LocalDateTime now, String message) {
        JobStatus from = job.endedAs() == JobStatus.CANCELLED ? JobStatus.CANCELING : JobStatus.STARTED;
        return JdbcWork.transaction(ds, c -> {
            // Its lease has no row, and epochs only grow: no node can hold this job again, so the
            // compare on status alone (with the node, for the log) is enough.
            try (PreparedStatement ps = c.prepareStatement("UPDATE jobs SET status = ?, time_end = ?"
                    + (from == JobStatus.STARTED ? ", error = ?" : "")
                    + " WHERE jobid = ? AND status = ? AND node_id = ? AND NOT EXISTS (SELECT 1 FROM nodes n"
                    + " WHERE n.node_id = jobs.node_id AND n.epoch = jobs.lease_epoch)")) {
                int i = 1;
                ps.setInt(i++, job.endedAs().code);
                ps.setTimestamp(i++, Timestamp.valueOf(now));
                if (from == JobStatus.STARTED) {
                    ps.setString(i++, JdbcJobStore.fit(message, JdbcJobStore.ERROR_CHARS));
                }
                ps.setLong(i++, job.jobId());
                ps.setInt(i++, from.code);
                ps.setString(i, job.node());
                if (ps.executeUpdate() != 1) {
                    return false;
                }
            }
            JdbcJobStore.recordTransition(c, job.jobId(), from, job.endedAs(), now);
            LOG.info("job {} {} > {}: node {} was lost", job.jobId(), from.code, job.endedAs().code, job.node());
            return true;
        });
    }
}
