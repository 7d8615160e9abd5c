package org.opencasjobs.catalog.postgres;

import static org.opencasjobs.catalog.postgres.PostgresNames.quote;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.opencasjobs.jobs.CasJobsException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * A context whose tables live on another PostgreSQL server, attached with postgres_fdw by the
 * catalog's owner: a foreign server {@code ctx_<context>}, one user mapping (the remote login),
 * and the remote schema's tables imported as foreign tables into the context's schema, where the
 * accounts' group reads them as it reads any context. A query on them runs here and sends its
 * conditions to the remote server; with q3c in the server's {@code extensions}, cone conditions go
 * too, so the remote q3c index answers them.
 *
 * <p>The user mapping is {@code FOR PUBLIC}: PostgreSQL looks a mapping up for the querying role
 * itself and then for PUBLIC, never through role membership, so a mapping for the accounts' group
 * would reach none of its members. PUBLIC reaches only roles that may connect to this database
 * (the owner and the accounts), and shows its options (the remote password) only to members of
 * the server's owner and to superusers ({@code pg_user_mappings}); no account has USAGE on the
 * server, so none can make foreign tables or mappings of its own on it.
 */
public final class ForeignContext {
    /** The extensions whose functions and operators postgres_fdw may send, when both servers have them. */
    private static final List<String> SHIPPABLE = List.of("q3c", "citext");
    /** SDSS text columns' type on PostgreSQL (case-insensitive like SkyServer's collation). */
    private static final String CITEXT = "citext";
    /** Rows per round trip: postgres_fdw's default of 100 makes a large scan wait on the network. */
    static final String FETCH_SIZE = "10000";
    /** Where the remote server lives and who logs in there; the password is never shown or logged. */
    public record Remote(String host, String port, String database, String schema, String user, String password) {
        /** {@code host:port/database}, for messages. */
        public String where() {
            return host + ":" + port + "/" + database;
        }

        @Override
        public String toString() {
            return where() + " schema " + schema + " as " + user; // never the password
        }
    }

    /** What an attachment made: its foreign tables, and the extensions whose conditions run remotely. */
    public record Attached(String server, List<String> tables, List<String> shipped) {
    }

    private ForeignContext() {
    }

    /** The foreign server of context {@code context}. */
    public static String serverName(String context) {
        return "ctx_" + PostgresNames.context(context);
    }

    /**
     * Attaches {@code remote}'s schema as context {@code context}, or brings an attachment up to
     * date (the server's address, the login, tables added remotely since); in one transaction, so
     * a refused attachment leaves what was there. Foreign tables already in the schema are kept
     * as they are (users' views may depend on them).
     */
    public static Attached attach(Connection owner, PostgresNames names, String context, Remote remote)
            throws SQLException {
        requireFdw(owner);
        String schema = quote(PostgresNames.context(context));
        String server = serverName(context);
        boolean autoCommit = owner.getAutoCommit();
        owner.setAutoCommit(false);
        try (Statement s = owner.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
            if (!exists(owner, "SELECT 1 FROM pg_foreign_server WHERE srvname = ?", server)) {
                s.execute("CREATE SERVER " + server + " FOREIGN DATA WRAPPER postgres_fdw");
            }
            Map<String, String> options = new LinkedHashMap<>();
            options.put("host", remote.host());
            options.put("port", remote.port());
            options.put("dbname", remote.database());
            options.put("fetch_size", FETCH_SIZE);
            // the remote server's statistics make join plans; one more round trip per plan
            options.put("use_remote_estimate", "true");
            // read-only for everyone here, the owner too: a context is never written through it
            options.put("updatable", "false");
            setServerOptions(owner, server, options);
            // dropped and made again: the options of a mapping need not be read back (nor shown)
            s.execute("DROP USER MAPPING IF EXISTS FOR PUBLIC SERVER " + server);
            s.execute("CREATE USER MAPPING FOR PUBLIC SERVER " + server + " OPTIONS (user " + literal(remote.user())
                    + ", password " + literal(remote.password()) + ")");
            List<String> shipped = shippableExtensions(owner, server, schema);
            // none shipped: an earlier attachment's list goes (the remote server no longer has them)
            options.put("extensions", shipped.isEmpty() ? null : String.join(",", shipped));
            setServerOptions(owner, server, options);
            importTables(owner, s, server, schema, PostgresNames.context(context), remote);
            s.execute("GRANT USAGE ON SCHEMA " + schema + " TO " + names.group());
            s.execute("GRANT SELECT ON ALL TABLES IN SCHEMA " + schema + " TO " + names.group());
            List<String> tables = foreignTables(owner, PostgresNames.context(context), server);
            owner.commit();
            return new Attached(server, tables, shipped);
        } catch (SQLException e) {
            rollback(owner, e);
            throw inOperatorsTerms(e, context, remote);
        } catch (RuntimeException e) {
            rollback(owner, e);
            throw e;
        } finally {
            if (!owner.isClosed()) {
                owner.setAutoCommit(autoCommit);
            }
        }
    }

    /** Rolls back; a connection lost meanwhile (its transaction is gone with it) does not hide the first error. */
    private static void rollback(Connection owner, Exception first) {
        try {
            owner.rollback();
        } catch (SQLException e) {
            first.addSuppressed(e);
        }
    }

    /**
     * postgres_fdw, created if the owner may (a superuser); else what a superuser must run. Only a
     * superuser may create it (it is not a trusted extension) and give the owner its use.
     */
    static void requireFdw(Connection owner) throws SQLException {
        String database = PostgresLayout.currentDatabase(owner);
        String role = owner.getMetaData().getUserName();
        String command = "psql -d " + database + " -c 'CREATE EXTENSION IF NOT EXISTS postgres_fdw;"
                + " GRANT USAGE ON FOREIGN DATA WRAPPER postgres_fdw TO " + role + ";'";
        if (!exists(owner, "SELECT 1 FROM pg_extension WHERE extname = ?", "postgres_fdw")) {
            try (Statement s = owner.createStatement()) {
                s.execute("CREATE EXTENSION postgres_fdw");
            } catch (SQLException e) {
                boolean notOnServer = "58P01".equals(e.getSQLState()) || "0A000".equals(e.getSQLState());
                throw new CasJobsException("The postgres_fdw extension (which attaches a context on another"
                        + " PostgreSQL server) is not installed in database " + database + ", and the role " + role
                        + " may not create it" + (notOnServer ? ", nor is it on the database server (Debian:"
                        + " postgresql-contrib-15 or postgresql-15)" : "") + ": as a superuser run " + command
                        + ", then try again.");
            }
        }
        boolean mayUse;
        try (Statement s = owner.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT has_foreign_data_wrapper_privilege('postgres_fdw', 'USAGE')")) {
            rs.next();
            mayUse = rs.getBoolean(1);
        }
        if (!mayUse) {
            throw new CasJobsException("The role " + role + " may not use the postgres_fdw foreign-data wrapper in"
                    + " database " + database + ": as a superuser run " + command + ", then try again.");
        }
    }

    /**
     * Sets each option of the server, adding those it does not have yet (ALTER SERVER … SET needs
     * them there); an option whose value is null is dropped if the server has it.
     */
    private static void setServerOptions(Connection owner, String server, Map<String, String> options)
            throws SQLException {
        List<String> present = new ArrayList<>();
        try (PreparedStatement ps = owner.prepareStatement("SELECT srvoptions FROM pg_foreign_server WHERE srvname = ?")) {
            ps.setString(1, server);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                Array a = rs.getArray(1);
                if (a != null) {
                    for (Object o : (Object[]) a.getArray()) {
                        present.add(o.toString().substring(0, o.toString().indexOf('=')));
                    }
                }
            }
        }
        List<String> changes = new ArrayList<>();
        options.forEach((k, v) -> {
            if (v != null) {
                changes.add((present.contains(k) ? "SET " : "ADD ") + k + " " + literal(v));
            } else if (present.contains(k)) {
                changes.add("DROP " + k);
            }
        });
        try (Statement s = owner.createStatement()) {
            s.execute("ALTER SERVER " + server + " OPTIONS (" + String.join(", ", changes) + ")");
        }
    }

    /**
     * Of {@link #SHIPPABLE}, the extensions installed here and on the remote server in a schema
     * of the same name: postgres_fdw writes their functions schema-qualified in the remote SQL.
     * Read through two foreign tables on the remote catalogs, dropped again; this is also the
     * first connection, so an unreachable server or a refused login shows here.
     */
    private static List<String> shippableExtensions(Connection owner, String server, String quotedSchema)
            throws SQLException {
        Map<String, String> local = extensionSchemas(owner, "pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace");
        // in the context's schema, which the owner owns; dropped before the transaction ends
        String ext = quotedSchema + "." + quote("~probe~extensions");
        String nsp = quotedSchema + "." + quote("~probe~namespaces");
        try (Statement s = owner.createStatement()) {
            s.execute("CREATE FOREIGN TABLE " + ext + " (extname name, extnamespace oid) SERVER " + server
                    + " OPTIONS (schema_name 'pg_catalog', table_name 'pg_extension')");
            s.execute("CREATE FOREIGN TABLE " + nsp + " (oid oid, nspname name) SERVER " + server
                    + " OPTIONS (schema_name 'pg_catalog', table_name 'pg_namespace')");
        }
        Map<String, String> there = extensionSchemas(owner, ext + " e JOIN " + nsp + " n ON n.oid = e.extnamespace");
        try (Statement s = owner.createStatement()) {
            s.execute("DROP FOREIGN TABLE " + ext + ", " + nsp);
            // the remote tables' citext columns need the type here (a trusted extension: the owner may)
            if (there.containsKey(CITEXT) && !local.containsKey(CITEXT)) {
                s.execute("CREATE EXTENSION IF NOT EXISTS " + CITEXT + " SCHEMA " + quote(there.get(CITEXT)));
                local.put(CITEXT, there.get(CITEXT));
            }
        }
        List<String> out = new ArrayList<>();
        for (String e : SHIPPABLE) {
            if (local.containsKey(e) && local.get(e).equals(there.get(e))) {
                out.add(e);
            }
        }
        return out;
    }

    /** Extension name → its schema, from {@code from} (pg_extension joined with pg_namespace, here or remote). */
    private static Map<String, String> extensionSchemas(Connection owner, String from) throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        try (Statement s = owner.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT e.extname::text, n.nspname::text FROM " + from)) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2));
            }
        }
        return out;
    }

    /** Imports the remote schema's tables and views whose names the local schema does not hold yet. */
    private static void importTables(Connection owner, Statement s, String server, String quotedSchema, String schema,
                                     Remote remote) throws SQLException {
        List<String> existing = new ArrayList<>();
        // every relation: an index or a sequence of the same name would clash with a new foreign table too
        try (PreparedStatement ps = owner.prepareStatement("SELECT quote_ident(c.relname) FROM pg_class c"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ?")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    existing.add(rs.getString(1));
                }
            }
        }
        s.execute("IMPORT FOREIGN SCHEMA " + quote(remote.schema())
                + (existing.isEmpty() ? "" : " EXCEPT (" + String.join(", ", existing) + ")")
                + " FROM SERVER " + server + " INTO " + quotedSchema);
    }

    /** The foreign tables of {@code schema} on {@code server}, by name. */
    public static List<String> foreignTables(Connection owner, String schema, String server) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = owner.prepareStatement("SELECT c.relname FROM pg_foreign_table f"
                + " JOIN pg_class c ON c.oid = f.ftrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " JOIN pg_foreign_server s ON s.oid = f.ftserver WHERE n.nspname = ? AND s.srvname = ?"
                + " ORDER BY c.relname")) {
            ps.setString(1, schema);
            ps.setString(2, server);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /**
     * postgres_fdw's errors as what the operator set: which server could not be reached, whose
     * login was refused, which schema is missing. PostgreSQL's own detail follows.
     */
    private static SQLException inOperatorsTerms(SQLException e, String context, Remote remote) {
        // a CasJobsException for what the operator can fix, shown as one line; any other error as it is
        ServerErrorMessage m = e instanceof PSQLException p ? p.getServerErrorMessage() : null;
        String detail = m == null ? e.getMessage() : m.getDetail() != null ? m.getDetail() : m.getMessage();
        String lower = detail.toLowerCase(Locale.ROOT);
        String what;
        if ("HV00Q".equals(e.getSQLState())) {
            what = "database " + remote.database() + " on " + remote.host() + ":" + remote.port() + " has no schema '"
                    + remote.schema() + "' (a schema name given here is folded to lower case)";
        } else if (lower.contains("password authentication failed") || lower.contains("password is required")
                || lower.contains("no password supplied")) {
            what = "the PostgreSQL server at " + remote.host() + ":" + remote.port() + " refused the login of user '"
                    + remote.user() + "' (wrong password, or no such user there)";
        } else if (lower.contains("database") && lower.contains("does not exist")) {
            what = "the PostgreSQL server at " + remote.host() + ":" + remote.port() + " has no database '"
                    + remote.database() + "'";
        } else if ("42704".equals(e.getSQLState())) {
            what = "a column of the remote tables has a type this database lacks (install its extension here too,"
                    + " in the schema it has there)";
        } else if ("08001".equals(e.getSQLState())) {
            what = "the PostgreSQL server at " + remote.host() + ":" + remote.port() + " could not be reached from the"
                    + " catalog's database server (host and port are as that server sees them)";
        } else {
            return e;
        }
        throw new CasJobsException("Cannot attach context " + context + " (" + remote.where() + "): " + what + ". "
                + "PostgreSQL says: " + detail.strip().replaceAll("\\s+", " "), e);
    }

    private static boolean exists(Connection c, String sql, String parameter) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, parameter);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** A string literal for DDL, which takes no parameters. */
    private static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
