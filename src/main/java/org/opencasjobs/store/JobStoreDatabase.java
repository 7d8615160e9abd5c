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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The pooled connection to the job store, migrated to the current schema when opened. */
public final class JobStoreDatabase implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JobStoreDatabase.class);
    /** H2's error for a connection used after its database was shut down (90121). */
    private static final int DATABASE_CLOSED_AT_SHUTDOWN = 90121;

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
        HikariConfig hc = new HikariConfig();
        if (meters != null) {
            hc.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(meters));
        }
        hc.setPoolName("jobstore");
        hc.setJdbcUrl(config.jobStoreUrl());
        hc.setUsername(config.jobStoreUser());
        hc.setPassword(config.jobStorePassword());
        hc.setMaximumPoolSize(config.jobStorePoolSize());
        HikariDataSource ds = new HikariDataSource(hc);
        try {
            Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
        return new JobStoreDatabase(ds, config.jobStoreUrl().startsWith("jdbc:h2:file:"));
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
