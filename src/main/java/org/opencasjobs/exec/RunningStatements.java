package org.opencasjobs.exec;

import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ConcurrentHashMap;

/** The statement each running job is executing in this process, so a cancel can stop it. */
public final class RunningStatements {
    private final ConcurrentHashMap<Long, Statement> running = new ConcurrentHashMap<>();

    void register(long jobId, Statement st) {
        running.put(jobId, st);
    }

    void unregister(long jobId) {
        running.remove(jobId);
    }

    /** Stops the job's statement if it runs here; true if there was one. */
    boolean cancel(long jobId) {
        Statement st = running.get(jobId);
        if (st == null) {
            return false;
        }
        try {
            st.cancel();
        } catch (SQLException ignored) {
            // the statement has just finished or closed: nothing left to stop
        }
        return true;
    }

    int size() {
        return running.size();
    }
}
