package org.opencasjobs.dialect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden tests of each named rule: T-SQL in, the engine's SQL out (H2, and PostgreSQL where the
 * rendering differs), and the whole translation executed on H2 with SQL Server's answer.
 */
class DialectRulesTest {
    private static H2Engine h2;

    @BeforeAll
    static void open() throws SQLException {
        h2 = new H2Engine();
    }

    @AfterAll
    static void close() throws SQLException {
        h2.close();
    }

    /** A rule applied alone to {@code tsql} gives {@code h2}; the whole translation run on H2 answers {@code answer}. */
    record Golden(String rule, String tsql, String h2, String answer) {
        @Override
        public String toString() {
            return rule + ": " + tsql;
        }
    }

    static final List<Golden> GOLDEN = List.of(
            new Golden("temp-tables", "SELECT 1 AS a INTO #g1 SELECT a FROM tempdb..#g1",
                    "SELECT 1 AS a INTO MyDB.\"#g1\" SELECT a FROM MyDB.\"#g1\"", "1"),
            new Golden("temp-tables", "CREATE TABLE [#g2] (a int) INSERT INTO #g2 VALUES (2) SELECT a FROM #G2",
                    "CREATE LOCAL TEMPORARY TABLE MyDB.\"#g2\" (a int) INSERT INTO MyDB.\"#g2\" VALUES (2) SELECT a FROM MyDB.\"#G2\"",
                    "2"),
            new Golden("hex-literal", "SELECT 0x10000000", "SELECT 268435456", "268435456"),
            new Golden("hex-literal", "SELECT 0xFF + 0x1", "SELECT 255 + 1", "256"),
            new Golden("hex-literal", "SELECT '0x10'", "SELECT '0x10'", "0x10"),
            new Golden("float-literal", "SELECT 2.5e0", "SELECT CAST(2.5e0 AS DOUBLE PRECISION)", "2.5"),
            new Golden("float-literal", "SELECT 2.5", "SELECT 2.5", "2.5"),
            new Golden("bitwise-operators", "SELECT 12 & 10", "SELECT BITAND(12, 10)", "8"),
            new Golden("bitwise-operators", "SELECT ~12 | 1", "SELECT BITOR(BITNOT(12), 1)", "-13"),
            new Golden("bitwise-operators", "SELECT 1 + 2 & 3 * 1", "SELECT BITAND(1 + 2, 3 * 1)", "3"),
            new Golden("bitwise-operators", "SELECT 6 ^ 3 - 1", "SELECT BITXOR(6, 3) - 1", "4"),
            new Golden("bitwise-operators", "SELECT 3 * -2 & 7", "SELECT BITAND(3 * -2, 7)", "2"),
            new Golden("bitwise-operators", "SELECT -6 & 7", "SELECT BITAND(-6, 7)", "2"),
            new Golden("bitwise-operators", "SELECT i FROM mydb.nums WHERE (b & 0x10000000) != 0 AND i < 3",
                    "SELECT i FROM mydb.nums WHERE (BITAND(b, 0x10000000)) != 0 AND i < 3", "1"),
            new Golden("bitwise-operators", "SELECT COUNT(*) FROM mydb.nums WHERE ABS(i) & 1 = 1",
                    "SELECT COUNT(*) FROM mydb.nums WHERE BITAND(ABS(i), 1) = 1", "2"),
            new Golden("bitwise-operators", "SELECT CASE WHEN 1 = 1 THEN 6 END & -2",
                    "SELECT BITAND(CASE WHEN 1 = 1 THEN 6 END, -2)", "6"),
            new Golden("modulo-keeps-fraction", "SELECT 2.7 % 1", "SELECT ((2.7) - TRUNC((2.7) / (1)) * (1))", "0.7"),
            new Golden("modulo-keeps-fraction", "SELECT 2 * 7 % 4 + 1", "SELECT ((2 * 7) - TRUNC((2 * 7) / (4)) * (4)) + 1", "3"),
            new Golden("modulo-keeps-fraction", "SELECT COUNT(*) FROM mydb.nums WHERE s LIKE '%b'",
                    "SELECT COUNT(*) FROM mydb.nums WHERE s LIKE '%b'", "1"),
            new Golden("integer-cast-truncates", "SELECT CAST(2.7 AS bigint)", "SELECT CAST(TRUNC(CAST(2.7 AS DECFLOAT)) AS bigint)", "2"),
            new Golden("integer-cast-truncates", "SELECT CONVERT(int, -2.7)", "SELECT CAST(TRUNC(CAST(-2.7 AS DECFLOAT)) AS int)", "-2"),
            new Golden("integer-cast-truncates", "SELECT CAST(2.7 AS float)", "SELECT CAST(2.7 AS float)", "2.7"),
            new Golden("integer-cast-truncates", "SELECT CAST('12' AS int)", "SELECT CAST('12' AS int)", "12"),
            new Golden("power-in-argument-type", "SELECT 100 / POWER(2, 3)", "SELECT 100 / CAST(TRUNC(POWER(2, 3)) AS INT)", "12"),
            new Golden("power-in-argument-type", "SELECT POWER(10, 10)", "SELECT CAST(TRUNC(POWER(10, 10)) AS INT)", null),
            new Golden("power-in-argument-type", "SELECT POWER(2.0, 0.5)", "SELECT POWER(2.0, 0.5)", "1.4142135623730951"),
            new Golden("power-in-argument-type", "SELECT RADIANS(180)", "SELECT CAST(TRUNC(RADIANS(180)) AS INT)", "3"),
            new Golden("round-truncate", "SELECT ROUND(2.567, 2, 1)", "SELECT TRUNC(2.567, 2)", "2.56"),
            new Golden("round-truncate", "SELECT ROUND(2.567, 2, 0)", "SELECT ROUND(2.567, 2)", "2.57"),
            new Golden("functions", "SELECT IIF(1 > 0, 'y', 'n')", "SELECT CASE WHEN 1 > 0 THEN 'y' ELSE 'n' END", "y"),
            new Golden("functions", "SELECT CHOOSE(2, 'a', 'b')", "SELECT CASE 2 WHEN 1 THEN 'a' WHEN 2 THEN 'b' END", "b"),
            new Golden("functions", "SELECT SQUARE(ATN2(0, 1))", "SELECT POWER(ATAN2(0, 1), 2)", "0"),
            new Golden("functions", "SELECT DATEPART(dw, '2020-03-04')", "SELECT EXTRACT(DOW FROM CAST('2020-03-04' AS TIMESTAMP))", "4"),
            new Golden("functions", "SELECT STUFF('abcdef', 2, 3, 'x')", "SELECT INSERT('abcdef', 2, 3, 'x')", "axef"),
            new Golden("functions", "SELECT LEN('ab ')", "SELECT CHAR_LENGTH(RTRIM('ab '))", "2"),
            new Golden("functions", "SELECT CONVERT(varchar(10), CAST('2020-03-04' AS date), 111)",
                    "SELECT CAST(FORMATDATETIME(CAST(CAST('2020-03-04' AS date) AS TIMESTAMP), 'yyyy/MM/dd') AS varchar(10))",
                    "2020/03/04"),
            new Golden("quoted-alias", "SELECT 1 AS 'one'", "SELECT 1 AS \"one\"", "1"),
            new Golden("equals-alias", "SELECT n = 1 + 1", "SELECT 1 + 1 AS \"n\"", "2"),
            new Golden("equals-alias", "SELECT TOP 1 [my n] = i FROM mydb.nums WHERE i = 1",
                    "SELECT TOP 1 i AS [my n] FROM mydb.nums WHERE i = 1", "1"),
            new Golden("equals-alias", "SELECT i FROM mydb.nums WHERE i = 1", "SELECT i FROM mydb.nums WHERE i = 1", "1"),
            new Golden("names-as-written", "SELECT I FROM mydb.nums WHERE i = 1",
                    "SELECT I AS \"I\" FROM mydb.nums WHERE i = 1", "1"),
            new Golden("names-as-written", "SELECT n.[I], NULL, 2, n.i AS x, COUNT(*) FROM mydb.nums n WHERE n.i = 1 GROUP BY n.i",
                    "SELECT n.[I] AS \"I\", NULL, 2, n.i AS x, COUNT(*) FROM mydb.nums n WHERE n.i = 1 GROUP BY n.i",
                    "1,NULL,2,1,1"),
            new Golden("names-as-written", "SELECT x.I FROM (SELECT i FROM mydb.nums) x WHERE x.i = 1",
                    "SELECT x.I AS \"I\" FROM (SELECT i AS \"i\" FROM mydb.nums) x WHERE x.i = 1", "1"));

    /**
     * The cone functions' APPLY: rendered for H2 (a join on the context's Zone table, see Apply) and
     * PostgreSQL (LATERAL); run against the functions themselves in {@code ConeApplyCatalogTest},
     * since these engines have no Zone table.
     */
    record ApplyGolden(String tsql, String h2, String postgresql) {
        @Override
        public String toString() {
            return tsql;
        }
    }

    private static final String DISTANCE = "dbo.fDistanceArcMinXYZ(n.cx, n.cy, n.cz, COS(RADIANS((t.dec))) * COS(RADIANS((t.ra))),"
            + " COS(RADIANS((t.dec))) * SIN(RADIANS((t.ra))), SIN(RADIANS((t.dec))))";
    private static final String ALPHA = "dbo.fGetAlpha(0.5 / 60.0, (t.dec))";
    private static final String ZONE_JOIN = "JOIN SYSTEM_RANGE(-2, 2) n_dz ON 1 = 1"
            + " JOIN (VALUES (-360.0), (0.0), (360.0)) n_w(shift) ON (t.ra) + n_w.shift - " + ALPHA + " < 360"
            + " AND (t.ra) + n_w.shift + " + ALPHA + " >= 0"
            + " LEFT JOIN Zone n ON n.zoneID = CAST(FLOOR(((t.dec) + 90) * 120) + n_dz.X AS INT)"
            + " AND n.ra >= (t.ra) + n_w.shift - " + ALPHA + " AND n.ra < (t.ra) + n_w.shift + " + ALPHA;

    static final List<ApplyGolden> APPLY_GOLDEN = List.of(
            new ApplyGolden("SELECT t.id, n.objID, n.distance FROM mydb.targets t CROSS APPLY dbo.fGetNearbyObjEq(t.ra, t.dec, 0.5) n",
                    "SELECT t.id, n.objID, (" + DISTANCE + ") AS distance FROM mydb.targets t " + ZONE_JOIN
                            + " WHERE n.mode = 1 AND " + DISTANCE + " < 0.5",
                    "SELECT t.id, n.objID, n.distance FROM mydb.targets t CROSS JOIN LATERAL dbo.fGetNearbyObjEq(t.ra, t.dec, 0.5) n"),
            new ApplyGolden("SELECT t.id, n.mode FROM mydb.targets t CROSS APPLY fGetNearbyObjAllEq(t.ra, t.dec, 0.5) AS n"
                    + " WHERE t.id > 1 OR distance < 0.1 ORDER BY n.distance",
                    "SELECT t.id, n.mode FROM mydb.targets t " + ZONE_JOIN + " WHERE " + DISTANCE
                            + " < 0.5 AND (t.id > 1 OR (" + DISTANCE + ") < 0.1) ORDER BY (" + DISTANCE + ")",
                    "SELECT t.id, n.mode FROM mydb.targets t CROSS JOIN LATERAL fGetNearbyObjAllEq(t.ra, t.dec, 0.5) AS n"
                            + " WHERE t.id > 1 OR distance < 0.1 ORDER BY n.distance"),
            new ApplyGolden("SELECT t.id, n.* FROM mydb.targets t CROSS APPLY dbo.fGetNearbyObjEq(t.ra, t.dec, 0.5) n GROUP BY t.id",
                    "SELECT t.id, n.objID, n.run, n.camcol, n.field, n.rerun, n.type, n.cx, n.cy, n.cz, n.htmID, (" + DISTANCE
                            + ") AS distance FROM mydb.targets t " + ZONE_JOIN + " WHERE n.mode = 1 AND " + DISTANCE
                            + " < 0.5 GROUP BY t.id",
                    "SELECT t.id, n.* FROM mydb.targets t CROSS JOIN LATERAL dbo.fGetNearbyObjEq(t.ra, t.dec, 0.5) n GROUP BY t.id"),
            new ApplyGolden("SELECT t.id, n.objID FROM mydb.targets t OUTER APPLY dbo.fGetNearestObjEq(t.ra, t.dec, 0.5) n",
                    "SELECT t.id, n.objID FROM mydb.targets t LEFT JOIN PhotoObjAll n ON n.objID = dbo.fGetNearestObjIdEq((t.ra), (t.dec), 0.5)",
                    "SELECT t.id, n.objID FROM mydb.targets t LEFT JOIN LATERAL dbo.fGetNearestObjEq(t.ra, t.dec, 0.5) n ON TRUE"),
            new ApplyGolden("SELECT t.id FROM mydb.targets t CROSS APPLY dbo.fGetNearestObjEq(t.ra, t.dec, 0.5) n WHERE t.id = 1",
                    "SELECT t.id FROM mydb.targets t LEFT JOIN PhotoObjAll n ON n.objID = dbo.fGetNearestObjIdEq((t.ra), (t.dec), 0.5)"
                            + " WHERE n.objID IS NOT NULL AND (t.id = 1)",
                    "SELECT t.id FROM mydb.targets t CROSS JOIN LATERAL dbo.fGetNearestObjEq(t.ra, t.dec, 0.5) n WHERE t.id = 1"));

    static Stream<ApplyGolden> applyGolden() {
        return APPLY_GOLDEN.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("applyGolden")
    void coneApplyRendersForBothEngines(ApplyGolden g) {
        assertEquals(g.h2(), Rules.byName("cone-apply").apply(g.tsql(), Engine.H2, new Batch()));
        assertEquals(g.postgresql(), Rules.byName("cone-apply").apply(g.tsql(), Engine.POSTGRESQL, new Batch()));
    }

    /** What the rewrite cannot give SQL Server's answer for is refused at the user's text, naming the construct. */
    @Test
    void applyItCannotRewriteIsRefusedByName() {
        Map<String, String> refused = Map.of(
                "SELECT n.objID FROM mydb.t t\nCROSS APPLY dbo.fGetObjFromRectEq(t.ra, t.dec, 1, 2) n",
                "CROSS APPLY (line 2, column 1: \"CROSS APPLY dbo.fGetObjFromRectEq(t.ra, t.dec, 1, 2) n\") is supported only with",
                "SELECT n.x FROM mydb.t t OUTER APPLY (SELECT TOP 1 i AS x FROM mydb.nums) n",
                "OUTER APPLY (line 1, column 26: \"OUTER APPLY (SELECT TOP 1 i AS x FROM mydb.nums) n\") is supported only with",
                "SELECT n.objID FROM mydb.t t OUTER APPLY dbo.fGetNearbyObjEq(t.ra, t.dec, 1) n",
                "OUTER APPLY (line 1, column 30: \"OUTER APPLY dbo.fGetNearbyObjEq(t.ra, t.dec, 1) n\") is supported only with",
                "SELECT n.objID FROM mydb.t t CROSS APPLY dbo.fGetNearbyObjEq(t.ra, t.dec, t.r) n",
                "The radius of CROSS APPLY fGetNearbyObjEq must be a number of arcminutes (line 1, column 75: \"t.r) n\")",
                "SELECT * FROM mydb.t t CROSS APPLY dbo.fGetNearbyObjEq(t.ra, t.dec, 1) n",
                "SELECT * with CROSS APPLY (line 1, column 8: ");
        for (Map.Entry<String, String> e : refused.entrySet()) {
            String m = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
                    () -> SqlTranslator.quick(e.getKey())).getMessage();
            assertTrue(m.startsWith(e.getValue()), m);
        }
    }

    static Stream<Golden> golden() {
        return GOLDEN.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("golden")
    void ruleRendersForH2(Golden g) {
        assertEquals(g.h2(), Rules.byName(g.rule()).apply(g.tsql(), Engine.H2, new Batch()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("golden")
    void translationAnswersOnH2(Golden g) throws SQLException {
        if (g.answer() == null) {
            // SQL Server: "Arithmetic overflow error converting expression to data type int."
            SQLException e = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class,
                    () -> h2.answer(SqlTranslator.quick(g.tsql())));
            assertEquals("22003", e.getSQLState());
            return;
        }
        assertEquals(g.answer(), h2.answer(SqlTranslator.quick(g.tsql())));
    }

    @Test
    void postgresqlRenderingsUseItsOperatorsAndFunctions() {
        assertEquals("SELECT (12 OPERATOR(pg_catalog.&) 10)", Bitwise.apply("SELECT 12 & 10", Engine.POSTGRESQL));
        assertEquals("SELECT (6 OPERATOR(pg_catalog.#) 3)", Bitwise.apply("SELECT 6 ^ 3", Engine.POSTGRESQL));
        assertEquals("SELECT (OPERATOR(pg_catalog.~) 12)", Bitwise.apply("SELECT ~12", Engine.POSTGRESQL));
        assertEquals("SELECT CAST(TRUNC(CAST(2.7 AS NUMERIC)) AS int)",
                Rules.integerCasts("SELECT CAST(2.7 AS int)", Engine.POSTGRESQL));
        assertEquals("SELECT OVERLAY('abcdef' PLACING 'x' FROM 2 FOR 3)",
                Functions.apply("SELECT STUFF('abcdef', 2, 3, 'x')", Engine.POSTGRESQL));
        assertEquals("SELECT CAST(EXTRACT(DOW FROM CAST(d AS TIMESTAMP)) + 1 AS INT)",
                Functions.apply("SELECT DATEPART(weekday, d)", Engine.POSTGRESQL));
    }

    @Test
    void everyRuleHasGoldenTests() {
        for (Rule r : Rules.ALL) {
            assertTrue(GOLDEN.stream().anyMatch(g -> g.rule().equals(r.name())) || r.name().equals("cone-apply")
                    && !APPLY_GOLDEN.isEmpty() || PostgresDialectTest.GOLDEN.stream().anyMatch(g -> g.rule().equals(r.name())),
                    r.name());
        }
    }

    /** SQL Server types {@code 2.5e0} as float and {@code 2.5} as decimal; so does the typed CSV then. */
    @Test
    void literalsAreTypedAsSqlServerTypesThem() throws SQLException {
        try (Statement s = h2.connection().createStatement();
             ResultSet rs = s.executeQuery(SqlTranslator.quick("SELECT 2.5e0 AS f, 2.5 AS d, 0x10 AS h").statements().get(0))) {
            assertEquals(Types.DOUBLE, rs.getMetaData().getColumnType(1));
            assertEquals(Types.NUMERIC, rs.getMetaData().getColumnType(2));
            assertEquals(Types.INTEGER, rs.getMetaData().getColumnType(3));
        }
    }

    /** Mistakes with variables are named as such, at the user's text. */
    @Test
    void variableMistakesAreNamed() {
        assertEquals("DECLARE @x needs a type (line 1, column 9: \"@x = 5 SELECT @x\"), e.g. DECLARE @x int = 5.",
                org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
                        () -> SqlTranslator.quick("DECLARE @x = 5 SELECT @x")).getMessage());
        assertEquals("Must declare the scalar variable \"@y\" (line 2, column 8: \"@y\"): add DECLARE @y type before it,"
                + " in the same query.", org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
                        () -> SqlTranslator.quick("DECLARE @x int = 1\nSELECT @y")).getMessage());
    }

    /** A batch job's last SELECT, which becomes its table, may use the batch's variables. */
    @Test
    void aBatchJobsTableMayUseVariables() throws SQLException {
        SqlTranslator.Translation t = SqlTranslator.batch(
                "DECLARE @n int = 2\nDECLARE @bit bigint = 0x10000000\nSELECT i, i * @n AS d, b & @bit AS f FROM mydb.nums WHERE i < 3",
                "VarJob");
        assertEquals("VarJob", t.createdTable());
        h2.answer(t);
        assertEquals("1,2,268435456;2,4,0", h2.answer(SqlTranslator.quick("SELECT i, d, f FROM mydb.VarJob ORDER BY i")));
    }

    /** Where a statement word belongs to the statement before it, there is no split. */
    @Test
    void statementWordsInsideAStatementDoNotSplit() {
        for (String one : List.of("WITH c AS (SELECT 1 AS a) SELECT a FROM c",
                "WITH c AS (SELECT 1 AS a) INSERT INTO mydb.nums (i) SELECT a FROM c",
                "INSERT INTO mydb.nums (i) SELECT 1", "SELECT 1 UNION ALL SELECT 2 EXCEPT SELECT 3",
                "UPDATE mydb.nums SET i = i WHERE i = 99", "ALTER TABLE mydb.nums DROP COLUMN s",
                "CREATE VIEW mydb.v AS SELECT 1 AS a", "SELECT i FROM mydb.nums WHERE i IN (SELECT 1)")) {
            assertEquals(1, SqlTranslator.quick(one).statements().size(), one);
        }
    }

    /** Statements follow each other with nothing between, as SQL Server allows. */
    @Test
    void statementsSplitWhereTheNextBegins() {
        SqlTranslator.Translation t = SqlTranslator.quick(
                "DECLARE @bad bigint SET @bad = 0x10 SELECT 1 UNION SELECT 2 INSERT INTO mydb.nums SELECT 1, 2, 3, 'x'"
                        + " UPDATE mydb.nums SET i = 1 WHERE i = 0 SELECT @bad");
        assertEquals(List.of("SET @bad = CAST(TRUNC(CAST((NULL) AS DECFLOAT)) AS bigint)",
                "SET @bad = CAST(TRUNC(CAST((16) AS DECFLOAT)) AS bigint)", "SELECT 1 UNION SELECT 2",
                "INSERT INTO MyDB.nums SELECT 1, 2, 3, 'x'", "UPDATE MyDB.nums SET i = 1 WHERE i = 0", "SELECT @bad"),
                t.statements());
    }
}
