package org.opencasjobs.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;

class HealthTest {
    private static HikariDataSource h2() {
        HikariDataSource ds = new HikariDataSource();
        ds.setJdbcUrl("jdbc:h2:mem:health" + System.nanoTime());
        return ds;
    }

    @Test
    void upWhenEveryPartAnswers() {
        try (HikariDataSource ds = h2()) {
            Health.Report r = new Health().add("jobstore", Health.database(ds)).add("catalog", () -> { }).check();
            assertTrue(r.healthy());
            assertEquals("{\"status\":\"UP\",\"jobstore\":\"UP\",\"catalog\":\"UP\"}\n", r.json());
        }
    }

    @Test
    void downWhenADatabaseIsGone() {
        HikariDataSource ds = h2();
        ds.close();
        Health.Report r = new Health().add("jobstore", Health.database(ds)).add("catalog", () -> { }).check();
        assertFalse(r.healthy());
        assertTrue(r.parts().get("jobstore").startsWith("DOWN: "), r.parts().toString());
        assertEquals("UP", r.parts().get("catalog"));
        assertTrue(r.json().startsWith("{\"status\":\"DOWN\""), r.json());
    }

    @Test
    void downWhileStopping() {
        Health h = new Health().add("catalog", () -> { });
        h.stopping();
        Health.Report r = h.check();
        assertFalse(r.healthy());
        assertEquals("SHUTTING_DOWN", r.parts().get("server"));
    }
}
