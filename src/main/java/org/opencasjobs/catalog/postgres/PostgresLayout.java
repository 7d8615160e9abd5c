package org.opencasjobs.catalog.postgres;

import static org.opencasjobs.catalog.postgres.PostgresNames.quote;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.postgresql.PGConnection;

/**
 * The catalog's layout in its PostgreSQL database, made by the owner role (the configured user):
 * at start-up the shared schemas and the privileges of all accounts ({@link #prepare}), on an
 * account's first use its login role and MyDB schema ({@link #provisionAccount}). Every step is
 * idempotent, so each start repeats them all and repairs what was changed by hand.
 *
 * <p>What an account's role may do is what its group grants: connect to this database (and
 * only this one is closed to PUBLIC here), make temporary tables, read the context schemas, call
 * the functions of {@code dbo}, {@code tsql} and {@code public} (q3c); it owns its MyDB schema and
 * nothing else. It is not a member of any other role, so {@code SET ROLE} can reach nothing more.
 */
public final class PostgresLayout {
    /** The most connections one account's role may hold at once (jobs, quick queries, extracts). */
    public static final int ROLE_CONNECTION_LIMIT = 32;

    /**
     * The advisory lock (per database) held while roles, schemas and grants are made: PostgreSQL's
     * CREATE ROLE, CREATE SCHEMA IF NOT EXISTS and GRANT fail ("duplicate key", "tuple concurrently
     * updated") when two nodes of a cluster do the same at once.
     */
    static final long LAYOUT_LOCK = 0x6F636A_4C41594FL;

    /** Work on the owner's connection while holding {@link #LAYOUT_LOCK}. */
    public interface Step<T> {
        T run() throws SQLException;
    }

    private PostgresLayout() {
    }

    /**
     * Runs {@code step} holding the layout lock for this session: other nodes preparing the
     * layout or provisioning accounts wait, and a node that dies lets go (its session ends).
     */
    public static <T> T locked(Connection owner, Step<T> step) throws SQLException {
        try (PreparedStatement lock = owner.prepareStatement("SELECT pg_advisory_lock(?)")) {
            lock.setLong(1, LAYOUT_LOCK);
            lock.execute();
        }
        try {
            return step.run();
        } catch (SQLException | RuntimeException e) {
            if (!owner.getAutoCommit()) {
                owner.rollback(); // failed inside a transaction: unlock in a usable one
            }
            throw e;
        } finally {
            try (PreparedStatement unlock = owner.prepareStatement("SELECT pg_advisory_unlock(?)")) {
                unlock.setLong(1, LAYOUT_LOCK);
                unlock.execute();
            }
        }
    }

    /**
     * The catalog secret all nodes derive the accounts' passwords from, kept in a schema of the
     * owner's that no account may use: the first node stores {@code proposed}, the others read it,
     * so nodes with different data folders log in with the same passwords.
     */
    public static String sharedSecret(Connection owner, PostgresNames names, String proposed) throws SQLException {
        String schema = names.prefix() + "_server";
        try (Statement s = owner.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
            s.execute("REVOKE ALL ON SCHEMA " + schema + " FROM PUBLIC");
            s.execute("CREATE TABLE IF NOT EXISTS " + schema + ".secret (id int PRIMARY KEY CHECK (id = 1),"
                    + " hex text NOT NULL)");
        }
        try (PreparedStatement ins = owner.prepareStatement("INSERT INTO " + schema + ".secret (id, hex) VALUES (1, ?)"
                + " ON CONFLICT (id) DO NOTHING")) {
            ins.setString(1, proposed);
            ins.executeUpdate();
        }
        try (Statement s = owner.createStatement(); ResultSet rs = s.executeQuery("SELECT hex FROM " + schema
                + ".secret WHERE id = 1")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /**
     * Creates what is shared: the context schemas, {@code dbo} and {@code tsql}, the accounts'
     * group role and its privileges; runs {@code tsqlScript} (the T-SQL compatibility functions)
     * when there is one.
     */
    public static void prepare(Connection owner, PostgresNames names, List<String> contexts, String tsqlScript)
            throws SQLException {
        String group = names.group();
        try (Statement s = owner.createStatement()) {
            createRoleIfMissing(s, group);
            s.execute("ALTER ROLE " + group + " NOLOGIN NOINHERIT");
            for (String context : contexts) {
                s.execute("CREATE SCHEMA IF NOT EXISTS " + quote(PostgresNames.context(context)));
            }
            s.execute("CREATE SCHEMA IF NOT EXISTS " + PostgresNames.DBO);
            s.execute("CREATE SCHEMA IF NOT EXISTS " + PostgresNames.TSQL);
            if (tsqlScript != null) {
                s.execute(tsqlScript);
            }
        }
        grant(owner, names, contexts);
    }

    /**
     * Grants the accounts' group what it may use of the shared schemas, as they are now and
     * (default privileges) for what the owner adds to them later.
     */
    public static void grant(Connection owner, PostgresNames names, List<String> contexts) throws SQLException {
        String group = names.group();
        try (Statement s = owner.createStatement()) {
            for (String context : contexts) {
                String schema = quote(PostgresNames.context(context));
                s.execute("GRANT USAGE ON SCHEMA " + schema + " TO " + group);
                s.execute("GRANT SELECT ON ALL TABLES IN SCHEMA " + schema + " TO " + group);
                // tables the owner adds later (a loaded catalog) are readable too
                s.execute("ALTER DEFAULT PRIVILEGES IN SCHEMA " + schema + " GRANT SELECT ON TABLES TO " + group);
            }
            for (String schema : List.of(PostgresNames.DBO, PostgresNames.TSQL)) {
                s.execute("GRANT USAGE ON SCHEMA " + schema + " TO " + group);
                s.execute("GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA " + schema + " TO " + group);
                s.execute("GRANT SELECT ON ALL TABLES IN SCHEMA " + schema + " TO " + group);
                s.execute("ALTER DEFAULT PRIVILEGES IN SCHEMA " + schema + " GRANT EXECUTE ON FUNCTIONS TO " + group);
                s.execute("ALTER DEFAULT PRIVILEGES IN SCHEMA " + schema + " GRANT SELECT ON TABLES TO " + group);
            }
            // public keeps q3c's functions: usable by accounts, writable by no one but its owner
            s.execute("REVOKE ALL ON SCHEMA public FROM PUBLIC");
            s.execute("GRANT USAGE ON SCHEMA public TO " + group);
            String database = quote(currentDatabase(owner));
            s.execute("REVOKE ALL ON DATABASE " + database + " FROM PUBLIC");
            s.execute("GRANT CONNECT, TEMPORARY ON DATABASE " + database + " TO " + group);
        }
    }

    /**
     * Makes account {@code wsid}'s login role (password {@code password}, sent as a SCRAM hash
     * so that it appears in no statement or log) and its MyDB schema, owned by that role; resets
     * what the account may have changed about its own role (its password, its defaults).
     */
    public static void provisionAccount(Connection owner, PostgresNames names, long wsid, String password)
            throws SQLException {
        String role = names.account(wsid);
        try (Statement s = owner.createStatement()) {
            createRoleIfMissing(s, role);
            // SUPERUSER, REPLICATION and BYPASSRLS only a superuser gives (a new role has none of them)
            s.execute("ALTER ROLE " + role + " LOGIN INHERIT NOCREATEDB NOCREATEROLE CONNECTION LIMIT "
                    + ROLE_CONNECTION_LIMIT);
            s.execute("ALTER ROLE " + role + " RESET ALL");
            owner.unwrap(PGConnection.class).alterUserPassword(role, password.toCharArray(), "scram-sha-256");
            s.execute("GRANT " + names.group() + " TO " + role);
            // PostgreSQL 15 lets a role create a schema for another only as a member of it
            s.execute("GRANT " + role + " TO CURRENT_USER");
            s.execute("CREATE SCHEMA IF NOT EXISTS " + PostgresNames.myDb(wsid) + " AUTHORIZATION " + role);
            s.execute("ALTER SCHEMA " + PostgresNames.myDb(wsid) + " OWNER TO " + role);
        }
    }

    /**
     * Whether the connected role may set {@code temp_file_limit} on the accounts' roles: a
     * superuser, or a role granted {@code SET ON PARAMETER temp_file_limit} (PostgreSQL 15).
     */
    public static boolean maySetTempFileLimit(Connection owner) throws SQLException {
        try (Statement s = owner.createStatement();
             ResultSet rs = s.executeQuery("SELECT has_parameter_privilege('temp_file_limit', 'SET')")) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    /**
     * Limits the temporary files one statement of account {@code wsid}'s role may write to
     * {@code mb} MiB (its {@code temp_file_limit}, which the role cannot change itself). After
     * {@link #provisionAccount}, whose {@code RESET ALL} clears it.
     */
    public static void limitTempFiles(Connection owner, PostgresNames names, long wsid, int mb) throws SQLException {
        try (Statement s = owner.createStatement()) {
            s.execute("ALTER ROLE " + names.account(wsid) + " SET temp_file_limit = '" + mb + "MB'");
        }
    }

    /**
     * The bytes account {@code wsid}'s MyDB takes: every table's heap, indexes and TOAST
     * ({@code pg_total_relation_size}) in its schema. Tables a running statement has not
     * committed yet are not seen.
     */
    public static long myDbBytes(Connection owner, long wsid) throws SQLException {
        try (PreparedStatement ps = owner.prepareStatement("SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0)"
                + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname = ? AND c.relkind IN ('r', 'm', 'p')")) {
            ps.setString(1, PostgresNames.myDb(wsid));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    public static String currentDatabase(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT current_database()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** CREATE ROLE when missing (PostgreSQL has no IF NOT EXISTS for roles); role names are plain here. */
    private static void createRoleIfMissing(Statement s, String role) throws SQLException {
        s.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + role + "') THEN CREATE ROLE "
                + role + "; END IF; END $$");
    }
}
