package org.opencasjobs.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencasjobs.catalog.h2.ContextLinks;
import org.opencasjobs.catalog.h2.LinkDriver;
import org.opencasjobs.config.ServerConfig;
import org.opencasjobs.jobs.MyDb;

/**
 * A MyDB's linked tables read a context lazily: H2 sends a link no LIMIT, so a {@code TOP 10}
 * must not make the context compute (and hold) the whole table before the first row. Seen here
 * through a context view whose rows past the 10,000th fail: computed whole, the TOP 10 fails.
 */
class ContextLinksTest {
    private static final String USER = "ext_owner";
    private static final String PASSWORD = "Ext-Pw-5521";

    @TempDir
    Path dir;
    private String extUrl;
    private ServerConfig config;

    @BeforeEach
    void makeContext() throws Exception {
        extUrl = "jdbc:h2:file:" + dir.resolve("survey") + ";TRACE_LEVEL_FILE=0";
        try (Connection c = DriverManager.getConnection(extUrl, USER, PASSWORD); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA sky");
            st.execute("CREATE TABLE sky.Obj (id INT PRIMARY KEY, mag REAL)");
            st.execute("INSERT INTO sky.Obj SELECT X, 10 + MOD(X, 7) FROM SYSTEM_RANGE(1, 20000)");
            // Row 10,001 divides by zero: only a reader that computes it fails.
            st.execute("CREATE VIEW sky.Late AS SELECT id, mag, 1 / (10001 - id) AS boom FROM sky.Obj");
        }
        config = ServerConfig.of(Map.of("casjobs.data.dir", dir.resolve("data").toString(), "casjobs.sample.rows", "50",
                "casjobs.contexts", "Sample,Ext", "casjobs.context.ext.url", extUrl, "casjobs.context.ext.user", USER,
                "casjobs.context.ext.password", PASSWORD, "casjobs.context.ext.schema", "sky"));
    }

    private static int count(Catalog catalog, String sql) throws SQLException {
        try (Connection c = catalog.connect(7, "Ext"); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = 0;
            while (rs.next()) {
                n++;
            }
            return n;
        }
    }

    @Test
    void aTopTenReadsOnlyTheRowsItNeedsFromTheContext() throws Exception {
        try (Catalog catalog = Catalog.open(config)) {
            assertEquals(10, count(catalog, "SELECT TOP 10 id, boom FROM Late WHERE mag < 15"));
            // The whole view still fails where the context computes row 10,001.
            SQLException e = assertThrows(SQLException.class, () -> count(catalog, "SELECT COUNT(*) FROM Late WHERE boom > 0"));
            assertTrue(e.getMessage().contains("Division by zero"), e.getMessage());
        }
    }

    @Test
    void linksAnOlderVersionMadeEagerAreMadeAgainLazilyKeepingTheUsersViews() throws Exception {
        try (Catalog catalog = Catalog.open(config)) {
            count(catalog, "SELECT TOP 1 id FROM Obj"); // provisions MyDB 7
        }
        // As an older version left them: links without the lazy setting, and a user's view over one.
        CatalogSecrets secrets = CatalogSecrets.load(dir.resolve("data").resolve("catalog").resolve("secret"));
        String myDb = "jdbc:h2:file:" + dir.resolve("data").resolve("catalog").resolve("mydb").resolve("U7") + H2Catalog.MODE;
        try (Connection admin = DriverManager.getConnection(myDb, "catalog_admin", secrets.password("admin"));
             Statement s = admin.createStatement()) {
            for (String table : new String[] {"OBJ", "LATE"}) { // as the survey's own H2 names them
                s.execute("DROP TABLE \"Ext\".\"" + table + "\" CASCADE");
                s.execute("CREATE LINKED TABLE \"Ext\".\"" + table + "\"('org.h2.Driver', '" + extUrl + "', '" + USER
                        + "', '" + PASSWORD + "', 'SKY', '" + table + "') READONLY FETCH_SIZE 1000");
            }
            s.execute("CREATE VIEW MyDB.Bright AS SELECT id FROM \"Ext\".\"Obj\" WHERE mag < 11");
            assertTrue(ContextLinks.madeWithOtherUrl(admin, "Ext", "LATE", ContextLinks.url("org.h2.Driver", extUrl)));
            s.execute("SHUTDOWN");
        }
        try (Catalog catalog = Catalog.open(config)) {
            assertEquals(10, count(catalog, "SELECT TOP 10 id, boom FROM Late"));
            // Obj was kept as it was (the user's view reads it), and still answers.
            assertEquals(20000 / 7, count(catalog, "SELECT id FROM MyDB.Bright"));
            assertEquals(3, count(catalog, "SELECT TOP 3 id FROM Obj"));
        }
    }

    @Test
    void onlyH2ContextsAreReachedThroughTheLinkDriverWhichReadsLazily() {
        assertEquals("jdbc:opencasjobs-link:jdbc:h2:file:/x", ContextLinks.url("org.h2.Driver", "jdbc:h2:file:/x"));
        assertEquals(LinkDriver.class.getName(), ContextLinks.driver("org.h2.Driver"));
        assertEquals("jdbc:postgresql://h/db", ContextLinks.url("org.postgresql.Driver", "jdbc:postgresql://h/db"));
        assertEquals("org.postgresql.Driver", ContextLinks.driver("org.postgresql.Driver"));
        assertEquals("jdbc:h2:file:/x;LAZY_QUERY_EXECUTION=TRUE", LinkDriver.sessionUrl("jdbc:h2:file:/x"));
        assertEquals("jdbc:h2:file:/x;lazy_query_execution=false", LinkDriver.sessionUrl("jdbc:h2:file:/x;lazy_query_execution=false"));
    }
}
