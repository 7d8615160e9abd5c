package org.opencasjobs.catalog.h2;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * The JDBC driver of a MyDB database's links to an H2 context ({@code jdbc:opencasjobs-link:}
 * followed by the context's own H2 URL), so that the context reads lazily without two jobs sharing
 * a context session.
 *
 * <p>H2 gives all the sessions of one database a single connection per link URL and user
 * ({@code TableLinkConnection}): two jobs of one account (two threads) then ran their link
 * queries on one context session, and with lazy results one's commit closed the other's open
 * cursor ("Transaction 1 is closed"). The connection this driver makes instead runs each prepared
 * statement on a context session of the thread that executes it ({@link ThreadSessions}), which
 * reads lazily; metadata goes to one base session. H2 loads a link's driver by class name and
 * calls {@link #connect} on a fresh instance, so nothing here is per instance.
 */
public final class LinkDriver implements Driver {
    /** What a link URL starts with; the context's own URL follows. */
    public static final String PREFIX = "jdbc:opencasjobs-link:";
    private static final String LAZY = "LAZY_QUERY_EXECUTION";

    static {
        try {
            DriverManager.registerDriver(new LinkDriver());
        } catch (SQLException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Public, without arguments: H2 makes one by reflection for each link connection. */
    public LinkDriver() {
    }

    /** The link URL of the H2 database at {@code h2Url}. */
    public static String url(String h2Url) {
        return PREFIX + h2Url;
    }

    /**
     * The URL of the context sessions: with lazy execution, unless the context's URL already says
     * how ({@code SELECT TOP 10} reaches a link without its LIMIT, so an eager session computed and
     * kept the whole table).
     */
    public static String sessionUrl(String h2Url) {
        return h2Url.toUpperCase(Locale.ROOT).contains(LAZY) ? h2Url : h2Url + ";" + LAZY + "=TRUE";
    }

    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        if (!acceptsURL(url)) {
            return null; // another driver's URL, as DriverManager expects
        }
        String target = sessionUrl(url.substring(PREFIX.length()));
        String user = info.getProperty("user");
        String password = info.getProperty("password");
        // Opened now, so that a wrong URL or password fails the link's creation, as H2's own driver does.
        Connection base = DriverManager.getConnection(target, user, password);
        return LinkConnection.of(base, sessions(target, user, password));
    }

    /** One context's sessions, and how many link connections use them. */
    private static final class Shared {
        final ThreadSessions sessions;
        int links;

        Shared(ThreadSessions sessions) {
            this.sessions = sessions;
        }
    }

    /**
     * The sessions of links to one context with one login, shared by the links of every MyDB: a
     * session holds a transaction open in the context while a cursor H2 stopped reading is left
     * open there, and H2 allows a database 255 open transactions; one session per thread and
     * context keeps that to the number of threads, where one per thread and MyDB went past it
     * (bench/: 1000 accounts' first queries).
     */
    private static final Map<List<String>, Shared> SHARED = new HashMap<>();

    private static synchronized ThreadSessions sessions(String url, String user, String password) {
        Shared shared = SHARED.computeIfAbsent(Arrays.asList(url, user, password),
                k -> new Shared(new ThreadSessions(url, user, password, LinkDriver::closed)));
        shared.links++;
        return shared.sessions;
    }

    /** A link connection using {@code sessions} closed: the last one closes them. */
    private static void closed(ThreadSessions sessions) {
        synchronized (LinkDriver.class) {
            Shared shared = SHARED.values().stream().filter(x -> x.sessions == sessions).findFirst().orElse(null);
            if (shared == null || --shared.links > 0) {
                return;
            }
            SHARED.values().remove(shared);
        }
        sessions.close();
    }

    @Override
    public boolean acceptsURL(String url) {
        return url != null && url.startsWith(PREFIX);
    }

    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
        return new DriverPropertyInfo[0];
    }

    @Override
    public int getMajorVersion() {
        return 1;
    }

    @Override
    public int getMinorVersion() {
        return 0;
    }

    @Override
    public boolean jdbcCompliant() {
        return false; // a wrapper for H2's links only
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("no java.util.logging here");
    }
}
