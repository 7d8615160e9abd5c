package org.opencasjobs.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencasjobs.config.ServerConfig;
import org.opencasjobs.jobs.CasJobsException;
import org.opencasjobs.testing.Postgres;

/**
 * Uploads into a MyDB on PostgreSQL go in by COPY: the values converted as on H2 (types guessed,
 * text kept as written, NULL for empty), written in COPY's text format (tabs, backslashes, line
 * breaks in values survive); a bad value or a row PostgreSQL refuses is named by its line, across
 * COPY batches too, and nothing is left of a failed upload.
 */
class PostgresCsvUploadTest {
    private static final long WSID = 51;
    private static Postgres.Database database;
    private static PostgresCatalog catalog;

    @BeforeAll
    static void open() throws Exception {
        database = Postgres.newDatabase();
        Map<String, String> settings = new HashMap<>(database.settings());
        settings.put("casjobs.data.dir", Files.createTempDirectory("opencasjobs-pg-upload").toString());
        settings.put("casjobs.sample.rows", "0");
        catalog = PostgresCatalog.open(ServerConfig.of(settings));
    }

    @AfterAll
    static void close() {
        if (catalog != null) {
            catalog.close();
        }
        if (database != null) {
            database.close();
        }
    }

    /** Uploads as the account; the rows the table holds then. */
    private static long upload(String table, String csv, boolean exists) throws SQLException {
        try (Connection c = catalog.connect(WSID, "MyDB")) {
            catalog.upload(c, WSID, table, csv, exists, () -> { });
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + catalog.myDbTable(WSID, table))) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static String refused(String table, String csv, boolean exists) {
        return assertThrows(CasJobsException.class, () -> upload(table, csv, exists)).getMessage();
    }

    private static List<String> rows(String sql) throws SQLException {
        try (Connection c = database.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<String> out = new ArrayList<>();
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    row.append(i == 1 ? "" : "|").append(rs.getString(i));
                }
                out.add(row.toString());
            }
            return out;
        }
    }

    /** The tables of the MyDB schema, staging ones included. */
    private static List<String> tables() throws SQLException {
        return rows("SELECT tablename FROM pg_tables WHERE schemaname = 'mydb_" + WSID + "' ORDER BY tablename");
    }

    @Test
    void valuesArriveAsWritten() throws Exception {
        String csv = "id,ra,note,seen\n"
                + "1,10.5,plain,2024-01-02 03:04:05.123\n"
                + "2,-1e-5,\"tab\there, back\\slash\",2024-01-02\n"
                + "3,,\"two\nlines\",\n"
                + "4,NaN,\\N,2024-12-31 23:59\n";
        assertEquals(4, upload("Kinds", csv, false));
        assertEquals(List.of(
                "1|10.5|plain|2024-01-02 03:04:05.123",
                "2|-1e-05|tab\there, back\\slash|2024-01-02 00:00:00",
                "3|null|two\nlines|null",
                "4|NaN|\\N|2024-12-31 23:59:00"),
                rows("SELECT id, ra, note, seen FROM mydb_" + WSID + ".kinds ORDER BY id"),
                "\\N in the CSV is text, not NULL: only an empty value is");
        assertEquals(6, upload("Kinds", "id,note\n5,appended\n6,\n", true));
        assertEquals(List.of("5|appended", "6|null"),
                rows("SELECT id, note FROM mydb_" + WSID + ".kinds WHERE id > 4 ORDER BY id"));
    }

    @Test
    void aBadValueNamesItsLineAndColumnAndAddsNothing() throws Exception {
        try (Connection c = catalog.connect(WSID, "MyDB"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE counted (id int, name text)");
        }
        String m = refused("Counted", "id,name\n1,a\n2,b\nthree,c\n", true);
        assertTrue(m.startsWith("Line 4, column 'id': the value 'three' is not a whole number"), m);
        assertEquals(List.of("0"), rows("SELECT COUNT(*) FROM mydb_" + WSID + ".counted"));
    }

    @Test
    void aFailedNewTableLeavesNoTable() throws Exception {
        // the quota check runs after each COPY: failing there, the staging table goes
        try (Connection c = catalog.connect(WSID, "MyDB")) {
            CasJobsException e = assertThrows(CasJobsException.class, () -> catalog.upload(c, WSID, "Stopped",
                    "id\n1\n2\n", false, () -> {
                        throw new CasJobsException("over quota");
                    }));
            assertEquals("over quota", e.getMessage());
        }
        assertEquals(List.of(), tables().stream().filter(t -> t.contains("stopped") || t.contains("~")).toList(),
                "no table, no staging table left: " + tables());
    }

    @Test
    void aRowPostgresqlRefusesIsNamedByItsLineAcrossBatches() throws Exception {
        try (Connection c = catalog.connect(WSID, "MyDB"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE keyed (id bigint PRIMARY KEY, v text)");
            s.execute("INSERT INTO keyed VALUES (7, 'kept')");
        }
        // 25000 rows: three COPYs; line 20003 (the header is line 1) repeats the existing key 7
        StringBuilder csv = new StringBuilder("id,v\n");
        for (int i = 1; i <= 25_000; i++) {
            csv.append(i == 20_002 ? 7 : 100 + i).append(",r").append(i).append('\n');
        }
        String m = refused("keyed", csv.toString(), true);
        assertTrue(m.startsWith("Line 20003: the row could not be added to MyDB.keyed: "), m);
        assertTrue(m.endsWith(" No rows were added."), m);
        assertEquals(List.of("7|kept"), rows("SELECT id, v FROM mydb_" + WSID + ".keyed"), "nothing added");
    }
}
