package org.opencasjobs.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.junit.jupiter.api.Test;
import org.opencasjobs.config.ServerConfig;

/**
 * The migrations of the two engines: H2's are the ones every existing job store has applied (Flyway
 * refuses to start on a store whose applied scripts' checksums differ), and PostgreSQL's keep in
 * step with them, version for version.
 */
class MigrationsTest {
    /** The checksums Flyway recorded in job stores made before PostgreSQL came (db/migration, V1 to V4). */
    private static final List<Integer> H2_APPLIED_CHECKSUMS = List.of(2046934898, 1222696830, -1080863602, -177957640);

    private static List<MigrationInfo> pending(String location) {
        Flyway flyway = Flyway.configure()
                .dataSource("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "")
                .locations("classpath:db/migration/" + location).load();
        return Arrays.asList(flyway.info().all());
    }

    @Test
    void theH2MigrationsAreTheOnesExistingStoresApplied() {
        List<MigrationInfo> h2 = pending("h2");
        assertEquals(H2_APPLIED_CHECKSUMS, h2.stream().limit(H2_APPLIED_CHECKSUMS.size())
                .map(MigrationInfo::getChecksum).toList());
        assertEquals(List.of("V1__jobs_and_accounts.sql", "V2__into_table.sql", "V3__output_base.sql",
                "V4__creating_table.sql"), h2.stream().limit(4).map(MigrationInfo::getScript).toList());
        // And a store opened through JobStoreDatabase migrates with exactly these.
        try (JobStoreDatabase db = JobStoreDatabase.open(ServerConfig.of(Map.of(
                "casjobs.jobstore.url", "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1")))) {
            List<Integer> applied = Arrays.stream(Flyway.configure().dataSource(db.dataSource())
                    .locations("classpath:db/migration/h2").load().info().applied())
                    .map(MigrationInfo::getChecksum).limit(H2_APPLIED_CHECKSUMS.size()).toList();
            assertEquals(H2_APPLIED_CHECKSUMS, applied);
        }
    }

    @Test
    void eachEngineHasTheSameMigrations() {
        assertEquals(pending("h2").stream().map(m -> m.getVersion() + " " + m.getDescription()).toList(),
                pending("postgresql").stream().map(m -> m.getVersion() + " " + m.getDescription()).toList());
    }
}
