package org.opencasjobs.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.opencasjobs.config.ServerConfig;
import org.opencasjobs.config.ServerConfig.Engine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pooled connection to the job store, migrated to the current schema when opened: an H2
 * database (the data folder's file unless {@code casjobs.jobstore.url} says otherwise), or with
 * {@code casjobs.engine=postgresql} the schema {@value #POSTGRESQL_SCHEMA} of that PostgreSQL
 * database. Each engine has its own Flyway migrations ({@code db/migration/h2},
 * {@code db/migration/postgresql}); the SQL of {@link JdbcJobStore} and {@link JdbcAccountStore}
 * runs unchanged on both.
 */
public final class JobStoreDatabase implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JobStoreDatabase.class);
    /** H2's error for a connection used after its database was shut down (90121). */
    private static final int DATABASE_CLOSED_AT_SHUTDOWN = 90121;

    /**
     * The PostgreSQL schema of the job store and the accounts. Its first migration takes every
     * right on it from PUBLIC: the account roles that run user SQL in the same database cannot
     * read it (the owner role alone can).
     */
    public static final String POSTGRESQL_SCHEMA = "casjobs";

    private final HikariDataSource pool;
    /** An H2 file, which H2 compacts when we close it (see {@link #close()}). */
    private final boolean h2File;

    private JobStoreDatabase(HikariDataSource pool, boolean h2File) {
        this.pool = pool;
        this.h2File = h2File;
    }

    public static JobStoreDatabase open(ServerConfig config) {
        return open(config, null);
    }

    /** Opens the pool, reporting its usage to {@code meters} (when not null) as {@code hikaricp_*}. */
    public static JobStoreDatabase open(ServerConfig config, MeterRegistry meters) {
        boolean postgresql = config.engine() == Engine.POSTGRESQL;
        HikariConfig hc = new HikariConfig();
        if (meters != null) {
            hc.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(meters));
        }
        hc.setPoolName("jobstore");
        hc.setJdbcUrl(config.jobStoreUrl());
        hc.setUsername(config.jobStoreUser());
        hc.setPassword(config.jobStorePassword());
        hc.setMaximumPoolSize(config.jobStorePoolSize());
        if (postgresql) {
            hc.setSchema(POSTGRESQL_SCHEMA);
            hc.addDataSourceProperty("ApplicationName", "opencasjobs job store"); // as pg_stat_activity shows it
        }
        HikariDataSource ds;
        try {
            ds = new HikariDataSource(hc);
        } catch (RuntimeException e) {
            throw postgresql ? cannotOpen(config, e) : e;
        }
        try {
            migrate(ds, postgresql);
        } catch (RuntimeException e) {
            ds.close();
            throw postgresql ? cannotOpen(config, e) : e;
        }
        return new JobStoreDatabase(ds, config.jobStoreUrl().startsWith("jdbc:h2:file:"));
    }

    private static void migrate(DataSource ds, boolean postgresql) {
        var flyway = Flyway.configure().dataSource(ds);
        if (postgresql) {
            flyway.locations("classpath:db/migration/postgresql").schemas(POSTGRESQL_SCHEMA)
                    .defaultSchema(POSTGRESQL_SCHEMA).createSchemas(true);
        } else {
            // Moved from db/migration unchanged: Flyway checks the applied scripts' versions,
            // descriptions and checksums, not their folder, so existing job stores still validate.
            flyway.locations("classpath:db/migration/h2");
        }
        flyway.load().migrate();
    }

    /**
     * Why the PostgreSQL job store did not open, in one line naming the database and the role (never
     * the password), with the innermost cause: "password authentication failed", "permission
     * denied for database", "Connection refused" and the like say what to fix.
     */
    private static IllegalStateException cannotOpen(ServerConfig config, RuntimeException e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return new IllegalStateException("Cannot open the job store in PostgreSQL at " + config.jobStoreUrl()
                + " as role '" + config.jobStoreUser() + "' (schema " + POSTGRESQL_SCHEMA + "): "
                + root.getMessage(), e);
    }

    public DataSource dataSource() {
        return pool;
    }

    /**
     * Closes the store. An H2 file is rewritten compactly first (SHUTDOWN COMPACT copies the live
     * data to a new file): the job store never reuses freed space while open (REUSE_SPACE=FALSE in
     * {@link ServerConfig#jobStoreUrl()}, for crash safety), so this is where it shrinks again.
     */
    @Override
    public void close() {
        if (h2File) {
            try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
                s.execute("SHUTDOWN COMPACT");
            } catch (SQLException e) {
                if (e.getErrorCode() != DATABASE_CLOSED_AT_SHUTDOWN) { // the connection, closed by the SHUTDOWN
                    LOG.warn("job store not compacted on close: {}", e.getMessage());
                }
            } catch (RuntimeException e) {
                LOG.warn("job store not compacted on close: {}", e.getMessage());
            }
        }
        pool.close();
    }
}
