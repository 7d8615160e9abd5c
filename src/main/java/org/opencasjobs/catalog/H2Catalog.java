package org.opencasjobs.catalog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.h2.api.ErrorCode;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.FileStore;
import org.opencasjobs.catalog.h2.ContextLinks;
import org.opencasjobs.catalog.h2.H2Functions;
import org.opencasjobs.catalog.sdss.LookupTables;
import org.opencasjobs.catalog.sdss.SdssSample;
import org.opencasjobs.catalog.sdss.SkyFunctionInstaller;
import org.opencasjobs.catalog.sdss.ZoneIndex;
import org.opencasjobs.config.ServerConfig;
import org.opencasjobs.dialect.Target;
import org.opencasjobs.jobs.MyDb;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where user SQL runs, apart from the job store. Each context is an H2 database of its own
 * (read-only to users), or a schema of an existing database reached by JDBC
 * ({@code casjobs.context.NAME.url}); each account's MyDB is an H2 database of its own, in which
 * the account is a database user owning only schema {@code MyDB}, and each context appears as a
 * schema of read-only linked tables. So one user's SQL cannot name, list or touch another user's tables,
 * and everything that reaches files or other databases needs admin rights the user lacks.
 */
public final class H2Catalog implements Catalog {
    private static final Logger LOG = LoggerFactory.getLogger(H2Catalog.class);
    /** SQL Server's dialect and identifier case, fixed when a database is created. */
    static final String MODE = ";MODE=MSSQLServer;DATABASE_TO_UPPER=FALSE;CASE_INSENSITIVE_IDENTIFIERS=TRUE";
    /** No trace files; closed by {@link #close()} after the workers stop, not by H2's shutdown hook. */
    private static final String CLOSED_BY_US = ";TRACE_LEVEL_FILE=0;DB_CLOSE_ON_EXIT=FALSE";
    private static final String ADMIN = "catalog_admin";
    static final String READER = "reader";
    /** A fixed seed: the sample catalog is the same on every machine. */
    static final long SAMPLE_SEED = 20031118L;
    /** Where H2 looks for a function the user names without a schema, after the current schema. */
    private static final List<String> FUNCTION_SCHEMAS = List.of("PUBLIC", SkyFunctionInstaller.SCHEMA);
    /** H2's error for a database that does not exist, opened with IFEXISTS=TRUE. */

    final Path contextsDir;
    private final Path mydbDir;
    private final CatalogSecrets secrets;
    /**
     * How linked tables reach a context: the JDBC driver class, URL and credentials, and the
     * schema there whose tables are linked.
     */
    record Source(String driver, String url, String user, String password, String schema, boolean external) {
    }

    /**
     * One connection per context keeps its database open and lists its tables: as the admin for
     * a managed context, with the configured credentials for an external one.
     */
    final Map<String, Connection> contextAdmins = new LinkedHashMap<>();
    final Map<String, Source> sources = new LinkedHashMap<>();
    /**
     * Per account whose MyDB is open, the admin connection that holds its database open: H2
     * applies the SQL Server mode and identifier case only when a database is opened with them,
     * which a plain user's connection may not do, so user connections must always join a database
     * opened here. Each open database costs about 3 MB of heap with the Sample context (its
     * linked tables and views; bench/), so at most {@link #myDbOpenMax} are kept open: beyond
     * that, the least recently used ones that no job or query is using are closed, and opened
     * again on their next use; and those nobody used for a while are closed too.
     */
    private final Map<Long, OpenMyDb> myDbs = new ConcurrentHashMap<>();
    private int myDbOpenMax = Integer.MAX_VALUE;
    /** Closes MyDBs nobody used for {@code casjobs.mydb.idle.seconds}; null when that is 0. */
    private java.util.concurrent.ScheduledExecutorService idleCloser;
    /** The most live data one MyDB may hold, in bytes ({@code casjobs.mydb.quota.mb}). */
    private long myDbQuotaBytes = Long.MAX_VALUE;

    /** An account's open MyDB database; its monitor orders user connections against closing it. */
    private static final class OpenMyDb {
        final Connection admin;
        /**
         * The URL and password of the account's own connections, derived once: an HMAC per
         * connection cost a quick job more CPU than its query (bench/, JFR).
         */
        final String userUrl;
        final String userPassword;
        volatile long lastUsedNanos = System.nanoTime();
        /** Set, under the monitor, when the admin connection is closed: the entry is gone for good. */
        boolean closed;

        OpenMyDb(Connection admin, String userUrl, String userPassword) {
            this.admin = admin;
            this.userUrl = userUrl;
            this.userPassword = userPassword;
        }
    }

    H2Catalog(Path dir) throws IOException {
        contextsDir = dir.resolve("contexts");
        mydbDir = dir.resolve("mydb");
        Files.createDirectories(contextsDir);
        Files.createDirectories(mydbDir);
        secrets = CatalogSecrets.load(dir.resolve("secret"));
    }

    /** Opens (creating on first use) every configured context; Sample gets the synthetic catalog. */
    public static H2Catalog open(ServerConfig config) throws IOException, SQLException {
        H2Catalog c = new H2Catalog(config.dataDir().resolve("catalog"));
        c.myDbOpenMax = config.myDbOpenMax();
        c.myDbQuotaBytes = config.myDbQuotaBytes();
        c.closeIdleEvery(config.myDbIdleSeconds());
        try {
            for (String name : config.contexts()) {
                if (config.contextUrl(name).isEmpty()) {
                    c.openContext(name, config.sampleRows());
                } else {
                    c.openExternal(name, config);
                }
            }
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }

    String contextUrl(String name) {
        return "jdbc:h2:file:" + contextsDir.resolve(name);
    }

    void openContext(String name, int sampleRows) throws SQLException {
        Connection admin = openManaged(name, "");
        contextAdmins.put(name, admin);
        sources.put(name, new Source("org.h2.Driver", contextUrl(name), READER, secrets.password("reader"), name, false));
        try (Statement s = admin.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS " + quote(name));
            s.execute("CREATE USER IF NOT EXISTS " + READER + " PASSWORD '" + secrets.password("reader") + "'");
            s.execute("GRANT SELECT ON SCHEMA " + quote(name) + " TO " + READER);
        }
        // before the tables are listed and linked into MyDBs: a killed context load's half table
        for (String t : StagingTables.dropLeftovers(admin, name)) {
            LOG.info("dropped {}.\"{}\": the staging table of a context load that did not finish", name, t);
        }
        if (SdssSample.generates(name) && sampleRows > 0 && tables(name).isEmpty()) {
            // Seconds to tens of seconds at the default size, before the web server answers: say why.
            int rows = SdssSample.rowsFor(name, sampleRows);
            LOG.info("generating the {} context: {} PhotoObjAll rows (once, on the first start)", name, rows);
            SdssSample.generate(admin, name, name, rows, SAMPLE_SEED);
            LOG.info("generated the {} context", name);
        }
        buildSkyIndex(admin, name);
    }

    /**
     * Builds a context's zone index and SkyServer lookup tables where it has a PhotoObjAll and
     * they are missing or out of date, so the cone functions read an index (catalog.sdss).
     */
    private static void buildSkyIndex(Connection admin, String name) throws SQLException {
        if (ZoneIndex.needsBuild(admin, name)) {
            LOG.info("building the zone index of the {} context", name);
            ZoneIndex.build(admin, name);
        }
        if (ZoneIndex.hasSource(admin, name)) {
            LookupTables.build(admin, name);
        }
    }

    /** The admin connection to a managed context's H2 database ({@code extra}: more URL settings). */
    Connection openManaged(String name, String extra) throws SQLException {
        return DriverManager.getConnection(contextUrl(name) + MODE + CLOSED_BY_US + extra, ADMIN, secrets.password("admin"));
    }

    /**
     * Connects to an external context with its configured credentials and finds its schema
     * (matched case-insensitively); nothing is created there.
     */
    void openExternal(String name, ServerConfig config) throws SQLException {
        String url = config.contextUrl(name);
        String where = "context " + name + " (" + Catalog.withoutPassword(url) + ")";
        Connection c;
        String driver;
        try {
            driver = DriverManager.getDriver(url).getClass().getName();
            c = DriverManager.getConnection(url, config.contextUser(name), config.contextPassword(name));
        } catch (SQLException e) {
            throw new SQLException("Cannot connect to " + where + ": " + e.getMessage(), e.getSQLState(),
                    e.getErrorCode(), e);
        }
        contextAdmins.put(name, c);
        String wanted = config.contextSchema(name);
        List<String> schemas = new ArrayList<>();
        try (ResultSet rs = c.getMetaData().getSchemas()) {
            while (rs.next()) {
                schemas.add(rs.getString("TABLE_SCHEM"));
            }
        }
        // The exact spelling if there is one, else the one schema that matches in any case.
        String schema = schemas.contains(wanted) ? wanted
                : schemas.stream().filter(x -> x.equalsIgnoreCase(wanted)).findFirst().orElse(null);
        if (schema == null) {
            throw new SQLException("The schema '" + wanted + "' of " + where
                    + " does not exist (setting casjobs.context." + name.toLowerCase(java.util.Locale.ROOT)
                    + ".schema); schemas there: " + String.join(", ", schemas) + ".");
        }
        sources.put(name, new Source(driver, url, config.contextUser(name), config.contextPassword(name), schema, true));
    }

    /** The tables and views of a context. */
    public List<String> tables(String context) throws SQLException {
        return tables(contextAdmins.get(context), sources.get(context));
    }

    static List<String> tables(Connection c, Source source) throws SQLException {
        return objects(c, source, source.schema()).stream().map(BrowsingViews.ContextObject::name).toList();
    }

    /** Every context's tables and views, as each is known in an account's database (its schema is the context's name). */
    private List<BrowsingViews.ContextObject> contextObjects() throws SQLException {
        List<BrowsingViews.ContextObject> out = new ArrayList<>();
        for (Map.Entry<String, Source> ctx : sources.entrySet()) {
            out.addAll(objects(contextAdmins.get(ctx.getKey()), ctx.getValue(), ctx.getKey()));
        }
        return out;
    }

    /**
     * A context's tables and views, by name, with whether each is a view and its description.
     *
     * @param as the schema name to give them
     */
    private static List<BrowsingViews.ContextObject> objects(Connection c, Source source, String as) throws SQLException {
        List<BrowsingViews.ContextObject> out = new ArrayList<>();
        if (source.external()) {
            try (ResultSet rs = c.getMetaData().getTables(null, source.schema(), "%", null)) {
                while (rs.next()) {
                    String type = rs.getString("TABLE_TYPE");
                    type = type == null ? "" : type.toUpperCase(java.util.Locale.ROOT);
                    // '_' in the schema is a pattern's wildcard: keep the schema's own tables only.
                    if (source.schema().equals(rs.getString("TABLE_SCHEM")) && List.of("TABLE", "BASE TABLE", "VIEW").contains(type)) {
                        out.add(new BrowsingViews.ContextObject(as, rs.getString("TABLE_NAME"), type.equals("VIEW"),
                                rs.getString("REMARKS")));
                    }
                }
            }
            out.sort(java.util.Comparator.comparing(BrowsingViews.ContextObject::name));
            return out;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT TABLE_NAME, TABLE_TYPE, REMARKS FROM INFORMATION_SCHEMA.TABLES"
                + " WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME")) {
            ps.setString(1, source.schema());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new BrowsingViews.ContextObject(as, rs.getString(1), "VIEW".equals(rs.getString(2)), rs.getString(3)));
                }
            }
        }
        return out;
    }

    /**
     * A connection as the account's own database user, in its MyDB database, with {@code context}
     * (a canonical context name, or MyDB) as the default schema. The caller closes it.
     */
    @Override
    public Connection connect(long wsid, String context) throws SQLException {
        try {
            return open(wsid, context);
        } catch (SQLException e) {
            // The user may have changed its database password or dropped its own MyDB schema, or
            // H2 closed the database after an internal error (90098): opening it again restores
            // all three, once; anything else is the caller's error.
            if (!"28000".equals(e.getSQLState()) && e.getErrorCode() != 90079
                    && e.getErrorCode() != ErrorCode.DATABASE_IS_CLOSED) {
                throw e;
            }
            if (e.getErrorCode() == ErrorCode.DATABASE_IS_CLOSED) {
                LOG.warn("MyDB of wsid {} had been closed by H2 after an error; opening it again", wsid);
            }
            OpenMyDb db = myDbs.remove(wsid);
            if (db != null) {
                synchronized (db) {
                    db.closed = true;
                    closeQuietly(db.admin);
                }
            }
            return open(wsid, context);
        }
    }

    private Connection open(long wsid, String context) throws SQLException {
        Connection c;
        while (true) {
            OpenMyDb db = myDbs.get(wsid);
            if (!usable(db)) {
                db = provision(wsid);
            }
            synchronized (db) {
                if (db.closed) {
                    continue; // closed as least recently used just now: open it again
                }
                db.lastUsedNanos = System.nanoTime();
                c = DriverManager.getConnection(db.userUrl, "U" + wsid, db.userPassword);
            }
            break;
        }
        closeLeastRecentlyUsed(wsid);
        try (Statement s = c.createStatement()) {
            String schema = quote(context.equalsIgnoreCase(MyDb.NAME) ? MyDb.NAME : context);
            // One call for three commands (H2 runs them in order, stopping at the first that fails).
            // SET SCHEMA MyDB fails (90079) if the user dropped its MyDB. Names not found in the
            // context are looked up next in the schemas of our functions: PUBLIC (H2Functions,
            // OBJECT_ID) and dbo (SkyServer's), so unqualified calls find them.
            s.execute("SET SCHEMA " + MyDb.NAME + "; SET SCHEMA " + schema + "; SET SCHEMA_SEARCH_PATH " + schema + ", "
                    + String.join(", ", FUNCTION_SCHEMAS));
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /**
     * Creates the account's MyDB database, user and schema if missing, and links every context
     * table afresh (the first time in this process), so new context tables and moved data
     * folders are picked up; drops the staging tables of uploads a killed process left.
     */
    private synchronized OpenMyDb provision(long wsid) throws SQLException {
        OpenMyDb held = myDbs.get(wsid);
        if (usable(held)) {
            return held;
        }
        String user = "U" + wsid;
        // REUSE_SPACE=FALSE, as for the job store (ServerConfig.jobStoreUrl): with space reuse H2
        // 2.5.252 can reopen after kill -9 at an older chunk, losing acknowledged uploads and
        // finished jobs' tables (CrashSafetyTest found it). The file only grows while open.
        Connection admin = openMyDbAdmin(wsid);
        try (Statement s = admin.createStatement()) {
            s.execute("CREATE USER IF NOT EXISTS " + user + " PASSWORD '" + secrets.password("user:" + wsid) + "'");
            s.execute("ALTER USER " + user + " SET PASSWORD '" + secrets.password("user:" + wsid) + "'");
            s.execute("CREATE SCHEMA IF NOT EXISTS " + MyDb.NAME + " AUTHORIZATION " + user);
            s.execute("SET CACHE_SIZE 8192"); // a modest cache: there is one database per account
            s.execute("SET WRITE_DELAY 0"); // a finished job's table survives a crash
            SkyFunctionInstaller.install(admin);
            H2Functions.install(admin); // SQL Server built-ins H2 lacks (REVERSE, PATINDEX, ISNUMERIC, TRY_…)
            for (Map.Entry<String, Source> ctx : sources.entrySet()) {
                String schema = quote(ctx.getKey());
                Source src = ctx.getValue();
                // Only missing links are added: dropping the schema would drop the user's own views too.
                // The link's credentials are kept in the database's own metadata, which only its admin
                // may script; users see the table, never the URL's password or the user's.
                s.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
                Map<String, String> views = src.external() ? Map.of() : views(contextAdmins.get(ctx.getKey()), src.schema());
                List<String> linked = new ArrayList<>(tables(ctx.getKey()));
                linked.removeAll(views.keySet());
                // An H2 context is read lazily, each thread (each job) on its own session there, through
                // ContextLinks' driver: on one session shared by the MyDB's sessions, as H2 shares a link's
                // connection, one job's commit closed another's lazy cursor ("MVStoreException:
                // Transaction 1 is closed", seen in ProcessKillRecoveryTest with two INTO jobs running).
                String linkUrl = ContextLinks.url(src.driver(), src.url());
                relinkIfMadeWithOtherUrl(admin, s, wsid, ctx.getKey(), linked, views.keySet(), linkUrl);
                for (String table : linked) {
                    if (src.external()) {
                        dropIfBroken(s, schema + "." + quote(table));
                    }
                    s.execute("CREATE LINKED TABLE IF NOT EXISTS " + schema + "." + quote(table) + "("
                            + literal(ContextLinks.driver(src.driver())) + ", " + literal(linkUrl) + ", " + literal(src.user()) + ", "
                            + literal(src.password()) + ", " + literal(src.schema()) + ", " + literal(remoteName(src, table))
                            + ") READONLY FETCH_SIZE 1000");
                }
                createViews(s, schema, views);
                s.execute("GRANT SELECT ON SCHEMA " + schema + " TO " + user);
            }
            BrowsingViews.install(admin, user, contextObjects());
        } catch (SQLException | RuntimeException e) {
            admin.close();
            throw e;
        }
        try {
            for (String t : StagingTables.dropLeftovers(admin)) {
                LOG.info("dropped MyDB.\"{}\" of U{}: the staging table of an upload or job a previous run did not finish",
                        t, wsid);
            }
        } catch (SQLException e) {
            LOG.warn("cannot drop the staging tables of unfinished uploads and jobs of U{}: {}", wsid, e.getMessage());
        }
        OpenMyDb db = new OpenMyDb(admin, "jdbc:h2:file:" + mydbDir.resolve(user) + ";IFEXISTS=TRUE",
                secrets.password("user:" + wsid));
        myDbs.put(wsid, db);
        return db;
    }

    /**
     * Drops the links of a context made with another URL than {@code url} (an older version's,
     * which read the context eagerly, or lazily on one session for all jobs: {@link ContextLinks}),
     * so that they are made again with it;
     * first the context's views made over them in this database (made again after the links).
     * A link or view that a user's own view depends on is kept as it is: dropping it would drop
     * the user's view.
     */
    private static void relinkIfMadeWithOtherUrl(Connection admin, Statement s, long wsid, String context,
                                                 List<String> links, java.util.Set<String> views, String url)
            throws SQLException {
        List<String> stale = new ArrayList<>();
        for (String table : links) {
            if (ContextLinks.madeWithOtherUrl(admin, context, table, url)) {
                stale.add(table);
            }
        }
        if (stale.isEmpty()) {
            return;
        }
        String schema = quote(context);
        // Views on views: drop those nothing depends on first, until no more can go.
        List<String> left = new ArrayList<>(views);
        for (boolean dropped = true; dropped; ) {
            dropped = false;
            for (java.util.Iterator<String> it = left.iterator(); it.hasNext(); ) {
                try {
                    s.execute("DROP VIEW IF EXISTS " + schema + "." + quote(it.next()) + " RESTRICT");
                    it.remove();
                    dropped = true;
                } catch (SQLException usersViewDependsOnIt) {
                    // kept; tried again after the others
                }
            }
        }
        int kept = 0;
        for (String table : stale) {
            try {
                s.execute("DROP TABLE " + schema + "." + quote(table) + " RESTRICT");
            } catch (SQLException usersViewDependsOnIt) {
                kept++;
            }
        }
        LOG.info("MyDB of wsid {}: {} links to context {} made again with {} ({} kept: a user's view depends on them)",
                wsid, stale.size() - kept, context, Catalog.withoutPassword(url), kept);
    }

    /**
     * The admin connection that opens an account's MyDB database, with its settings (see
     * provision), once H2 can write to it: a database that opened with an undo log H2 could not
     * read fails the writes of every later transaction given that log's slot, while reads and
     * connections work ({@link UndoLogs}); it is closed cleanly and opened once more.
     */
    private Connection openMyDbAdmin(long wsid) throws SQLException {
        String url = "jdbc:h2:file:" + mydbDir.resolve("U" + wsid) + MODE + CLOSED_BY_US + ";REUSE_SPACE=FALSE";
        Connection admin = DriverManager.getConnection(url, ADMIN, secrets.password("admin"));
        if (UndoLogs.unwritable(admin)) {
            LOG.warn("MyDB of wsid {}: H2 could not read the undo log of a transaction a killed process left"
                    + " open (so that transaction is not rolled back), and would refuse every write given its"
                    + " slot with \"The database has been closed\"; closing the database and opening it again", wsid);
            try (Statement st = admin.createStatement()) {
                st.execute("SHUTDOWN");
            } finally {
                closeQuietly(admin);
            }
            admin = DriverManager.getConnection(url, ADMIN, secrets.password("admin"));
        }
        return admin;
    }

    /** The views of a managed context's schema and their SQL, by name. */
    private static Map<String, String> views(Connection context, String schema) throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        try (PreparedStatement ps = context.prepareStatement(
                "SELECT TABLE_NAME, VIEW_DEFINITION FROM INFORMATION_SCHEMA.VIEWS WHERE TABLE_SCHEMA = ?")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return out;
    }

    /**
     * A managed context's views are made again in the MyDB database, over its linked tables (the
     * context's schema has the same name here), rather than linked: so a query on a view (Galaxy,
     * PhotoPrimary) reaches the indexes of the table under it, where a linked view would be read
     * whole. Views on views are made once what they read exists; a name already taken (a link
     * made by an older version) is left as it is.
     */
    private static void createViews(Statement s, String schema, Map<String, String> views) throws SQLException {
        List<String> left = new ArrayList<>(views.keySet());
        SQLException last = null;
        while (!left.isEmpty()) {
            int before = left.size();
            for (java.util.Iterator<String> it = left.iterator(); it.hasNext(); ) {
                String name = it.next();
                try {
                    s.execute("CREATE VIEW IF NOT EXISTS " + schema + "." + quote(name) + " AS " + views.get(name));
                    it.remove();
                } catch (SQLException e) {
                    last = e;
                }
            }
            if (left.size() == before) {
                throw last;
            }
        }
    }

    /**
     * The name a linked table gives for its table in the context. H2 writes it unquoted into the
     * SQL it sends there, so a managed context's table named like an H2 keyword (SDSS's view
     * {@code Unknown}) is passed quoted; other names stay plain, so that H2 still finds their
     * indexes through the driver's metadata and sends conditions on them to the context.
     */
    private static String remoteName(Source src, String table) {
        return src.external() || org.h2.util.ParserUtil.isSimpleIdentifier(table, false, false) ? table
                : '"' + table.replace("\"", "\"\"") + '"';
    }

    /**
     * Whether an open MyDB can be used: H2 closes a database after some internal errors (a page
     * it cannot read) while our admin connection still looks open; such a database is opened
     * again from its file by the next use instead of failing every call until a restart.
     */
    private static boolean usable(OpenMyDb db) throws SQLException {
        return db != null && !db.admin.isClosed() && db.admin.isValid(5);
    }

    /**
     * Closes the least recently used MyDB databases beyond {@link #myDbOpenMax}, except
     * {@code justUsed} and those with a connection besides their admin's (a job or query runs
     * there, or is about to: it joined under the entry's monitor). A closed database frees its
     * memory; its files stay as they are.
     */
    private void closeLeastRecentlyUsed(long justUsed) {
        if (myDbs.size() <= myDbOpenMax) {
            return;
        }
        List<Map.Entry<Long, OpenMyDb>> oldestFirst = new ArrayList<>(myDbs.entrySet());
        oldestFirst.sort(java.util.Comparator.comparingLong(e -> e.getValue().lastUsedNanos));
        for (Map.Entry<Long, OpenMyDb> e : oldestFirst) {
            if (myDbs.size() <= myDbOpenMax) {
                return;
            }
            if (e.getKey() != justUsed) {
                closeIfUnused(e.getKey(), e.getValue());
            }
        }
    }

    /**
     * Closes the MyDB databases last used {@code idleNanos} or more before {@code nowNanos} (on
     * {@link System#nanoTime()}'s scale) that nothing uses: so that a server whose users have gone
     * quiet gives their memory back instead of holding up to {@link #myDbOpenMax} databases.
     *
     * @return how many it closed
     */
    int closeIdle(long idleNanos, long nowNanos) {
        int closed = 0;
        for (Map.Entry<Long, OpenMyDb> e : new ArrayList<>(myDbs.entrySet())) {
            if (nowNanos - e.getValue().lastUsedNanos >= idleNanos && closeIfUnused(e.getKey(), e.getValue())) {
                closed++;
            }
        }
        return closed;
    }

    /** Closes an open MyDB unless a job or query uses it (has a connection besides its admin's). */
    private boolean closeIfUnused(long wsid, OpenMyDb db) {
        synchronized (db) {
            if (db.closed || sessions(db.admin) != 1) {
                return false;
            }
            db.closed = true;
            if (!shutDownCompactingIfMostlyFree(wsid, db.admin)) {
                closeQuietly(db.admin); // the database closes with its last connection
            }
            myDbs.remove(wsid, db);
            return true;
        }
    }

    /**
     * Closes idle MyDBs every quarter of {@code idleSeconds} (none if 0), on a daemon thread of
     * its own: a closing may compact a file, which should not delay a user's call.
     */
    private void closeIdleEvery(int idleSeconds) {
        if (idleSeconds <= 0) {
            return;
        }
        long idleNanos = java.util.concurrent.TimeUnit.SECONDS.toNanos(idleSeconds);
        idleCloser = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mydb-idle-closer");
            t.setDaemon(true);
            return t;
        });
        long periodMillis = Math.max(1000, idleSeconds * 250L);
        idleCloser.scheduleWithFixedDelay(() -> {
            try {
                int n = closeIdle(idleNanos, System.nanoTime());
                if (n > 0) {
                    LOG.debug("closed {} MyDB databases unused for {} s", n, idleSeconds);
                }
            } catch (RuntimeException e) {
                LOG.warn("closing idle MyDB databases failed: {}", e.toString());
            }
        }, periodMillis, periodMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** A MyDB file is compacted when it closes if at least this much of it is free (and at least half). */
    static final long COMPACT_FREE_BYTES = 64L * 1024 * 1024;
    /**
     * ... and if its live data, which compacting copies, is at most this much: copying it takes
     * a moment (it is done on the thread that closes the database).
     */
    static final long COMPACT_MAX_LIVE_BYTES = 256L * 1024 * 1024;

    /**
     * Shuts a MyDB down with {@code SHUTDOWN COMPACT} if its file is mostly free space (H2 reuses
     * no space in these files, for crash safety (REUSE_SPACE=FALSE, see provision), so a DROP TABLE
     * frees space only inside the file): the live data is copied into a new file. Only the admin's
     * connection may be open.
     *
     * @return true if it did (the database is closed), false if the caller is to close it
     */
    private boolean shutDownCompactingIfMostlyFree(long wsid, Connection admin) {
        try {
            long fileSize = Files.size(mydbDir.resolve("U" + wsid + ".mv.db"));
            long used = usedBytes(admin);
            if (fileSize - used < Math.max(COMPACT_FREE_BYTES, used) || used > COMPACT_MAX_LIVE_BYTES) {
                return false;
            }
            long start = System.nanoTime();
            try (Statement st = admin.createStatement()) {
                st.execute("SHUTDOWN COMPACT");
            }
            closeQuietly(admin);
            LOG.info("MyDB of wsid {} compacted on closing: {} MB file, {} MB of data, now {} MB ({} ms)", wsid,
                    fileSize >> 20, used >> 20, Files.size(mydbDir.resolve("U" + wsid + ".mv.db")) >> 20,
                    (System.nanoTime() - start) / 1_000_000);
            return true;
        } catch (SQLException | IOException | RuntimeException e) {
            LOG.warn("MyDB of wsid {} not compacted on closing: {}", wsid, e.toString());
            return false;
        }
    }

    /** How many connections a database has, its admin's included (-1 if it cannot tell). */
    private static int sessions(Connection admin) {
        try (Statement s = admin.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS")) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            return -1;
        }
    }

    // ---------------------------------------------------------------- quota

    @Override
    public long myDbQuotaBytes() {
        return myDbQuotaBytes;
    }

    /**
     * The live data of an account's MyDB database, in bytes, opening it if needed: the store's
     * file size × the share of it in chunks ({@code info.FILL_RATE}) × the share of those
     * chunks still in use ({@code info.CHUNKS_FILL_RATE}). Not the file's size: H2 reuses the
     * space a DROP TABLE frees but does not shrink the file while the database is open, and the
     * space counts as free at once. Not {@code DISK_SPACE_USED}: that reads every page of a
     * table (seconds for a GB), while this reads three numbers the store keeps. It includes
     * rows a running statement has written to the file and not yet committed, and lags by what
     * it holds in memory (a few MB).
     */
    @Override
    public long myDbUsedBytes(long wsid) throws SQLException {
        OpenMyDb db = myDbs.get(wsid);
        if (!usable(db)) {
            db = provision(wsid);
        }
        return usedBytes(db.admin);
    }

    /**
     * The live data of the database behind an admin connection: the store's file size × fill rate
     * × chunks' fill rate, the figures INFORMATION_SCHEMA.SETTINGS shows as info.FILE_SIZE,
     * info.FILL_RATE and info.CHUNKS_FILL_RATE. Read from the store itself: the query built all of
     * that table's rows twice for every batch job, a quarter of a trivial job's CPU (bench/).
     */
    private static long usedBytes(Connection admin) throws SQLException {
        if (admin.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal session
                && session.getDatabase().getStore() != null
                && session.getDatabase().getStore().getMvStore().getFileStore() != null) {
            FileStore<?> fs = session.getDatabase().getStore().getMvStore().getFileStore();
            return fs.size() * fs.getFillRate() / 100 * fs.getChunksFillRate() / 100;
        }
        long fileSize = 0;
        long fill = 100;
        long chunksFill = 100;
        try (Statement s = admin.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT SETTING_NAME, SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME IN"
                        + " ('info.FILE_SIZE', 'info.FILL_RATE', 'info.CHUNKS_FILL_RATE')")) {
            while (rs.next()) {
                long v = Long.parseLong(rs.getString(2).trim());
                switch (rs.getString(1)) {
                    case "info.FILE_SIZE" -> fileSize = v;
                    case "info.FILL_RATE" -> fill = v;
                    default -> chunksFill = v;
                }
            }
        }
        return fileSize * fill / 100 * chunksFill / 100;
    }

    /** How many MyDB databases are open now. */
    @Override
    public int openMyDbCount() {
        return myDbs.size();
    }

    /**
     * Drops a link to an external context that no longer works (its URL, user or password were
     * changed in the settings since it was made), so that it is made again with the current
     * ones. A link a user's view depends on is kept: dropping it would drop the view.
     */
    private static void dropIfBroken(Statement s, String linked) {
        try (ResultSet rs = s.executeQuery("SELECT * FROM " + linked + " WHERE 1 = 0")) {
            // H2 keeps a link it could not connect when the database opened, without columns.
            if (rs.getMetaData().getColumnCount() > 0) {
                return;
            }
        } catch (SQLException missingOrBroken) {
            // dropped below if it exists
        }
        try {
            s.execute("DROP TABLE IF EXISTS " + linked + " RESTRICT");
        } catch (SQLException kept) {
            // a user's view depends on it; it works again once the old credentials do
        }
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
    }

    /**
     * Whether the MyDB of the connection's database holds {@code table}, a table or view (names match
     * in any case: MyDB databases are opened with CASE_INSENSITIVE_IDENTIFIERS). H2 resolves the name
     * when it prepares a statement naming it, which costs a parse; INFORMATION_SCHEMA.TABLES built a
     * row for every table and view of the database (the linked context tables and its own
     * catalog), twice in every batch job (bench/).
     */
    public static boolean myDbTableExists(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM " + MyDb.NAME + "." + quote(table))) {
            return true;
        } catch (SQLException e) {
            if (e.getErrorCode() == ErrorCode.TABLE_OR_VIEW_NOT_FOUND_1
                    || e.getErrorCode() == ErrorCode.TABLE_OR_VIEW_NOT_FOUND_WITH_CANDIDATES_2
                    || e.getErrorCode() == ErrorCode.TABLE_OR_VIEW_NOT_FOUND_DATABASE_EMPTY_1) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public Target target(long wsid) {
        return Target.H2;
    }

    @Override
    public String myDbTable(long wsid, String table) {
        return MyDb.NAME + "." + quote(table);
    }

    @Override
    public boolean myDbTableExists(Connection c, long wsid, String table) throws SQLException {
        return myDbTableExists(c, table);
    }

    @Override
    public void renameMyDbTable(Statement st, long wsid, String staging, String table) throws SQLException {
        st.execute("ALTER TABLE " + MyDb.NAME + "." + quote(staging) + " RENAME TO " + quote(table));
    }

    /**
     * H2's lazy query execution: without it H2 builds a whole result in memory before the first
     * row is read, so a reader that stops early (a quick result over its byte limit) would stop
     * too late (issue 15: 20000 rows of 100 KB held 2 GB). A result that must be sorted or
     * grouped is still built whole.
     */
    @Override
    public void streamRows(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SET LAZY_QUERY_EXECUTION TRUE");
        }
    }

    @Override
    public void limitTime(Statement st, int seconds) throws SQLException {
        st.setQueryTimeout(seconds);
    }

    @Override
    public void upload(Connection c, long wsid, String table, String data, boolean tableExists,
                       CsvUpload.Check check) throws SQLException {
        CsvUpload.load(c, table, data, tableExists, check);
    }

    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    private static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    /** Throws unless every context database answers (for the health check). */
    @Override
    public void check() throws SQLException {
        for (Map.Entry<String, Connection> ctx : contextAdmins.entrySet()) {
            if (!ctx.getValue().isValid(5)) {
                throw new SQLException("context " + ctx.getKey() + " does not answer");
            }
        }
    }

    /** Closes every database cleanly: MyDBs first, as their linked tables use the contexts. */
    /**
     * Closes this catalog's own connections to the contexts without shutting their databases down:
     * for a look at the contexts from inside a running server, whose connections keep them open
     * (an H2 database nobody else holds closes with its last connection anyway).
     */
    void disconnect() {
        contextAdmins.values().forEach(H2Catalog::closeQuietly);
        contextAdmins.clear();
    }

    @Override
    public void close() {
        if (idleCloser != null) {
            // Not interrupted: H2's file channels close on an interrupt, under the database's feet.
            idleCloser.shutdown();
            try {
                idleCloser.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS); // one closing at most
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (Map.Entry<Long, OpenMyDb> e : myDbs.entrySet()) {
            OpenMyDb db = e.getValue();
            synchronized (db) {
                db.closed = true;
                if (sessions(db.admin) == 1 && shutDownCompactingIfMostlyFree(e.getKey(), db.admin)) {
                    continue;
                }
                try (Connection c = db.admin; Statement s = c.createStatement()) {
                    s.execute("SHUTDOWN");
                } catch (SQLException ignored) {
                    // already closed
                }
            }
        }
        myDbs.clear();
        for (Map.Entry<String, Connection> e : contextAdmins.entrySet()) {
            Source src = sources.get(e.getKey());
            if (src != null && src.external()) {
                closeQuietly(e.getValue()); // not ours to shut down
                continue;
            }
            try (Connection c = e.getValue(); Statement s = c.createStatement()) {
                s.execute("SHUTDOWN");
            } catch (SQLException ignored) {
                // already closed
            }
        }
    }
}
