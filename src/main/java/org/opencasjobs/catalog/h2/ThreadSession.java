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
 * One thread's session in a context, for the links to it ({@link ThreadSessions}).
 *
 * <p>Only its own thread executes statements here. Closing a lazy result commits the session, and
 * a commit from another thread while the owner read a lazy cursor closed that cursor's
 * transaction (the bug these classes exist for). So a statement given up on another thread (a
 * {@link LinkStatement} moved to another thread, or dropped unread by H2) is closed there only
 * while nothing reads here, else it waits in {@link #released} until the owner prepares its next
 * one. The whole session is closed from another thread only when its owner has ended, or when
 * the links are closed and nothing reads here.
 */
final class ThreadSession {
    private final WeakReference<Thread> owner;
    private final Connection connection;
    /** Statements prepared here that a LinkStatement still holds, each with the result it gave last. */
    private final Map<PreparedStatement, ResultSet> held = new IdentityHashMap<>();
    /** Statements given up on another thread while something read here: closed by the owner. */
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
        closeReleased();
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

    /**
     * {@code p} is given up by its LinkStatement. Closed now if this is the owner's thread, or if
     * nothing reads here (the owner is between statements: its next one waits for this monitor):
     * a cursor H2 stopped reading holds a transaction open in the context until its statement is
     * closed or the session's next statement commits, and a database allows only 255. Else closed
     * by the owner before its next statement.
     */
    synchronized void release(PreparedStatement p) {
        held.remove(p);
        if (closed) {
            return;
        }
        if (owner.get() == Thread.currentThread()) {
            closeQuietly(p);
        } else if (!reading()) {
            closeQuietly(p);
            closeReleased();
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
        if (!reading()) {
            close();
        }
    }

    private void closeReleased() {
        for (PreparedStatement p : released) {
            closeQuietly(p);
        }
        released.clear();
    }

    /** Whether a result of a statement held here is open: its reader may be at it now. */
    private boolean reading() {
        for (ResultSet rs : held.values()) {
            try {
                if (rs != null && !rs.isClosed()) {
                    return true;
                }
            } catch (SQLException e) {
                return true; // cannot tell: count it as read
            }
        }
        return false;
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
