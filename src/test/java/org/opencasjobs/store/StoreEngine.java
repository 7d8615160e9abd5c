package org.opencasjobs.store;

import java.util.Map;
import java.util.UUID;
import org.opencasjobs.config.ServerConfig;
import org.opencasjobs.testing.Postgres;

/**
 * The engines the job store runs on, each giving a fresh, migrated store: the store tests run on
 * every one of them ({@code @ParameterizedClass @EnumSource(StoreEngine.class)}). PostgreSQL's is
 * a new database on the test cluster ({@link Postgres}), skipped when PostgreSQL is not installed.
 */
enum StoreEngine {
    H2 {
        @Override
        Fresh open() {
            return new Fresh(JobStoreDatabase.open(ServerConfig.of(Map.of(
                    "casjobs.jobstore.url", "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1"))), null);
        }
    },
    POSTGRESQL {
        @Override
        Fresh open() {
            Postgres.Database database = Postgres.newDatabase();
            try {
                return new Fresh(JobStoreDatabase.open(ServerConfig.of(database.settings())), database);
            } catch (RuntimeException e) {
                database.close();
                throw e;
            }
        }
    };

    /** A store just opened, and (PostgreSQL) the database to drop after it. */
    record Fresh(JobStoreDatabase db, Postgres.Database database) implements AutoCloseable {
        @Override
        public void close() {
            db.close();
            if (database != null) {
                database.close();
            }
        }
    }

    abstract Fresh open();
}
