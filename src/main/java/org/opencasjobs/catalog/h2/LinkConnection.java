package org.opencasjobs.catalog.h2;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;

/**
 * The connection H2 shares among all sessions of one MyDB database for a link to a context
 * (see {@link LinkDriver}). {@code prepareStatement(sql)}, through which H2 runs every query of a
 * linked table, gives a {@link LinkStatement}, which runs on the executing thread's own context
 * session; everything else (metadata, the {@code WHERE 1=0} look at a table's columns when a link
 * is made) goes to one base session, whose real result sets let H2 read the columns' exact types.
 * A dynamic proxy, as H2 calls only a few of {@link Connection}'s many methods.
 */
final class LinkConnection implements InvocationHandler {
    private final Connection base;
    private final ThreadSessions sessions;
    private boolean closed;

    private LinkConnection(Connection base, ThreadSessions sessions) {
        this.base = base;
        this.sessions = sessions;
    }

    static Connection of(Connection base, ThreadSessions sessions) {
        return (Connection) Proxy.newProxyInstance(LinkConnection.class.getClassLoader(),
                new Class<?>[] {Connection.class}, new LinkConnection(base, sessions));
    }

    /** H2 may close a link connection more than once; the shared sessions count it once. */
    private synchronized void unlinkOnce() {
        if (!closed) {
            closed = true;
            sessions.unlink();
        }
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        switch (method.getName()) {
            case "prepareStatement":
                if (args.length == 1) {
                    return LinkStatement.of((String) args[0], sessions);
                }
                break;
            case "close":
                try {
                    unlinkOnce();
                } finally {
                    base.close();
                }
                return null;
            case "hashCode":
                return System.identityHashCode(proxy);
            case "equals":
                return proxy == args[0];
            case "toString":
                return "link " + sessions;
            default:
                break;
        }
        try {
            return method.invoke(base, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
