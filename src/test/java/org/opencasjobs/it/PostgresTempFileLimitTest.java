package org.opencasjobs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opencasjobs.catalog.Catalog;
import org.opencasjobs.config.ServerConfig;
import org.opencasjobs.testing.Postgres;

/**
 * {@code casjobs.postgresql.temp.file.limit.mb}: each account's role gets it as its
 * {@code temp_file_limit}, which only a superuser, or a role granted the right, may set; the test
 * cluster's database owner is neither until the superuser grants it. Without the right the
 * start-up names the grant, and the accounts run without a limit.
 */
class PostgresTempFileLimitTest {
    private static final long WSID = 41;
    /** A sort of three million integers with little work memory writes some 40 MB of temporary files. */
    private static final String SPILLS = "SET work_mem = '64kB';"
            + " SELECT COUNT(*) FROM (SELECT g FROM generate_series(1, 3000000) g ORDER BY g DESC OFFSET 0) s";

    private static Map<String, String> settings(Postgres.Database database, String limitMb) throws Exception {
        Map<String, String> settings = new HashMap<>(database.settings());
        settings.put("casjobs.data.dir", Files.createTempDirectory("opencasjobs-pg-temp").toString());
        settings.put("casjobs.sample.rows", "0");
        settings.put("casjobs.postgresql.temp.file.limit.mb", limitMb);
        return settings;
    }

    private static String show(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW temp_file_limit")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void anOwnerGrantedTheRightLimitsEachAccountsTemporaryFiles() throws Exception {
        try (Postgres.Database database = Postgres.newDatabase()) {
            database.asSuperuser("GRANT SET ON PARAMETER temp_file_limit TO " + database.owner());
            try (Catalog catalog = Catalog.open(ServerConfig.of(settings(database, "5")));
                 Connection c = catalog.connect(WSID, "MyDB")) {
                assertEquals("5MB", show(c));
                SQLException e = assertThrows(SQLException.class, () -> c.createStatement().execute(SPILLS));
                assertEquals("53400", e.getSQLState(), e.getMessage()); // temporary file size exceeds temp_file_limit
                SQLException denied = assertThrows(SQLException.class,
                        () -> c.createStatement().execute("SET temp_file_limit = -1"));
                assertEquals("42501", denied.getSQLState(), "the account may not lift it");
            }
        }
    }

    @Test
    void anOwnerWithoutTheRightSaysOnceWhatTheOperatorMustRun() throws Exception {
        try (Postgres.Database database = Postgres.newDatabase()) {
            String grant = "GRANT SET ON PARAMETER temp_file_limit TO " + database.owner() + ";";
            Catalog[] opened = new Catalog[1];
            String log = LogCapture.during(() -> opened[0] = Catalog.open(ServerConfig.of(settings(database, "5"))),
                    grant);
            try (Catalog catalog = opened[0]; Connection c = catalog.connect(WSID, "MyDB")) {
                assertTrue(log.contains("casjobs.postgresql.temp.file.limit.mb=5 is not applied: role "
                        + database.owner() + " may not set temp_file_limit"), log);
                assertEquals(2, log.split("is not applied", -1).length, "said once: " + log);
                assertEquals("-1", show(c), "no limit, as PostgreSQL's default");
                c.createStatement().execute(SPILLS);
            }
        }
    }
}
