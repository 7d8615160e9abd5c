package org.opencasjobs.catalog.h2;

import java.sql.Connection;
import java.sql.SQLException;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.schema.Schema;
import org.h2.table.Table;
import org.h2.table.TableLink;

/**
 * The driver and URL through which a MyDB database's linked tables read a context, and whether a
 * link was made with an older URL.
 *
 * <p>H2 sends a linked table no LIMIT: {@code SELECT TOP 10 … FROM PhotoObj} becomes
 * {@code SELECT * FROM PhotoObj T WHERE …} in the context, and the MyDB stops reading after ten
 * rows. Unless the context's session runs lazily, H2 there builds the whole answer in memory before
 * the first row leaves (100,000 rows for a 100,000-row table), and keeps it with the prepared
 * statement the link caches: a quick TOP 10 cost tens of milliseconds, and each open MyDB held a
 * copy of every table it had read (bench/: 266 MB of rows for 64 open MyDBs). With
 * {@code LAZY_QUERY_EXECUTION} the context computes only the rows fetched (a fetch of
 * {@code FETCH_SIZE}) and keeps none. But H2 shares one link connection among all sessions of a
 * MyDB, and two jobs reading lazily on one context session broke each other's cursors; so an H2
 * context is reached through {@link LinkDriver}, which gives each thread its own lazy session.
 */
public final class ContextLinks {
    private static final String H2_DRIVER = "org.h2.Driver";

    private ContextLinks() {
    }

    /** The JDBC driver class a link to a context reached by {@code driver} names: ours for H2. */
    public static String driver(String driver) {
        return H2_DRIVER.equals(driver) ? LinkDriver.class.getName() : driver;
    }

    /**
     * The URL a link to a context reached by {@code driver} at {@code url} uses: for H2, through
     * {@link LinkDriver}; others as they are.
     */
    public static String url(String driver, String url) {
        return H2_DRIVER.equals(driver) ? LinkDriver.url(url) : url;
    }

    /**
     * Whether {@code schema.table} in the admin's database is a linked table made with another URL
     * than {@code url} (by an older version, or before a context's settings changed): such a link
     * is to be made again.
     */
    public static boolean madeWithOtherUrl(Connection admin, String schema, String table, String url)
            throws SQLException {
        if (!(admin.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal session)) {
            return false; // not an embedded database: nothing to compare
        }
        Schema s = session.getDatabase().findSchema(schema);
        Table t = s == null ? null : s.findTableOrView(session, table);
        // The CREATE statement H2 keeps names the URL as an SQL string literal.
        return t instanceof TableLink link && !link.getCreateSQL().contains("'" + url.replace("'", "''") + "'");
    }
}
