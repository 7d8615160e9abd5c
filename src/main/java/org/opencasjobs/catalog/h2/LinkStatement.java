package org.opencasjobs.catalog.h2;

import java.lang.ref.Cleaner;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Map;
import java.util.TreeMap;

/**
 * A statement of a link connection ({@link LinkConnection}) as H2 holds it: the SQL, its
 * parameters and fetch size, run on the context session of the thread that executes it.
 *
 * <p>H2 caches a link's prepared statements by SQL and takes one out while a cursor reads it, so
 * one of these is used by one thread at a time, but by any thread over time: it keeps the real
 * statement while the same thread executes it and prepares it again on another thread's session.
 * Two cursors on the same SQL at once (a self-join) are two of these, each with its own real
 * statement, so neither closes the other's result. A cursor H2 stops reading early (TOP 10) is
 * dropped with its statement, never closed; when the garbage collector finds this statement gone,
 * its real one is handed back to its session, to be closed there ({@link ThreadSession#release}).
 */
final class LinkStatement implements InvocationHandler {
    /** One daemon thread for all links; its work is only to hand statements back. */
    private static final Cleaner CLEANER = Cleaner.create();

    private final String sql;
    private final ThreadSessions sessions;
    private final Prepared prepared = new Prepared();
    private Cleaner.Cleanable cleanable;
    /** The parameters as H2 set them, by index, given to the real statement at each execution. */
    private final Map<Integer, Call> parameters = new TreeMap<>();
    private int fetchSize;
    private boolean closed;

    private record Call(Method method, Object[] args) {
    }

    /**
     * Where the real statement is: shared with the cleaning action, which must not reach the
     * statement H2 held (else it would never be collected).
     */
    private static final class Prepared implements Runnable {
        private ThreadSession session;
        private PreparedStatement statement;

        /** The real statement on {@code here}, prepared there now if it is elsewhere or missing. */
        synchronized PreparedStatement on(ThreadSession here, String sql) throws SQLException {
            if (session != here) {
                run();
                statement = here.prepare(sql);
                session = here;
            }
            return statement;
        }

        synchronized PreparedStatement statement() {
            return statement;
        }

        /** Gives the real statement back to its session. */
        @Override
        public synchronized void run() {
            if (statement != null) {
                session.release(statement);
                statement = null;
                session = null;
            }
        }
    }

    private LinkStatement(String sql, ThreadSessions sessions) {
        this.sql = sql;
        this.sessions = sessions;
    }

    static PreparedStatement of(String sql, ThreadSessions sessions) {
        LinkStatement handler = new LinkStatement(sql, sessions);
        PreparedStatement proxy = (PreparedStatement) Proxy.newProxyInstance(LinkStatement.class.getClassLoader(),
                new Class<?>[] {PreparedStatement.class}, handler);
        handler.cleanable = CLEANER.register(proxy, handler.prepared);
        return proxy;
    }

    @Override
    public synchronized Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        String name = method.getName();
        boolean noArgs = args == null || args.length == 0;
        switch (name) {
            case "execute":
            case "executeQuery":
                if (noArgs) {
                    return execute(name.equals("executeQuery"));
                }
                break;
            case "getResultSet":
                PreparedStatement p = prepared.statement();
                return p == null ? null : p.getResultSet();
            case "setFetchSize":
                fetchSize = (Integer) args[0];
                return null;
            case "getFetchSize":
                return fetchSize;
            case "clearParameters":
                parameters.clear();
                return null;
            case "close":
                closed = true;
                cleanable.clean();
                return null;
            case "isClosed":
                return closed;
            case "hashCode":
                return System.identityHashCode(proxy);
            case "equals":
                return proxy == args[0];
            case "toString":
                return sql;
            default:
                if (name.startsWith("set") && args != null && args.length >= 2 && args[0] instanceof Integer index) {
                    parameters.put(index, new Call(method, args));
                    return null;
                }
                break;
        }
        // Whatever else H2 may call, on this thread's real statement.
        return call(method, args, prepareHere());
    }

    private Object execute(boolean query) throws Throwable {
        ThreadSession session = sessions.current();
        PreparedStatement p = prepareHere(session);
        if (fetchSize != 0) {
            p.setFetchSize(fetchSize);
        }
        p.clearParameters();
        for (Call c : parameters.values()) {
            call(c.method(), c.args(), p);
        }
        boolean rows = session.execute(p);
        return query ? p.getResultSet() : rows;
    }

    private PreparedStatement prepareHere() throws SQLException {
        return prepareHere(sessions.current());
    }

    private PreparedStatement prepareHere(ThreadSession session) throws SQLException {
        if (closed) {
            throw new SQLException("This statement of a link to the context was closed", "HY010");
        }
        return prepared.on(session, sql);
    }

    private static Object call(Method method, Object[] args, PreparedStatement on) throws Throwable {
        try {
            return method.invoke(on, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
