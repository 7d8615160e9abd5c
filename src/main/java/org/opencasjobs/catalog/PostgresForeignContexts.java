package org.opencasjobs.catalog;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.opencasjobs.catalog.postgres.ForeignContext;
import org.opencasjobs.catalog.postgres.PostgresLayout;
import org.opencasjobs.catalog.postgres.PostgresNames;
import org.opencasjobs.config.ServerConfig;
import org.opencasjobs.jobs.CasJobsException;
import org.postgresql.Driver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Contexts on other PostgreSQL servers with {@code casjobs.engine=postgresql}, attached through
 * postgres_fdw ({@link ForeignContext}): declared in the settings ({@code casjobs.context.NAME.url}
 * = {@code jdbc:postgresql://HOST:PORT/DB}, {@code .user}, {@code .password}, {@code .schema}) and
 * attached again at every start, or attached by the {@code context attach} command, which may run
 * while the service does (all it changes is in the database).
 */
public final class PostgresForeignContexts {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresForeignContexts.class);

    private PostgresForeignContexts() {
    }

    /**
     * The remote side of a JDBC URL: host(s), port(s) and database as PgJDBC reads them (other
     * parameters of the URL are not used). A schema name folds to lower case, as PostgreSQL folds
     * unquoted names ({@code PUBLIC} is {@code public}); empty means {@code public}.
     */
    public static ForeignContext.Remote remote(String context, String url, String schema, String user,
                                               String password) {
        if (url == null || url.isEmpty()) {
            throw new CasJobsException("Context " + context + " has no remote server: give --url"
                    + " jdbc:postgresql://HOST:PORT/DATABASE, or set casjobs.context." + context.toLowerCase(Locale.ROOT)
                    + ".url.");
        }
        Properties p = Driver.parseURL(url, new Properties());
        if (p == null) {
            throw new CasJobsException("Context " + context + ": '" + url + "' is not a PostgreSQL JDBC URL; give"
                    + " jdbc:postgresql://HOST:PORT/DATABASE of the server that holds the context's tables.");
        }
        if (url.toLowerCase(Locale.ROOT).matches(".*[?&]password=.*")) {
            throw new CasJobsException("Context " + context + ": give the remote password on its own (a password"
                    + " file, or casjobs.context." + context.toLowerCase(Locale.ROOT) + ".password), not in the URL.");
        }
        if (user == null || user.isEmpty() || password == null || password.isEmpty()) {
            throw new CasJobsException("Context " + context + " at " + Catalog.withoutPassword(url) + " needs the remote"
                    + " user and password (postgres_fdw lets a role that is not a superuser log in only with a password).");
        }
        String remoteSchema = schema == null || schema.isEmpty() ? "public" : schema.toLowerCase(Locale.ROOT);
        return new ForeignContext.Remote(p.getProperty("PGHOST"), p.getProperty("PGPORT"), p.getProperty("PGDBNAME"),
                remoteSchema, user, password);
    }

    /**
     * The contexts whose settings name another database, attached (again) at a start, before
     * Sample is generated. Each on a connection of its own, outside the owner's pool: a remote
     * server that cannot be reached fails with SQLSTATE 08001, which makes a pool throw away the
     * connection that holds the layout lock. A context attached before stays as it was when its
     * attachment fails now (a remote server down must not stop the service): a warning says why,
     * and its users' queries fail until the server is back. One never attached stops the start.
     */
    static void attachConfigured(ServerConfig config, PostgresNames names) throws SQLException {
        for (String context : config.contexts()) {
            if (config.contextUrl(context).isEmpty()) {
                continue;
            }
            ForeignContext.Remote remote = remote(context, config.contextUrl(context), config.contextSchema(context),
                    config.contextUser(context), config.contextPassword(context));
            try (Connection c = DriverManager.getConnection(config.jobStoreUrl(), config.jobStoreUser(),
                    config.jobStorePassword())) {
                try {
                    log(context, remote, ForeignContext.attach(c, names, context, remote));
                } catch (CasJobsException | SQLException e) {
                    List<String> before = ForeignContext.foreignTables(c, PostgresNames.context(context),
                            ForeignContext.serverName(context));
                    if (before.isEmpty()) {
                        throw e;
                    }
                    LOG.warn("context {} keeps its attachment of {} (foreign tables {}): attaching it again failed: {}",
                            context, remote, before, e.getMessage());
                }
            }
        }
    }

    /**
     * The {@code context attach} command: attaches {@code remote} as {@code context} now, as the
     * owner, under the layout lock (a starting node may be attaching the same).
     */
    public static ForeignContext.Attached attach(ServerConfig config, String context, ForeignContext.Remote remote)
            throws SQLException {
        checkAttachable(config, context);
        try (Connection c = DriverManager.getConnection(config.jobStoreUrl(), config.jobStoreUser(),
                config.jobStorePassword())) {
            PostgresNames names = PostgresNames.forDatabase(PostgresLayout.currentDatabase(c));
            ForeignContext.Attached a = PostgresLayout.locked(c, () -> ForeignContext.attach(c, names, context, remote));
            log(context, remote, a);
            return a;
        }
    }

    /** Refuses {@code context attach} where it cannot work: on H2, or for a context the service does not offer. */
    public static void checkAttachable(ServerConfig config, String context) {
        if (config.engine() != ServerConfig.Engine.POSTGRESQL) {
            throw new CasJobsException("context attach is for casjobs.engine=postgresql; with the embedded engine, set"
                    + " casjobs.context." + context.toLowerCase(Locale.ROOT) + ".url (and .user, .password, .schema) to"
                    + " link another database's tables.");
        }
        if (config.contexts().stream().noneMatch(c -> c.equalsIgnoreCase(context))) {
            throw new CasJobsException("Context " + context + " is not in casjobs.contexts ("
                    + String.join(", ", config.contexts()) + "): add it there first, so that the service offers it"
                    + " (a running server after its next start).");
        }
    }

    private static void log(String context, ForeignContext.Remote remote, ForeignContext.Attached a) {
        LOG.info("context {}: schema {} holds the foreign tables {} of {} (postgres_fdw server {}){}", context,
                PostgresNames.context(context), a.tables(), remote, a.server(), a.shipped().contains("q3c")
                        ? ", q3c conditions run there"
                        : ", without q3c there: sky-index conditions run here, after the rows come over");
    }
}
