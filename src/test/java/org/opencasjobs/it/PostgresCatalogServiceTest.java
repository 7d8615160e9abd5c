package org.opencasjobs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.xml.ws.soap.SOAPFaultException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencasjobs.testing.Await;
import org.opencasjobs.testing.Postgres;
import org.opencasjobs.wire.CJJob;
import org.opencasjobs.wire.JobsSoap;

/**
 * The service with its catalog on PostgreSQL (casjobs.engine=postgresql): quick and batch jobs,
 * INTO, a join of MyDB with a context, DROP TABLE, job status, an extract, a cancel, a time limit
 * and the MyDB quota, each checked in the service's answers and in PostgreSQL itself. The
 * context Tiny's table is made here by the database's owner (a small PhotoObj in schema tiny); the
 * generated Sample is read with T-SQL as SkyServer users write it (TOP, brackets, three-part names,
 * a SkyServer cone function).
 */
class PostgresCatalogServiceTest {
    /** Rows of the test's PhotoObj: objID 1..60, r = 15 + objID / 10. */
    private static final int ROWS = 60;
    private static Postgres.Database database;
    private static TestServer server;
    private static JobsSoap client;

    @BeforeAll
    static void start() throws Exception {
        database = Postgres.newDatabase();
        Map<String, String> settings = new HashMap<>(database.settings());
        // quick queries get 2 s, batch jobs 1000 s; bob's MyDB holds at most 1 MB
        settings.put("casjobs.queue.seconds.per.minute", "2");
        settings.put("casjobs.mydb.quota.mb", "1");
        // Sample: the generated SDSS sample (TestServer's 2000 rows); Tiny: a table of known rows
        settings.put("casjobs.contexts", "Sample,Tiny");
        server = new TestServer(settings);
        client = server.client(true);
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            // made after the service started: the default privileges make it readable to accounts
            s.execute("CREATE TABLE tiny.photoobj (objid bigint PRIMARY KEY, ra double precision,"
                    + " dec double precision, r real, type int)");
            s.execute("INSERT INTO tiny.photoobj SELECT i, i * 1.5, i - 30, 15 + i / 10.0, 3 + 3 * (i % 2)"
                    + " FROM generate_series(1, " + ROWS + ") i");
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (database != null) {
            database.close();
        }
    }

    private static long alice() {
        return server.alice.wsid();
    }

    private static String quick(String sql, String context) {
        return client.executeQuickJob(alice(), TestServer.ALICE_PW, sql, context, "t", false);
    }

    private static int waitFor(long wsid, String pw, long job) {
        return Await.until("job " + job + " to end", () -> client.getJobStatus(wsid, pw, job), s -> s >= 3);
    }

    private static List<String> lines(String csv) {
        return csv.strip().lines().toList();
    }

    /** The names of the tables in schema {@code schema}, read by the owner. */
    private static List<String> tablesIn(String schema) throws Exception {
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT tablename FROM pg_tables WHERE schemaname = ? ORDER BY tablename")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                List<String> out = new java.util.ArrayList<>();
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
                return out;
            }
        }
    }

    @Test
    void aQuickJobReadsTheContextInPostgresql() {
        String csv = quick("SELECT objID, r FROM PhotoObj WHERE r < 15.35 ORDER BY objID", "Tiny");
        List<String> rows = lines(csv);
        assertEquals(4, rows.size(), csv); // header + objID 1, 2, 3
        assertTrue(rows.get(0).toLowerCase().contains("objid"), csv);
        assertTrue(rows.get(1).startsWith("1,"), csv);
        assertTrue(rows.get(3).startsWith("3,"), csv);
    }

    @Test
    void postgresqlErrorsReadAsSqlServerSaysThem() {
        SOAPFaultException column = assertThrows(SOAPFaultException.class,
                () -> quick("SELECT objID,\n  nosuch FROM PhotoObj", "Tiny"));
        assertTrue(column.getMessage().contains("Invalid column name 'nosuch'"), column.getMessage());
        assertTrue(column.getMessage().contains("line 2"), column.getMessage());
        SOAPFaultException table = assertThrows(SOAPFaultException.class,
                () -> quick("SELECT * FROM mydb.NoSuchTable", "Tiny"));
        assertTrue(table.getMessage().contains("Invalid object name"), table.getMessage());
        assertFalse(table.getMessage().contains("mydb_"), "the account's schema is MyDB to the user: "
                + table.getMessage());
    }

    @Test
    void anotherAccountsMyDbIsRefusedThroughTheService() {
        SOAPFaultException e = assertThrows(SOAPFaultException.class, () -> client.executeQuickJob(server.bob.wsid(),
                TestServer.BOB_PW, "SELECT * FROM mydb_" + alice() + ".bright", "Tiny", "t", false));
        assertTrue(e.getMessage().contains("Permission denied for schema mydb_" + alice()), e.getMessage());
    }

    @Test
    void theGeneratedSampleAnswersTsqlAndItsConeFunction() {
        String top = quick("SELECT TOP 3 [objID], ra, dec FROM Sample.dbo.PhotoObj ORDER BY objID", "Sample");
        List<String> rows = lines(top);
        assertEquals(4, rows.size(), top);
        assertTrue(rows.get(0).contains("objID"), "the column as written: " + top);
        String[] first = rows.get(1).split(",");
        String cone = quick("SELECT objID FROM dbo.fGetNearbyObjEq(" + first[1] + ", " + first[2] + ", 0.1)", "Sample");
        assertTrue(lines(cone).stream().skip(1).anyMatch(l -> l.equals(first[0])), "the object is in its own cone: " + cone);
    }

    @Test
    void aStarAnswersTheCatalogsSpellingAndMyDbTablesKeepPostgresqls() throws Exception {
        assertTrue(lines(quick("SELECT TOP 1 * FROM PhotoObj ORDER BY objID", "Sample")).get(0).startsWith("[objID]:"),
                "SDSS's spelling, as H2 and SkyServer answer");
        assertTrue(lines(quick("SELECT TOP 1 * FROM Sample..PhotoObj ORDER BY objID", "MyDB")).get(0)
                .startsWith("[objID]:"), "a context's table read from MyDB");
        String mixed = lines(quick("SELECT TOP 1 objid, p.* FROM PhotoObj p ORDER BY objID", "Sample")).get(0);
        // the name as the user wrote it, then the star's (numbered, as ADO.NET names a repeated column)
        assertTrue(mixed.startsWith("[objid]:Integer,[objID1]:Integer,[skyVersion]:"), mixed);
        assertTrue(lines(quick("SELECT * FROM PhotoObj WHERE objID = 1", "Tiny")).get(0).startsWith("[objid]:"),
                "a table the owner made by hand has no spellings: PostgreSQL's names");
        long wsid = alice();
        long into = client.submitJob(wsid, TestServer.ALICE_PW, "SELECT TOP 2 objID, r INTO mydb.Starred FROM PhotoObj",
                "Sample", "starred", 500);
        assertEquals(5, waitFor(wsid, TestServer.ALICE_PW, into));
        assertTrue(lines(quick("SELECT * FROM Starred", "MyDB")).get(0).startsWith("[objid]:"),
                "the user's own table keeps PostgreSQL's names");
    }

    @Test
    void theBrowsingViewsShowTheContextAsSqlServerDoes() {
        List<String> tables = lines(quick("SELECT * FROM information_schema.tables WHERE TABLE_NAME IN ('PhotoObj',"
                + " 'PhotoObjAll') ORDER BY TABLE_NAME", "Sample"));
        assertEquals(List.of("[TABLE_CATALOG]:String,[TABLE_SCHEMA]:String,[TABLE_NAME]:String,[TABLE_TYPE]:String",
                "\"Sample\",\"dbo\",\"PhotoObj\",\"VIEW\"", "\"Sample\",\"dbo\",\"PhotoObjAll\",\"BASE TABLE\""), tables);
        List<String> column = lines(quick("SELECT c.name, t.name AS type FROM sys.columns c JOIN sys.types t"
                + " ON t.system_type_id = c.system_type_id WHERE c.object_id = OBJECT_ID('PhotoObjAll')"
                + " AND c.name IN ('objID', 'psfMag_r')  ORDER BY c.column_id", "Sample"));
        assertEquals(List.of("\"objID\",\"bigint\"", "\"psfMag_r\",\"real\""), column.subList(1, column.size()));
        List<String> none = lines(quick("SELECT OBJECT_ID('PhotoObjAll') AS id", "MyDB"));
        assertFalse(none.get(1).matches("-?\\d+"), "MyDB has no PhotoObjAll of its own: " + none);
    }

    @Test
    void batchIntoJoinExtractAndDropRunInTheAccountsSchema() throws Exception {
        long wsid = alice();
        String pw = TestServer.ALICE_PW;
        long into = client.submitJob(wsid, pw, "SELECT objID, r INTO mydb.Bright FROM PhotoObj WHERE r < 16",
                "Tiny", "bright", 500);
        assertEquals(5, waitFor(wsid, pw, into));
        assertTrue(tablesIn("mydb_" + wsid).contains("bright"), "the table is in the account's schema");
        assertTrue(lines(quick("SELECT COUNT(*) AS n FROM Bright", "MyDB")).get(1).endsWith("9"),
                "objID 1..9 have r < 16");

        long named = client.submitJobInto(wsid, pw, "SELECT objID FROM PhotoObj WHERE type = 6", "Tiny", "Odds",
                "odds", 500);
        assertEquals(5, waitFor(wsid, pw, named));
        assertTrue(lines(quick("SELECT COUNT(*) AS n FROM mydb.Odds", "Sample")).get(1).endsWith("30"));

        // a join of MyDB with the context, inside PostgreSQL
        String joined = quick("SELECT COUNT(*) AS n FROM PhotoObj p JOIN mydb.Bright b ON b.objID = p.objID"
                + " WHERE p.type = 6", "Tiny");
        assertTrue(lines(joined).get(1).endsWith("5"), joined); // type 6: the odd objIDs 1, 3, 5, 7, 9

        // GetJobs lists them finished, with the table each created
        List<CJJob> finished = client.getJobs(wsid, pw, "status:5", false).getCJJob();
        assertTrue(finished.stream().anyMatch(j -> j.getJobID() == into), "GetJobs lists the INTO job");
        assertTrue(finished.stream().anyMatch(j -> j.getJobID() == named), "GetJobs lists the SubmitJobInto job");

        // an extract of a MyDB table, downloaded
        long extract = client.submitExtractJob(wsid, pw, "Bright", "CSV");
        assertEquals(5, waitFor(wsid, pw, extract));
        String loc = client.getJobs(wsid, pw, "jobid:" + extract, false).getCJJob().get(0).getOutputLoc();
        HttpResponse<String> file = server.http.send(HttpRequest.newBuilder(URI.create(loc)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, file.statusCode());
        assertEquals(10, lines(file.body()).size(), file.body()); // header + 9 rows
        assertTrue(lines(file.body()).get(1).startsWith("1,"), file.body());

        // DROP TABLE from a batch job
        long drop = client.submitJob(wsid, pw, "DROP TABLE mydb.Odds", "MyDB", "drop", 500);
        assertEquals(5, waitFor(wsid, pw, drop));
        assertFalse(tablesIn("mydb_" + wsid).contains("odds"), "dropped");
        assertTrue(tablesIn("mydb_" + wsid).contains("bright"), "the other table stays");
    }

    @Test
    void anUploadedTableJoinsTheContext() throws Exception {
        long wsid = alice();
        String pw = TestServer.ALICE_PW;
        client.uploadData(wsid, pw, "Picked", "objID,Note\n2,two\n4,four\n61,none\n", false);
        client.uploadData(wsid, pw, "Picked", "objID,Note\n6,six\n", true);
        assertTrue(tablesIn("mydb_" + wsid).contains("picked"), "in the account's schema, in lower case");
        String joined = quick("SELECT p.objID, u.Note FROM PhotoObj p JOIN mydb.Picked u ON u.objID = p.objID"
                + " ORDER BY p.objID", "Tiny");
        List<String> rows = lines(joined);
        assertEquals(List.of("2,\"two\"", "4,\"four\"", "6,\"six\""), rows.subList(1, rows.size()), joined);
        SOAPFaultException e = assertThrows(SOAPFaultException.class,
                () -> client.uploadData(wsid, pw, "Picked", "objID,Note\n8,eight\n", false));
        assertTrue(e.getMessage().contains("There is already an object named 'Picked'"), e.getMessage());
    }

    @Test
    void aTemporaryTableLivesForItsJob() {
        String csv = quick("SELECT objID INTO #picked FROM PhotoObj WHERE objID <= 4;\n"
                + "SELECT COUNT(*) AS n FROM #picked", "Tiny");
        assertTrue(lines(csv).get(1).endsWith("4"), csv);
        // the next job's connection has none
        SOAPFaultException e = assertThrows(SOAPFaultException.class, () -> quick("SELECT * FROM #picked", "Tiny"));
        assertTrue(e.getMessage().contains("Invalid object name"), e.getMessage());
    }

    @Test
    void cancelStopsAPostgresqlStatement() {
        long wsid = alice();
        String pw = TestServer.ALICE_PW;
        long job = client.submitJob(wsid, pw, "SELECT CAST(pg_sleep(120) AS varchar(10)) AS slept", "Tiny", "sleep", 500);
        Await.until("job " + job + " to start", () -> client.getJobStatus(wsid, pw, job), s -> s == 1);
        // its statement runs in PostgreSQL now: seen from the owner's side
        Await.until("the sleep to run in PostgreSQL", PostgresCatalogServiceTest::sleepingBackends, n -> n == 1);
        long asked = System.nanoTime();
        client.cancelJob(wsid, pw, job);
        Await.until("the sleep to stop in PostgreSQL", PostgresCatalogServiceTest::sleepingBackends, n -> n == 0);
        long stopped = System.nanoTime();
        assertEquals(3, waitFor(wsid, pw, job), "cancelled");
        // a figure for the "within 1 s", printed: tests assert behaviour, not speed
        System.out.printf("CancelJob to the statement gone from pg_stat_activity: %d ms; to status 3: %d ms%n",
                (stopped - asked) / 1_000_000, (System.nanoTime() - asked) / 1_000_000);
    }

    /** How many backends of the test database run pg_sleep now. */
    private static int sleepingBackends() {
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM"
                + " pg_stat_activity WHERE datname = current_database() AND state = 'active'"
                + " AND query ILIKE '%pg_sleep(120)%' AND pid <> pg_backend_pid()")) {
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aQuickQueryStopsAtItsTimeLimit() {
        SOAPFaultException e = assertThrows(SOAPFaultException.class, () -> quick("SELECT CAST(pg_sleep(30) AS varchar(10)) AS slept",
                "Tiny"));
        assertTrue(e.getMessage().contains("longer than the 1-minute limit"), e.getMessage());
    }

    @Test
    void aJobThatWouldPassTheQuotaFailsAndLeavesTheOtherTables() throws Exception {
        long wsid = server.bob.wsid();
        String pw = TestServer.BOB_PW;
        long small = client.submitJob(wsid, pw, "SELECT objID INTO mydb.Small FROM PhotoObj", "Tiny", "small", 500);
        assertEquals(5, waitFor(wsid, pw, small));
        // 216,000 rows of three numbers: several MB
        long big = client.submitJob(wsid, pw, "SELECT a.objID AS a, b.objID AS b, c.ra AS c INTO mydb.Big"
                + " FROM PhotoObj a, PhotoObj b, PhotoObj c", "Tiny", "big", 500);
        assertEquals(4, waitFor(wsid, pw, big));
        String error = client.getJobs(wsid, pw, "jobid:" + big, false).getCJJob().get(0).getError();
        assertTrue(error.contains("would exceed its 1 MB quota"), error);
        assertEquals(List.of("small"), tablesIn("mydb_" + wsid), "the big table is gone, the small one stays");
    }
}
