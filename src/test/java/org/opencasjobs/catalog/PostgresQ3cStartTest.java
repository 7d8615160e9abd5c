package org.opencasjobs.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencasjobs.config.ServerConfig;
import org.opencasjobs.jobs.CasJobsException;
import org.opencasjobs.testing.Postgres;

/**
 * The catalog's start on a database without q3c, whose owner (not a superuser) may not create
 * it: the start stops with the one command a superuser must run, in which database, and the
 * Debian package; nothing of the layout is made.
 */
class PostgresQ3cStartTest {
    @Test
    void withoutQ3cTheStartNamesTheSuperusersCommand(@TempDir Path dir) throws Exception {
        try (Postgres.Database db = Postgres.newDatabase(false)) {
            Map<String, String> settings = new HashMap<>(db.settings());
            settings.put("casjobs.data.dir", dir.toString());
            settings.put("casjobs.contexts", "Sample");
            CasJobsException e = assertThrows(CasJobsException.class, () -> PostgresCatalog.open(ServerConfig.of(settings)));
            assertEquals("The q3c extension (the sky index of the cone searches) is not installed in PostgreSQL database "
                    + db.name() + ", and the role " + db.owner() + " may not create it: as a superuser run CREATE EXTENSION"
                    + " q3c; in database " + db.name() + " (psql -d " + db.name() + " -c 'CREATE EXTENSION q3c;'), and start"
                    + " again.", e.getMessage());
            try (Connection c = db.connect(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM pg_namespace WHERE nspname IN ('sample', 'dbo', 'tsql')")) {
                rs.next();
                assertEquals(0, rs.getInt(1), "the layout is not half made");
            }
        }
    }
}
