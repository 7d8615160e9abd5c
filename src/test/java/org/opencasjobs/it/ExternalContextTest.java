package org.opencasjobs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opencasjobs.it.TestServer.ALICE_PW;
import static org.opencasjobs.it.TestServer.form;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A context in an existing database ({@code casjobs.context.NAME.url}): its schema's tables are
 * queried over HTTP like any context, writes are refused, nothing is created there, and users
 * never see the credentials the server uses to reach it.
 */
class ExternalContextTest {
    private static final String EXT_USER = "ext_owner";
    private static final String EXT_PW = "Ext-S3cret-Pw-7731";

    static Path extDir;
    static String extUrl;
    static TestServer s;

    @BeforeAll
    static void start() throws Exception {
        extDir = Files.createTempDirectory("opencasjobs-ext");
        extUrl = "jdbc:h2:file:" + extDir.resolve("survey") + ";TRACE_LEVEL_FILE=0";
        try (Connection c = DriverManager.getConnection(extUrl, EXT_USER, EXT_PW); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA sky");
            st.execute("CREATE TABLE sky.Stars (id INT PRIMARY KEY, mag REAL, name VARCHAR(20))");
            st.execute("INSERT INTO sky.Stars VALUES (1, 1.5, 'Vega'), (2, 0.0, 'Sirius'), (3, 2.25, 'Deneb')");
            st.execute("CREATE TABLE PUBLIC.NotLinked (x INT)");
        }
        s = new TestServer(Map.of(
                "casjobs.contexts", "Sample,Ext",
                "casjobs.context.ext.url", extUrl,
                "casjobs.context.ext.user", EXT_USER,
                "casjobs.context.ext.password", EXT_PW,
                "casjobs.context.ext.schema", "sky"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (s != null) {
            s.close();
        }
        try (Stream<Path> files = Files.walk(extDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    static HttpResponse<String> quick(String sql, String context) throws Exception {
        return s.post("/services/jobs.asmx/ExecuteQuickJob", form("wsid", s.alice.wsid(), "pw", ALICE_PW, "qry", sql,
                "context", context, "taskname", "ext", "isSystem", "false"),
                "Content-Type", "application/x-www-form-urlencoded");
    }

    @Test
    void aQuickQueryReadsTheExternalSchema() throws Exception {
        HttpResponse<String> r = quick("SELECT name, mag FROM Stars WHERE mag < 2 ORDER BY id", "Ext");
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("Vega") && r.body().contains("Sirius") && !r.body().contains("Deneb"), r.body());
        HttpResponse<String> qualified = quick("SELECT COUNT(*) AS n FROM Ext.Stars", "Sample");
        assertEquals(200, qualified.statusCode(), qualified.body());
        assertTrue(qualified.body().contains("\n3\n"), qualified.body());
        // Only the configured schema is linked.
        HttpResponse<String> other = quick("SELECT * FROM NotLinked", "Ext");
        assertEquals(500, other.statusCode(), other.body());
        assertTrue(other.body().contains("not found"), other.body());
    }

    @Test
    void writingToTheExternalContextIsRefused() throws Exception {
        for (String sql : List.of("INSERT INTO Stars VALUES (4, 3.0, 'Altair')", "UPDATE Stars SET mag = 0",
                "DELETE FROM Stars", "DROP TABLE Stars", "CREATE TABLE Ext.Mine (a INT)",
                "ALTER TABLE Stars ADD COLUMN z INT")) {
            HttpResponse<String> r = quick(sql, "Ext");
            assertEquals(500, r.statusCode(), () -> sql + " was allowed: " + r.body());
            assertFalse(r.body().contains("\tat "), r.body());
        }
        try (Connection c = DriverManager.getConnection(extUrl, EXT_USER, EXT_PW); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*), SUM(mag) FROM sky.Stars")) {
            rs.next();
            assertEquals(3, rs.getInt(1));
            assertEquals(3.75, rs.getDouble(2), 1e-9);
        }
    }

    @Test
    void nothingIsCreatedInTheExternalDatabase() throws Exception {
        try (Connection c = DriverManager.getConnection(extUrl, EXT_USER, EXT_PW); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT USER_NAME FROM INFORMATION_SCHEMA.USERS")) {
                rs.next();
                assertEquals(EXT_USER.toUpperCase(), rs.getString(1));
                assertFalse(rs.next(), "a user was added to the external database");
            }
            try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES"
                    + " WHERE TABLE_SCHEMA NOT IN ('INFORMATION_SCHEMA')")) {
                rs.next();
                assertEquals(2, rs.getInt(1), "tables were added to the external database");
            }
        }
    }

    /**
     * An operator changes the external database's password and the setting: accounts whose links
     * were made with the old one can still query after the restart (their links are made again).
     */
    @Test
    void linksFollowAChangedPassword() throws Exception {
        Path dir = Files.createTempDirectory("opencasjobs-relink");
        String url = "jdbc:h2:file:" + dir.resolve("ext").resolve("db") + ";TRACE_LEVEL_FILE=0";
        try (Connection c = DriverManager.getConnection(url, "owner", "first-pw"); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE Galaxies (id INT); INSERT INTO Galaxies VALUES (7)");
        }
        Map<String, String> settings = new java.util.HashMap<>(Map.of("casjobs.port", "0",
                "casjobs.bind.address", "127.0.0.1", "casjobs.data.dir", dir.resolve("data").toString(),
                "casjobs.demo.account", "false", "casjobs.contexts", "Ext", "casjobs.context.ext.url", url,
                "casjobs.context.ext.user", "owner", "casjobs.context.ext.password", "first-pw"));
        long wsid;
        try (org.opencasjobs.app.OpenCasJobs first = start(settings)) {
            wsid = first.accounts().create("carol", "pw", false).wsid();
            assertTrue(galaxies(first, wsid).contains("\n7\n"), galaxies(first, wsid));
        }
        try (Connection c = DriverManager.getConnection(url, "owner", "first-pw"); Statement st = c.createStatement()) {
            st.execute("ALTER USER owner SET PASSWORD 'second-pw'");
        }
        settings.put("casjobs.context.ext.password", "second-pw");
        try (org.opencasjobs.app.OpenCasJobs second = start(settings)) {
            String body = galaxies(second, wsid);
            assertTrue(body.contains("\n7\n"), body);
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static org.opencasjobs.app.OpenCasJobs start(Map<String, String> settings) throws Exception {
        return org.opencasjobs.app.OpenCasJobs.start(org.opencasjobs.config.ServerConfig.of(settings),
                java.time.Clock.systemDefaultZone());
    }

    private static String galaxies(org.opencasjobs.app.OpenCasJobs server, long wsid) throws Exception {
        java.net.http.HttpRequest req = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
                + server.port() + "/services/jobs.asmx/ExecuteQuickJob?" + form("wsid", wsid, "pw", "pw",
                "qry", "SELECT id FROM Galaxies", "context", "Ext", "taskname", "t", "isSystem", "false"))).build();
        return java.net.http.HttpClient.newHttpClient().send(req, java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The external password (and user) are in the linked tables' definitions: users cannot read them. */
    @Test
    void usersCannotReadTheExternalCredentials() throws Exception {
        List<String> views = List.of("TABLES", "COLUMNS", "VIEWS", "SETTINGS", "SESSIONS", "CONSTANTS", "RIGHTS",
                "USERS", "SCHEMATA", "ROUTINES", "SYNONYMS", "TRIGGERS", "QUERY_STATISTICS", "LOCKS", "INDEXES",
                "TABLE_CONSTRAINTS", "TABLE_PRIVILEGES", "COLUMN_PRIVILEGES", "DOMAINS", "SEQUENCES");
        for (String context : List.of("Ext", "MyDB")) {
            for (String view : views) {
                for (String sql : List.of("SELECT * FROM INFORMATION_SCHEMA." + view,
                        "SET SCHEMA INFORMATION_SCHEMA; SELECT * FROM " + view)) {
                    HttpResponse<String> r = quick(sql, context);
                    assertFalse(r.body().contains(EXT_PW), () -> sql + " in " + context + " shows the password: " + r.body());
                    assertFalse(r.body().toLowerCase().contains(EXT_USER), () -> sql + " in " + context + " shows the user: "
                            + r.body());
                }
            }
        }
        for (String sql : List.of("SCRIPT", "SCRIPT TABLE Ext.Stars", "SELECT * FROM Stars WHERE id = 99",
                "SELECT nosuchcolumn FROM Stars", "SELECT DISK_SPACE_USED('Ext.Stars') AS d")) {
            HttpResponse<String> r = quick(sql, "Ext");
            assertFalse(r.body().contains(EXT_PW), () -> sql + " shows the password: " + r.body());
        }
        HttpResponse<String> script = quick("SCRIPT", "Ext");
        assertEquals(500, script.statusCode(), script.body());
    }
}
