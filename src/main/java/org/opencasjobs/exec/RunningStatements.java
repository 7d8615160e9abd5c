package org.opencasjobs.exec;

import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The statement each running job is executing in this process, so a cancel can stop it; its
 * deadline, so a job past its queue's limit is stopped even if its session's own timeout was
 * changed; and whose MyDB it writes, so a job taking it past its quota is stopped. Each stop
 * records why, the first reason winning, for the run to tell the user.
 */
public final class RunningStatements {
    /** Why a statement was stopped. */
    enum Stop { CANCEL, TIME_LIMIT, QUOTA }

    /** How much a MyDB holds now, in bytes. */
    interface Usage {
        long bytes(long wsid) throws SQLException;
    }

    /** A job's statement; {@code wsid} is -1 when no quota applies, else its MyDB held {@code usedAtStart} bytes. */
    private record Running(Statement statement, long deadlineNanos, long wsid, long usedAtStart,
                           AtomicReference<Stop> stopped) {
    }

    private final ConcurrentHashMap<Long, Running> running = new ConcurrentHashMap<>();

    void register(long jobId, Statement st, long deadlineNanos) {
        register(jobId, st, deadlineNanos, -1, 0);
    }

    void register(long jobId, Statement st, long deadlineNanos, long wsid, long usedAtStart) {
        running.put(jobId, new Running(st, deadlineNanos, wsid, usedAtStart, new AtomicReference<>()));
    }

    void unregister(long jobId) {
        running.remove(jobId);
    }

    /** Whether the job has a statement registered here now. */
    boolean runs(long jobId) {
        return running.containsKey(jobId);
    }

    /** Why the job's statement was stopped, or null if it was not (or the job does not run here). */
    Stop stopped(long jobId) {
        Running r = running.get(jobId);
        return r == null ? null : r.stopped.get();
    }

    /** Stops the job's statement if it runs here (a cancel or a server stop); true if there was one. */
    boolean cancel(long jobId) {
        return stop(jobId, Stop.CANCEL);
    }

    private boolean stop(long jobId, Stop why) {
        Running r = running.get(jobId);
        if (r == null) {
            return false;
        }
        r.stopped.compareAndSet(null, why);
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
                stop(id, Stop.TIME_LIMIT);
            }
        });
    }

    /**
     * Stops the statements of jobs whose MyDB has grown past {@code quotaBytes} since they
     * started, measuring each MyDB once. A MyDB that cannot be measured now is left for the
     * next time.
     */
    void stopOverQuota(long quotaBytes, Usage usage) {
        Map<Long, List<Map.Entry<Long, Running>>> byAccount = new HashMap<>();
        running.entrySet().stream().filter(e -> e.getValue().wsid >= 0)
                .forEach(e -> byAccount.computeIfAbsent(e.getValue().wsid, w -> new java.util.ArrayList<>()).add(e));
        byAccount.forEach((wsid, jobs) -> {
            long now;
            try {
                now = usage.bytes(wsid);
            } catch (SQLException | RuntimeException e) {
                return;
            }
            for (Map.Entry<Long, Running> e : jobs) {
                if (now > quotaBytes && now > e.getValue().usedAtStart) {
                    stop(e.getKey(), Stop.QUOTA);
                }
            }
        });
    }

    int size() {
        return running.size();
    }
}
