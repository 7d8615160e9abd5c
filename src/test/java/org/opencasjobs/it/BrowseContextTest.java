package org.opencasjobs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencasjobs.wire.JobsSoap;

/**
 * A user browses what a context holds through the service, as in SQL Server: in a context,
 * {@code information_schema.tables}/{@code columns} and {@code sys.tables}/{@code sys.columns}
 * list that context's tables, views and columns with SQL Server's type names; in MyDB, the user's
 * own tables; another user's tables never.
 */
class BrowseContextTest {
    static TestServer s;
    static JobsSoap soap;

    @BeforeAll
    static void start() throws Exception {
        s = new TestServer();
        soap = s.client(false);
        quick(s.alice.wsid(), TestServer.ALICE_PW, "SELECT TOP 2 objID, ra INTO mydb.AliceOnly FROM PhotoObj", "Sample");
        quick(s.bob.wsid(), TestServer.BOB_PW, "SELECT TOP 2 objID INTO mydb.BobsTable FROM PhotoObj", "Sample");
    }

    @AfterAll
    static void stop() throws Exception {
        s.close();
    }

    private static List<String> quick(long wsid, String pw, String sql, String context) {
        String csv = soap.executeQuickJob(wsid, pw, sql, context, "browse", false);
        return Arrays.stream(csv.split("\n")).map(l -> l.strip().replace("\"", "")).filter(l -> !l.isEmpty()).toList();
    }

    private static List<String> alice(String sql, String context) {
        return quick(s.alice.wsid(), TestServer.ALICE_PW, sql, context);
    }

    /** Rows without the typed-CSV header. */
    private static List<String> rows(List<String> lines) {
        return lines.subList(1, lines.size());
    }

    @Test
    void contextTablesAndViewsAreListedInTheContext() {
        List<String> tables = rows(alice("SELECT TABLE_NAME, TABLE_TYPE FROM information_schema.tables"
                + " ORDER BY TABLE_NAME", "Sample"));
        assertTrue(tables.contains("PhotoObjAll,BASE TABLE"), tables.toString());
        assertTrue(tables.contains("PhotoObj,VIEW"), tables.toString());
        assertTrue(tables.contains("Galaxy,VIEW"), tables.toString());
        assertTrue(tables.contains("SpecObjAll,BASE TABLE"), tables.toString());
        assertFalse(tables.stream().anyMatch(t -> t.startsWith("AliceOnly") || t.startsWith("BobsTable")), tables.toString());
    }

    @Test
    void columnsOfAContextTableHaveSqlServerTypes() {
        List<String> cols = rows(alice("SELECT COLUMN_NAME, DATA_TYPE FROM INFORMATION_SCHEMA.COLUMNS"
                + " WHERE TABLE_NAME = 'PhotoObjAll' ORDER BY ORDINAL_POSITION", "Sample"));
        assertEquals("objID,bigint", cols.get(0));
        assertTrue(cols.contains("ra,float"), cols.toString());
        assertTrue(cols.contains("psfMag_r,real"), cols.toString());
        assertTrue(cols.contains("camcol,tinyint"), cols.toString());
        assertTrue(rows(alice("SELECT COLUMN_NAME, DATA_TYPE FROM INFORMATION_SCHEMA.COLUMNS"
                + " WHERE TABLE_NAME = 'PhotoObj'", "Sample")).contains("psfMag_r,real"), "a view's columns too");
        List<String> spec = rows(alice("SELECT DATA_TYPE, CHARACTER_MAXIMUM_LENGTH FROM information_schema.columns"
                + " WHERE table_name = 'SpecObjAll' AND column_name = 'class'", "Sample"));
        assertEquals(List.of("varchar,32"), spec);
    }

    @Test
    void myDbListsOnlyTheUsersOwnTables() {
        List<String> mine = rows(alice("SELECT TABLE_NAME FROM information_schema.tables", "MyDB"));
        assertEquals(List.of("AliceOnly"), mine);
        List<String> bobs = rows(quick(s.bob.wsid(), TestServer.BOB_PW, "SELECT name FROM sys.tables", "MyDB"));
        assertEquals(List.of("BobsTable"), bobs);
        List<String> cols = rows(alice("SELECT COLUMN_NAME, DATA_TYPE FROM information_schema.columns ORDER BY ORDINAL_POSITION", "MyDB"));
        assertEquals(List.of("objID,bigint", "ra,float"), cols);
    }

    @Test
    void sysViewsJoinByObjectId() {
        List<String> cols = rows(alice("SELECT c.name, ty.name AS type FROM sys.columns c"
                + " JOIN sys.types ty ON ty.user_type_id = c.user_type_id"
                + " WHERE c.object_id = OBJECT_ID('PhotoObjAll') AND c.name IN ('objID', 'ra', 'camcol') ORDER BY c.column_id",
                "Sample"));
        assertEquals(List.of("objID,bigint", "camcol,tinyint", "ra,float"), cols);
        List<String> viaTables = rows(alice("SELECT COUNT(*) FROM sys.columns c JOIN sys.tables t ON t.object_id = c.object_id"
                + " WHERE t.name = 'SpecObjAll'", "Sample"));
        assertEquals(List.of(String.valueOf(rows(alice("SELECT COUNT(*) FROM information_schema.columns"
                + " WHERE table_name = 'SpecObjAll'", "Sample")).get(0))), viaTables);
        assertEquals(List.of("none"), rows(alice("SELECT COALESCE(CAST(OBJECT_ID('NoSuchTable') AS VARCHAR(20)), 'none')"
                + " AS id", "Sample")));
        assertFalse(rows(alice("SELECT OBJECT_ID('mydb.AliceOnly') AS id", "Sample")).get(0).isEmpty());
    }
}
