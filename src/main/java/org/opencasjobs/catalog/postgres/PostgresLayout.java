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

    private PostgresLayout() {
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
