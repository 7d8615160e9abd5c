package org.opencasjobs.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.opencasjobs.config.ServerConfig;
import org.opencasjobs.store.JobStoreDatabase;
import org.opencasjobs.testing.Postgres;

/**
 * Isolation on PostgreSQL, proved by the database itself: every statement here runs on a
 * connection {@link PostgresCatalog#connect} gives a user's job, with no translator in front of
 * it. Account B cannot reach account A's MyDB, nor write the shared schemas, nor become another
 * role, nor reach files, programs, other servers or other accounts' backends.
 */
class PostgresIsolationTest {
    private static final long A = 101;
    private static final long B = 202;
    /** PostgreSQL's SQLSTATE for "permission denied" / "must be owner" / "must be superuser". */
    private static final String DENIED = "42501";
    private static Postgres.Database database;
    private static PostgresCatalog catalog;
    private static Path dataDir;
    /** The job store in the same database (schema casjobs), as the service has it. */
    private static JobStoreDatabase jobStore;

    @BeforeAll
    static void open() throws Exception {
        database = Postgres.newDatabase();
        dataDir = Files.createTempDirectory("opencasjobs-pg-isolation");
        Map<String, String> settings = new HashMap<>(database.settings());
        settings.put("casjobs.data.dir", dataDir.toString());
        settings.put("casjobs.sample.rows", "0"); // no generated Sample: a table of the test's own
        jobStore = JobStoreDatabase.open(ServerConfig.of(settings));
        catalog = PostgresCatalog.open(ServerConfig.of(settings));
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE sample.photoobj (objid bigint PRIMARY KEY, ra double precision)");
            s.execute("INSERT INTO sample.photoobj VALUES (1, 10.5), (2, 20.5)");
        }
        try (Connection a = catalog.connect(A, "MyDB"); Statement s = a.createStatement()) {
            s.execute("CREATE TABLE secret (x int)");
            s.execute("INSERT INTO secret VALUES (42)");
        }
    }

    @AfterAll
    static void close() {
        if (catalog != null) {
            catalog.close();
        }
        if (jobStore != null) {
            jobStore.close();
        }
        if (database != null) {
            database.close();
        }
    }

    private static String aSchema() {
        return "mydb_" + A;
    }

    /** Runs {@code sql} as account B (in context {@code context}) and returns the database's refusal. */
    private static SQLException refusedForB(String context, String sql) throws SQLException {
        try (Connection b = catalog.connect(B, context); Statement s = b.createStatement()) {
            return assertThrows(SQLException.class, () -> s.execute(sql), sql);
        }
    }

    private static List<String> column(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    @Test
    void eachAccountLogsInAsItsOwnRoleAndFindsItsOwnTables() throws SQLException {
        try (Connection a = catalog.connect(A, "MyDB")) {
            assertEquals(List.of(catalog.names().account(A)), column(a, "SELECT current_user"));
            assertEquals(List.of("42"), column(a, "SELECT x FROM secret"));
            assertEquals(List.of("2"), column(a, "SELECT COUNT(*) FROM sample.photoobj"));
        }
        try (Connection b = catalog.connect(B, "Sample")) {
            assertEquals(List.of(catalog.names().account(B)), column(b, "SELECT session_user"));
            assertEquals(List.of("2"), column(b, "SELECT COUNT(*) FROM photoobj"), "the context first in the path");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT * FROM mydb_101.secret",
            "INSERT INTO mydb_101.secret VALUES (1)",
            "UPDATE mydb_101.secret SET x = 0",
            "DELETE FROM mydb_101.secret",
            "ALTER TABLE mydb_101.secret ADD COLUMN y int",
            "DROP TABLE mydb_101.secret",
            "CREATE TABLE mydb_101.planted (x int)",
            "ALTER SCHEMA mydb_101 RENAME TO mine",
            "DROP SCHEMA mydb_101 CASCADE"})
    void anotherAccountsMyDbIsClosed(String sql) throws SQLException {
        assertEquals(DENIED, refusedForB("MyDB", sql).getSQLState(), sql);
        try (Connection a = catalog.connect(A, "MyDB")) {
            assertEquals(List.of("42"), column(a, "SELECT x FROM secret"), "A's table is as it was");
        }
    }

    @Test
    void anotherAccountsTablesAreNotListedInTheInformationSchema() throws SQLException {
        try (Connection b = catalog.connect(B, "MyDB")) {
            assertEquals(List.of(), column(b, "SELECT table_name FROM information_schema.tables"
                    + " WHERE table_schema = '" + aSchema() + "'"));
            assertEquals(List.of(), column(b, "SELECT column_name FROM information_schema.columns"
                    + " WHERE table_schema = '" + aSchema() + "'"));
        }
    }

    /** SQL Server's browsing views: B sees its own tables in MyDB, the context's in a context, never A's. */
    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT name FROM sys.tables",
            "SELECT name FROM sys.objects",
            "SELECT o.name FROM sys.columns c JOIN sys.objects o ON o.object_id = c.object_id",
            "SELECT table_name FROM sys_information_schema.tables",
            "SELECT table_name FROM sys_information_schema.columns"})
    void theBrowsingViewsListOnlyTheCurrentSchemasOwnTables(String sql) throws SQLException {
        try (Connection b = catalog.connect(B, "MyDB"); Statement s = b.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS mine (y int)");
            assertEquals(List.of("mine"), column(b, sql).stream().distinct().toList(), sql);
            // a search path naming A's schema first: PostgreSQL skips a schema the role may not use
            s.execute("SET search_path = " + aSchema() + ", dbo");
            assertEquals(List.of(), column(b, sql), sql + " with A's schema on the search path");
        }
        try (Connection b = catalog.connect(B, "Sample")) {
            assertEquals(List.of("photoobj"), column(b, sql).stream().distinct().toList(), sql + " in Sample");
        }
        try (Connection a = catalog.connect(A, "MyDB")) {
            assertEquals(List.of("secret"), column(a, sql).stream().distinct().toList(), sql + " as A");
        }
    }

    @Test
    void objectIdFindsOnlyTablesTheCallerMayRead() throws SQLException {
        try (Connection a = catalog.connect(A, "MyDB")) {
            String id = column(a, "SELECT OBJECT_ID('secret')").get(0);
            assertTrue(id != null && !id.isEmpty(), "A's own table has an id");
            assertEquals(List.of(id), column(a, "SELECT OBJECT_ID('MyDB.dbo.[secret]')"));
            assertEquals(List.of(id), column(a, "SELECT object_id FROM sys.tables WHERE name = 'secret'"));
        }
        try (Connection b = catalog.connect(B, "MyDB")) {
            assertEquals(Arrays.asList((String) null), column(b, "SELECT OBJECT_ID('secret')"));
            assertEquals(Arrays.asList((String) null), column(b, "SELECT OBJECT_ID('mydb.secret')"));
            assertEquals(Arrays.asList((String) null), column(b, "SELECT OBJECT_ID('" + aSchema() + ".secret')"));
            assertEquals(List.of("0"), column(b, "SELECT COUNT(*) FROM sys.columns c WHERE c.object_id ="
                    + " (SELECT c2.oid::int4 FROM pg_class c2 WHERE c2.relname = 'secret'"
                    + " AND c2.relnamespace = '" + aSchema() + "'::regnamespace)"));
        }
        try (Connection b = catalog.connect(B, "Sample")) {
            assertFalse(column(b, "SELECT OBJECT_ID('PhotoObj')").get(0) == null, "a context's table has an id");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "INSERT INTO sample.photoobj VALUES (3, 1.0)",
            "UPDATE sample.photoobj SET ra = 0",
            "DELETE FROM sample.photoobj",
            "DROP TABLE sample.photoobj",
            "ALTER TABLE sample.photoobj ADD COLUMN y int",
            "CREATE TABLE sample.planted (x int)",
            "CREATE TABLE planted (x int)", // unqualified in a context: its schema comes first
            "CREATE FUNCTION dbo.fPlanted() RETURNS int AS 'SELECT 1' LANGUAGE sql",
            "CREATE FUNCTION tsql.len(text) RETURNS int AS 'SELECT 1' LANGUAGE sql",
            "CREATE FUNCTION public.q3c_dist(float8, float8, float8, float8) RETURNS float8 AS 'SELECT 0.0'"
                    + " LANGUAGE sql",
            "CREATE TABLE public.planted (x int)",
            "CREATE VIEW dbo.planted AS SELECT 1 AS x",
            "SELECT * FROM casjobs.accounts",
            "CREATE VIEW sys.planted AS SELECT 1 AS x",
            "CREATE OR REPLACE VIEW sys.tables AS SELECT 1 AS x",
            "CREATE OR REPLACE FUNCTION dbo.object_id(text) RETURNS int AS 'SELECT 1' LANGUAGE sql",
            "CREATE TABLE sys_information_schema.planted (x int)",
            "SELECT * FROM sys_information_schema.spellings",
            "INSERT INTO sys_information_schema.spellings VALUES ('mydb_101', 'secret', '', 'Secret')"})
    void sharedSchemasAreReadOnly(String sql) throws SQLException {
        assertEquals(DENIED, refusedForB("Sample", sql).getSQLState(), sql);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SET ROLE cj_%s_u101",
            "SET ROLE %s",
            "SET SESSION AUTHORIZATION %s",
            "ALTER ROLE cj_%s_u101 PASSWORD 'x'",
            "ALTER ROLE cj_%s_u202 SUPERUSER",
            "ALTER ROLE cj_%s_u202 CREATEROLE",
            "GRANT cj_%s_u101 TO cj_%s_u202",
            "SELECT pg_read_file('/etc/passwd')",
            "SELECT pg_ls_dir('.')",
            "COPY (SELECT 1) TO PROGRAM 'id'",
            "COPY sample.photoobj FROM PROGRAM 'id'",
            "COPY (SELECT 1) TO '/tmp/opencasjobs-planted'",
            "CREATE TABLE mydb_202.f (l text); COPY mydb_202.f FROM '/etc/passwd'",
            "SELECT lo_import('/etc/passwd')",
            "SELECT lo_export(0, '/tmp/opencasjobs-planted')",
            "CREATE EXTENSION dblink",
            "CREATE EXTENSION postgres_fdw",
            "CREATE SCHEMA planted",
            "CREATE DATABASE planted",
            "CREATE ROLE planted"})
    void privilegedStatementsAreRefused(String template) throws SQLException {
        String prefix = catalog.names().prefix().substring("cj_".length());
        String owner = database.owner();
        String sql = template.contains("SET ROLE %s") || template.contains("AUTHORIZATION %s")
                ? String.format(template, owner) : template.replace("%s", prefix);
        SQLException e = refusedForB("MyDB", sql);
        assertEquals(DENIED, e.getSQLState(), () -> sql + ": " + e.getMessage());
    }

    @Test
    void resetRoleGoesBackToTheAccountsOwnRole() throws SQLException {
        try (Connection b = catalog.connect(B, "MyDB"); Statement s = b.createStatement()) {
            s.execute("RESET ROLE");
            s.execute("SET ROLE NONE");
            assertEquals(List.of(catalog.names().account(B)), column(b, "SELECT current_user"));
            assertThrows(SQLException.class, () -> s.execute("SELECT * FROM mydb_101.secret"));
        }
    }

    @Test
    void dblinkFromUserSqlDoesNotExist() throws SQLException {
        SQLException e = refusedForB("MyDB", "SELECT * FROM dblink('dbname=postgres', 'SELECT 1') AS t(x int)");
        assertEquals("42883", e.getSQLState(), e.getMessage()); // no such function: the extension is not there
    }

    @Test
    void anotherAccountsBackendCannotBeTerminatedNorItsQuerySeen() throws SQLException {
        try (Connection a = catalog.connect(A, "MyDB"); Statement sa = a.createStatement()) {
            sa.execute("SELECT 'marker-of-account-a' AS m");
            String aPid = column(a, "SELECT pg_backend_pid()").get(0);
            try (Connection b = catalog.connect(B, "MyDB"); Statement sb = b.createStatement()) {
                SQLException e = assertThrows(SQLException.class,
                        () -> sb.execute("SELECT pg_terminate_backend(" + aPid + ")"));
                assertEquals(DENIED, e.getSQLState(), e.getMessage());
                assertThrows(SQLException.class, () -> sb.execute("SELECT pg_cancel_backend(" + aPid + ")"));
                sb.execute("SELECT 'marker-of-account-b' AS m");
                List<String> queries = column(b, "SELECT coalesce(query, '') FROM pg_stat_activity");
                assertTrue(queries.stream().anyMatch(q -> q.contains("pg_stat_activity")), "B sees its own: " + queries);
                assertFalse(queries.stream().anyMatch(q -> q.contains("marker-of-account-a")), queries.toString());
            }
            assertTrue(a.isValid(5), "A's connection lives");
        }
    }

    @Test
    void anAccountThatChangesItsOwnPasswordStillRunsJobs() throws SQLException {
        long c = 303;
        try (Connection conn = catalog.connect(c, "MyDB"); Statement s = conn.createStatement()) {
            s.execute("ALTER ROLE CURRENT_USER PASSWORD 'chosen-by-the-user'");
            s.execute("ALTER ROLE CURRENT_USER SET search_path = public");
        }
        // the next login with the derived password fails (28P01): the catalog sets it again, and the defaults
        try (Connection conn = catalog.connect(c, "MyDB")) {
            assertEquals(List.of("mydb_303, dbo, tsql, public"), column(conn, "SHOW search_path"));
            assertEquals(List.of(catalog.names().account(c)), column(conn, "SELECT current_user"));
        }
    }

    /**
     * The catalogs show every account's schema and table names (not their rows). Revoking them
     * from PUBLIC, as a superuser could, does not hide those names: PostgreSQL turns any object id
     * into its qualified name without a privilege check ({@code regclass}), so an account finds
     * another's table by counting through the ids; and what reads the catalogs on a job's
     * connection stops working, PgJDBC's result metadata among it. Why the service does not offer that step (README: "What accounts
     * can see of each other"). In a database of its own: the revoke would break the other tests.
     */
    @Test
    void revokingTheCatalogViewsDoesNotHideOtherAccountsTableNames() throws Exception {
        try (Postgres.Database db = Postgres.newDatabase()) {
            Map<String, String> settings = new HashMap<>(db.settings());
            settings.put("casjobs.data.dir", Files.createTempDirectory("opencasjobs-pg-names").toString());
            settings.put("casjobs.sample.rows", "0");
            try (PostgresCatalog cat = PostgresCatalog.open(ServerConfig.of(settings))) {
                try (Connection a = cat.connect(A, "MyDB"); Statement s = a.createStatement()) {
                    s.execute("CREATE TABLE secret_galaxies (x int PRIMARY KEY)");
                }
                String aTable = "mydb_" + A + ".secret_galaxies";
                try (Connection b = cat.connect(B, "MyDB")) {
                    assertEquals(List.of("secret_galaxies"), column(b, "SELECT relname FROM pg_class"
                            + " WHERE relnamespace = 'mydb_" + A + "'::regnamespace AND relkind = 'r'"), "listed today");
                }
                db.asSuperuser("REVOKE SELECT ON pg_catalog.pg_class, pg_catalog.pg_namespace, pg_catalog.pg_tables,"
                        + " pg_catalog.pg_roles, pg_catalog.pg_user, pg_catalog.pg_attribute, pg_catalog.pg_type,"
                        + " pg_catalog.pg_index, pg_catalog.pg_indexes, pg_catalog.pg_constraint, pg_catalog.pg_depend,"
                        + " pg_catalog.pg_stat_all_tables, pg_catalog.pg_stat_user_tables,"
                        + " pg_catalog.pg_statio_all_tables FROM PUBLIC");
                try (Connection b = cat.connect(B, "MyDB"); Statement s = b.createStatement()) {
                    SQLException closed = assertThrows(SQLException.class, () -> s.executeQuery("SELECT relname FROM pg_class"));
                    assertEquals(DENIED, closed.getSQLState(), "the revoke took");
                    long start = System.nanoTime();
                    List<String> found = column(b, "SELECT i::oid::regclass::text FROM generate_series(16384, 100000) i"
                            + " WHERE i::oid::regclass::text LIKE 'mydb_%'");
                    System.out.printf("catalogs revoked: %s found by regclass over 83,617 oids in %.0f ms%n", found,
                            (System.nanoTime() - start) / 1e6);
                    assertTrue(found.contains(aTable), "the name is still there: " + found);
                    assertEquals(List.of(), column(b, "SELECT table_name FROM information_schema.tables"
                            + " WHERE table_schema = 'mydb_" + A + "'"), "information_schema lists none of A's");
                    // what reads the catalogs on the job's own connection fails
                    SQLException check = assertThrows(SQLException.class,
                            () -> cat.myDbTableExists(b, B, "anything"));
                    assertEquals(DENIED, check.getSQLState(), check.getMessage());
                    // PgJDBC's type name of a table's column (the typed CSV of a result asks it) reads pg_class
                    s.execute("CREATE TABLE mine (x int)");
                    try (ResultSet rs = s.executeQuery("SELECT x FROM mine")) {
                        SQLException typeName = assertThrows(SQLException.class, () -> rs.getMetaData().getColumnTypeName(1));
                        assertEquals(DENIED, typeName.getSQLState(), typeName.getMessage());
                    }
                }
            }
        }
    }

    /**
     * What a job's connection costs: a PostgreSQL login as the account's role (SCRAM) and its
     * search path. Printed, not asserted (speed is for benchmarks).
     */
    @Test
    void connectCostIsPrinted() throws SQLException {
        catalog.connect(B, "MyDB").close();
        int n = 50;
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            try (Connection c = catalog.connect(B, "Sample")) {
                assertTrue(c.isValid(1));
            }
        }
        System.out.printf("PostgresCatalog.connect: %.1f ms per connection (%d connections)%n",
                (System.nanoTime() - start) / 1e6 / n, n);
    }
}
