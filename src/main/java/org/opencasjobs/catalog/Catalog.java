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
import org.opencasjobs.config.ServerConfig;
import org.opencasjobs.jobs.Queues;

/**
 * Where user SQL runs, apart from the job store. Each context is an H2 database of its own
 * (read-only to users); each account's MyDB is an H2 database of its own, in which the account
 * is a database user owning only schema {@code MyDB}, and each context appears as a schema of
 * read-only linked tables. So one user's SQL cannot name, list or touch another user's tables,
 * and everything that reaches files or other databases needs admin rights the user lacks.
 */
public final class Catalog implements AutoCloseable {
    /** SQL Server's dialect and identifier case, fixed when a database is created. */
    static final String MODE = ";MODE=MSSQLServer;DATABASE_TO_UPPER=FALSE;CASE_INSENSITIVE_IDENTIFIERS=TRUE";
    /**
     * A schema of views over INFORMATION_SCHEMA.TABLES and COLUMNS limited to MyDB, in each
     * account's database: as in SQL Server, where a database's TABLES lists its own tables only.
     */
    public static final String MYDB_INFO = "MyDB_Information";
    /** No trace files; closed by {@link #close()} after the workers stop, not by H2's shutdown hook. */
    private static final String CLOSED_BY_US = ";TRACE_LEVEL_FILE=0;DB_CLOSE_ON_EXIT=FALSE";
    private static final String ADMIN = "catalog_admin";
    private static final String READER = "reader";
    /** A fixed seed: the sample catalog is the same on every machine. */
    static final long SAMPLE_SEED = 20031118L;

    private final Path contextsDir;
    private final Path mydbDir;
    private final CatalogSecrets secrets;
    /** One admin connection per context keeps its database open and serves maintenance. */
    private final Map<String, Connection> contextAdmins = new LinkedHashMap<>();
    /**
     * Per account, an admin connection that holds its database open: H2 applies the SQL Server
     * mode and identifier case only when a database is opened with them, which a plain user's
     * connection may not do, so user connections must always join a database opened here.
     */
    private final Map<Long, Connection> myDbAdmins = new ConcurrentHashMap<>();

    private Catalog(Path dir) throws IOException {
        contextsDir = dir.resolve("contexts");
        mydbDir = dir.resolve("mydb");
        Files.createDirectories(contextsDir);
        Files.createDirectories(mydbDir);
        secrets = CatalogSecrets.load(dir.resolve("secret"));
    }

    /** Opens (creating on first use) every configured context; Sample gets the synthetic catalog. */
    public static Catalog open(ServerConfig config) throws IOException, SQLException {
        Catalog c = new Catalog(config.dataDir().resolve("catalog"));
        try {
            for (String name : config.contexts()) {
                c.openContext(name, config.sampleRows());
            }
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }

    private String contextUrl(String name) {
        return "jdbc:h2:file:" + contextsDir.resolve(name);
    }

    private void openContext(String name, int sampleRows) throws SQLException {
        Connection admin = DriverManager.getConnection(contextUrl(name) + MODE + CLOSED_BY_US, ADMIN,
                secrets.password("admin"));
        contextAdmins.put(name, admin);
        try (Statement s = admin.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS " + quote(name));
            s.execute("CREATE USER IF NOT EXISTS " + READER + " PASSWORD '" + secrets.password("reader") + "'");
            s.execute("GRANT SELECT ON SCHEMA " + quote(name) + " TO " + READER);
        }
        if (name.equalsIgnoreCase("Sample") && sampleRows > 0 && tables(name).isEmpty()) {
            SampleCatalog.generate(admin, name, sampleRows, SAMPLE_SEED);
        }
    }

    /** The tables and views of a context. */
    public List<String> tables(String context) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = contextAdmins.get(context).prepareStatement(
                "SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME")) {
            ps.setString(1, context);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /**
     * A connection as the account's own database user, in its MyDB database, with {@code context}
     * (a canonical context name, or MyDB) as the default schema. The caller closes it.
     */
    public Connection connect(long wsid, String context) throws SQLException {
        try {
            return open(wsid, context);
        } catch (SQLException e) {
            // The user may have changed its database password or dropped its own MyDB schema:
            // provisioning again restores both, once; anything else is the caller's error.
            if (!"28000".equals(e.getSQLState()) && e.getErrorCode() != 90079) {
                throw e;
            }
            closeQuietly(myDbAdmins.remove(wsid));
            return open(wsid, context);
        }
    }

    private Connection open(long wsid, String context) throws SQLException {
        Connection admin = myDbAdmins.get(wsid);
        if (admin == null || admin.isClosed()) {
            provision(wsid);
        }
        Connection c = DriverManager.getConnection("jdbc:h2:file:" + mydbDir.resolve("U" + wsid) + ";IFEXISTS=TRUE",
                "U" + wsid, secrets.password("user:" + wsid));
        try (Statement s = c.createStatement()) {
            s.execute("SET SCHEMA " + Queues.MYDB); // fails (90079) if the user dropped its MyDB
            s.execute("SET SCHEMA " + quote(context.equalsIgnoreCase(Queues.MYDB) ? Queues.MYDB : context));
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /**
     * Creates the account's MyDB database, user and schema if missing, and links every context
     * table afresh (the first time in this process), so new context tables and moved data
     * folders are picked up.
     */
    private synchronized void provision(long wsid) throws SQLException {
        Connection held = myDbAdmins.get(wsid);
        if (held != null && !held.isClosed()) {
            return;
        }
        String user = "U" + wsid;
        Connection admin = DriverManager.getConnection("jdbc:h2:file:" + mydbDir.resolve(user) + MODE
                + CLOSED_BY_US, ADMIN, secrets.password("admin"));
        try (Statement s = admin.createStatement()) {
            s.execute("CREATE USER IF NOT EXISTS " + user + " PASSWORD '" + secrets.password("user:" + wsid) + "'");
            s.execute("ALTER USER " + user + " SET PASSWORD '" + secrets.password("user:" + wsid) + "'");
            s.execute("CREATE SCHEMA IF NOT EXISTS " + Queues.MYDB + " AUTHORIZATION " + user);
            s.execute("SET CACHE_SIZE 8192"); // a modest cache: there is one database per account
            s.execute("SET WRITE_DELAY 0"); // a finished job's table survives a crash
            s.execute("CREATE SCHEMA IF NOT EXISTS " + MYDB_INFO);
            for (String view : List.of("TABLES", "COLUMNS")) {
                s.execute("CREATE OR REPLACE VIEW " + MYDB_INFO + "." + view
                        + " AS SELECT * FROM INFORMATION_SCHEMA." + view + " WHERE TABLE_SCHEMA = 'MyDB'");
            }
            s.execute("GRANT SELECT ON SCHEMA " + MYDB_INFO + " TO " + user);
            for (Map.Entry<String, Connection> ctx : contextAdmins.entrySet()) {
                String schema = quote(ctx.getKey());
                // Only missing links are added: dropping the schema would drop the user's own views too.
                s.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
                for (String table : tables(ctx.getKey())) {
                    s.execute("CREATE LINKED TABLE IF NOT EXISTS " + schema + "." + quote(table) + "('org.h2.Driver', '"
                            + contextUrl(ctx.getKey()) + "', '" + READER + "', '" + secrets.password("reader")
                            + "', " + literal(ctx.getKey()) + ", " + literal(table) + ") READONLY FETCH_SIZE 1000");
                }
                s.execute("GRANT SELECT ON SCHEMA " + schema + " TO " + user);
            }
        } catch (SQLException | RuntimeException e) {
            admin.close();
            throw e;
        }
        myDbAdmins.put(wsid, admin);
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

    /** Whether the MyDB of the connection's database holds {@code table} (names match in any case). */
    public static boolean myDbTableExists(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES"
                + " WHERE TABLE_SCHEMA = ? AND UPPER(TABLE_NAME) = UPPER(?)")) {
            ps.setString(1, Queues.MYDB);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        }
    }

    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    private static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    /** Throws unless every context database answers (for the health check). */
    public void check() throws SQLException {
        for (Map.Entry<String, Connection> ctx : contextAdmins.entrySet()) {
            if (!ctx.getValue().isValid(5)) {
                throw new SQLException("context " + ctx.getKey() + " does not answer");
            }
        }
    }

    /** Closes every database cleanly: MyDBs first, as their linked tables use the contexts. */
    @Override
    public void close() {
        for (Connection c : myDbAdmins.values()) {
            try (c; Statement s = c.createStatement()) {
                s.execute("SHUTDOWN");
            } catch (SQLException ignored) {
                // already closed
            }
        }
        myDbAdmins.clear();
        for (Connection c : contextAdmins.values()) {
            try (c; Statement s = c.createStatement()) {
                s.execute("SHUTDOWN");
            } catch (SQLException ignored) {
                // already closed
            }
        }
    }
}
