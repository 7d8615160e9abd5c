package org.opencasjobs.output;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opencasjobs.jobs.CasJobsException;

class TypedCsvTest {
    private static final AtomicInteger DB = new AtomicInteger();
    private Connection c;

    @BeforeEach
    void open() throws SQLException {
        c = DriverManager.getConnection("jdbc:h2:mem:typedcsv" + DB.incrementAndGet()
                + ";MODE=MSSQLServer;DATABASE_TO_UPPER=FALSE;CASE_INSENSITIVE_IDENTIFIERS=TRUE");
    }

    @AfterEach
    void close() throws SQLException {
        c.close();
    }

    private void exec(String... sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        }
    }

    private String csv(String sql, long maxRows) throws SQLException {
        return csv(sql, maxRows, -1);
    }

    private String csv(String sql, long maxRows, long maxBytes) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return TypedCsv.write(rs, maxRows, maxBytes);
        }
    }

    private String csv(String sql) throws SQLException {
        return csv(sql, 1000);
    }

    @Test
    void mixedTypesWithNulls() throws SQLException {
        exec("CREATE TABLE t (id BIGINT, i INT, si SMALLINT, ti TINYINT, re REAL, d FLOAT, n DECIMAL(10,3),"
                        + " name VARCHAR(50), c CHAR(3), ts DATETIME, ts2 DATETIME2, dt DATE, tm TIME(7), b BIT,"
                        + " bin VARBINARY(8), u UUID, tz TIMESTAMP WITH TIME ZONE, k INT)",
                "INSERT INTO t VALUES (1237645876861272064, -5, 300, 7, 24.06133, 44.1187117871552, 12.5,"
                        + " 'plain', 'ab', '2020-01-02 03:04:05', '2020-01-02 03:04:05.1234567', '2021-12-31',"
                        + " '10:30:00', 1, X'01AB', '7E1D698C-FFC1-431E-A15C-7C8DED75DDE7',"
                        + " '2020-01-02 03:04:05+01:00', 1)",
                "INSERT INTO t VALUES (-9223372036854775808, 2147483647, -32768, 0, 18, 1.5E20, -0.001,"
                        + " 'He said \"hi\", then' || CHAR(10) || 'left, quoted ''x''', '', '2020-01-02 03:04:05.5',"
                        + " '1999-12-31 23:59:59', '0001-01-01', '00:00:00.25', 0, X'', '00000000-0000-0000-0000-000000000000',"
                        + " '2020-06-30 12:00:00-05:30', 2)",
                "INSERT INTO t (k) VALUES (3)");
        String expected = "[id]:Integer,[i]:Integer,[si]:Integer,[ti]:Integer,[re]:Float,[d]:Float,[n]:Decimal,"
                + "[name]:String,[c]:String,[ts]:DateTime,[ts2]:DateTime,[dt]:DateTime,[tm]:DateTime,[b]:Boolean,"
                + "[bin]:Binary,[u]:String,[tz]:DateTime,[k]:Integer\n"
                + "1237645876861272064,-5,300,7,24.06133,44.1187117871552,12.500,\"plain\",\"ab \","
                + "2020-01-02 03:04:05,2020-01-02 03:04:05.1234567,2021-12-31 00:00:00,10:30:00,True,0x01AB,"
                + "\"7e1d698c-ffc1-431e-a15c-7c8ded75dde7\",2020-01-02 03:04:05 +01:00,1\n"
                + "-9223372036854775808,2147483647,-32768,0,18,1.5E+20,-0.001,"
                + "\"He said \"\"hi\"\", then\nleft, quoted 'x'\",\"   \",2020-01-02 03:04:05.500,"
                + "1999-12-31 23:59:59,0001-01-01 00:00:00,00:00:00.250,False,0x,"
                + "\"00000000-0000-0000-0000-000000000000\",2020-06-30 12:00:00 -05:30,2\n"
                + "null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,3\n";
        assertEquals(expected, csv("SELECT * FROM t ORDER BY k"));
    }

    @Test
    void countStarIsColumn1() throws SQLException {
        exec("CREATE TABLE t (x INT)", "INSERT INTO t VALUES (1), (2), (3)");
        // H2 labels COUNT(*) with an empty string in MSSQLServer mode (as SQL Server leaves it unnamed)
        String text = csv("SELECT COUNT(*) FROM t");
        assertEquals("[Column1]:Integer\n3\n", text);
        assertEquals("3", text.split("\n")[1], "what the Python client reads");
    }

    @Test
    void unnamedAndDuplicateColumnsAreNamedTheAdoNetWay() throws SQLException {
        assertEquals("[Column1]:Integer,[Column2]:String,[Column3]:Float\n1,\"a\",1.5\n", csv("SELECT 1, 'a', CAST(1.5 AS FLOAT)"));
        // H2 types a literal like 1.5E0 as DECFLOAT (SQL Server: float), hence Decimal
        assertEquals("[Column1]:Decimal\n1.5\n", csv("SELECT 1.5E0"));
        assertEquals("[a]:Integer,[Column1]:Integer,[A1]:Integer,[Column2]:Integer\n1,2,3,4\n",
                csv("SELECT 1 AS a, 2, 3 AS A, 4"));
        assertEquals("[Column2]:Integer,[Column1]:Integer\n1,2\n", csv("SELECT 1, 2 AS Column1"));
        assertEquals("[x]:Integer,[x1]:Integer,[x2]:Integer\n1,2,3\n", csv("SELECT 1 AS x, 2 AS x, 3 AS x"));
        assertArrayEquals(new String[] {"ra", "ra1", "Column1", "dec"},
                TypedCsv.uniqueNames(new String[] {"ra", "ra", "", "dec"}));
    }

    @Test
    void emptyResultIsTheHeaderLine() throws SQLException {
        exec("CREATE TABLE t (objID BIGINT, name VARCHAR(10))");
        assertEquals("[objID]:Integer,[name]:String\n", csv("SELECT * FROM t"));
        assertEquals("[objID]:Integer,[name]:String\n", csv("SELECT * FROM t", 0));
    }

    @Test
    void nullOfUnknownTypeAndOtherTypesAreStrings() throws SQLException {
        assertEquals("[Column1]:String\nnull\n", csv("SELECT NULL"));
        assertEquals("[j]:String,[iv]:String\n\"{\"\"k\"\":1}\",\"INTERVAL '2' DAY\"\n",
                csv("SELECT JSON '{\"k\":1}' AS j, INTERVAL '2' DAY AS iv"));
    }

    @Test
    void realAndDoubleValuesFromTheDatabase() throws SQLException {
        exec("CREATE TABLE f (k INT, r REAL, d DOUBLE PRECISION)",
                "INSERT INTO f VALUES (1, 23.0541, 0.1), (2, 0.1, 123456789.123), (3, 1e-5, 1e16),"
                        + " (4, 1e9, 1e17), (5, -0.0001, -2.5e-7), (6, 3.4028235e38, 4.9e-324)");
        assertEquals("[r]:Float,[d]:Float\n"
                + "23.0541,0.1\n"
                + "0.1,123456789.123\n"
                + "1E-05,10000000000000000\n"
                + "1E+09,1E+17\n"
                + "-0.0001,-2.5E-07\n"
                + "3.4028235E+38,5E-324\n", csv("SELECT r, d FROM f ORDER BY k"));
        // arithmetic in the query is DOUBLE: shortest round-trip, as .NET Core prints it
        assertEquals("[Column1]:Float\n0.30000000000000004\n", csv("SELECT CAST(0.1 AS DOUBLE) + CAST(0.2 AS DOUBLE)"));
    }

    @Test
    void floatFormattingLikeDotNetSingle() {
        assertEquals("24.06133", TypedCsv.formatFloat(24.06133f));
        assertEquals("23.0541", TypedCsv.formatFloat(23.0541f));
        assertEquals("18", TypedCsv.formatFloat(18f));
        assertEquals("-18", TypedCsv.formatFloat(-18f));
        assertEquals("0.1", TypedCsv.formatFloat(0.1f));
        assertEquals("0.3", TypedCsv.formatFloat(0.3f));
        assertEquals("0.3", TypedCsv.formatFloat(0.1f + 0.2f));
        assertEquals("0.70000005", TypedCsv.formatFloat(0.1f + 0.6f));
        assertEquals("3.1415927", TypedCsv.formatFloat((float) Math.PI));
        assertEquals("16777216", TypedCsv.formatFloat(16777216f));
        assertEquals("100000000", TypedCsv.formatFloat(1e8f));
        assertEquals("1E+09", TypedCsv.formatFloat(1e9f));
        assertEquals("1.234568E+09", TypedCsv.formatFloat(1234567890f));
        assertEquals("0.0001", TypedCsv.formatFloat(1e-4f));
        assertEquals("1E-05", TypedCsv.formatFloat(1e-5f));
        assertEquals("1E-45", TypedCsv.formatFloat(Float.MIN_VALUE));
        assertEquals("3.4028235E+38", TypedCsv.formatFloat(Float.MAX_VALUE));
        assertEquals("0", TypedCsv.formatFloat(0f));
        assertEquals("-0", TypedCsv.formatFloat(-0f));
        assertEquals("NaN", TypedCsv.formatFloat(Float.NaN));
        assertEquals("Infinity", TypedCsv.formatFloat(Float.POSITIVE_INFINITY));
        assertEquals("-Infinity", TypedCsv.formatFloat(Float.NEGATIVE_INFINITY));
    }

    @Test
    void doubleFormattingLikeDotNetDouble() {
        assertEquals("44.1187117871552", TypedCsv.formatDouble(44.1187117871552));
        assertEquals("-13.7677986051839", TypedCsv.formatDouble(-13.7677986051839));
        assertEquals("18", TypedCsv.formatDouble(18.0));
        assertEquals("2.9234718133893284E+18", TypedCsv.formatDouble(2923471813389328156.0));
        assertEquals("0.30000000000000004", TypedCsv.formatDouble(0.1 + 0.2));
        assertEquals("3.141592653589793", TypedCsv.formatDouble(Math.PI));
        assertEquals("1E-05", TypedCsv.formatDouble(1e-5));
        assertEquals("1.5E+20", TypedCsv.formatDouble(1.5e20));
        assertEquals("0.0001", TypedCsv.formatDouble(1e-4));
        assertEquals("0.00012345", TypedCsv.formatDouble(1.2345e-4));
        assertEquals("1.2345E-05", TypedCsv.formatDouble(1.2345e-5));
        assertEquals("100000000000000", TypedCsv.formatDouble(1e14));
        assertEquals("10000000000000000", TypedCsv.formatDouble(1e16));
        assertEquals("1E+17", TypedCsv.formatDouble(1e17));
        assertEquals("1.2345678901234568E+17", TypedCsv.formatDouble(123456789012345678.0));
        assertEquals("12345678901234568", TypedCsv.formatDouble(12345678901234568.0));
        assertEquals("1.2345678901234567E+19", TypedCsv.formatDouble(12345678901234567890.0));
        assertEquals("1E+23", TypedCsv.formatDouble(1e23));
        assertEquals("2E+23", TypedCsv.formatDouble(2e23));
        // Java 17 prints these a digit longer than needed (JDK-4511638); .NET gives the shortest
        assertEquals("2.82879384806159E+17", TypedCsv.formatDouble(2.82879384806159E17));
        assertEquals("5E-324", TypedCsv.formatDouble(Double.MIN_VALUE));
        assertEquals("1.7976931348623157E+308", TypedCsv.formatDouble(Double.MAX_VALUE));
        assertEquals("2.2250738585072014E-308", TypedCsv.formatDouble(Double.MIN_NORMAL));
        assertEquals("-0", TypedCsv.formatDouble(-0.0));
        assertEquals("0", TypedCsv.formatDouble(0.0));
        assertEquals("NaN", TypedCsv.formatDouble(Double.NaN));
        assertEquals("-Infinity", TypedCsv.formatDouble(Double.NEGATIVE_INFINITY));
    }

    @Test
    void formattedNumbersReadBackExactly() {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(99);
        for (int k = 0; k < 20000; k++) {
            double d = Double.longBitsToDouble(rnd.nextLong());
            if (!Double.isNaN(d)) {
                String s = TypedCsv.formatDouble(d);
                assertEquals(d, Double.parseDouble(s), s);
            }
            float f = Float.intBitsToFloat(rnd.nextInt());
            if (!Float.isNaN(f)) {
                String s = TypedCsv.formatFloat(f);
                assertEquals(f, Float.parseFloat(s), s);
            }
        }
    }

    @Test
    void dateTimeFormats() {
        assertEquals("2020-01-02 03:04:05", TypedCsv.formatDateTime(LocalDateTime.of(2020, 1, 2, 3, 4, 5)));
        assertEquals("2020-01-02 03:04:05.500", TypedCsv.formatDateTime(LocalDateTime.of(2020, 1, 2, 3, 4, 5, 500_000_000)));
        assertEquals("2020-01-02 03:04:05.007", TypedCsv.formatDateTime(LocalDateTime.of(2020, 1, 2, 3, 4, 5, 7_000_000)));
        assertEquals("2020-01-02 03:04:05.0000001", TypedCsv.formatDateTime(LocalDateTime.of(2020, 1, 2, 3, 4, 5, 100)));
        assertEquals("2020-01-02 00:00:00", TypedCsv.formatDateTime(LocalDate.of(2020, 1, 2)));
        assertEquals("23:59:59.999", TypedCsv.formatDateTime(LocalTime.of(23, 59, 59, 999_000_000)));
        assertEquals("2020-01-02 03:04:05 +00:00",
                TypedCsv.formatDateTime(OffsetDateTime.of(2020, 1, 2, 3, 4, 5, 0, ZoneOffset.UTC)));
    }

    @Test
    void tooManyRows() throws SQLException {
        exec("CREATE TABLE t (x INT)", "INSERT INTO t VALUES (1), (2), (3)");
        assertEquals("[x]:Integer\n1\n2\n3\n", csv("SELECT x FROM t ORDER BY x", 3));
        CasJobsException e = assertThrows(CasJobsException.class, () -> csv("SELECT x FROM t", 2));
        assertEquals("The result has more than 2 rows, the limit for quick queries. Submit it as a batch job"
                + " with SELECT … INTO mydb.YourTable, then extract or query the table.", e.getMessage());
        assertThrows(CasJobsException.class, () -> csv("SELECT x FROM t", 0));
        assertEquals("[x]:Integer\n1\n2\n3\n", csv("SELECT x FROM t ORDER BY x", -1), "negative: no limit");
    }

    @Test
    void aResultLargerThanTheByteLimitIsRefused() throws SQLException {
        exec("CREATE TABLE t (id INT, s VARCHAR(2000), b VARBINARY(10))",
                "INSERT INTO t VALUES (1, REPEAT('x', 1000), X'00FF'), (2, REPEAT('é', 10) || '\"', NULL)");
        String sql = "SELECT s, b FROM t ORDER BY id";
        String whole = csv(sql, -1, -1);
        long size = whole.getBytes(StandardCharsets.UTF_8).length; // é is 2 bytes, \" written twice
        assertEquals("[s]:String,[b]:Binary\n\"" + "x".repeat(1000) + "\",0x00FF\n\"" + "é".repeat(10)
                + "\"\"\",null\n", whole);
        assertEquals(whole, csv(sql, -1, size), "a result of exactly the limit is answered");
        CasJobsException e = assertThrows(CasJobsException.class, () -> csv(sql, -1, size - 1));
        assertEquals("The result is larger than the " + (size - 1) + " bytes a quick query may return. Submit it"
                + " as a batch job with SELECT … INTO mydb.YourTable, then extract or query the table.",
                e.getMessage());
        assertThrows(CasJobsException.class, () -> csv(sql, -1, 1000), "the first row alone is too large");
        assertEquals(whole, csv(sql, 2, size), "rows and bytes are both within their limits");
    }

    @Test
    void theByteLimitIsNamedAsItWasSet() throws SQLException {
        CasJobsException e = assertThrows(CasJobsException.class,
                () -> csv("SELECT REPEAT('x', 2 * 1024 * 1024) AS s", -1, 1024 * 1024));
        assertTrue(e.getMessage().startsWith("The result is larger than the 1 MiB a quick query may return."),
                e::getMessage);
        e = assertThrows(CasJobsException.class, () -> csv("SELECT REPEAT('x', 4096) AS s", -1, 2048));
        assertTrue(e.getMessage().startsWith("The result is larger than the 2 KiB a quick query"), e::getMessage);
    }

    /** A CLOB longer than what is left is refused by its length: its text is never read. */
    @Test
    void aLargeClobIsRefusedBeforeItIsRead() throws SQLException {
        exec("CREATE TABLE t (c CLOB, b BLOB)", "INSERT INTO t VALUES (REPEAT('x', 100000), CAST(REPEAT('y', 100000)"
                + " AS VARBINARY(100000)))");
        List<String> read = new ArrayList<>();
        for (String column : List.of("c", "b")) {
            try (Statement st = c.createStatement();
                 ResultSet rs = recording(st.executeQuery("SELECT " + column + " FROM t"), read)) {
                assertThrows(CasJobsException.class, () -> TypedCsv.write(rs, -1, 10_000), column);
            }
        }
        assertTrue(read.contains("length"), () -> "the lengths were asked: " + read);
        assertFalse(read.contains("getSubString") || read.contains("getBytes") || read.contains("getString"),
                () -> "no value was read: " + read);
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT c, b FROM t")) {
            String all = TypedCsv.write(rs, -1, 400_100);
            assertEquals("[c]:String,[b]:Binary\n".length() + 100_002 + 1 + 200_002 + 1, all.length(), "within the limit it is written");
        }
    }

    /** {@code rs}, noting the names of the methods called on it and on the LOBs it hands out. */
    private static ResultSet recording(ResultSet rs, List<String> calls) {
        return proxy(ResultSet.class, rs, calls);
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, Object target, List<String> calls) {
        return (T) Proxy.newProxyInstance(TypedCsvTest.class.getClassLoader(), new Class<?>[] {type},
                (p, m, args) -> {
                    calls.add(m.getName());
                    Object r;
                    try {
                        r = m.invoke(target, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (r instanceof Clob clob) {
                        return proxy(Clob.class, clob, calls);
                    }
                    if (r instanceof Blob blob) {
                        return proxy(Blob.class, blob, calls);
                    }
                    return r;
                });
    }

    @Test
    void rowsAffected() {
        assertEquals("[Rows Affected]:Integer\n5\n", TypedCsv.rowsAffected(5));
        assertEquals("[Rows Affected]:Integer\n0\n", TypedCsv.rowsAffected(0));
    }

    @Test
    void binaryAndBooleanLiterals() throws SQLException {
        assertEquals("[b]:Binary,[t]:Boolean,[f]:Boolean\n0x00FF10,True,False\n",
                csv("SELECT X'00ff10' AS b, TRUE AS t, CAST(0 AS BIT) AS f"));
    }
}
