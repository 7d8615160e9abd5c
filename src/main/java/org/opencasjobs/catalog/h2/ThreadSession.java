package org.opencasjobs.catalog.h2;

import java.lang.ref.WeakReference;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * One thread's session in a context, for one link connection ({@link ThreadSessions}).
 *
 * <p>Only its own thread executes statements here or closes them: closing a lazy result commits
 * the session, and a commit from another thread while the owner reads a lazy cursor closed that
 * cursor's transaction (the bug this class exists for). So a statement given up from another
 * thread (a {@link LinkStatement} moved to another thread, or dropped unread by H2) waits in
 * {@link #released} until the owner prepares its next one. The whole session is closed from
 * another thread only when its owner has ended, or when the link is closed and nothing reads here.
 */
final class ThreadSession {
    private final WeakReference<Thread> owner;
    private final Connection connection;
    /** Statements prepared here that a LinkStatement still holds, each with the result it gave last. */
    private final Map<PreparedStatement, ResultSet> held = new IdentityHashMap<>();
    /** Statements given up from another thread, closed by the owner. */
    private final List<PreparedStatement> released = new ArrayList<>();
    /** The link was closed: close as soon as nothing reads. */
    private boolean retiring;
    private boolean closed;

    ThreadSession(Thread owner, Connection connection) {
        this.owner = new WeakReference<>(owner);
        this.connection = connection;
    }

    boolean ownerAlive() {
        Thread t = owner.get();
        return t != null && t.isAlive();
    }

    /** Prepares {@code sql} here, on the owner's thread, first closing what other threads gave up. */
    synchronized PreparedStatement prepare(String sql) throws SQLException {
        checkOpen();
        for (PreparedStatement p : released) {
            closeQuietly(p);
        }
        released.clear();
        PreparedStatement p = connection.prepareStatement(sql);
        held.put(p, null);
        return p;
    }

    /**
     * Executes {@code p} (prepared here) and remembers its result, so that closing the link
     * leaves this session open while that result is read.
     */
    synchronized boolean execute(PreparedStatement p) throws SQLException {
        checkOpen();
        boolean rows = p.execute();
        held.put(p, p.getResultSet());
        return rows;
    }

    /** {@code p} is given up by its LinkStatement: closed now on the owner's thread, else by the owner later. */
    synchronized void release(PreparedStatement p) {
        held.remove(p);
        if (closed) {
            return;
        }
        if (owner.get() == Thread.currentThread()) {
            closeQuietly(p);
        } else {
            released.add(p);
        }
        if (retiring) {
            closeIfNothingReads();
        }
    }

    /** The link closed: closes now if nothing reads here, else once the last reader gives up. */
    synchronized void retire() {
        retiring = true;
        if (!ownerAlive()) {
            close();
        } else {
            closeIfNothingReads();
        }
    }

    /** Closes the session, with its statements: only when its owner ended or nothing reads. */
    synchronized void close() {
        if (!closed) {
            closed = true;
            held.clear();
            released.clear();
            try {
                connection.close();
            } catch (SQLException ignored) {
                // closed with the context database already
            }
        }
    }

    private void closeIfNothingReads() {
        for (ResultSet rs : held.values()) {
            try {
                if (rs != null && !rs.isClosed()) {
                    return;
                }
            } catch (SQLException e) {
                // cannot tell: count it as read
                return;
            }
        }
        close();
    }

    private void checkOpen() throws SQLException {
        if (closed) {
            throw new SQLException("This link's session in the context was closed", "08003");
        }
    }

    private static void closeQuietly(PreparedStatement p) {
        try {
            p.close();
        } catch (SQLException ignored) {
            // its session is gone: nothing left to free
        }
    }
}
