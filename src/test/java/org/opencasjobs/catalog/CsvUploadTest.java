package org.opencasjobs.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opencasjobs.jobs.CasJobsException;

/** UploadData's CSV loader, on an H2 database set up like a production MyDB (a user owning MyDB). */
class CsvUploadTest {
    private static final AtomicInteger DB = new AtomicInteger();
    private Connection admin;
    private Connection c;

    @BeforeEach
    void open() throws SQLException {
        String url = "jdbc:h2:mem:csvupload" + DB.incrementAndGet()
                + ";MODE=MSSQLServer;DATABASE_TO_UPPER=FALSE;CASE_INSENSITIVE_IDENTIFIERS=TRUE";
        admin = DriverManager.getConnection(url, "sa", "");
        try (Statement s = admin.createStatement()) {
            s.execute("CREATE USER u PASSWORD 'pw'");
            s.execute("CREATE SCHEMA MyDB AUTHORIZATION u");
        }
        c = DriverManager.getConnection(url, "u", "pw");
        assertFalse(c.getMetaData().getUserName().equalsIgnoreCase("sa"));
    }

    @AfterEach
    void close() throws SQLException {
        c.close();
        admin.close();
    }

    // ------------------------------------------------------------------ helpers

    private void exec(String... sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        }
    }

    /** "name TYPE" per column, with length/precision where it matters. */
    private List<String> columns(String table) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT * FROM MyDB." + table)) {
            ResultSetMetaData md = rs.getMetaData();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                String t = md.getColumnTypeName(i);
                switch (md.getColumnType(i)) {
                    case Types.VARCHAR -> t += "(" + md.getPrecision(i) + ")";
                    case Types.TIMESTAMP -> t += "(" + md.getScale(i) + ")";
                    case Types.DECIMAL -> t += "(" + md.getPrecision(i) + "," + md.getScale(i) + ")";
                    default -> {
                    }
                }
                out.add(md.getColumnName(i) + " " + t.replace("CHARACTER VARYING", "VARCHAR"));
            }
        }
        return out;
    }

    /** Every row (ordered by the first column unless told), every value as JDBC returns it. */
    private List<List<Object>> rows(String sql) throws SQLException {
        List<List<Object>> out = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getObject(i));
                }
                out.add(row);
            }
        }
        return out;
    }

    private long count(String table) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM MyDB." + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private boolean tableExists(String table) throws SQLException {
        try (PreparedStatement ps = admin.prepareStatement("SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES"
                + " WHERE TABLE_SCHEMA = 'MyDB' AND UPPER(TABLE_NAME) = UPPER(?)")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        }
    }

    private static List<Object> row(Object... values) {
        return Arrays.asList(values);
    }

    private static Timestamp ts(String iso) {
        return Timestamp.valueOf(LocalDateTime.parse(iso));
    }

    private String fails(String table, String csv, boolean exists) {
        return assertThrows(CasJobsException.class, () -> CsvUpload.load(c, table, csv, exists)).getMessage();
    }

    // ------------------------------------------------------------------ new tables: types and values

    @Test
    void guessesATypePerColumnAndReadsEveryValueBack() throws SQLException {
        String csv = "id,big,neg,dbl,mixed,ts,txt,numtext,empty,sparse\n"
                + "1,3000000000,-5,1.5,1,2008-04-05,hello,12,,7\n"
                + "2,-9223372036854775808,0,-2.5e-5,2.25,2008-04-05 12:34:56,\"a, b\",x1,,\n"
                + "3,9223372036854775807,-17,6.02E+23,-3,2008-04-05T12:34:56.789,world,3.5,,-8\n";
        assertEquals(3, CsvUpload.load(c, "Types", csv, false));
        assertEquals(List.of("id BIGINT", "big BIGINT", "neg BIGINT", "dbl DOUBLE PRECISION",
                "mixed DOUBLE PRECISION", "ts TIMESTAMP(3)", "txt VARCHAR(16)", "numtext VARCHAR(16)",
                "empty VARCHAR(16)", "sparse BIGINT"), columns("Types"));
        assertEquals(List.of(
                row(1L, 3000000000L, -5L, 1.5, 1.0, ts("2008-04-05T00:00"), "hello", "12", null, 7L),
                row(2L, Long.MIN_VALUE, 0L, -2.5e-5, 2.25, ts("2008-04-05T12:34:56"), "a, b", "x1", null, null),
                row(3L, Long.MAX_VALUE, -17L, 6.02e23, -3.0, ts("2008-04-05T12:34:56.789"), "world", "3.5", null,
                        -8L)), rows("SELECT * FROM MyDB.Types ORDER BY id"));
    }

    @Test
    void wideIntegersSpecialDoublesAndFineTimestamps() throws SQLException {
        String csv = "objid,f,huge,t,d\n"
                + "12345678901234567890123,NaN,1e400,2020-01-02 03:04:05.123456789,.5\n"
                + "-7,-inf,2,2020-01-02 03:04,+3.\n"
                + "99999999999999999999999999999999999999,Infinity,3,,1E5\n";
        assertEquals(3, CsvUpload.load(c, "Wide", csv, false));
        // whole numbers beyond 64 bits keep every digit; 1e400 is no double, so text; nanoseconds kept
        assertEquals(List.of("objid DECIMAL(38,0)", "f DOUBLE PRECISION", "huge VARCHAR(16)", "t TIMESTAMP(9)",
                "d DOUBLE PRECISION"), columns("Wide"));
        assertEquals(List.of(
                row(new BigDecimal("-7"), Double.NEGATIVE_INFINITY, "2", ts("2020-01-02T03:04"), 3.0),
                row(new BigDecimal("12345678901234567890123"), Double.NaN, "1e400",
                        ts("2020-01-02T03:04:05.123456789"), 0.5),
                row(new BigDecimal("99999999999999999999999999999999999999"), Double.POSITIVE_INFINITY, "3", null,
                        1e5)), rows("SELECT * FROM MyDB.Wide ORDER BY objid"));
    }

    @Test
    void invalidDatesAndNearNumbersAreText() throws SQLException {
        CsvUpload.load(c, "Near", "a,b,c,d,e\n2008-02-30,0x1F,1d,12:00,2008-4-5\n2008-02-28,1,2,13:00,2008-04-05\n",
                false);
        assertEquals(List.of("a VARCHAR(16)", "b VARCHAR(16)", "c VARCHAR(16)", "d VARCHAR(16)", "e VARCHAR(16)"),
                columns("Near"));
    }

    @Test
    void textLengthsRoundUpToPowersOfTwoUpTo8000ThenMax() throws SQLException {
        String csv = "a,b,c,d,e\n"
                + "x".repeat(16) + "," + "x".repeat(17) + "," + "x".repeat(100) + "," + "x".repeat(5000) + ","
                + "x".repeat(9000) + "\n"
                + "y,y,y,y,y\n";
        CsvUpload.load(c, "Lengths", csv, false);
        assertEquals(List.of("a VARCHAR(16)", "b VARCHAR(32)", "c VARCHAR(128)", "d VARCHAR(8000)",
                "e VARCHAR(1000000000)"), columns("Lengths"));
        assertEquals(List.of(row("x".repeat(16), "x".repeat(17), "x".repeat(100), "x".repeat(5000), "x".repeat(9000)),
                row("y", "y", "y", "y", "y")), rows("SELECT * FROM MyDB.Lengths ORDER BY a"));
    }

    @Test
    void quotedFieldsKeepCommasQuotesAndLineBreaks() throws SQLException {
        String csv = "id,s\n"
                + "1,\"a, b\"\n"
                + "2,\"say \"\"hi\"\"\"\n"
                + "3,\"two\nlines\"\n"
                + "4,\"crlf\r\ninside\"\n"
                + "5,\"  kept  \"\n"
                + "6,\"\"\n";
        assertEquals(6, CsvUpload.load(c, "Quoted", csv, false));
        assertEquals(List.of(row(1L, "a, b"), row(2L, "say \"hi\""), row(3L, "two\nlines"),
                row(4L, "crlf\r\ninside"), row(5L, "  kept  "), row(6L, null)), rows("SELECT * FROM MyDB.Quoted ORDER BY id"));
    }

    @Test
    void crlfTrailingNewlinePaddingBlankLinesAndBom() throws SQLException {
        String csv = "\uFEFF id , ra ,name\r\n\r\n  1, 2.5 ,  x y  \r\n   \r\n2 ,-1e-5,\" padded \"\r\n\r\n";
        assertEquals(2, CsvUpload.load(c, "Crlf", csv, false));
        assertEquals(List.of("id BIGINT", "ra DOUBLE PRECISION", "name VARCHAR(16)"), columns("Crlf"));
        assertEquals(List.of(row(1L, 2.5, "x y"), row(2L, -1e-5, " padded ")),
                rows("SELECT * FROM MyDB.Crlf ORDER BY id"));
        // no trailing newline at all is fine too
        assertEquals(1, CsvUpload.load(c, "NoNewline", "a\n1", false));
        assertEquals(List.of(row(1L)), rows("SELECT * FROM MyDB.NoNewline"));
    }

    @Test
    void tableNamesMayCarryBracketsAndAMyDbPrefix() throws SQLException {
        CsvUpload.load(c, "[mydb].[Bracketed]", "a\n1\n", false);
        CsvUpload.load(c, "MYDB.Prefixed", "a\n1\n", false);
        CsvUpload.load(c, " [Plain_1] ", "a\n1\n", false);
        assertTrue(tableExists("Bracketed"));
        assertTrue(tableExists("Prefixed"));
        assertTrue(tableExists("Plain_1"));
        // the stored name keeps the user's case
        assertEquals(List.of(row("Bracketed")), rows("SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES"
                + " WHERE TABLE_SCHEMA = 'MyDB' AND TABLE_NAME = 'Bracketed'"));
    }

    @Test
    void worksWhateverTheDefaultSchemaAndRestoresAutoCommit() throws SQLException {
        exec("SET SCHEMA MyDB");
        CsvUpload.load(c, "InMyDb", "a\n1\n", false);
        assertTrue(c.getAutoCommit());
        exec("SET SCHEMA PUBLIC");
        c.setAutoCommit(false);
        CsvUpload.load(c, "FromPublic", "a\n1\n", false);
        assertFalse(c.getAutoCommit());
        c.setAutoCommit(true);
        assertEquals(1, count("FromPublic"));
        assertEquals(1, count("InMyDb"));
    }

    @Test
    void headerOnlyCreatesAnEmptyTextTable() throws SQLException {
        assertEquals(0, CsvUpload.load(c, "Empty", "a,b\n", false));
        assertEquals(List.of("a VARCHAR(16)", "b VARCHAR(16)"), columns("Empty"));
        assertEquals(0, count("Empty"));
    }

    // ------------------------------------------------------------------ new tables: errors

    @Test
    void newTableThatExistsIsRefusedWithSqlServersWords() throws SQLException {
        exec("CREATE TABLE MyDB.Taken (a INT)", "INSERT INTO MyDB.Taken VALUES (1)");
        assertEquals("There is already an object named 'Taken' in the database.", fails("Taken", "a\n2\n", false));
        assertEquals("There is already an object named 'TAKEN' in the database.", fails("TAKEN", "a\n2\n", false));
        // checked before the data is read
        assertEquals("There is already an object named 'taken' in the database.",
                fails("mydb.taken", "a\n1,2\n", false));
        assertEquals(1, count("Taken"));
    }

    @Test
    void emptyDataIsRefused() {
        for (String csv : new String[] {null, "", "   ", "\n\n", "\uFEFF", " \r\n \n"}) {
            String m = fails("Nothing", csv, false);
            assertTrue(m.startsWith("No data to upload: the first line must hold the column names"), m);
        }
    }

    @Test
    void badTableNamesAreRefused() throws SQLException {
        assertEquals("'my table' is not a valid table name: use letters, digits and underscores, not starting"
                + " with a digit (e.g. MyTable_1), at most 128 characters.", fails("my table", "a\n1\n", false));
        assertTrue(fails("1abc", "a\n1\n", false).startsWith("'1abc' is not a valid table name"));
        assertTrue(fails("x;DROP TABLE y", "a\n1\n", false).startsWith("'x;DROP TABLE y' is not a valid"));
        assertTrue(fails("other.T", "a\n1\n", false).startsWith("'other.T' is not a valid"));
        assertTrue(fails("t\"", "a\n1\n", false).startsWith("'t\"' is not a valid"));
        assertTrue(fails("x".repeat(129), "a\n1\n", false).contains("at most 128 characters"));
        assertTrue(fails("", "a\n1\n", false).startsWith("No table name given"));
        assertTrue(fails(null, "a\n1\n", true).startsWith("No table name given"));
    }

    @Test
    void badHeaderNamesAreRefusedNamingPositionAndName() throws SQLException {
        assertEquals("Column 2 of the header (line 1) is named '2mass', which is not a valid column name: use"
                + " letters, digits and underscores, not starting with a digit, at most 128 characters.",
                fails("H", "ra,2mass\n1,2\n", false));
        assertTrue(fails("H", "a,b c\n1,2\n", false).startsWith("Column 2 of the header (line 1) is named 'b c'"));
        assertTrue(fails("H", "a,\"x\"\"y\"\n1,2\n", false).startsWith("Column 2 of the header (line 1) is named 'x\"y'"));
        assertTrue(fails("H", "a,,c\n1,2,3\n", false).startsWith("Column 2 of the header (line 1) has no name"));
        assertTrue(fails("H", "a,b,\n1,2,3\n", false).startsWith("Column 3 of the header (line 1) has no name"));
        assertEquals("Columns 1 and 3 of the header (line 1) are both named 'RA' (names ignore case): give every"
                + " column its own name.", fails("H", "ra,dec,RA\n1,2,3\n", false));
        assertTrue(fails("H", "\n\nra,ra\n1,2\n", false).startsWith("Columns 1 and 2 of the header (line 3)"));
        assertFalse(tableExists("H"));
        // brackets around a name are tolerated
        CsvUpload.load(c, "H", "[ra],[dec]\n1,2\n", false);
        assertEquals(List.of("ra BIGINT", "dec BIGINT"), columns("H"));
    }

    @Test
    void raggedRowsNameTheirLineAndCounts() throws SQLException {
        assertEquals("Line 3 has 2 values, but the header names 3 columns: every line needs one value per column"
                + " (leave a value empty for NULL, and quote values that contain commas).",
                fails("Ragged", "a,b,c\n1,2,3\n4,5\n", false));
        // a quoted line break and blank lines do not upset the count of lines
        assertTrue(fails("Ragged", "a,b\n1,\"x\ny\"\n\n2,\"p\r\nq\r\nr\"\r\n   \n3,4,5\n", false)
                .startsWith("Line 9 has 3 values, but the header names 2 columns"));
        assertTrue(fails("Ragged", "a,b\n1,2\n3\n", false).startsWith("Line 3 has 1 value,"));
        assertTrue(fails("Ragged", "a,b\r\n1,2\r\n\r\n\r\n3\r\n", false).startsWith("Line 5 has 1 value,"));
        assertFalse(tableExists("Ragged"));
    }

    @Test
    void malformedQuotingNamesTheLine() throws SQLException {
        String m = fails("Bad", "a,b\n1,2\n3,\"open\n4,5\n", false);
        assertTrue(m.startsWith("Line 3: a quoted value is never closed."), m);
        m = fails("Bad", "a,b\n1,2\n3,\"x\"y\n", false);
        assertTrue(m.startsWith("Line 3: a quoted value is followed by more text"), m);
        assertFalse(tableExists("Bad"));
    }

    @Test
    void aNewTableIsDroppedWhenInsertingFails() throws SQLException {
        // Make the second batch fail as a database might (disk full), after the table exists.
        AtomicInteger batches = new AtomicInteger();
        Connection failing = (Connection) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {Connection.class}, (p, m, args) -> {
                    Object r = invoke(c, m, args);
                    if (r instanceof PreparedStatement ps && ((String) args[0]).startsWith("INSERT")) {
                        return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {PreparedStatement.class},
                                (p2, m2, a2) -> {
                                    if (m2.getName().equals("executeBatch") && batches.incrementAndGet() == 2) {
                                        throw new SQLException("No space left on device", "HY000");
                                    }
                                    return invoke(ps, m2, a2);
                                });
                    }
                    return r;
                });
        StringBuilder csv = new StringBuilder("id,x\n");
        for (int i = 0; i < 2500; i++) {
            csv.append(i).append(",1.5\n");
        }
        SQLException e = assertThrows(SQLException.class, () -> CsvUpload.load(failing, "Dropped", csv.toString(), false));
        assertEquals("No space left on device", e.getMessage());
        assertEquals(2, batches.get());
        assertFalse(tableExists("Dropped"));
        assertTrue(c.getAutoCommit());
        // and the same upload works on a healthy connection
        assertEquals(2500, CsvUpload.load(c, "Dropped", csv.toString(), false));
    }

    private static Object invoke(Object target, java.lang.reflect.Method m, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    // ------------------------------------------------------------------ existing tables

    private void createTarget() throws SQLException {
        exec("CREATE TABLE MyDB.Target (id INT NOT NULL PRIMARY KEY, name VARCHAR(10), score DOUBLE, r REAL,"
                + " amount DECIMAL(6,2), flag BIT, seen DATETIME, \"day\" DATE, small SMALLINT, tiny TINYINT,"
                + " code CHAR(3), extra VARCHAR(5) DEFAULT 'dflt')",
                "INSERT INTO MyDB.Target (id, name) VALUES (0, 'old')");
    }

    @Test
    void appendUsesTheTablesOwnTypes() throws SQLException {
        createTarget();
        String csv = "NAME,Id,score,r,amount,flag,seen,day,small,tiny,code\n"
                + "alice,1,12,0.5,1234.567,true,2008-04-05 12:34:56.5,2008-04-05,-32768,127,ab\n"
                + "bob,2.0e+00,1e-5,-3,-0.005,0,2008-04-05,2008-04-05 00:00:00,1,-128,xyz\n"
                + ",3,NaN,,7,False,,,,,\n";
        assertEquals(3, CsvUpload.load(c, "target", csv, true));
        assertEquals(List.of(
                row(0, "old", null, null, null, null, null, null, null, null, null, "dflt"),
                row(1, "alice", 12.0, 0.5f, new BigDecimal("1234.57"), true, ts("2008-04-05T12:34:56.5"),
                        java.sql.Date.valueOf("2008-04-05"), -32768, 127, "ab ", "dflt"),
                row(2, "bob", 1e-5, -3.0f, new BigDecimal("-0.01"), false, ts("2008-04-05T00:00"),
                        java.sql.Date.valueOf("2008-04-05"), 1, -128, "xyz", "dflt"),
                row(3, null, Double.NaN, null, new BigDecimal("7.00"), false, null, null, null, null, null, "dflt")),
                rows("SELECT * FROM MyDB.Target ORDER BY id"));
        // column types are the table's own, untouched
        assertEquals("name VARCHAR(10)", columns("Target").get(1));
    }

    @Test
    void appendIntoANewlyUploadedTableKeepsItsGuessedTypes() throws SQLException {
        CsvUpload.load(c, "Grow", "id,v\n1,2\n", false);
        assertEquals(2, CsvUpload.load(c, "Grow", "v,id\n3.0,2\n,3\n", true));
        assertEquals(List.of(row(1L, 2L), row(2L, 3L), row(3L, null)), rows("SELECT * FROM MyDB.Grow ORDER BY id"));
        String m = fails("Grow", "id,v\n4,2.5\n", true);
        assertEquals("Line 2, column 'v': the value '2.5' is not a whole number, but the column is BIGINT."
                + " No rows were added.", m);
    }

    @Test
    void aValueTooLongNamesLineColumnAndLimitAndAddsNothing() throws SQLException {
        createTarget();
        assertEquals("Line 3, column 'name': the value is 11 characters long, but the column holds at most 10"
                + " (VARCHAR(10)): shorten the value or widen the column. No rows were added.",
                fails("Target", "id,name\n1,ok\n2,abcdefghijk\n", true));
        assertEquals(1, count("Target"));
    }

    @Test
    void aValueThatIsNoNumberNamesLineColumnAndValueAndAddsNothing() throws SQLException {
        createTarget();
        assertEquals("Line 4, column 'score': the value 'abc' is not a number, but the column is DOUBLE PRECISION."
                + " No rows were added.", fails("Target", "id,score\n1,1\n2,2\n3,abc\n", true));
        assertEquals("Line 2, column 'tiny': the value '300' is out of range for TINYINT (-128 to 127)."
                + " No rows were added.", fails("Target", "id,tiny\n1,300\n", true));
        assertEquals("Line 2, column 'id': the value '1.5' is not a whole number, but the column is INTEGER."
                + " No rows were added.", fails("Target", "id\n1.5\n", true));
        assertEquals("Line 2, column 'id': the value '3000000000' is out of range for INTEGER (-2147483648 to"
                + " 2147483647). No rows were added.", fails("Target", "id\n3000000000\n", true));
        assertEquals("Line 2, column 'amount': the value '12345.5' has too many digits for DECIMAL(6,2) (at most 4"
                + " before the decimal point). No rows were added.", fails("Target", "id,amount\n1,12345.5\n", true));
        assertEquals("Line 2, column 'flag': the value 'yes' is not a boolean: write true, false, 1 or 0."
                + " No rows were added.", fails("Target", "id,flag\n1,yes\n", true));
        assertEquals("Line 2, column 'seen': the value '05/04/2008' is not a date and time: write yyyy-MM-dd or"
                + " yyyy-MM-dd HH:mm:ss[.fff]. No rows were added.", fails("Target", "id,seen\n1,05/04/2008\n", true));
        assertEquals("Line 2, column 'day': the value '2008-04-05 12:00' has a time of day, but the column is DATE."
                + " No rows were added.", fails("Target", "id,day\n1,2008-04-05 12:00\n", true));
        assertEquals("Line 2, column 'r': the value '1e39' is beyond the range of REAL. No rows were added.",
                fails("Target", "id,r\n1,1e39\n", true));
        assertEquals("Line 2, column 'code': the value is 4 characters long, but the column holds at most 3"
                + " (CHAR(3)): shorten the value or widen the column. No rows were added.",
                fails("Target", "id,code\n1,abcd\n", true));
        assertEquals(1, count("Target"));
    }

    @Test
    void aConstraintFailureInALaterBatchNamesTheLineAndAddsNothing() throws SQLException {
        createTarget();
        StringBuilder csv = new StringBuilder("id,name\n");
        for (int i = 1; i <= 2500; i++) {
            csv.append(i == 2398 ? 5 : i).append(",n").append(i).append('\n'); // line 2399 repeats id 5
        }
        String m = fails("Target", csv.toString(), true);
        assertTrue(m.startsWith("Line 2399: the row could not be added to MyDB.Target: "), m);
        assertTrue(m.endsWith(" No rows were added."), m);
        assertTrue(m.contains("PRIMARY KEY") || m.toLowerCase().contains("unique"), m);
        assertFalse(m.contains("SQL statement"), m);
        assertEquals(1, count("Target"));
        // a NOT NULL column left empty
        m = fails("Target", "id,name\n7,a\n,b\n", true);
        assertEquals("Line 3: the row could not be added to MyDB.Target: NULL not allowed for column \"id\"."
                + " No rows were added.", m);
        assertEquals(1, count("Target"));
        assertTrue(c.getAutoCommit());
    }

    @Test
    void theFirstRefusedRowIsNamedThoughALaterRowOfItsBatchClashesWithAnEarlierOne() throws SQLException {
        // Rows go in many a statement; H2 runs a batch's later statements after one fails, so
        // row 150 (id 9) is in before the rows of the failed statement are tried one by one,
        // where row 50 (id 9 too) would then be refused first.
        createTarget();
        StringBuilder csv = new StringBuilder("id,name\n");
        for (int i = 1; i <= 300; i++) {
            csv.append(i == 60 ? "" : String.valueOf(i == 150 ? 9 : i)).append(",n\n");
        }
        assertEquals("Line 61: the row could not be added to MyDB.Target: NULL not allowed for column \"id\"."
                + " No rows were added.", fails("Target", csv.toString(), true));
        assertEquals(1, count("Target"));
    }

    @Test
    void appendToAMissingTableIsRefused() throws SQLException {
        assertEquals("Table 'Nowhere' does not exist in MyDB; upload with tableExists=false to create it.",
                fails("Nowhere", "a\n1\n", true));
        assertEquals("Table 'Nowhere' does not exist in MyDB; upload with tableExists=false to create it.",
                fails("mydb.[Nowhere]", "a\n1\n", true));
        assertFalse(tableExists("Nowhere"));
    }

    @Test
    void appendWithUnknownColumnsNamesThem() throws SQLException {
        createTarget();
        assertEquals("Columns 'ra', 'dec' of the header (line 1) are not in table MyDB.Target, whose columns are: id,"
                + " name, score, r, amount, flag, seen, day, small, tiny, code, extra. Name only existing columns, or"
                + " upload into a new table.", fails("Target", "id,ra,dec\n1,2,3\n", true));
        assertEquals(1, count("Target"));
    }

    @Test
    void appendWithRaggedRowsAddsNothing() throws SQLException {
        createTarget();
        assertTrue(fails("Target", "id,name\n1,a\n2,b\n3\n", true).startsWith("Line 4 has 1 value,"));
        assertEquals(1, count("Target"));
    }

    @Test
    void headerOnlyAppendAddsNothing() throws SQLException {
        createTarget();
        assertEquals(0, CsvUpload.load(c, "Target", "id,name\n", true));
        assertEquals(1, count("Target"));
    }

    // ------------------------------------------------------------------ volume

    @Test
    void loadsOneHundredThousandRows() throws SQLException {
        int n = 100_000;
        StringBuilder csv = new StringBuilder(n * 60).append("objid,ra,dec,mag,name,obs\n");
        for (int i = 0; i < n; i++) {
            csv.append(1237645876861272064L + i).append(',').append(i * 0.0036).append(',').append(-i * 1e-4)
                    .append(',').append(i % 25).append(",obj").append(i).append(",2008-04-05 12:")
                    .append(String.format(java.util.Locale.ROOT, "%02d:%02d", (i / 60) % 60, i % 60)).append('\n');
        }
        String data = csv.toString();
        long t0 = System.nanoTime();
        assertEquals(n, CsvUpload.load(c, "Big", data, false));
        long newMs = (System.nanoTime() - t0) / 1_000_000;
        t0 = System.nanoTime();
        assertEquals(n, CsvUpload.load(c, "Big", data.replace("objid,", "OBJID,"), true));
        long appendMs = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("CsvUploadTest: %,d rows (%,d chars): new table %d ms, append %d ms%n", n, data.length(),
                newMs, appendMs);
        assertEquals(List.of("objid BIGINT", "ra DOUBLE PRECISION", "dec DOUBLE PRECISION", "mag BIGINT",
                "name VARCHAR(16)", "obs TIMESTAMP(3)"), columns("Big"));
        BigDecimal idSum = BigDecimal.valueOf(1237645876861272064L).multiply(BigDecimal.valueOf(2L * n))
                .add(BigDecimal.valueOf((long) n * (n - 1)));
        assertEquals(List.of(row(2L * n, idSum, 2L * (n / 25) * 300)),
                rows("SELECT COUNT(*), SUM(CAST(objid AS DECIMAL(38,0))), SUM(mag) FROM MyDB.Big").stream()
                        .map(r -> row(((Number) r.get(0)).longValue(), (BigDecimal) r.get(1),
                                ((Number) r.get(2)).longValue())).toList());
        assertEquals(List.of(row(1237645876861272064L + 99_999, 99_999 * 0.0036, -99_999 * 1e-4, 24L, "obj99999",
                ts("2008-04-05T12:46:39"))), rows("SELECT TOP 1 * FROM MyDB.Big ORDER BY objid DESC"));
        assertTrue(newMs < 60_000, "took " + newMs + " ms");
    }

    @Test
    void parseHelpers() {
        assertEquals(-42L, CsvUpload.parseLong("-42"));
        assertNull(CsvUpload.parseLong("9223372036854775808"));
        assertNull(CsvUpload.parseLong("1.0"));
        assertEquals(1e-5, CsvUpload.parseDouble("1e-5"));
        assertEquals(Double.NEGATIVE_INFINITY, CsvUpload.parseDouble("-Inf"));
        assertTrue(Double.isNaN(CsvUpload.parseDouble("nan")));
        assertNull(CsvUpload.parseDouble("1d"));
        assertNull(CsvUpload.parseDouble("0x10"));
        assertNull(CsvUpload.parseDouble("1e400"));
        assertNull(CsvUpload.parseDouble("."));
        assertEquals(LocalDateTime.parse("2008-04-05T12:34:56.1"), CsvUpload.parseTimestamp("2008-04-05 12:34:56.1"));
        assertNull(CsvUpload.parseTimestamp("2008-13-01"));
        assertNull(CsvUpload.parseTimestamp("2008-04-05T24:00"));
        assertNull(CsvUpload.parseTimestamp("2008-04-05Z"));
    }

    @Test
    void numberTextIsCheckedAsThePatternItReplacedAndTheGuessAgreesWithTheConversion() {
        java.util.regex.Pattern decimal = java.util.regex.Pattern.compile(
                "[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?");
        String[] alphabet = {"0", "1", "9", ".", "e", "E", "+", "-", "x", " "};
        java.util.Random random = new java.util.Random(14);
        for (int n = 0; n < 50_000; n++) {
            StringBuilder b = new StringBuilder();
            for (int i = random.nextInt(9); i > 0; i--) {
                b.append(alphabet[random.nextInt(alphabet.length)]);
            }
            String s = b.toString();
            assertEquals(decimal.matcher(s).matches(), CsvUpload.isDecimalText(s), s);
            assertEquals(CsvUpload.parseDouble(s) != null, CsvUpload.isDoubleText(s), s);
        }
        for (String s : new String[] {"1" + "0".repeat(298), "1" + "0".repeat(308), "1" + "0".repeat(309), "1e308",
            "1e309", "-1e309", "nan", "-Infinity", "." + "9".repeat(400)}) {
            assertEquals(CsvUpload.parseDouble(s) != null, CsvUpload.isDoubleText(s), s);
        }
    }

    // ------------------------------------------------------------------ staging (issue 15)

    private List<String> myDbTables() throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT TABLE_NAME FROM"
                + " INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'MyDB' ORDER BY TABLE_NAME")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    @Test
    void aNewTableAppearsOnlyWhenCompleteAndAFailedUploadLeavesNoStagingTable() throws SQLException {
        assertEquals(2, CsvUpload.load(c, "Staged", "id,name\n1,a\n2,b\n", false));
        assertEquals(List.of("Staged"), myDbTables());
        assertThrows(CasJobsException.class, () -> CsvUpload.load(c, "Broken", "id,x\n1,2\n3\n", false));
        assertEquals(List.of("Staged"), myDbTables(), "nothing left by the failed upload");
    }

    @Test
    void stagingTablesLeftByAKilledProcessAreDroppedAndTheRetryWorks() throws SQLException {
        // What a process killed mid-upload leaves: a staging table of another process, filled or not.
        exec("CREATE TABLE MyDB.\"~upload~0123456789abcdef~7\" (id BIGINT)",
                "CREATE TABLE MyDB.\"~upload~not-ours\" (id BIGINT)",
                "CREATE TABLE MyDB.\"" + StagingTables.newName("upload") + "\" (id BIGINT)"); // this process's: running
        List<String> before = myDbTables();
        assertEquals(3, before.size(), before::toString);
        assertEquals(1, CsvUpload.load(c, "Retried", "id\n5\n", false), "nothing blocks the retry");
        assertEquals(List.of("~upload~0123456789abcdef~7"), StagingTables.dropLeftovers(admin));
        List<String> after = myDbTables();
        assertFalse(after.contains("~upload~0123456789abcdef~7"), after::toString);
        assertTrue(after.contains("~upload~not-ours"), "a name not made by the loader is kept");
        assertTrue(after.contains("Retried"));
        assertEquals(3, after.size(), after::toString);
    }
}
