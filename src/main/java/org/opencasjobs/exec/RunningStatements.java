package org.opencasjobs.exec;

import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The statement each running job is executing in this process, so a cancel can stop it, and
 * its deadline, so a job past its queue's limit is stopped even if its session's own timeout was
 * changed.
 */
public final class RunningStatements {
    private record Running(Statement statement, long deadlineNanos) {
    }

    private final ConcurrentHashMap<Long, Running> running = new ConcurrentHashMap<>();

    void register(long jobId, Statement st, long deadlineNanos) {
        running.put(jobId, new Running(st, deadlineNanos));
    }

    void unregister(long jobId) {
        running.remove(jobId);
    }

    /** Stops the job's statement if it runs here; true if there was one. */
    boolean cancel(long jobId) {
        Running r = running.get(jobId);
        if (r == null) {
            return false;
        }
        try {
            r.statement.cancel();
        } catch (SQLException ignored) {
            // the statement has just finished or closed: nothing left to stop
        }
        return true;
    }

    /** Stops every statement past its job's deadline (with a second's grace for the database's own timeout). */
    void cancelOverdue() {
        long now = System.nanoTime();
        running.forEach((id, r) -> {
            if (now - r.deadlineNanos > 1_000_000_000L) {
                cancel(id);
            }
        });
    }

    int size() {
        return running.size();
    }
}
