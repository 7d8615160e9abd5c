package org.opencasjobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.xml.ws.soap.SOAPFaultException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencasjobs.catalog.PostgresCatalog;
import org.opencasjobs.catalog.sdss.SdssSample;
import org.opencasjobs.config.ServerConfig;
import org.opencasjobs.dialect.Engine;
import org.opencasjobs.it.TestServer;
import org.opencasjobs.jobs.CasJobsException;
import org.opencasjobs.testing.Postgres;
import org.opencasjobs.wire.JobsSoap;
import picocli.CommandLine;

/**
 * Contexts on another PostgreSQL server, attached with postgres_fdw: a second database of the
 * test cluster is the "remote" server, holding schema {@code survey} (a {@code stars} table with
 * a q3c index), read there by a role that may only read. Context Survey is declared in the
 * settings and attached at the service's start; context Later is attached by the
 * {@code context attach} command while the service runs. Users read both through the service,
 * join them with MyDB, and can neither write them nor read the remote password.
 */
class PostgresForeignContextTest {
    /** Rows of the remote stars: objid 1..ROWS, ra = objid / 100, dec = (objid % 200) / 100 - 1. */
    private static final int ROWS = 5000;
    /** The generated Sample's size and seed, as the service makes it (H2Catalog.SAMPLE_SEED). */
    private static final int SAMPLE_ROWS = 2000;
    private static final long SAMPLE_SEED = 20031118L;
    private static Postgres.Database local;
    private static Postgres.Database remote;
    private static String reader;
    private static String readerPassword;
    private static TestServer server;
    private static JobsSoap client;
    private static Path dir;

    @BeforeAll
    static void start() throws Exception {
        local = Postgres.newDatabase();
        remote = Postgres.newDatabase();
        reader = "survey_reader_" + remote.name();
        readerPassword = Postgres.newLoginRole(reader);
        try (Connection c = remote.connect(); Statement s = c.createStatement()) {
            for (String schema : List.of("survey", "later")) {
                s.execute("CREATE SCHEMA " + schema);
                s.execute("CREATE TABLE " + schema + ".stars (objid bigint PRIMARY KEY, ra double precision,"
                        + " dec double precision, r real)");
                s.execute("INSERT INTO " + schema + ".stars SELECT i, i / 100.0, (i % 200) / 100.0 - 1, 15 + (i % 7)"
                        + " FROM generate_series(1, " + ROWS + ") i");
                s.execute("CREATE INDEX ON " + schema + ".stars (q3c_ang2ipix(ra, dec))");
                s.execute("ANALYZE " + schema + ".stars");
                s.execute("GRANT USAGE ON SCHEMA " + schema + " TO " + reader);
                s.execute("GRANT SELECT ON ALL TABLES IN SCHEMA " + schema + " TO " + reader);
            }
            s.execute("GRANT CONNECT ON DATABASE " + remote.name() + " TO " + reader);
            // the Sample the service generates (TestServer's rows, its seed), on the remote server
            SdssSample.generate(c, Engine.POSTGRESQL, "sky", SdssSample.SAMPLE, SdssSample.rowsFor(SdssSample.SAMPLE,
                    SAMPLE_ROWS), SAMPLE_SEED);
            s.execute("GRANT USAGE ON SCHEMA sky TO " + reader);
            s.execute("GRANT SELECT ON ALL TABLES IN SCHEMA sky TO " + reader);
        }
        // what the owner (not a superuser) may not do itself: the error test below shows the message
        local.asSuperuser("CREATE EXTENSION postgres_fdw");
        local.asSuperuser("GRANT USAGE ON FOREIGN DATA WRAPPER postgres_fdw TO " + local.owner());
        Map<String, String> settings = new HashMap<>(local.settings());
        settings.put("casjobs.contexts", "Sample,Survey,Later,Sky,Gone");
        settings.put("casjobs.sample.rows", Integer.toString(SAMPLE_ROWS));
        settings.put("casjobs.context.sky.url", remote.url());
        settings.put("casjobs.context.sky.schema", "sky");
        settings.put("casjobs.context.sky.user", reader);
        settings.put("casjobs.context.sky.password", readerPassword);
        settings.put("casjobs.context.survey.url", remote.url());
        settings.put("casjobs.context.survey.schema", "survey");
        settings.put("casjobs.context.survey.user", reader);
        settings.put("casjobs.context.survey.password", readerPassword);
        server = new TestServer(settings);
        client = server.client(true);
        dir = Files.createTempDirectory("opencasjobs-fdw");
        StringBuilder props = new StringBuilder("casjobs.contexts=Sample,Survey,Later,Sky,Gone\n");
        local.settings().forEach((k, v) -> props.append(k).append('=').append(v).append('\n'));
        settings.forEach((k, v) -> {
            if (k.startsWith("casjobs.context.") && !k.endsWith(".password")) {
                props.append(k).append('=').append(v).append('\n');
            }
        });
        Files.writeString(dir.resolve("casjobs.properties"), props);
        Files.writeString(dir.resolve("remote-password"), readerPassword + "\n");
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (local != null) {
            local.close();
        }
        if (remote != null) {
            remote.close();
        }
        if (dir != null) {
            // the remote password's file among them
            try (java.util.stream.Stream<Path> all = Files.walk(dir)) {
                for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private record Run(int code, String out, String err) {
    }

    /** {@code context attach} as an operator runs it, against the service's database. */
    private static Run attach(String context, String... options) {
        List<String> args = new java.util.ArrayList<>(List.of("attach", context));
        args.addAll(List.of(options));
        return context(args.toArray(String[]::new));
    }

    /** A {@code context} command with the operator's settings file (the service's database). */
    private static Run context(String... subcommand) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        List<String> args = new java.util.ArrayList<>(List.of("context"));
        args.addAll(List.of(subcommand));
        args.addAll(List.of("--data-dir", dir.resolve("data").toString(), "--config",
                dir.resolve("casjobs.properties").toString()));
        int code = cl.execute(args.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }

    private static String quick(String sql, String context) {
        return client.executeQuickJob(server.alice.wsid(), TestServer.ALICE_PW, sql, context, "t", false);
    }

    private static List<String> lines(String csv) {
        return csv.strip().lines().toList();
    }

    private static String ownerQuery(Postgres.Database db, String sql) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            StringBuilder out = new StringBuilder();
            while (rs.next()) {
                out.append(rs.getString(1)).append('\n');
            }
            return out.toString();
        }
    }

    @Test
    void aQuickJobReadsTheAttachedContextsTable() {
        String csv = quick("SELECT TOP 3 objID, r FROM Stars ORDER BY objID", "Survey");
        assertEquals(List.of("1,16", "2,17", "3,18"), lines(csv).subList(1, 4), csv);
        assertEquals(Integer.toString(ROWS), lines(quick("SELECT COUNT(*) AS n FROM Survey..Stars", "Sample")).get(1));
    }

    @Test
    void contextListTellsWhereTheAttachedTablesLive() {
        Run r = context("list");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("foreign tables of schema survey at " + remote.url() + " (postgres_fdw)"), r.out());
        assertTrue(r.out().matches("(?s).*Survey: .*table stars +" + ROWS + " rows.*"), r.out());
    }

    @Test
    void theAttachedTableJoinsMyDb() {
        long wsid = server.alice.wsid();
        client.uploadData(wsid, TestServer.ALICE_PW, "Wanted", "objID\n10\n20\n4999\n99999\n", false);
        String csv = quick("SELECT s.objID, s.ra FROM Stars s JOIN mydb.Wanted w ON w.objID = s.objID ORDER BY s.objID",
                "Survey");
        assertEquals(List.of("10,0.1", "20,0.2", "4999,49.99"), lines(csv).subList(1, lines(csv).size()), csv);
    }

    @Test
    void aConeConditionRunsOnTheRemoteServer() throws Exception {
        String cone = "q3c_radial_query(ra, dec, 11.0, 0.0, 0.05)"; // around objid 1100
        String plan = ownerQuery(local, "EXPLAIN VERBOSE SELECT objid FROM survey.stars WHERE " + cone);
        String remoteSql = plan.lines().filter(l -> l.contains("Remote SQL")).findFirst().orElse("");
        assertTrue(remoteSql.contains("q3c_ang2ipix"), "the cone is in the Remote SQL:\n" + plan);
        assertFalse(plan.contains("Filter:"), "nothing left to filter here:\n" + plan);
        // the same answer as the remote database's own, through the service
        String there = ownerQuery(remote, "SELECT COUNT(*) FROM survey.stars WHERE " + cone).strip();
        assertTrue(Integer.parseInt(there) > 0, "the cone holds stars: " + there);
        assertEquals(there, lines(quick("SELECT COUNT(*) AS n FROM Stars WHERE " + cone, "Survey")).get(1));
    }

    /**
     * SkyServer's cone function, run in a context attached from another server, reads that
     * context's PhotoObjAll (the first on the search path), sends the q3c condition there, and
     * finds what it finds in the same rows generated here.
     */
    @Test
    void theConeFunctionOnAnAttachedSampleRunsRemotelyWithTheSameAnswers() throws Exception {
        String[] first = lines(quick("SELECT TOP 1 objID, ra, dec FROM PhotoPrimary ORDER BY objID", "Sample")).get(1)
                .split(",");
        String cone = "SELECT objID, distance FROM dbo.fGetNearbyObjEq(" + first[1] + ", " + first[2] + ", 3)"
                + " ORDER BY objID";
        String here = quick(cone, "Sample");
        String there = quick(cone, "Sky");
        assertTrue(lines(here).size() > 1 && lines(here).stream().anyMatch(l -> l.startsWith(first[0] + ",")), here);
        assertEquals(here, there);
        String plan;
        try (Connection c = local.connect(); Statement s = c.createStatement()) {
            s.execute("SET search_path = sky, dbo, tsql, public"); // a job's in context Sky
            try (ResultSet rs = s.executeQuery("EXPLAIN VERBOSE SELECT * FROM dbo.fGetNearbyObjEq(" + first[1] + ", "
                    + first[2] + ", 3)")) {
                StringBuilder b = new StringBuilder();
                while (rs.next()) {
                    b.append(rs.getString(1)).append('\n');
                }
                plan = b.toString();
            }
        }
        assertTrue(plan.lines().anyMatch(l -> l.contains("Remote SQL") && l.contains("q3c_ang2ipix")), plan);
    }

    /**
     * What an attached context costs a quick job: the same cone through the service on the local
     * Sample and on the one attached from the other database (one more connection, the remote
     * estimate's round trip). Printed, not asserted (speed is for benchmarks).
     */
    @Test
    void coneQuickJobCostIsPrinted() {
        String[] first = lines(quick("SELECT TOP 1 objID, ra, dec FROM PhotoPrimary ORDER BY objID", "Sample")).get(1)
                .split(",");
        String cone = "SELECT COUNT(*) AS n FROM dbo.fGetNearbyObjEq(" + first[1] + ", " + first[2] + ", 1)";
        int n = 20;
        for (String context : List.of("Sample", "Sky", "Sample", "Sky")) {
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                quick(cone, context);
            }
            System.out.printf("1' cone quick job in context %s (%s): %.1f ms per job (%d jobs)%n", context,
                    context.equals("Sky") ? "attached with postgres_fdw" : "local schema",
                    (System.nanoTime() - start) / 1e6 / n, n);
        }
    }

    @Test
    void usersCannotReadTheRemotePassword() {
        String csv = quick("SELECT srvname, COALESCE(CAST(umoptions AS text), 'hidden') AS o FROM pg_user_mappings",
                "Survey");
        assertFalse(csv.contains(readerPassword), csv);
        assertTrue(lines(csv).stream().skip(1).allMatch(l -> l.endsWith("\"hidden\"")), csv);
        SOAPFaultException e = assertThrows(SOAPFaultException.class,
                () -> quick("SELECT umoptions FROM pg_user_mapping", "Survey"));
        assertFalse(e.getMessage().contains(readerPassword), e.getMessage());
    }

    @Test
    void usersCannotWriteTheAttachedTablesNorUseTheServer() throws Exception {
        for (String sql : List.of("INSERT INTO Stars (objID, ra, dec, r) VALUES (0, 1, 1, 1)",
                "DELETE FROM Stars", "UPDATE Stars SET r = 0")) {
            SOAPFaultException e = assertThrows(SOAPFaultException.class, () -> quick(sql, "Survey"), sql);
            assertTrue(e.getMessage().matches("(?s).*Permission denied for (foreign )?table stars.*"), e.getMessage());
        }
        for (String sql : List.of(
                "CREATE FOREIGN TABLE mydb.mine (objid bigint) SERVER ctx_survey OPTIONS (schema_name 'survey')",
                "CREATE USER MAPPING FOR CURRENT_USER SERVER ctx_survey OPTIONS (user 'postgres', password 'x')")) {
            SOAPFaultException e = assertThrows(SOAPFaultException.class, () -> quick(sql, "MyDB"), sql);
            assertTrue(e.getMessage().contains("Permission denied for foreign server ctx_survey"), e.getMessage());
        }
        assertEquals(Integer.toString(ROWS), ownerQuery(remote, "SELECT COUNT(*) FROM survey.stars").strip());
    }

    @Test
    void theCommandAttachesAContextWhileTheServiceRuns() {
        Run r = attach("Later", "--url", remote.url(), "--schema", "later", "--user", reader, "--password-file",
                dir.resolve("remote-password").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("1 foreign table: stars"), r.out());
        assertTrue(r.out().contains("q3c conditions run on the remote server"), r.out());
        assertFalse(r.out().contains(readerPassword), r.out());
        assertEquals(Integer.toString(ROWS), lines(quick("SELECT COUNT(*) AS n FROM Stars", "Later")).get(1));
        // again: nothing changes, nothing fails
        assertEquals(0, attach("Later", "--url", remote.url(), "--schema", "later", "--user", reader,
                "--password-file", dir.resolve("remote-password").toString()).code());
    }

    @Test
    void aRemoteServerThatIsDownIsAProblemOfItsContextOnly() throws Exception {
        assertEquals(0, attach("Gone", "--url", remote.url(), "--schema", "later", "--user", reader,
                "--password-file", dir.resolve("remote-password").toString()).code());
        assertEquals(Integer.toString(ROWS), lines(quick("SELECT COUNT(*) AS n FROM Stars", "Gone")).get(1));
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        try (Connection c = local.connect(); Statement s = c.createStatement()) {
            s.execute("ALTER SERVER ctx_gone OPTIONS (SET port '" + closedPort + "')"); // as if it went down
        }
        SOAPFaultException e = assertThrows(SOAPFaultException.class, () -> quick("SELECT COUNT(*) FROM Stars", "Gone"));
        assertTrue(e.getMessage().contains("The context gone lives on another database server, which cannot be reached"
                + " now"), e.getMessage());
        assertFalse(e.getMessage().contains(Integer.toString(closedPort)), "no address: " + e.getMessage());
        assertEquals(Integer.toString(ROWS), lines(quick("SELECT COUNT(*) AS n FROM Stars", "Survey")).get(1));
        assertTrue(context("list").out().contains("cannot be read"), "context list still lists");
    }

    @Test
    void attachErrorsSayWhatIsWrongInTheOperatorsTerms() throws Exception {
        Path wrong = dir.resolve("wrong-password");
        Files.writeString(wrong, "not-the-password\n");
        Run badPassword = attach("Later", "--url", remote.url(), "--schema", "later", "--user", reader,
                "--password-file", wrong.toString());
        assertEquals(1, badPassword.code());
        assertTrue(badPassword.err().contains("refused the login of user '" + reader + "'"), badPassword.err());

        Run noSchema = attach("Later", "--url", remote.url(), "--schema", "nosuch", "--user", reader,
                "--password-file", dir.resolve("remote-password").toString());
        assertTrue(noSchema.err().contains("has no schema 'nosuch'"), noSchema.err());

        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        Run unreachable = attach("Later", "--url", "jdbc:postgresql://127.0.0.1:" + closedPort + "/" + remote.name(),
                "--user", reader, "--password-file", dir.resolve("remote-password").toString());
        assertTrue(unreachable.err().contains("could not be reached"), unreachable.err());

        Run notListed = attach("Elsewhere", "--url", remote.url(), "--user", reader, "--password-file",
                dir.resolve("remote-password").toString());
        assertTrue(notListed.err().contains("not in casjobs.contexts"), notListed.err());
        for (Run r : List.of(badPassword, noSchema, unreachable, notListed)) {
            System.out.println("context attach refused: " + r.err().strip());
            assertEquals(1, r.code(), r.err());
            assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
            assertFalse(r.err().contains("not-the-password") || r.err().contains(readerPassword), r.err());
        }
        // the attachment made before (if any) is as it was: a refused one changes nothing
        assertEquals(Integer.toString(ROWS), lines(quick("SELECT COUNT(*) AS n FROM Stars", "Survey")).get(1));
    }

    @Test
    void aStartWhoseAttachmentIsRefusedSaysWhyAndLeavesNoServer() throws Exception {
        Map<String, String> settings = new HashMap<>(local.settings());
        settings.put("casjobs.data.dir", dir.resolve("broken").toString());
        settings.put("casjobs.sample.rows", "0");
        settings.put("casjobs.contexts", "Broken");
        settings.put("casjobs.context.broken.url", remote.url());
        settings.put("casjobs.context.broken.schema", "survey");
        settings.put("casjobs.context.broken.user", reader);
        settings.put("casjobs.context.broken.password", "not-the-password");
        CasJobsException e = assertThrows(CasJobsException.class, () -> PostgresCatalog.open(ServerConfig.of(settings)));
        assertTrue(e.getMessage().startsWith("Cannot attach context Broken (" + remote.url().substring(
                "jdbc:postgresql://".length()) + "): the PostgreSQL server at "), e.getMessage());
        assertTrue(e.getMessage().contains("refused the login of user '" + reader + "'"), e.getMessage());
        assertEquals("", ownerQuery(local, "SELECT srvname FROM pg_foreign_server WHERE srvname = 'ctx_broken'"));
    }

    @Test
    void aStartWhoseAttachmentFailsKeepsTheAttachmentThatWorked() throws Exception {
        Map<String, String> settings = new HashMap<>(local.settings());
        settings.put("casjobs.data.dir", dir.resolve("second-node").toString());
        settings.put("casjobs.sample.rows", "0");
        settings.put("casjobs.contexts", "Survey");
        settings.put("casjobs.context.survey.url", remote.url());
        settings.put("casjobs.context.survey.schema", "survey");
        settings.put("casjobs.context.survey.user", reader);
        settings.put("casjobs.context.survey.password", "changed-in-the-settings-but-not-there");
        PostgresCatalog.open(ServerConfig.of(settings)).close(); // a warning, not a failed start
        assertEquals(Integer.toString(ROWS), lines(quick("SELECT COUNT(*) AS n FROM Stars", "Survey")).get(1));
    }

    @Test
    void onTheEmbeddedEngineTheCommandSaysWhatToSetInstead() throws Exception {
        Path config = dir.resolve("h2.properties");
        Files.writeString(config, "casjobs.contexts=Survey\n");
        CommandLine cl = Main.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        cl.setOut(new PrintWriter(new StringWriter()));
        assertEquals(1, cl.execute("context", "attach", "Survey", "--config", config.toString(), "--data-dir",
                dir.resolve("h2").toString()));
        assertTrue(err.toString().contains("context attach is for casjobs.engine=postgresql; with the embedded engine,"
                + " set casjobs.context.survey.url"), err.toString());
    }

    @Test
    void withoutPostgresFdwTheMessageNamesTheSuperusersCommand() throws Exception {
        try (Postgres.Database bare = Postgres.newDatabase()) {
            Path config = dir.resolve("bare.properties");
            StringBuilder props = new StringBuilder("casjobs.contexts=Survey\n");
            bare.settings().forEach((k, v) -> props.append(k).append('=').append(v).append('\n'));
            Files.writeString(config, props);
            CommandLine cl = Main.commandLine();
            StringWriter err = new StringWriter();
            cl.setErr(new PrintWriter(err));
            cl.setOut(new PrintWriter(new StringWriter()));
            int code = cl.execute("context", "attach", "Survey", "--config", config.toString(), "--data-dir",
                    dir.resolve("bare").toString(), "--url", remote.url(), "--schema", "survey", "--user", reader,
                    "--password-file", dir.resolve("remote-password").toString());
            assertEquals(1, code);
            assertTrue(err.toString().contains("psql -d " + bare.name() + " -c 'CREATE EXTENSION IF NOT EXISTS"
                    + " postgres_fdw; GRANT USAGE ON FOREIGN DATA WRAPPER postgres_fdw TO " + bare.owner() + ";'"),
                    err.toString());
        }
    }
}
