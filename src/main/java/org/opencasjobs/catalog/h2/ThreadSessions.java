package org.opencasjobs.catalog.h2;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The context sessions of the links to one context with one login, from every MyDB
 * ({@link LinkDriver} shares them): one per thread that executed a statement through them, opened
 * on its first statement and kept while the thread lives. A job runs on one thread, so its link
 * queries share one session, in turn, as H2 allows; two jobs never share one. Quick jobs run on
 * the web server's threads, which come and go: the sessions of threads that ended are closed
 * whenever a new one opens, and all of them when the last link connection using them closes
 * (the last MyDB database closed, as when the catalog closes).
 */
final class ThreadSessions {
    private final String url;
    private final String user;
    private final String password;
    /** By thread id: ids are never reused while the JVM runs, and the key holds no thread alive. */
    private final Map<Long, ThreadSession> byThread = new HashMap<>();
    private final Consumer<ThreadSessions> unlinked;
    private boolean closed;

    /** @param unlinked told when a link connection using these sessions is closed */
    ThreadSessions(String url, String user, String password, Consumer<ThreadSessions> unlinked) {
        this.url = url;
        this.user = user;
        this.password = password;
        this.unlinked = unlinked;
    }

    /** A link connection using these sessions was closed. */
    void unlink() {
        unlinked.accept(this);
    }

    /** The current thread's session, opened now if it has none. */
    ThreadSession current() throws SQLException {
        Thread thread = Thread.currentThread();
        synchronized (this) {
            checkOpen();
            ThreadSession s = byThread.get(thread.getId());
            if (s != null) {
                return s;
            }
        }
        // Outside the lock: opening a session takes a password check, and other threads' statements wait on this.
        Connection c = DriverManager.getConnection(url, user, password);
        ThreadSession opened = new ThreadSession(thread, c);
        List<ThreadSession> ended = new ArrayList<>();
        synchronized (this) {
            if (!closed) {
                byThread.values().removeIf(s -> !s.ownerAlive() && ended.add(s));
                byThread.put(thread.getId(), opened);
            }
        }
        ended.forEach(ThreadSession::close);
        if (closed) {
            opened.close();
            checkOpen();
        }
        return opened;
    }

    /**
     * Closes the sessions that no statement reads now; each other one closes as soon as what it
     * reads is given up.
     */
    void close() {
        List<ThreadSession> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(byThread.values());
            byThread.clear();
        }
        all.forEach(ThreadSession::retire);
    }

    private synchronized void checkOpen() throws SQLException {
        if (closed) {
            throw new SQLException("This link to the context was closed", "08003");
        }
    }

    @Override
    public String toString() {
        return url;
    }
}
