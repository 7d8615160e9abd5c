package org.opencasjobs.catalog;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.opencasjobs.catalog.postgres.PostgresBrowsingViews;
import org.opencasjobs.catalog.postgres.PostgresLayout;
import org.opencasjobs.catalog.postgres.PostgresNames;
import org.opencasjobs.catalog.postgres.Spellings;
import org.opencasjobs.catalog.sdss.LookupTables;
import org.opencasjobs.catalog.sdss.SdssSample;
import org.opencasjobs.catalog.sdss.SkyFunctionInstaller;
import org.opencasjobs.config.ServerConfig;
import org.opencasjobs.dialect.Engine;
import org.opencasjobs.dialect.Target;
import org.opencasjobs.jobs.CasJobsException;
import org.opencasjobs.jobs.MyDb;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The catalog in one PostgreSQL database ({@code casjobs.engine=postgresql}, the database of
 * {@code casjobs.postgresql.url}, set up by its owner, the configured user): each context is a
 * schema read-only to users, each account's MyDB a schema {@code mydb_<wsid>} owned by the
 * account's own login role, whose password is derived from the server's secret and never stored.
 * A job's connection logs in as that role ({@link #connect}): user SQL can undo nothing with
 * {@code RESET ROLE}, and PostgreSQL's privileges are the isolation. The layout and its
 * privileges are {@link PostgresLayout}'s; the names {@link PostgresNames}'.
 */
public final class PostgresCatalog implements Catalog {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresCatalog.class);
    /** Rows fetched at a time where a connection streams ({@link #streamRows}): a cursor, not the whole result. */
    static final int FETCH_ROWS = 1000;

    private final String url;
    private final PostgresNames names;
    private final CatalogSecrets secrets;
    /** The owner's connections: provisioning and measuring MyDBs, never user SQL. */
    private final HikariDataSource owner;
    private final Map<String, String> contextSchemas;
    private final long quotaBytes;
    private final PostgresQuickReads quickReads;
    /** The temp_file_limit given each account's role, in MiB; 0: none (not set, or not allowed). */
    private final int tempFileLimitMb;
    /** Accounts whose role and schema this process has made or checked. */
    private final Set<Long> provisioned = ConcurrentHashMap.newKeySet();

    private PostgresCatalog(ServerConfig config, CatalogSecrets secrets, HikariDataSource owner, PostgresNames names,
                            Map<String, String> contextSchemas, int tempFileLimitMb) {
        this.url = config.jobStoreUrl();
        this.secrets = secrets;
        this.owner = owner;
        this.names = names;
        this.contextSchemas = contextSchemas;
        this.quotaBytes = config.myDbQuotaBytes();
        this.quickReads = new PostgresQuickReads(config.quickMaxRows(), config.quickMaxBytes());
        this.tempFileLimitMb = tempFileLimitMb;
    }

    /** Connects as the owner and makes the shared layout (schemas, group role, privileges). */
    public static PostgresCatalog open(ServerConfig config) throws IOException, SQLException {
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(config.jobStoreUrl());
        hc.setUsername(config.jobStoreUser());
        hc.setPassword(config.jobStorePassword());
        hc.setMaximumPoolSize(4);
        hc.setMinimumIdle(1);
        hc.setPoolName("catalog-owner");
        HikariDataSource owner = new HikariDataSource(hc);
        try (Connection c = owner.getConnection()) {
            PostgresNames names = PostgresNames.forDatabase(PostgresLayout.currentDatabase(c));
            Map<String, String> schemas = new java.util.LinkedHashMap<>();
            for (String name : config.contexts()) {
                schemas.put(name.toLowerCase(Locale.ROOT), PostgresNames.context(name));
            }
            CatalogSecrets secrets = PostgresLayout.locked(c, () -> prepareShared(c, names, config));
            LOG.info("catalog: PostgreSQL {}, contexts as schemas {}, MyDBs as schemas mydb_<wsid> of roles {}_u<wsid>",
                    Catalog.withoutPassword(config.jobStoreUrl()), schemas.values(), names.prefix());
            return new PostgresCatalog(config, secrets, owner, names, schemas, tempFileLimitMb(c, config));
        } catch (SQLException | RuntimeException e) {
            owner.close();
            throw e;
        }
    }

    /**
     * The temp_file_limit the accounts' roles get: the setting, if the owner may set it; else none,
     * said once here with the command that lets it.
     */
    private static int tempFileLimitMb(Connection owner, ServerConfig config) throws SQLException {
        int mb = config.postgresqlTempFileLimitMb();
        if (mb <= 0 || PostgresLayout.maySetTempFileLimit(owner)) {
            return mb;
        }
        String role = owner.getMetaData().getUserName();
        String database = PostgresLayout.currentDatabase(owner);
        LOG.warn("casjobs.postgresql.temp.file.limit.mb={} is not applied: role {} may not set temp_file_limit (only a"
                + " superuser may, or a role granted it), so a statement of an account may write temporary files"
                + " without limit. As a superuser run GRANT SET ON PARAMETER temp_file_limit TO {}; (psql -d {} -c"
                + " 'GRANT SET ON PARAMETER temp_file_limit TO {};'), then start the service again.",
                mb, role, role, database, role);
        return 0;
    }

    /**
     * What every node's start repeats, one node at a time (the caller holds the layout lock): the
     * shared layout, Sample's generation on the first start, the SkyServer functions, the grants;
     * and the secret the accounts' passwords come from, the same for every node.
     */
    private static CatalogSecrets prepareShared(Connection c, PostgresNames names, ServerConfig config)
            throws SQLException {
        requireQ3c(c);
        PostgresLayout.prepare(c, names, config.contexts(), tsqlScript());
        // before Sample's generation, which fills a context schema that has no tables yet
        PostgresForeignContexts.attachConfigured(config, names);
        for (String name : config.contexts()) {
            generateSample(c, name, config.sampleRows());
        }
        // after the contexts: from MyDB the functions read the default context's PhotoObjAll
        SkyFunctionInstaller.installPostgres(c, defaultContext(config.contexts()));
        PostgresBrowsingViews.install(c, names.group(), contextNames(config.contexts()));
        PostgresLayout.grant(c, names, config.contexts()); // what the steps above created
        // a secret a single node kept in its folder is kept, so its accounts' passwords stay the same
        Path file = config.dataDir().resolve("catalog").resolve("secret");
        String proposed;
        try {
            String existing = CatalogSecrets.existing(file);
            proposed = existing != null ? existing : CatalogSecrets.fresh();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the catalog secret " + file, e);
        }
        return CatalogSecrets.ofHex(PostgresLayout.sharedSecret(c, names, proposed));
    }

    /**
     * Generates the synthetic catalog of Sample or Stripe82 into its schema while that has no
     * table (the first start), with its lookup tables; another context is left as it is.
     */
    private static void generateSample(Connection owner, String name, int sampleRows) throws SQLException {
        String schema = PostgresNames.context(name);
        if (SdssSample.generates(name) && !tablesIn(owner, schema).isEmpty() && !Spellings.recorded(owner, schema)) {
            try { // generated by an earlier version, which kept no spellings
                SdssSample.respell(owner, schema, name);
                LOG.info("recorded SDSS's spelling of the {} context's names", name);
            } catch (SQLException | RuntimeException e) { // names then read in lower case: no reason not to start
                LOG.warn("could not record SDSS's spelling of the {} context's names ({}); sample generate makes"
                        + " them again", name, e.toString());
            }
        }
        if (!SdssSample.generates(name) || sampleRows <= 0 || !tablesIn(owner, schema).isEmpty()) {
            return;
        }
        int rows = SdssSample.rowsFor(name, sampleRows);
        LOG.info("generating the {} context into schema {}: {} PhotoObjAll rows (once, on the first start)", name,
                schema, rows);
        SdssSample.generate(owner, Engine.POSTGRESQL, schema, name, rows, H2Catalog.SAMPLE_SEED);
        LookupTables.build(owner, Engine.POSTGRESQL, schema);
        LOG.info("generated the {} context", name);
    }

    /**
     * q3c, which the cone functions and every sky index need: created if the owner may (a
     * superuser owner); else the start-up stops, naming the command a superuser must run. It does
     * not go on without it: the SkyServer functions are part of every context.
     */
    private static void requireQ3c(Connection c) throws SQLException {
        if (PostgresLoadTarget.extensionSchema(c, "q3c") != null) {
            return;
        }
        String database = PostgresLayout.currentDatabase(c);
        try (Statement s = c.createStatement()) {
            s.execute("CREATE EXTENSION q3c");
            LOG.info("created the q3c extension in database {}", database);
        } catch (SQLException e) {
            // 58P01 / 0A000: the server has no q3c files at all; else (42501) the owner may not create it
            boolean notOnServer = "58P01".equals(e.getSQLState()) || "0A000".equals(e.getSQLState());
            throw new CasJobsException("The q3c extension (the sky index of the cone searches) is not installed in"
                    + " PostgreSQL database " + database + ", and the role " + c.getMetaData().getUserName()
                    + " may not create it" + (notOnServer ? ", nor is q3c installed on the database server" : "")
                    + ": " + (notOnServer ? "install the Debian package postgresql-15-q3c on the database server, then " : "")
                    + "as a superuser run CREATE EXTENSION q3c; in database " + database
                    + " (psql -d " + database + " -c 'CREATE EXTENSION q3c;'), and start again.");
        }
    }

    /**
     * {@code sample generate} on PostgreSQL, with the service stopped: the schema of Sample emptied
     * (CASCADE: views over its tables go too, in dbo and in users' MyDBs) and generated again with
     * {@code rows} PhotoObjAll rows, then the functions and the grants made again as at a start.
     *
     * @return the tables and views of the schema with their row counts
     */
    static Map<String, Long> regenerateSample(ServerConfig config, String name, int rows)
            throws IOException, SQLException {
        try (Connection c = DriverManager.getConnection(config.jobStoreUrl(), config.jobStoreUser(),
                config.jobStorePassword())) {
            PostgresNames names = PostgresNames.forDatabase(PostgresLayout.currentDatabase(c));
            String schema = PostgresNames.context(name);
            try (Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + PostgresNames.quote(schema) + " CASCADE");
            }
            PostgresLayout.prepare(c, names, config.contexts(), tsqlScript());
            SdssSample.generate(c, Engine.POSTGRESQL, schema, name, rows, H2Catalog.SAMPLE_SEED);
            LookupTables.build(c, Engine.POSTGRESQL, schema);
            SkyFunctionInstaller.installPostgres(c, defaultContext(config.contexts()));
            PostgresLayout.grant(c, names, config.contexts());
            return rowCounts(c, schema);
        }
    }

    /**
     * {@code context list} on PostgreSQL: each context schema's tables and views with their row
     * counts, read as the owner; creates nothing (a schema not made yet has no tables).
     */
    static Map<String, Long> rowCounts(ServerConfig config, String context) throws SQLException {
        try (Connection c = DriverManager.getConnection(config.jobStoreUrl(), config.jobStoreUser(),
                config.jobStorePassword())) {
            return rowCounts(c, PostgresNames.context(context));
        }
    }

    private static Map<String, Long> rowCounts(Connection c, String schema) throws SQLException {
        Map<String, Long> counts = new java.util.LinkedHashMap<>();
        for (String table : tablesIn(c, schema)) {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM "
                    + PostgresNames.quote(schema) + "." + PostgresNames.quote(table))) {
                rs.next();
                counts.put(table, rs.getLong(1));
            }
        }
        return counts;
    }

    /** Each context's schema and its name as configured, as the browsing views show it. */
    private static Map<String, String> contextNames(List<String> contexts) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        contexts.forEach(name -> out.put(PostgresNames.context(name), name));
        return out;
    }

    /** The context MyDB's SkyServer functions read: Sample when there is one, else the first. */
    private static String defaultContext(List<String> contexts) {
        return contexts.stream().filter(c -> c.equalsIgnoreCase(SdssSample.SAMPLE)).findFirst()
                .orElse(contexts.isEmpty() ? SdssSample.SAMPLE : contexts.get(0));
    }

    private static List<String> tablesIn(Connection c, String schema) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = ? ORDER BY table_name")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    private static String tsqlScript() {
        try (InputStream in = PostgresCatalog.class.getResourceAsStream(Target.POSTGRESQL_FUNCTIONS)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + Target.POSTGRESQL_FUNCTIONS, e);
        }
    }

    /** The names this catalog gives its roles and schemas. */
    public PostgresNames names() {
        return names;
    }

    // ---------------------------------------------------------------- accounts

    /**
     * Logs in as the account's own role (made on its first use), with the context's schema
     * first in the search path, then dbo (SkyServer's functions), tsql and public (q3c).
     */
    @Override
    public Connection connect(long wsid, String context) throws SQLException {
        return connect(wsid, context, false);
    }

    /**
     * As {@link #connect}, the driver holding at most {@link PostgresQuickReads#bufferBytes} of
     * rows, in a transaction per statement (a cursor lives in one): see {@link #executeQuick}.
     */
    @Override
    public Connection connectQuick(long wsid, String context) throws SQLException {
        Connection c = connect(wsid, context, true);
        try {
            streamRows(c);
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    private Connection connect(long wsid, String context, boolean quick) throws SQLException {
        provision(wsid);
        Connection c;
        try {
            c = login(wsid, quick);
        } catch (SQLException e) {
            // 28P01: the account changed its own role's password (ALTER ROLE … PASSWORD): set it again, once.
            if (!"28P01".equals(e.getSQLState())) {
                throw e;
            }
            provisioned.remove(wsid);
            provision(wsid);
            c = login(wsid, quick);
        }
        try (Statement s = c.createStatement()) {
            s.execute("SET search_path = " + PostgresNames.quote(schemaOf(wsid, context)) + ", "
                    + PostgresNames.DBO + ", " + PostgresNames.TSQL + ", public");
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    private Connection login(long wsid, boolean quick) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", names.account(wsid));
        p.setProperty("password", secrets.password("postgresql:" + wsid));
        p.setProperty("defaultRowFetchSize", Integer.toString(FETCH_ROWS));
        p.setProperty("ApplicationName", "opencasjobs");
        if (quick) {
            p.setProperty("maxResultBuffer", Long.toString(quickReads.bufferBytes()));
        }
        return DriverManager.getConnection(url, p);
    }

    /** The name a job's connection shows in pg_stat_activity: how another node finds its statements. */
    static String applicationName(long jobId) {
        return "opencasjobs job " + jobId;
    }

    @Override
    public void tagJob(Connection c, long jobId) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SET application_name = '" + applicationName(jobId) + "'");
        }
    }

    /**
     * Terminates the account's backends tagged with the job (the owner is a member of every
     * account's role, which pg_terminate_backend asks), then drops the table the job was creating:
     * whatever the lost node left of it is in this shared database.
     */
    @Override
    public int stopLostJob(long wsid, long jobId, String creatingTable) throws SQLException {
        int stopped = 0;
        try (Connection c = owner.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FILTER (WHERE pg_terminate_backend(pid))"
                    + " FROM pg_stat_activity WHERE datname = current_database() AND usename = ?"
                    + " AND application_name = ? AND pid <> pg_backend_pid()")) {
                ps.setString(1, names.account(wsid));
                ps.setString(2, applicationName(jobId));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    stopped = rs.getInt(1);
                }
            }
            if (creatingTable != null) {
                try (Statement s = c.createStatement()) {
                    // a terminated backend lets go of its locks as it exits: wait for that, not forever
                    s.execute("SET lock_timeout = '10s'");
                    try {
                        s.execute("DROP TABLE IF EXISTS " + myDbTable(wsid, creatingTable));
                    } finally {
                        s.execute("RESET lock_timeout");
                    }
                }
            }
        }
        return stopped;
    }

    private String schemaOf(long wsid, String context) {
        if (context.equalsIgnoreCase(MyDb.NAME)) {
            return PostgresNames.myDb(wsid);
        }
        String schema = contextSchemas.get(context.toLowerCase(Locale.ROOT));
        if (schema == null) {
            throw new CasJobsException("Unknown context '" + context + "'.");
        }
        return schema;
    }

    private void provision(long wsid) throws SQLException {
        if (provisioned.contains(wsid)) {
            return;
        }
        synchronized (this) {
            if (provisioned.contains(wsid)) {
                return;
            }
            try (Connection c = owner.getConnection()) {
                // other nodes may provision the same account, or prepare the layout, right now
                PostgresLayout.locked(c, () -> {
                    PostgresLayout.provisionAccount(c, names, wsid, secrets.password("postgresql:" + wsid));
                    if (tempFileLimitMb > 0) {
                        PostgresLayout.limitTempFiles(c, names, wsid, tempFileLimitMb);
                    }
                    return null;
                });
                for (String t : StagingTables.dropLeftovers(c, PostgresNames.myDb(wsid))) {
                    LOG.info("dropped {}.\"{}\": the staging table of an upload or job a previous run did not finish",
                            PostgresNames.myDb(wsid), t);
                }
            }
            provisioned.add(wsid);
        }
    }

    // ---------------------------------------------------------------- MyDB tables

    @Override
    public Target target(long wsid) {
        return Target.postgresql(PostgresNames.myDb(wsid));
    }

    /** Names fold to lower case here: the translator writes MyDB tables unquoted or lower-cased. */
    @Override
    public String myDbTable(long wsid, String table) {
        return PostgresNames.myDb(wsid) + "." + PostgresNames.quote(table.toLowerCase(Locale.ROOT));
    }

    @Override
    public boolean myDbTableExists(Connection c, long wsid, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_class t JOIN pg_namespace n"
                + " ON n.oid = t.relnamespace WHERE n.nspname = ? AND t.relname = ?")) {
            ps.setString(1, PostgresNames.myDb(wsid));
            ps.setString(2, table.toLowerCase(Locale.ROOT));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    @Override
    public void renameMyDbTable(Statement st, long wsid, String staging, String table) throws SQLException {
        st.execute("ALTER TABLE " + myDbTable(wsid, staging) + " RENAME TO "
                + PostgresNames.quote(table.toLowerCase(Locale.ROOT)));
    }

    /**
     * PostgreSQL hands out rows through a cursor only inside a transaction: auto-commit off
     * (the caller commits after each statement), {@link #FETCH_ROWS} at a time.
     */
    @Override
    public void streamRows(Connection c) throws SQLException {
        c.setAutoCommit(false);
    }

    /**
     * A query narrow enough is read whole, in one Execute, so that PostgreSQL may plan it in
     * parallel, its rows and bytes capped ({@link PostgresQuickReads}); anything else through the
     * cursor of {@link #streamRows}.
     */
    @Override
    public boolean executeQuick(Statement st, String statement) throws SQLException {
        return quickReads.execute(st, statement);
    }

    /** The job's remaining time as the session's {@code statement_timeout}, and as the JDBC timeout. */
    @Override
    public void limitTime(Statement st, int seconds) throws SQLException {
        st.execute("SET statement_timeout = " + (seconds * 1000L));
        st.setQueryTimeout(seconds);
    }

    /**
     * Labels the columns a {@code *} gave as {@link Spellings} spells them: by the table
     * PostgreSQL's row description says each was read from, or, where it names none (a
     * function's result), by the current context; looked up on the owner's connection. A MyDB's
     * tables have no spellings: they keep PostgreSQL's names.
     */
    @Override
    public ResultSet spelled(long wsid, String context, String statement, ResultSet rs)
            throws SQLException {
        List<Spellings.Source> sources = Spellings.sources(rs, statement, MyDb.is(context) ? null : schemaOf(wsid, context));
        if (sources.isEmpty()) {
            return rs;
        }
        try (Connection o = owner.getConnection()) {
            return Spellings.relabelled(rs, o, sources);
        }
    }

    /** Into the account's schema, names in lower case as the translator writes them, rows by COPY. */
    @Override
    public void upload(Connection c, long wsid, String table, String data, boolean tableExists, CsvUpload.Check check)
            throws SQLException {
        CsvUpload.load(c, CsvUpload.Into.postgresql(PostgresNames.myDb(wsid)), table, data, tableExists, check);
    }

    // ---------------------------------------------------------------- quota

    @Override
    public long myDbQuotaBytes() {
        return quotaBytes;
    }

    @Override
    public long myDbUsedBytes(long wsid) throws SQLException {
        provision(wsid);
        try (Connection c = owner.getConnection()) {
            return PostgresLayout.myDbBytes(c, wsid);
        }
    }

    @Override
    public int openMyDbCount() {
        return provisioned.size();
    }

    // ---------------------------------------------------------------- life

    /** The tables and views of a context's schema. */
    public List<String> tables(String context) throws SQLException {
        try (Connection c = owner.getConnection()) {
            return tablesIn(c, PostgresNames.context(context));
        }
    }

    /** A connection as the database's owner, for operators' commands (context load); never for user SQL. */
    Connection ownerConnection() throws SQLException {
        return owner.getConnection();
    }

    @Override
    public void check() throws SQLException {
        try (Connection c = owner.getConnection()) {
            if (!c.isValid(5)) {
                throw new SQLException("the catalog's PostgreSQL database does not answer");
            }
        }
    }

    @Override
    public void close() {
        owner.close();
    }
}
