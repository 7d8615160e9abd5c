package org.opencasjobs.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencasjobs.jobs.Queues;
import org.opencasjobs.service.CasJobsException;

class ServerConfigTest {
    @Test
    void defaults() {
        ServerConfig c = ServerConfig.of(Map.of());
        assertEquals(8080, c.port());
        assertEquals(List.of("Sample"), c.contexts());
        assertEquals(1, c.quickQueueMinutes());
        assertEquals(List.of(500), c.batchQueueMinutes("Sample"));
        assertTrue(c.jobStoreUrl().startsWith("jdbc:h2:file:"));
    }

    @Test
    void fileThenEnvironmentThenOverrides(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("casjobs.properties");
        Files.writeString(file, "casjobs.port=9000\ncasjobs.contexts=DR7, DR8\ncasjobs.context.DR8.batch.minutes=60,500\n");
        ServerConfig fromFile = ServerConfig.load(file, Map.of(), Map.of());
        assertEquals(9000, fromFile.port());
        assertEquals(List.of("DR7", "DR8"), fromFile.contexts());
        assertEquals(List.of(60, 500), fromFile.batchQueueMinutes("dr8"));
        assertEquals(List.of(500), fromFile.batchQueueMinutes("DR7"));
        assertEquals(2, fromFile.batchConcurrency("DR7"));
        ServerConfig busy = ServerConfig.load(file, Map.of("CASJOBS_CONTEXT_DR8_BATCH_CONCURRENCY", "6"), Map.of());
        assertEquals(6, busy.batchConcurrency("dr8"));
        assertEquals(2, busy.batchConcurrency("DR7"));
        assertEquals(4, busy.quickConcurrency("DR8"));
        ServerConfig fromEnv = ServerConfig.load(file, Map.of("CASJOBS_PORT", "9100", "HOME", "/x"), Map.of());
        assertEquals(9100, fromEnv.port());
        assertEquals(9200, ServerConfig.load(file, Map.of("CASJOBS_PORT", "9100"), Map.of("casjobs.port", "9200")).port());
    }

    @Test
    void impossibleValuesNameTheSetting() {
        String port = assertThrows(IllegalArgumentException.class,
                () -> ServerConfig.of(Map.of("casjobs.port", "70000"))).getMessage();
        assertTrue(port.contains("casjobs.port") && port.contains("CASJOBS_PORT") && port.contains("70000"), port);
        String queues = assertThrows(IllegalArgumentException.class,
                () -> ServerConfig.of(Map.of("casjobs.queue.batch.minutes", "500,zero"))).getMessage();
        assertTrue(queues.contains("casjobs.queue.batch.minutes"), queues);
        assertThrows(IllegalArgumentException.class, () -> ServerConfig.of(Map.of("casjobs.demo.account", "yes")));
        assertThrows(IllegalArgumentException.class, () -> ServerConfig.of(Map.of("casjobs.public.base.url", "sky")));
        assertThrows(IllegalArgumentException.class, () -> ServerConfig.of(Map.of("casjobs.contexts", " , ")));
    }

    @Test
    void estimatesPickTheNearestBatchQueueAndTiesGoToTheShorter() {
        Queues q = new Queues(ServerConfig.of(Map.of("casjobs.queue.batch.minutes", "100,500,60")));
        assertEquals(60, q.batchFor("sample", 1).minutes());
        assertEquals(60, q.batchFor("sample", 80).minutes(), "80 is 20 from 60 and 20 from 100");
        assertEquals(100, q.batchFor("sample", 81).minutes());
        assertEquals(500, q.batchFor("SAMPLE", 100_000).minutes());
        assertEquals("MyDB", q.batchFor("mydb", 5).context());
        String unknown = assertThrows(CasJobsException.class, () -> q.batchFor("DR1", 5)).getMessage();
        assertEquals("Unknown context 'DR1'. Available contexts: MyDB, Sample.", unknown);
    }
}
