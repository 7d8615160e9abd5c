package org.opencasjobs.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.MeterRegistry;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.opencasjobs.config.ServerConfig;

/** The pooled connection to the job store, migrated to the current schema when opened. */
public final class JobStoreDatabase implements AutoCloseable {
    private final HikariDataSource pool;

    private JobStoreDatabase(HikariDataSource pool) {
        this.pool = pool;
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
        return new JobStoreDatabase(ds);
    }

    public DataSource dataSource() {
        return pool;
    }

    @Override
    public void close() {
        pool.close();
    }
}
