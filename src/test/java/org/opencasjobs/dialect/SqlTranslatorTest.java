package org.opencasjobs.dialect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opencasjobs.jobs.CasJobsException;
import org.opencasjobs.jobs.MyDb;

/** Translates CasJobs SQL and runs the result on H2 set up like a user's database. */
class SqlTranslatorTest {

    private static final AtomicInteger DB = new AtomicInteger();
    private Connection db;

    @BeforeEach
    void openDatabase() throws SQLException {
        db = DriverManager.getConnection("jdbc:h2:mem:sqltranslator" + DB.incrementAndGet()
                + ";MODE=MSSQLServer;DATABASE_TO_UPPER=FALSE;CASE_INSENSITIVE_IDENTIFIERS=TRUE");
        try (Statement s = db.createStatement()) {
            s.execute("CREATE SCHEMA MyDB");
            s.execute("CREATE SCHEMA Sample");
            // as each account's database has it (Catalog.provision)
            s.execute("CREATE SCHEMA " + MyDb.INFO_SCHEMA);
            s.execute("CREATE VIEW " + MyDb.INFO_SCHEMA + ".TABLES AS SELECT * FROM INFORMATION_SCHEMA.TABLES"
                    + " WHERE TABLE_SCHEMA = 'MyDB'");
            s.execute("CREATE TABLE Sample.PhotoObj(objID BIGINT, ra FLOAT, dec FLOAT, r REAL, type INT)");
            s.execute("INSERT INTO Sample.PhotoObj VALUES (1, 0.5, 10, 17.5, 3), (2, 1.5, 20, 18.5, 6),"
                    + " (3, 2.5, 30, 19.5, 3), (4, 3.5, 40, 20.5, 6)");
            s.execute("SET SCHEMA Sample");
        }
    }

    @AfterEach
    void closeDatabase() throws SQLException {
        db.close();
    }

    /** Runs every statement; returns the rows of the last one when it is a query. */
    private List<List<Object>> run(SqlTranslator.Translation t) throws SQLException {
        List<List<Object>> rows = new ArrayList<>();
        try (Statement s = db.createStatement()) {
            for (String sql : t.statements()) {
                if (s.execute(sql)) {
                    rows.clear();
                    try (ResultSet rs = s.getResultSet()) {
                        while (rs.next()) {
                            List<Object> row = new ArrayList<>();
                            for (int c = 1; c <= rs.getMetaData().getColumnCount(); c++) {
                                row.add(rs.getObject(c));
                            }
                            rows.add(row);
                        }
                    }
                }
            }
        }
        return rows;
    }

    private List<List<Object>> query(String sql) throws SQLException {
        return run(new SqlTranslator.Translation(List.of(sql), null, true));
    }

    private long count(String table) throws SQLException {
        return ((Number) query("SELECT COUNT(*) FROM " + table).get(0).get(0)).longValue();
    }

    private static String error(Runnable r) {
        return assertThrows(CasJobsException.class, r::run).getMessage();
    }

    @Test
    void commentsAreReadAsTheDatabaseReadsThemSoNoStatementHides() throws SQLException {
        // H2 nests block comments and reads // as a line comment: a ';' after them separates statements.
        var nested = SqlTranslator.quick("SELECT 1 AS a /* /* */ , ' */ ; SELECT 2 AS b");
        assertEquals(2, nested.statements().size(), nested.statements().toString());
        // The parser does not know //, so such text is refused rather than run as one hidden batch.
        String slashes = "SELECT 1 AS a // '\n; SELECT 2 AS b --'";
        try {
            assertEquals(2, SqlTranslator.quick(slashes).statements().size());
        } catch (CasJobsException e) {
            assertTrue(e.getMessage().startsWith("Syntax error"), e.getMessage());
        }
    }

    @Test
    void databasePathIsRefusedQuotedOrNot() {
        for (String sql : List.of("SELECT DATABASE_PATH()", "SELECT [DATABASE_PATH]()", "SELECT \"database_path\"()")) {
            assertTrue(error(() -> SqlTranslator.quick(sql)).contains("is not available"), sql);
        }
    }

    @Test
    void textRunAsSqlIsRefused() {
        for (String sql : List.of("EXECUTE IMMEDIATE 'CREATE TABLE MyDB.p AS SELECT DATABASE' || '_PATH() AS p'",
                "SELECT 1 AS x;\nEXEC sp_help")) {
            String m = error(() -> SqlTranslator.quick(sql));
            assertTrue(m.startsWith("EXEC/EXECUTE (line ") && m.endsWith("is not supported: write the statement itself."),
                    m);
        }
    }

    @Test
    void unicodeEscapesAreRefusedAsNotSqlServerSyntax() {
        for (String sql : List.of("SELECT U&\"DATABASE\\005fPATH\"()", "SELECT u&'\\0041' AS a",
                "SELECT 1 AS x FROM U&\"Photo\\004fbj\"")) {
            String m = error(() -> SqlTranslator.quick(sql));
            assertTrue(m.startsWith("U&'…' (Unicode escapes, line 1, column "), m);
        }
        assertEquals(1, SqlTranslator.quick("SELECT flags & 2 AS u FROM PhotoObj u WHERE u.x = 'a&b'").statements().size(),
                "an & that is not an escape is left alone");
    }

    @Test
    void quickQueryWithTopAndBracketsReturnsRows() throws SQLException {
        var t = SqlTranslator.quick("SELECT TOP 2 [objID], ra FROM PhotoObj WHERE [ra] > 1");
        assertEquals(List.of("SELECT TOP 2 [objID] AS \"objID\", ra AS \"ra\" FROM PhotoObj WHERE [ra] > 1"), t.statements());
        assertTrue(t.lastReturnsRows());
        assertNull(t.createdTable());
        List<List<Object>> rows = run(t);
        assertEquals(2, rows.size());
        rows.forEach(r -> assertTrue(((Number) r.get(1)).doubleValue() > 1));
    }

    @Test
    void countQuery() throws SQLException {
        var t = SqlTranslator.quick("SELECT COUNT(*) FROM PhotoObj");
        assertTrue(t.lastReturnsRows());
        assertEquals(4L, ((Number) run(t).get(0).get(0)).longValue());
    }

    @Test
    void selectIntoMyDbBecomesCreateTableAs() throws SQLException {
        var t = SqlTranslator.quick("SELECT TOP 10 objID INTO mydb.MyTable FROM PhotoObj");
        assertEquals(List.of("CREATE TABLE MyDB.MyTable AS SELECT TOP 10 objID AS \"objID\" FROM PhotoObj"), t.statements());
        assertEquals("MyTable", t.createdTable());
        assertFalse(t.lastReturnsRows());
        run(t);
        assertEquals(4, count("MyDB.MyTable"));
    }

    @Test
    void intoWithoutSchemaMeansMyDb() throws SQLException {
        var t = SqlTranslator.quick("SELECT objID, ra INTO MyTable2 FROM PhotoObj WHERE type = 3");
        assertEquals("MyTable2", t.createdTable());
        run(t); // the default schema is Sample: the table must still land in MyDB
        assertEquals(2, count("MyDB.MyTable2"));
        assertEquals(List.of(List.of("MyDB")), query(
                "SELECT TABLE_SCHEMA FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME = 'MyTable2'"));
    }

    @Test
    void bracketedAndDboQualifiedTargets() throws SQLException {
        String[][] cases = {{"[mydb].[T3]", "T3"}, {"MYDB.dbo.T4", "T4"}, {"mydb..T5", "T5"}, {"[MyDB].[dbo].[T6]", "T6"}};
        for (String[] c : cases) {
            var t = SqlTranslator.batch("SELECT objID INTO " + c[0] + " FROM PhotoObj", "unused");
            assertEquals(c[1], t.createdTable(), c[0]);
            run(t);
            assertEquals(4, count("MyDB." + c[1]), c[0]);
        }
        var glued = SqlTranslator.quick("SELECT objID*2 AS x INTO[mydb].[T7]FROM PhotoObj");
        assertEquals(List.of("CREATE TABLE MyDB.[T7] AS SELECT objID*2 AS x FROM PhotoObj"), glued.statements());
        run(glued);
        assertEquals(4, count("MyDB.T7"));
    }

    @Test
    void batchSelectWithoutIntoWritesTheNewTable() throws SQLException {
        var t = SqlTranslator.batch("SELECT objID, ra FROM PhotoObj WHERE type = 6 ORDER BY ra DESC", "MyTable_7");
        assertEquals("MyTable_7", t.createdTable());
        assertFalse(t.lastReturnsRows());
        assertTrue(t.statements().get(0).startsWith("CREATE TABLE MyDB.[MyTable_7] AS SELECT"));
        run(t);
        assertEquals(List.of(List.of(4L), List.of(2L)), query("SELECT objID FROM MyDB.MyTable_7 ORDER BY objID DESC"));
    }

    @Test
    void batchEndingWithAnotherStatementCreatesNothingNew() throws SQLException {
        var t = SqlTranslator.batch("CREATE TABLE mydb.k (a INT); INSERT INTO mydb.k VALUES (1)", "unused");
        assertNull(t.createdTable());
        run(t);
        assertEquals(1, count("MyDB.k"));
    }

    @Test
    void submitJobIntoWritesTheGivenTable() throws SQLException {
        var t = SqlTranslator.into("SELECT objID FROM PhotoObj WHERE ra > 2", "[results]");
        assertEquals("results", t.createdTable());
        run(t);
        assertEquals(2, count("MyDB.results"));

        assertEquals("Use either SubmitJobInto's table or SELECT … INTO, not both.",
                error(() -> SqlTranslator.into("SELECT objID INTO mydb.x FROM PhotoObj", "results")));
        assertTrue(error(() -> SqlTranslator.into("DROP TABLE IF EXISTS mydb.x", "results")).contains("SELECT"));
    }

    @Test
    void badTableNamesAreRejected() {
        for (String bad : new String[] {"1abc", "a b", "x;DROP TABLE y", "[a", "a]", "mydb.t", "", "t-1"}) {
            assertTrue(error(() -> SqlTranslator.into("SELECT 1 AS a", bad)).contains("'" + bad + "'"), bad);
            assertTrue(error(() -> SqlTranslator.batch("SELECT 1 AS a", bad)).contains("'" + bad + "'"), bad);
        }
        assertEquals("_ok1", SqlTranslator.into("SELECT 1 AS a", "_ok1").createdTable());
    }

    @Test
    void createInsertDropInMyDb() throws SQLException {
        var t = SqlTranslator.quick("CREATE TABLE mydb.t (a INT, b VARCHAR(10));\n"
                + "INSERT INTO mydb.t VALUES (1, 'x'), (2, 'y');\n"
                + "DROP TABLE IF EXISTS mydb.gone;\n"
                + "SELECT COUNT(*) FROM [mydb].t;");
        assertEquals(4, t.statements().size());
        assertEquals("DROP TABLE IF EXISTS MyDB.gone", t.statements().get(2));
        assertTrue(t.lastReturnsRows());
        assertEquals(2L, ((Number) run(t).get(0).get(0)).longValue());

        var drop = SqlTranslator.quick("DROP TABLE IF EXISTS mydb.t");
        assertFalse(drop.lastReturnsRows());
        run(drop);
        assertEquals(List.of(), query("SELECT * FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'MyDB'"));
    }

    @Test
    void scriptWithGoLines() throws SQLException {
        var t = SqlTranslator.batch("CREATE TABLE MyDB.g (a INT)\nGO\ninsert into mydb.g values (1), (2)\n  go  \r\n"
                + "SELECT a INTO mydb.g2 FROM mydb.g WHERE a > 1\nGo\n", "unused");
        assertEquals(3, t.statements().size());
        assertEquals("g2", t.createdTable());
        run(t);
        assertEquals(1, count("MyDB.g2"));
    }

    @Test
    void syntaxErrorsAreShortAndPositioned() {
        for (String sql : new String[] {"SELECT objID FROM PhotoObj WHERE", "SELECT 'abc", "SELEC 1", "SHUTDOWN"}) {
            String m = error(() -> SqlTranslator.quick(sql));
            assertTrue(m.startsWith("Syntax error in the query: "), m);
            assertFalse(m.contains("net.sf.jsqlparser") || m.contains("Exception") || m.contains("\n"), m);
            assertTrue(m.length() < 200, m);
        }
        String m = error(() -> SqlTranslator.quick("SELECT 1 AS a;\n-- two\nSELECT ra, FROM PhotoObj"));
        assertEquals("Syntax error in the query: unexpected \",\" at line 3, column 10.", m);
    }

    @Test
    void syntaxErrorsLeakNoThreads() {
        long before = nonDaemonThreads();
        for (int i = 0; i < 5; i++) {
            assertThrows(CasJobsException.class, () -> SqlTranslator.quick("SELECT FROM WHERE"));
        }
        assertTrue(nonDaemonThreads() <= before);
    }

    private static long nonDaemonThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && !t.isDaemon()).count();
    }

    @Test
    void emptyQueries() {
        for (String sql : Arrays.asList(null, "", "  \n ", "-- nothing\nGO\n;")) {
            assertEquals("The query is empty.", error(() -> SqlTranslator.quick(sql)));
        }
    }

    @Test
    void intoOtherSchemasIsRejected() {
        for (String target : new String[] {"Sample.T", "[sample].T", "otherdb.T", "otherdb.dbo.T", "mydb.other.T", "srv.mydb.dbo.T"}) {
            assertEquals("SELECT … INTO can only create tables in MyDB (line 1, column 14: \"INTO " + target
                    + " FROM PhotoObj\").", error(() -> SqlTranslator.quick("SELECT objID INTO " + target + " FROM PhotoObj")),
                    target);
        }
    }

    /** #temp tables live for the job: session-local tables the job's connection alone sees, not its result. */
    @Test
    void temporaryTablesLiveForTheJob() throws SQLException {
        for (String target : new String[] {"#tmp", "##global", "[#tmp]"}) {
            SqlTranslator.Translation t = SqlTranslator.batch("SELECT objID INTO " + target + " FROM PhotoObj WHERE type = 3\n"
                    + "SELECT COUNT(*) AS n FROM " + target, "x");
            assertEquals("x", t.createdTable(), "the job's result is its last SELECT, not the temporary table");
            assertTrue(t.statements().get(0).startsWith("CREATE LOCAL TEMPORARY TABLE MyDB.\"#"), t.statements().get(0));
            run(t);
            assertEquals(List.of(List.of(2L)), query("SELECT * FROM MyDB.[x]"));
            query("DROP TABLE MyDB.[x]");
            try (Connection other = DriverManager.getConnection(db.getMetaData().getURL());
                 Statement s = other.createStatement()) {
                String name = target.replaceAll("[\\[\\]]", "");
                assertThrows(SQLException.class, () -> s.executeQuery("SELECT * FROM MyDB.\"" + name + "\""),
                        "another session (job) does not see it");
            }
            query("DROP TABLE " + SqlTranslator.quick("SELECT 1 FROM " + target).statements().get(0).substring(14));
        }
    }

    @Test
    void literalsAndCommentsAreNotMangled() throws SQLException {
        var t = SqlTranslator.quick("-- pick one; INTO nothing\n"
                + "SELECT 'a INTO b; c' AS s, objID AS [we;ird] /* INTO x; */ INTO mydb.Lit FROM PhotoObj WHERE objID = 1");
        assertEquals(List.of("CREATE TABLE MyDB.Lit AS SELECT 'a INTO b; c' AS s, objID AS [we;ird] FROM PhotoObj WHERE objID = 1"),
                t.statements());
        assertEquals("Lit", t.createdTable());
        run(t);
        assertEquals(List.of(List.of("a INTO b; c", 1L)), query("SELECT s, [we;ird] FROM MyDB.Lit"));
        assertEquals(List.of(List.of("mydb.x")), run(SqlTranslator.quick("SELECT 'mydb.x' AS v")));
    }

    @Test
    void withQueries() throws SQLException {
        String cte = "WITH x AS (SELECT objID, ra FROM PhotoObj WHERE type = 3) ";
        var q = SqlTranslator.quick(cte + "SELECT objID FROM x ORDER BY ra");
        assertTrue(q.lastReturnsRows());
        assertEquals(List.of(List.of(1L), List.of(3L)), run(q));

        var into = SqlTranslator.quick(cte + "SELECT objID INTO mydb.FromCte FROM x");
        assertEquals("FromCte", into.createdTable());
        run(into);
        assertEquals(2, count("MyDB.FromCte"));
    }

    @Test
    void unionWithInto() throws SQLException {
        var t = SqlTranslator.quick("SELECT objID INTO mydb.U FROM PhotoObj WHERE type = 3"
                + " UNION SELECT objID FROM PhotoObj WHERE ra > 3");
        assertEquals("U", t.createdTable());
        run(t);
        assertEquals(List.of(List.of(1L), List.of(3L), List.of(4L)), query("SELECT objID FROM MyDB.U ORDER BY objID"));
    }

    @Test
    void intoOnlyInTheOutermostSelect() {
        assertTrue(error(() -> SqlTranslator.quick("(SELECT objID INTO mydb.P FROM PhotoObj)")).contains("outermost"));
    }

    @Test
    void schemaQualifiersAreMadeCanonical() throws SQLException {
        // H2 looks schema names up case-sensitively, CasJobs users write mydb/MYDB/information_schema.
        run(SqlTranslator.quick("SELECT objID INTO MyDB.Q FROM PhotoObj"));
        var t = SqlTranslator.quick("SELECT mydb.q.objID FROM MYDB.q JOIN mydb.dbo.q AS o ON o.objID = mydb.q.objID"
                + " WHERE EXISTS (SELECT 1 FROM information_schema.tables WHERE table_name = 'Q')");
        assertEquals("SELECT MyDB.q.objID AS \"objID\" FROM MyDB.q JOIN MyDB.q AS o ON o.objID = MyDB.q.objID"
                + " WHERE EXISTS (SELECT 1 FROM MyDB_Information.tables WHERE table_name = 'Q')", t.statements().get(0));
        assertEquals(4, run(t).size());
    }

    @Test
    void catalogQualifiersAreMadeCanonicalToo() throws SQLException {
        // "Sample" is also a JSqlParser keyword: the parse must still succeed.
        var t = SqlTranslator.batch("SELECT sample.PhotoObj.objID FROM sample.PhotoObj WHERE SAMPLE.PhotoObj.objID > 2", "S", "Sample");
        assertEquals("CREATE TABLE MyDB.[S] AS SELECT Sample.PhotoObj.objID AS \"objID\" FROM Sample.PhotoObj WHERE Sample.PhotoObj.objID > 2",
                t.statements().get(0));
        run(t);
        assertEquals(2, count("MyDB.S"));
    }

    @Test
    void anotherCatalogIsNamedAsADatabase() throws SQLException {
        // CasJobs users read another context as a database: Context..Table and Context.dbo.Table
        for (String ref : List.of("sample..PhotoObj", "Sample.dbo.PhotoObj", "[Sample].[dbo].[PhotoObj]", "SAMPLE..[PhotoObj]")) {
            var t = SqlTranslator.quick("SELECT COUNT(*) AS n FROM " + ref + " p WHERE p.objID > 0", "Sample", "Stripe82");
            String table = ref.substring(ref.lastIndexOf('.') + 1);
            assertEquals("SELECT COUNT(*) AS n FROM Sample." + table + " p WHERE p.objID > 0", t.statements().get(0), ref);
            assertEquals(4L, ((Number) run(t).get(0).get(0)).longValue(), ref);
        }
        assertEquals("SELECT f.run AS \"run\" FROM Stripe82.Field f JOIN Sample.PhotoObj p ON p.run = f.run",
                SqlTranslator.quick("SELECT f.run FROM stripe82..Field f JOIN sample.dbo.PhotoObj p ON p.run = f.run",
                        "Sample", "Stripe82").statements().get(0));
        // a name that is not a catalog keeps its qualifiers (and the database says what it does not know)
        assertEquals("SELECT x AS \"x\" FROM other.dbo.T", SqlTranslator.quick("SELECT x FROM other.dbo.T", "Sample").statements().get(0));
        // information_schema has no dbo level
        assertEquals("SELECT 1 FROM INFORMATION_SCHEMA.dbo.T",
                SqlTranslator.quick("SELECT 1 FROM information_schema.dbo.T", "Sample").statements().get(0));
    }

    @Test
    void parsableH2StatementsPassThroughUnchanged() {
        String call = "CALL CSVWRITE('/tmp/x.csv', 'SELECT 1')";
        assertEquals(List.of(call), SqlTranslator.quick(call).statements());
        assertEquals(List.of("SET SCHEMA MyDB"), SqlTranslator.quick("SET SCHEMA MyDB").statements());
    }

    @Test
    void theCasJobsCommandLineToolsTablesQueryListsMyDbTables() throws SQLException {
        run(SqlTranslator.quick("SELECT TOP 1 objID INTO mydb.Stars FROM PhotoObj"));
        // "Tables" is a JSqlParser keyword; SQL Server reads it as the alias it is here.
        var t = SqlTranslator.quick("select table_name as Tables from INFORMATION_SCHEMA.Tables"
                + " where TABLE_TYPE = 'BASE TABLE'", "Sample");
        assertEquals(List.of("select table_name as [Tables] from MyDB_Information.Tables where TABLE_TYPE = 'BASE TABLE'"),
                t.statements());
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(t.statements().get(0))) {
            assertEquals("Tables", rs.getMetaData().getColumnLabel(1));
            assertTrue(rs.next());
            assertEquals("Stars", rs.getString(1));
            assertFalse(rs.next(), "only MyDB's tables");
        }
    }

    @Test
    void parserKeywordsThatSqlServerAllowsAsNamesWork() throws SQLException {
        // Each is a keyword of JSqlParser (and some of H2) but no reserved word of SQL Server.
        List<String> everywhere = List.of("Tables", "Start", "Limit", "Global", "Connect", "Output", "Sample", "Only",
                "Minus", "Prior", "Trim", "Both", "Final", "Grouping", "Ignore", "Lateral", "Semi", "Xor");
        // H2 reserves these too: they work where the parser needs them bracketed (see the report of G1)
        List<String> asAliases = List.of("Offset", "Window", "Qualify", "Unknown", "True", "False");
        for (String w : java.util.stream.Stream.concat(everywhere.stream(), asAliases.stream()).toList()) {
            List<String> queries = new ArrayList<>(List.of("SELECT 1 AS " + w, "SELECT 1 " + w,
                    "SELECT objID AS " + w + " FROM PhotoObj WHERE objID = 1"));
            if (everywhere.contains(w)) {
                queries.addAll(List.of("SELECT " + w + ".objID FROM PhotoObj " + w + " WHERE " + w + ".objID = 1",
                    "SELECT x." + w + " FROM (SELECT objID AS " + w + " FROM PhotoObj) AS x WHERE x." + w + " = 1 ORDER BY x." + w));
            }
            for (String sql : queries) {
                SqlTranslator.Translation t;
                try {
                    t = SqlTranslator.quick(sql, "Sample");
                } catch (CasJobsException e) {
                    throw new AssertionError(sql + ": " + e.getMessage(), e);
                }
                assertEquals(List.of(List.<Object>of(1)), run(t).stream()
                        .map(r -> List.<Object>of(((Number) r.get(0)).intValue())).toList(), sql + " -> " + t.statements());
            }
        }
        // as a table's name inside a subquery (SDSS's view Unknown), where the parser stops at the subquery
        run(SqlTranslator.quick("CREATE TABLE MyDB.Unknown (x INT)"));
        var sub = SqlTranslator.quick("SELECT (SELECT COUNT(*) FROM mydb.Unknown) AS a, (SELECT COUNT(*) FROM MyDB.Unknown u) AS b");
        assertEquals(List.of(List.<Object>of(0L, 0L)), run(sub).stream()
                .map(r -> List.<Object>of(((Number) r.get(0)).longValue(), ((Number) r.get(1)).longValue())).toList());
        // as column and table names of MyDB tables
        run(SqlTranslator.quick("CREATE TABLE MyDB.Start (Tables INT, Global INT, Output VARCHAR(9))"));
        run(SqlTranslator.quick("INSERT INTO MyDB.Start (Tables, Global, Output) VALUES (1, 2, 'x')"));
        assertEquals(List.of(List.of(1, 2, "x")),
                run(SqlTranslator.quick("SELECT Tables, Global, Output FROM mydb.Start WHERE Tables = 1 ORDER BY Global")));
        var into = SqlTranslator.quick("SELECT objID AS Tables INTO mydb.Limit FROM PhotoObj WHERE objID < 3");
        assertEquals("Limit", into.createdTable());
        run(into);
        assertEquals(2, count("MyDB.[Limit]"));
    }

    @Test
    void wordsSqlServerReservesStayErrors() {
        for (String sql : List.of("SELECT 1 AS From", "SELECT objID FROM PhotoObj Where", "SELECT 1 AS Fetch",
                "SELECT 1 AS Union", "SELECT 1 Tables Start")) {
            String m = error(() -> SqlTranslator.quick(sql));
            assertTrue(m.startsWith("Syntax error in the query: "), sql + ": " + m);
        }
        // the first error is reported, positioned in the user's own text
        assertEquals("Syntax error in the query: unexpected \"AS\" at line 1, column 10.",
                error(() -> SqlTranslator.quick("SELECT 1 AS Fetch")));
        // past keywords used as names, the error is the one plain names give
        for (String[] pair : new String[][] {{"SELECT 1 AS Tables\n, 2 AS Start FROM , PhotoObj", "SELECT 1 AS Tablez\n, 2 AS Stard FROM , PhotoObj"},
                {"SELECT 1 AS Tables, 2 Limit FROM PhotoObj WHERE", "SELECT 1 AS Tablez, 2 Limiz FROM PhotoObj WHERE"}}) {
            String m = error(() -> SqlTranslator.quick(pair[0]));
            assertEquals(error(() -> SqlTranslator.quick(pair[1])), m);
            assertTrue(m.matches("Syntax error in the query: unexpected .* at line \\d+, column \\d+\\."), m);
        }
    }
}
