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
import org.opencasjobs.jobs.CasJobsException;
import org.opencasjobs.jobs.Queues;

class ServerConfigTest {
    @Test
    void defaults() {
        ServerConfig c = ServerConfig.of(Map.of());
        assertEquals(8080, c.port());
        assertEquals(List.of("Sample"), c.contexts());
        assertEquals(1, c.quickQueueMinutes());
        assertEquals(List.of(500), c.batchQueueMinutes("Sample"));
        assertTrue(c.jobStoreUrl().startsWith("jdbc:h2:file:"));
        assertEquals(64L * 1024 * 1024, c.quickMaxBytes());
        assertEquals(1024L * 1024 * 1024, c.myDbQuotaBytes());
        assertEquals(5L * 1024 * 1024, ServerConfig.of(Map.of("casjobs.mydb.quota.mb", "5")).myDbQuotaBytes());
    }

    @Test
    void aMisspeltSettingInTheFileStopsTheStartButStrayEnvironmentVariablesDoNot(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("casjobs.properties");
        Files.writeString(file, "casjobs.port=9000\ncasjobs.queue.batch.minuts=60\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ServerConfig.load(file, Map.of(), Map.of()));
        assertTrue(e.getMessage().startsWith("Unknown setting casjobs.queue.batch.minuts in " + file), e.getMessage());
        assertTrue(e.getMessage().contains("casjobs.queue.batch.minutes"), e.getMessage());
        // The Python casjobs client's own variables may share the shell the server starts from.
        assertEquals(8080, ServerConfig.load(null, Map.of("CASJOBS_WSID", "123", "CASJOBS_PW", "x"), Map.of()).port());
    }

    @Test
    void aBadValueIsBlamedOnWhereItCameFrom(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("casjobs.properties");
        Files.writeString(file, "casjobs.port=http\ncasjobs.contexts=Sample,DR8\ncasjobs.context.dr8.url=sdss\n");
        String fromFile = assertThrows(IllegalArgumentException.class,
                () -> ServerConfig.load(file, Map.of(), Map.of())).getMessage();
        assertTrue(fromFile.startsWith("Invalid setting casjobs.port (in " + file + "): must be"), fromFile);
        String fromEnv = assertThrows(IllegalArgumentException.class,
                () -> ServerConfig.load(file, Map.of("CASJOBS_PORT", "8081", "CASJOBS_CONTEXT_DR8_URL", "x"), Map.of()))
                .getMessage();
        assertTrue(fromEnv.startsWith("Invalid setting casjobs.context.dr8.url (environment CASJOBS_CONTEXT_DR8_URL)"),
                fromEnv);
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
        String bytes = assertThrows(IllegalArgumentException.class,
                () -> ServerConfig.of(Map.of("casjobs.quick.max.bytes", "0"))).getMessage();
        assertTrue(bytes.contains("casjobs.quick.max.bytes") && bytes.contains("CASJOBS_QUICK_MAX_BYTES"), bytes);
        assertEquals(1000, ServerConfig.load(null, Map.of("CASJOBS_QUICK_MAX_BYTES", "1000"), Map.of()).quickMaxBytes());
    }

    @Test
    void aNodeHasAnIdOfPlainCharactersAndALeaseOfSeconds() {
        ServerConfig c = ServerConfig.of(Map.of());
        assertEquals("", c.nodeId(), "none set: one is generated at start");
        assertEquals(java.time.Duration.ofSeconds(15), c.nodeLease());
        ServerConfig set = ServerConfig.load(null, Map.of("CASJOBS_NODE_ID", "web-2.east", "CASJOBS_NODE_LEASE_SECONDS",
                "30"), Map.of());
        assertEquals("web-2.east", set.nodeId());
        assertEquals(java.time.Duration.ofSeconds(30), set.nodeLease());
        String id = assertThrows(IllegalArgumentException.class,
                () -> ServerConfig.of(Map.of("casjobs.node.id", "node one"))).getMessage();
        assertTrue(id.contains("casjobs.node.id") && id.contains("'node one'"), id);
        String lease = assertThrows(IllegalArgumentException.class,
                () -> ServerConfig.of(Map.of("casjobs.node.lease.seconds", "1"))).getMessage();
        assertTrue(lease.contains("casjobs.node.lease.seconds") && lease.contains("from 3 to 3600"), lease);
    }

    @Test
    void aContextMayLiveInAnExternalDatabase() {
        ServerConfig c = ServerConfig.load(null, Map.of("CASJOBS_CONTEXT_DR8_URL", "jdbc:postgresql://db/sdss",
                "CASJOBS_CONTEXT_DR8_USER", "casjobs", "CASJOBS_CONTEXT_DR8_PASSWORD", "pw"),
                Map.of("casjobs.contexts", "Sample,DR8"));
        assertEquals("jdbc:postgresql://db/sdss", c.contextUrl("DR8"));
        assertEquals("casjobs", c.contextUser("dr8"));
        assertEquals("pw", c.contextPassword("DR8"));
        assertEquals("PUBLIC", c.contextSchema("DR8"), "the default schema of an external context");
        assertEquals("", c.contextUrl("Sample"));
        assertEquals("Sample", c.contextSchema("Sample"), "a managed context's schema is its name");
        ServerConfig schema = ServerConfig.of(Map.of("casjobs.contexts", "Sample,My_Survey",
                "casjobs.context.my_survey.url", "jdbc:h2:file:/x", "casjobs.context.my_survey.schema", "dr7"));
        assertEquals("dr7", schema.contextSchema("My_Survey"));
        // The environment form of a name with '_' (CASJOBS_CONTEXT_MY_SURVEY_URL) is understood too.
        ServerConfig env = ServerConfig.load(null, Map.of("CASJOBS_CONTEXT_MY_SURVEY_URL", "jdbc:h2:mem:y"),
                Map.of("casjobs.contexts", "My_Survey"));
        assertEquals("jdbc:h2:mem:y", env.contextUrl("My_Survey"));
    }

    @Test
    void thePostgresqlEngineTakesTheJobStoreToItsDatabase() {
        assertEquals(ServerConfig.Engine.H2, ServerConfig.of(Map.of()).engine(), "H2 stays the default");
        ServerConfig pg = ServerConfig.load(null, Map.of("CASJOBS_ENGINE", "PostgreSQL",
                "CASJOBS_POSTGRESQL_URL", "jdbc:postgresql://db:5432/casjobs", "CASJOBS_POSTGRESQL_USER", "owner",
                "CASJOBS_POSTGRESQL_PASSWORD", "s3cret"), Map.of());
        assertEquals(ServerConfig.Engine.POSTGRESQL, pg.engine());
        assertEquals("jdbc:postgresql://db:5432/casjobs", pg.jobStoreUrl());
        assertEquals("owner", pg.jobStoreUser());
        assertEquals("s3cret", pg.jobStorePassword());
    }

    @Test
    void thePostgresqlSettingsAreValidatedTogether() {
        String engine = assertThrows(IllegalArgumentException.class,
                () -> ServerConfig.of(Map.of("casjobs.engine", "oracle"))).getMessage();
        assertTrue(engine.contains("casjobs.engine") && engine.contains("h2 or postgresql"), engine);
        String noUrl = assertThrows(IllegalArgumentException.class,
                () -> ServerConfig.of(Map.of("casjobs.engine", "postgresql"))).getMessage();
        assertTrue(noUrl.contains("casjobs.postgresql.url") && noUrl.contains("CASJOBS_POSTGRESQL_URL"), noUrl);
        String notPg = assertThrows(IllegalArgumentException.class, () -> ServerConfig.of(Map.of(
                "casjobs.engine", "postgresql", "casjobs.postgresql.url", "jdbc:h2:mem:x",
                "casjobs.postgresql.user", "o"))).getMessage();
        assertTrue(notPg.contains("jdbc:postgresql:"), notPg);
        String noUser = assertThrows(IllegalArgumentException.class, () -> ServerConfig.of(Map.of(
                "casjobs.engine", "postgresql", "casjobs.postgresql.url", "jdbc:postgresql://db/x"))).getMessage();
        assertTrue(noUser.contains("casjobs.postgresql.user"), noUser);
        String inUrl = assertThrows(IllegalArgumentException.class, () -> ServerConfig.of(Map.of(
                "casjobs.engine", "postgresql", "casjobs.postgresql.url", "jdbc:postgresql://db/x?user=o&password=Hush-1",
                "casjobs.postgresql.user", "o"))).getMessage();
        assertTrue(inUrl.contains("casjobs.postgresql.password") && !inUrl.contains("Hush-1"), inUrl);
        String both = assertThrows(IllegalArgumentException.class, () -> ServerConfig.of(Map.of(
                "casjobs.engine", "postgresql", "casjobs.postgresql.url", "jdbc:postgresql://db/x",
                "casjobs.postgresql.user", "o", "casjobs.jobstore.url", "jdbc:h2:mem:y"))).getMessage();
        assertTrue(both.contains("casjobs.jobstore.url"), both);
        // A URL set while the engine stayed h2 would be ignored in silence: refused instead.
        String forgotten = assertThrows(IllegalArgumentException.class, () -> ServerConfig.of(Map.of(
                "casjobs.postgresql.url", "jdbc:postgresql://db/x"))).getMessage();
        assertTrue(forgotten.contains("casjobs.postgresql.url") && forgotten.contains("casjobs.engine"), forgotten);
        String secret = assertThrows(IllegalArgumentException.class, () -> ServerConfig.of(Map.of(
                "casjobs.postgresql.password", "Hush-2"))).getMessage();
        assertTrue(secret.contains("casjobs.postgresql.password") && !secret.contains("Hush-2"), secret);
    }

    @Test
    void contextSettingsAreValidated() {
        String url = assertThrows(IllegalArgumentException.class, () -> ServerConfig.of(Map.of(
                "casjobs.contexts", "Sample,DR8", "casjobs.context.dr8.url", "postgresql://db/sdss"))).getMessage();
        assertTrue(url.contains("casjobs.context.dr8.url") && url.contains("CASJOBS_CONTEXT_DR8_URL")
                && url.contains("jdbc:"), url);
        String typo = assertThrows(IllegalArgumentException.class, () -> ServerConfig.of(Map.of(
                "casjobs.contexts", "Sample,DR8", "casjobs.context.dr9.url", "jdbc:h2:mem:x"))).getMessage();
        assertTrue(typo.contains("casjobs.context.dr9.url") && typo.contains("'dr9'") && typo.contains("casjobs.contexts"),
                typo);
        String typoQueue = assertThrows(IllegalArgumentException.class, () -> ServerConfig.of(Map.of(
                "casjobs.context.smaple.batch.minutes", "60"))).getMessage();
        assertTrue(typoQueue.contains("casjobs.context.smaple.batch.minutes"), typoQueue);
        String unknown = assertThrows(IllegalArgumentException.class, () -> ServerConfig.of(Map.of(
                "casjobs.context.sample.uri", "jdbc:h2:mem:x"))).getMessage();
        assertTrue(unknown.contains("casjobs.context.sample.uri") && unknown.contains("url"), unknown);
        String name = assertThrows(IllegalArgumentException.class, () -> ServerConfig.of(Map.of(
                "casjobs.contexts", "Sample,DR-8"))).getMessage();
        assertTrue(name.contains("casjobs.contexts") && name.contains("DR-8"), name);
        assertThrows(IllegalArgumentException.class, () -> ServerConfig.of(Map.of("casjobs.contexts", "Sample,MyDB")));
        // on PostgreSQL a context's schema is readable by every account: never the service's own, nor a MyDB's
        for (String own : List.of("casjobs", "TSQL", "sys_information_schema", "mydb_101", "cj_casjobs_server", "pg_x")) {
            String m = assertThrows(IllegalArgumentException.class,
                    () -> ServerConfig.of(Map.of("casjobs.contexts", "Sample," + own)), own).getMessage();
            assertTrue(m.contains("'" + own + "'"), m);
        }
        assertThrows(IllegalArgumentException.class, () -> ServerConfig.of(Map.of("casjobs.contexts", "Sample,sample")));
        String userOnly = assertThrows(IllegalArgumentException.class, () -> ServerConfig.of(Map.of(
                "casjobs.context.sample.user", "x"))).getMessage();
        assertTrue(userOnly.contains("casjobs.context.sample.user") && userOnly.contains("casjobs.context.sample.url"),
                userOnly);
        String badQueue = assertThrows(IllegalArgumentException.class, () -> ServerConfig.of(Map.of(
                "casjobs.context.sample.quick.concurrency", "0"))).getMessage();
        assertTrue(badQueue.contains("casjobs.context.sample.quick.concurrency"), badQueue);
        // The queue settings of existing contexts, and of MyDB, still pass.
        ServerConfig ok = ServerConfig.of(Map.of("casjobs.context.sample.batch.minutes", "60,500",
                "casjobs.context.sample.quick.concurrency", "2", "casjobs.context.sample.batch.concurrency", "3",
                "casjobs.context.mydb.batch.minutes", "30"));
        assertEquals(List.of(60, 500), ok.batchQueueMinutes("Sample"));
        assertEquals(2, ok.quickConcurrency("Sample"));
        assertEquals(3, ok.batchConcurrency("Sample"));
        assertEquals(List.of(30), ok.batchQueueMinutes("MyDB"));
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
