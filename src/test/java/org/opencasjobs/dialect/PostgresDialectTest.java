package org.opencasjobs.dialect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.opencasjobs.jobs.CasJobsException;

/**
 * T-SQL rendered for PostgreSQL, on a real PostgreSQL 15 ({@link PgEngine}): golden translations
 * (T-SQL in, PostgreSQL out, each output executed with SQL Server's answer), and the whole
 * {@link DialectCorpus} answered on PostgreSQL and on H2 alike.
 */
class PostgresDialectTest {
    private static PgEngine pg;
    private static H2Engine h2;

    @BeforeAll
    static void open() throws SQLException {
        pg = new PgEngine();
        h2 = new H2Engine();
    }

    @AfterAll
    static void close() throws SQLException {
        if (pg != null) {
            pg.close();
        }
        if (h2 != null) {
            h2.close();
        }
    }

    private static SqlTranslator.Translation translate(String tsql) {
        return SqlTranslator.quick(tsql, PgEngine.TARGET);
    }

    private static String rendered(SqlTranslator.Translation t) {
        return String.join(";\n", t.statements());
    }

    static Stream<DialectCorpus.Case> cases() {
        return DialectCorpus.CASES.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void corpusAnswersTheSameOnBothEngines(DialectCorpus.Case c) throws SQLException {
        SqlTranslator.Translation t = translate(c.tsql());
        String got;
        try {
            got = pg.answer(t);
        } catch (SQLException e) {
            throw new AssertionError(e.getMessage() + "\n" + rendered(t), e);
        }
        assertEquals(c.expected(), got, rendered(t));
        assertEquals(h2.answer(SqlTranslator.quick(c.tsql())), got);
    }

    /**
     * One golden translation: T-SQL in, the whole translation for PostgreSQL out (statements joined
     * by ";\n"), and its answer there; {@code rule} is the rule (or step) it is the golden test of.
     */
    record Golden(String rule, String tsql, String postgresql, String answer) {
        @Override
        public String toString() {
            return rule + ": " + tsql.replace('\n', ' ');
        }
    }

    static final List<Golden> GOLDEN = List.of(
            new Golden("top", "SELECT TOP 2 i FROM mydb.nums ORDER BY i DESC",
                    "SELECT i AS \"i\" FROM mydb_1.nums ORDER BY \"i\" DESC LIMIT 2", "4;3"),
            new Golden("top", "SELECT TOP (1) s FROM (SELECT TOP 3 i, s FROM mydb.nums ORDER BY i) x ORDER BY i DESC",
                    "SELECT s AS \"s\" FROM (SELECT i AS \"i\", s AS \"s\" FROM mydb_1.nums ORDER BY i LIMIT 3) x"
                            + " ORDER BY i DESC LIMIT (1)", "NULL"),
            new Golden("top", "SELECT TOP 1 WITH TIES i % 2 AS odd FROM mydb.nums ORDER BY i % 2",
                    "SELECT i % 2 AS \"odd\" FROM mydb_1.nums ORDER BY i % 2 FETCH FIRST 1 ROWS WITH TIES", "0;0"),
            new Golden("top", "SELECT TOP 25 PERCENT i FROM mydb.nums ORDER BY i DESC",
                    "SELECT i AS \"i\" FROM mydb_1.nums ORDER BY \"i\" DESC LIMIT (SELECT CEIL(COUNT(*) * 25 / 100.0)"
                            + " FROM (SELECT i AS \"i\" FROM mydb_1.nums) top_)", "4"),
            new Golden("top", "SELECT TOP 30 PERCENT i FROM mydb.nums ORDER BY i",
                    "SELECT i AS \"i\" FROM mydb_1.nums ORDER BY \"i\" LIMIT (SELECT CEIL(COUNT(*) * 30 / 100.0)"
                            + " FROM (SELECT i AS \"i\" FROM mydb_1.nums) top_)", "1;2"),
            new Golden("table-hints", "SELECT i FROM mydb.nums WITH (NOLOCK) WHERE i = 1",
                    "SELECT i AS \"i\" FROM mydb_1.nums WHERE i = 1", "1"),
            new Golden("table-hints", "WITH c AS (SELECT i FROM mydb.nums n WITH (NOLOCK)) SELECT COUNT(*) FROM c",
                    "WITH c AS (SELECT i AS \"i\" FROM mydb_1.nums n) SELECT COUNT(*) FROM c", "4"),
            new Golden("national-strings", "SELECT N'a' + s FROM mydb.nums WHERE i = 1",
                    "SELECT 'a' + s FROM mydb_1.nums WHERE i = 1", "aa"),
            new Golden("national-strings", "SELECT COUNT(*) FROM mydb.nums WHERE s IN (N'a', N'b ')",
                    "SELECT COUNT(*) FROM mydb_1.nums WHERE s IN ('a', 'b ')", "1"),
            new Golden("variables", "DECLARE @n int = 2 SET @n += 1 SELECT TOP (@n) i FROM mydb.nums ORDER BY i",
                    "CALL tsql.discard(set_config('casjobs.v_n', COALESCE('v' || CAST(CAST(TRUNC(CAST((2) AS NUMERIC)) AS int) AS TEXT), ''), false));\n"
                            + "CALL tsql.discard(set_config('casjobs.v_n', COALESCE('v' || CAST(CAST(TRUNC(CAST((CAST(tsql.var('n') AS int)"
                            + " + (1)) AS NUMERIC)) AS int) AS TEXT), ''), false));\n"
                            + "SELECT i AS \"i\" FROM mydb_1.nums ORDER BY \"i\" LIMIT (CAST(tsql.var('n') AS int))", "1;2;3"),
            new Golden("variables", "DECLARE @lo int, @Hi int\nSELECT @lo = MIN(i), @hi = MAX(i) FROM mydb.nums\nSELECT @HI - @lo AS spread",
                    "CALL tsql.discard(set_config('casjobs.v_lo', COALESCE('v' || CAST(CAST(TRUNC(CAST((NULL) AS NUMERIC)) AS int) AS TEXT), ''), false));\n"
                            + "CALL tsql.discard(set_config('casjobs.v_hi', COALESCE('v' || CAST(CAST(TRUNC(CAST((NULL) AS NUMERIC)) AS int) AS TEXT), ''), false));\n"
                            + "SELECT COUNT(set_config('casjobs.v_lo', COALESCE('v' || CAST(CAST(TRUNC(CAST((assigned_.v0) AS NUMERIC)) AS int)"
                            + " AS TEXT), ''), false)), COUNT(set_config('casjobs.v_hi', COALESCE('v' || CAST(CAST(TRUNC(CAST((assigned_.v1)"
                            + " AS NUMERIC)) AS int) AS TEXT), ''), false)) FROM (SELECT MIN(i) AS v0, MAX(i) AS v1 FROM mydb_1.nums) assigned_;\n"
                            + "SELECT CAST(tsql.var('hi') AS int) - CAST(tsql.var('lo') AS int) AS \"spread\"", "3"),
            new Golden("variables", "DECLARE @s varchar(10) = '', @t varchar(10)\nSELECT @s + 'x', @t",
                    "CALL tsql.discard(set_config('casjobs.v_s', COALESCE('v' || CAST(CAST(('') AS varchar(10)) AS TEXT), ''), false));\n"
                            + "CALL tsql.discard(set_config('casjobs.v_t', COALESCE('v' || CAST(CAST((NULL) AS varchar(10)) AS TEXT), ''), false));\n"
                            + "SELECT CAST(tsql.var('s') AS varchar(10)) + 'x', CAST(tsql.var('t') AS varchar(10))", "x,NULL"),
            new Golden("types", "SELECT CAST(1 AS bit), CAST(200 AS tinyint), CAST('x' AS nvarchar(max)), CAST(2.5 AS money)",
                    "SELECT CAST(1 AS SMALLINT), CAST(TRUNC(CAST(200 AS NUMERIC)) AS SMALLINT), CAST('x' AS TEXT),"
                            + " CAST(2.5 AS NUMERIC(19, 4))", "1,200,x,2.5"),
            new Golden("types", "CREATE TABLE #m (a tinyint, b nvarchar(10), c datetime)\nINSERT INTO #m VALUES (1, N'x', '2020-01-02')\n"
                    + "SELECT a, b, CONVERT(varchar(10), c, 120) AS c FROM #M",
                    "CREATE LOCAL TEMPORARY TABLE pg_temp.\"#m\" (a SMALLINT, b VARCHAR(10), c TIMESTAMP(3));\n"
                            + "INSERT INTO pg_temp.\"#m\" VALUES (1, 'x', '2020-01-02');\n"
                            + "SELECT a AS \"a\", b AS \"b\", CAST(TO_CHAR(CAST(c AS TIMESTAMP), 'YYYY-MM-DD HH24:MI:SS') AS varchar(10))"
                            + " AS \"c\" FROM pg_temp.\"#m\"", "1,x,2020-01-02"),
            new Golden("types", "DECLARE @d datetime = '2020-03-04 05:06:07' SELECT CONVERT(varchar(19), @d, 120)",
                    "CALL tsql.discard(set_config('casjobs.v_d', COALESCE('v' || CAST(CAST(('2020-03-04 05:06:07') AS TIMESTAMP(3)) AS TEXT), ''), false));\n"
                            + "SELECT CAST(TO_CHAR(CAST(CAST(tsql.var('d') AS TIMESTAMP(3)) AS TIMESTAMP), 'YYYY-MM-DD HH24:MI:SS') AS varchar(19))",
                    "2020-03-04 05:06:07"),
            new Golden("temp-tables", "SELECT i INTO #G1 FROM mydb.nums WHERE i < 3\nSELECT COUNT(*) FROM #g1",
                    "CREATE LOCAL TEMPORARY TABLE pg_temp.\"#g1\" AS SELECT i AS \"i\" FROM mydb_1.nums WHERE i < 3;\n"
                            + "SELECT COUNT(*) FROM pg_temp.\"#g1\"", "2"),
            new Golden("functions", "SELECT ROUND(LOG(8, 2), 6), ROUND(LOG(EXP(1)), 6), LOG10(100)",
                    "SELECT ROUND((LN(8) / LN(2)), 6), ROUND(LN(EXP(1)), 6), LOG10(100)", "3,1,2"),
            new Golden("functions", "SELECT ISNULL(s, 'none'), CHARINDEX('b', 'abc'), SPACE(2) + 'x', YEAR('2020-03-04') FROM mydb.nums WHERE i = 3",
                    "SELECT COALESCE(s, 'none'), CHARINDEX('b', 'abc'), REPEAT(' ', 2) + 'x',"
                            + " CAST(EXTRACT(YEAR FROM CAST('2020-03-04' AS TIMESTAMP)) AS INT) FROM mydb_1.nums WHERE i = 3",
                    "none,2,  x,2020"),
            new Golden("functions", "SELECT CONVERT(varchar(10), DATEADD(month, 1, '2020-01-31'), 120), DATEDIFF(year, '2020-12-31', '2021-01-01')",
                    "SELECT CAST(TO_CHAR(CAST((CAST('2020-01-31' AS TIMESTAMP) + (1) * INTERVAL '1 month') AS TIMESTAMP),"
                            + " 'YYYY-MM-DD HH24:MI:SS') AS varchar(10)), DATEDIFF('year', '2020-12-31', '2021-01-01')",
                    "2020-02-29,1"),
            new Golden("functions", "SELECT LEN('abc  '), LEN(12345), PATINDEX('%ter%', 'interesting'), ISNUMERIC('1e5'),"
                    + " TRY_CAST('x' AS int), CONVERT(varchar(10), TRY_CONVERT(date, '2020-03-04'), 112)",
                    "SELECT CHAR_LENGTH(RTRIM(CAST('abc  ' AS TEXT))), CHAR_LENGTH(RTRIM(CAST(12345 AS TEXT))),"
                            + " PATINDEX('%ter%', 'interesting'), ISNUMERIC('1e5'), CAST(TRUNC(TRY_NUMBER('x')) AS int),"
                            + " CAST(TO_CHAR(CAST(CAST(TRY_TIMESTAMP('2020-03-04') AS date) AS TIMESTAMP), 'YYYYMMDD') AS varchar(10))",
                    "3,5,3,1,NULL,20200304"),
            new Golden("functions", "SELECT f % 2, ROUND(f, 0), ROUND(f, 0, 1) FROM mydb.nums WHERE i = 4",
                    "SELECT f % 2, ROUND(f, 0), TRUNC(f, 0) FROM mydb_1.nums WHERE i = 4", "-0.5,-5,-4"),
            new Golden("bitwise-operators", "SELECT ~CAST(0 AS smallint), 12 ^ 10, b & 0x10000000 FROM mydb.nums WHERE i = 1",
                    "SELECT (OPERATOR(pg_catalog.~) CAST(TRUNC(CAST(0 AS NUMERIC)) AS smallint)), (12 OPERATOR(pg_catalog.#) 10),"
                            + " (b OPERATOR(pg_catalog.&) 268435456) FROM mydb_1.nums WHERE i = 1", "-1,6,268435456"),
            new Golden("cone-apply", "SELECT t.i, x.n FROM mydb.nums t CROSS APPLY (SELECT COUNT(*) AS n FROM mydb.nums u WHERE u.i <= t.i) x"
                    + " WHERE t.i = 3",
                    "SELECT t.i AS \"i\", x.n AS \"n\" FROM mydb_1.nums t CROSS JOIN LATERAL (SELECT COUNT(*) AS n FROM mydb_1.nums u"
                            + " WHERE u.i <= t.i) x WHERE t.i = 3", "3,3"),
            new Golden("cone-apply", "SELECT t.i, x.i FROM mydb.nums t OUTER APPLY (SELECT u.i FROM mydb.nums u WHERE u.i = t.i + 10) x"
                    + " WHERE t.i = 1",
                    "SELECT t.i AS \"i\", x.i AS \"i\" FROM mydb_1.nums t LEFT JOIN LATERAL (SELECT u.i AS \"i\" FROM mydb_1.nums u"
                            + " WHERE u.i = t.i + 10) x ON TRUE WHERE t.i = 1", "1,NULL"),
            new Golden("names", "SELECT COUNT(*) AS N, MAX([i]) AS [Max I], MIN(i) lowest FROM [MyDB].[dbo].[Nums] ORDER BY n",
                    "SELECT COUNT(*) AS \"N\", MAX(\"i\") AS \"Max I\", MIN(i) \"lowest\" FROM mydb_1.\"nums\" ORDER BY \"N\"", "4,4,1"),
            new Golden("names", "SELECT I, n.S FROM mydb..NUMS n WHERE n.I = 1",
                    "SELECT I AS \"I\", n.S AS \"S\" FROM mydb_1.NUMS n WHERE n.I = 1", "1,a"),
            new Golden("names", "SELECT x.[My I] FROM (SELECT i AS 'My I', Total = i * 2 FROM mydb.nums) x WHERE x.TOTAL = 2",
                    "SELECT x.\"my i\" AS \"My I\" FROM (SELECT i AS \"my i\", i * 2 AS \"total\" FROM mydb_1.nums) x WHERE x.TOTAL = 2",
                    "1"));

    static Stream<Golden> golden() {
        return GOLDEN.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("golden")
    void rendersForPostgresqlAndAnswersThere(Golden g) throws SQLException {
        SqlTranslator.Translation t = translate(g.tsql());
        assertEquals(g.postgresql(), rendered(t));
        assertEquals(g.answer(), pg.answer(t));
    }

    /** Result columns are named as the query writes them, as SQL Server names them; SELECT * as PostgreSQL's columns are. */
    @Test
    void resultColumnsAreNamedAsWritten() throws SQLException {
        assertEquals(List.of("I", "Dec", "My Col", "Total", "n", "NUM"),
                Answers.labels(pg.connection(), translate("SELECT I, f AS Dec, s AS [My Col], Total = i + 1, COUNT(*) OVER () n,"
                        + " nums.I AS 'NUM' FROM MyDB.Nums WHERE i = 1")));
        assertEquals(List.of("i", "b", "f", "s"), Answers.labels(pg.connection(), translate("SELECT * FROM mydb.NUMS WHERE I = 1")));
    }

    /** A table made by INTO or a batch job has lower-case columns, so any spelling names them afterwards. */
    @Test
    void tablesMadeByAJobHaveNamesInAnyCase() throws SQLException {
        SqlTranslator.Translation into = SqlTranslator.quick("SELECT i AS [Index], s AS Letter INTO MyDB.[Letters] FROM mydb.nums",
                PgEngine.TARGET);
        assertEquals("CREATE TABLE mydb_1.letters AS SELECT i AS \"index\", s AS Letter FROM mydb_1.nums", rendered(into));
        assertEquals("Letters", into.createdTable());
        pg.answer(into);
        assertEquals("3,NULL", pg.answer(translate("SELECT [INDEX], LETTER FROM mydb.LETTERS WHERE [Index] = 3")));

        SqlTranslator.Translation batch = SqlTranslator.batch("SELECT i AS [Order] FROM mydb.nums WHERE i < 3", "Order",
                PgEngine.TARGET);
        assertEquals("CREATE TABLE mydb_1.\"order\" AS SELECT i AS \"order\" FROM mydb_1.nums WHERE i < 3", rendered(batch));
        pg.answer(batch);
        assertEquals("2", pg.answer(translate("SELECT COUNT([order]) FROM mydb.[Order]")));

        SqlTranslator.Translation view = translate("CREATE VIEW mydb.Firsts AS SELECT I, S AS Letter FROM mydb.nums WHERE i < 3");
        assertEquals("CREATE VIEW mydb_1.Firsts AS SELECT I AS \"i\", S AS Letter FROM mydb_1.nums WHERE i < 3", rendered(view));
        pg.answer(view);
        assertEquals("2,b", pg.answer(translate("SELECT i, letter FROM mydb.firsts WHERE I = 2")));

        SqlTranslator.Translation named = SqlTranslator.into("SELECT i FROM mydb.nums", "Copy", PgEngine.TARGET);
        assertTrue(rendered(named).startsWith("CREATE TABLE mydb_1.copy AS "), rendered(named));
    }

    /** Context qualifiers name the context's schema in lower case: Sample.dbo.T, Sample..T, [SAMPLE].T. */
    @Test
    void contextQualifiersNameItsSchema() {
        for (String q : List.of("SELECT objID FROM Sample.dbo.PhotoObj", "SELECT objID FROM Sample..PhotoObj",
                "SELECT objID FROM [SAMPLE].PhotoObj")) {
            assertEquals("SELECT objID AS \"objID\" FROM sample.PhotoObj",
                    rendered(SqlTranslator.quick(q, PgEngine.TARGET, "Sample", "Stripe82")), q);
        }
        assertEquals("SELECT \"objid\" AS \"objID\" FROM stripe82.\"photoobj\"",
                rendered(SqlTranslator.quick("SELECT [objID] FROM [Stripe82].[dbo].[PhotoObj]", PgEngine.TARGET, "Sample", "Stripe82")));
    }

    /**
     * SQL Server's information_schema.tables and .columns are the catalog's browsing views there
     * (schema sys_information_schema); PostgreSQL's own answers its other views; sys stays sys.
     */
    @Test
    void informationSchemaTablesAndColumnsAreTheBrowsingViews() {
        assertEquals("SELECT TABLE_NAME AS \"TABLE_NAME\" FROM sys_information_schema.TABLES WHERE TABLE_TYPE = 'VIEW'",
                rendered(translate("SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_TYPE = 'VIEW'")));
        assertEquals("SELECT COUNT(*) AS \"n\" FROM sys_information_schema.\"columns\"",
                rendered(translate("SELECT COUNT(*) AS n FROM information_schema.[columns]")));
        assertEquals("SELECT routine_name AS \"routine_name\" FROM information_schema.routines",
                rendered(translate("SELECT routine_name FROM information_schema.routines")));
        assertEquals("SELECT name AS \"name\" FROM sys.columns WHERE object_id = OBJECT_ID('PhotoObj')",
                rendered(translate("SELECT name FROM sys.columns WHERE object_id = OBJECT_ID('PhotoObj')")));
    }

    /** TOP where PostgreSQL's LIMIT would mean something else is refused, naming it, at the user's text. */
    @Test
    void topWherePostgresqlWouldMeanOtherwiseIsRefusedByName() throws SQLException {
        String m = assertThrows(CasJobsException.class,
                () -> translate("SELECT i FROM mydb.nums\nUNION ALL SELECT TOP 1 i FROM mydb.nums ORDER BY i")).getMessage();
        assertTrue(m.startsWith("TOP in a SELECT combined with UNION, EXCEPT or INTERSECT (line 2, column 18: \"TOP 1 i"), m);
        assertTrue(assertThrows(CasJobsException.class, () -> translate(
                "SELECT TOP 10 PERCENT WITH TIES i FROM mydb.nums ORDER BY i")).getMessage()
                .startsWith("TOP … PERCENT WITH TIES (line 1, column 8: "));
        // as the message says: in a subquery, TOP keeps its own SELECT's meaning
        assertEquals("1;2", pg.answer(translate("SELECT * FROM (SELECT TOP 1 i FROM mydb.nums ORDER BY i) a"
                + " UNION SELECT * FROM (SELECT TOP 1 i FROM mydb.nums WHERE i < 3 ORDER BY i DESC) b ORDER BY i")));
    }

    /** PostgreSQL's own settings are not T-SQL: a SET other than a variable's or an accepted option is refused by name. */
    @Test
    void settingsOtherThanVariablesAreRefused() throws SQLException {
        for (String q : List.of("SET statement_timeout = 0", "SELECT 1\nSET ROWCOUNT 10", "RESET ROLE",
                "SET search_path = public")) {
            String m = assertThrows(CasJobsException.class, () -> translate(q)).getMessage();
            assertTrue(m.contains(") is not supported: SET here assigns variables"), m);
        }
        assertEquals("1", pg.answer(translate("SET NOCOUNT ON\nSET QUOTED_IDENTIFIER ON\nSELECT 1")));
    }

    /**
     * DECLARE and SET answer no rows, as in SQL Server (a job's answer is its last result);
     * SELECT @v = … over many rows answers one row, not one per row assigned.
     */
    @Test
    void assignmentsAnswerNoRowsOfTheirOwn() throws SQLException {
        SqlTranslator.Translation t = translate("DECLARE @n int = 1\nSET @n = @n + 1\nSELECT @n = i FROM mydb.nums ORDER BY i");
        try (Statement s = pg.connection().createStatement()) {
            assertEquals(false, s.execute(t.statements().get(0)));
            assertEquals(false, s.execute(t.statements().get(1)));
            assertTrue(s.execute(t.statements().get(2)));
            try (var rs = s.getResultSet()) {
                assertTrue(rs.next());
                assertEquals(false, rs.next());
            }
        }
        assertEquals(false, t.lastReturnsRows());
    }

    /** The compatibility script is idempotent: the catalog runs it at every start. */
    @Test
    void theFunctionsScriptRunsAgain() throws SQLException {
        try (var owner = pg.database().connect(); Statement s = owner.createStatement()) {
            s.execute(PgEngine.functionsScript());
            s.execute(PgEngine.functionsScript());
        }
        assertEquals("ab", pg.answer(translate("SELECT 'a' + 'b'")));
    }
}
