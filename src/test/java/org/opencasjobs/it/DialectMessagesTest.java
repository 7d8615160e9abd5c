package org.opencasjobs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opencasjobs.it.TestServer.ALICE_PW;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencasjobs.it.QueryTest.Failed;
import org.opencasjobs.it.QueryTest.User;
import org.opencasjobs.it.QueryTest.Via;

/**
 * Issue 11, messages in the user's terms: 50 broken queries through the real service, each
 * message checked for pointing into the user's own text (line, column and the text found there)
 * and for showing nothing of the machinery (rewritten statements, grammar lists, engine markers).
 * Also T-SQL that needs the dialect layer, run in a real MyDB.
 */
class DialectMessagesTest {
    private static TestServer s;
    private static User alice;

    @BeforeAll
    static void start() throws Exception {
        s = new TestServer(Map.of("casjobs.login.max.failures", "1000"));
        alice = new User(s.alice, ALICE_PW);
    }

    @AfterAll
    static void stop() throws Exception {
        if (s != null) {
            s.close();
        }
    }

    /** Fragments of the engine's statements, markers and parser output that a message must never show. */
    private static final List<String> MACHINERY = List.of("CREATE TABLE MyDB", "[*]", "; expected", ", expected", "\\000a",
            "SQL statement", "BITAND(", "BITOR(", "BITXOR(", "BITNOT(", "DECFLOAT", "TRUNC(", "CASEWHEN",
            "FORMATDATETIME", "LOCALTIMESTAMP", ":=", "Exception", "org.", "java.", "<EOF>", "Was expecting",
            "[42", "[90", "[22");

    private static final List<String> BROKEN = List.of(
            // names that do not exist
            "SELECT foo FROM PhotoObj",
            "SELECT objID, nosuch FROM PhotoObj WHERE ra > 1",
            "SELECT TOP 5 objID\nFROM NoSuchTable",
            "SELECT p.objID FROM PhotoObj AS p JOIN NoSuch AS n ON n.objID = p.objID",
            "SELECT * FROM nosuchdb.PhotoObj",
            "SELECT x.objID FROM PhotoObj p",
            "SELECT nosuchfn(ra) FROM PhotoObj",
            "SELECT TRY_CAST(1 AS sql_variant)",
            "SELECT objID FROM PhotoObj p, SpecObj s WHERE s.bestObjID = p.objID AND ra > 0",
            "SELECT * FROM mydb.NoTableHere",
            // types and values
            "SELECT TOP 1 ra & 1 FROM PhotoObj",
            "SELECT TOP 1 ~dec FROM PhotoObj",
            "SELECT TOP 1 objID / 0 FROM PhotoObj",
            "SELECT TOP 1 objID % 0 FROM PhotoObj",
            "SELECT CAST('abc' AS int)",
            "SELECT CONVERT(int, 'x1')",
            "SELECT TOP 1 CAST(class AS int) FROM SpecObj WHERE class = 'GALAXY'",
            "SELECT CAST('2020-13-45' AS date)",
            "SELECT CAST(2147483647 AS int) + 1",
            "SELECT SUM(class) FROM SpecObj",
            "SELECT objID FROM PhotoObj ORDER BY 9",
            "SELECT objID, ra FROM PhotoObj UNION SELECT objID FROM PhotoObj",
            "SELECT 'a' + 1",
            // variables and batches
            "DECLARE @x = 5 SELECT @x",
            "SELECT @undeclared",
            "DECLARE @n int = 1\nSET @m = 2",
            "DECLARE @n int DECLARE @n float",
            "DECLARE @t TABLE (a int)",
            "DECLARE @n int\nSELECT TOP 1 @n = objID, ra FROM PhotoObj",
            "SELECT 1\nGO\nSELEC 2",
            // syntax
            "SELEC objID FROM PhotoObj",
            "SELECT objID FROM PhotoObj WHERE",
            "SELECT objID FROM PhotoObj WHERE ra >",
            "SELECT objID,, ra FROM PhotoObj",
            "SELECT (objID FROM PhotoObj",
            "SELECT objID FROM PhotoObj ORDER objID",
            "SELECT TOP objID FROM PhotoObj",
            "SELECT * FROM PhotoObj WHERE ra BETWEEN 1",
            "SELECT * FROM PhotoObj WHERE type IN ()",
            "SELECT CASE WHEN ra > 1 THEN 1 FROM PhotoObj",
            "SELECT objID FROM PhotoObj GROUP BY",
            "SELECT 'unclosed FROM PhotoObj",
            "SELECT objID FROM PhotoObj\nWHERE ra > 1\n  AND AND dec < 2",
            // into and jobs
            "SELECT TOP 1 objID INTO tempdb.x.#tmp FROM PhotoObj",
            "SELECT TOP 1 objID INTO otherdb.dbo.T FROM PhotoObj",
            "SELECT TOP 1 objID INTO mydb.Broken FROM PhotoObj WHERE nosuch = 1",
            "SELECT TOP 1 objID, COUNT(*) INTO mydb.Broken2 FROM PhotoObj WHERE ra / 0 > 1 GROUP BY objID",
            // refused constructs
            "EXEC sp_help",
            "SELECT U&'\\0041'",
            "SELECT LEFT('abc')",
            "SELECT q.objID, n.objID\nFROM PhotoObj q CROSS APPLY (SELECT TOP 1 p.objID FROM PhotoObj p WHERE p.ra > q.ra) n");

    @Test
    void fiftyBrokenQueriesAreAnsweredInTheUsersTerms() throws Exception {
        assertEquals(51, BROKEN.size()); // the issue asks for 50, plus CROSS APPLY of a subquery's
        List<String> problems = new ArrayList<>();
        for (String sql : BROKEN) {
            String m;
            try {
                QueryTest.tryQuick(s, Via.SOAP11, alice, sql, "Sample", "broken", false);
                problems.add(sql + "\n  -> ran without an error");
                continue;
            } catch (Failed f) {
                m = f.getMessage();
            }
            String why = problem(sql, m);
            if (why != null) {
                problems.add(sql.replace("\n", "\\n") + "\n  -> " + m + "\n  ** " + why);
            }
        }
        assertTrue(problems.isEmpty(), problems.size() + " messages fail:\n" + String.join("\n", problems));
    }

    private static final Pattern POSITION = Pattern.compile("line (\\d+), column (\\d+)");
    private static final Pattern QUOTED = Pattern.compile("\"([^\"]+)\"|'([^']+)'");

    /** What is wrong with a message for a query, or null. */
    static String problem(String sql, String m) {
        for (String bad : MACHINERY) {
            if (m.contains(bad) && !sql.contains(bad)) {
                return "shows " + bad;
            }
        }
        Matcher p = POSITION.matcher(m);
        if (!p.find()) {
            return "no line and column";
        }
        String[] lines = sql.split("\n", -1);
        int line = Integer.parseInt(p.group(1));
        int column = Integer.parseInt(p.group(2));
        if (line > lines.length || column > lines[line - 1].length() + 1) {
            return "position outside the query";
        }
        String there = lines[line - 1].substring(column - 1).toLowerCase(java.util.Locale.ROOT);
        Matcher q = QUOTED.matcher(m);
        while (q.find()) {
            String quoted = (q.group(1) != null ? q.group(1) : q.group(2)).replace("...", "").toLowerCase(java.util.Locale.ROOT);
            if (!quoted.isBlank() && there.startsWith(quoted)) {
                return null;
            }
        }
        return "quotes nothing of the user's text found at line " + line + ", column " + column + " (\"" + there + "\")";
    }

    /** T-SQL that needs the dialect layer, in a real MyDB: functions installed there are found. */
    @Test
    void tsqlRunsInARealMyDb() throws Exception {
        String csv = QueryTest.tryQuick(s, Via.SOAP11, alice,
                "DECLARE @bit bigint\nSET @bit = 0x10000000\n"
                        + "SELECT TOP 1 REVERSE('abc') AS r, PATINDEX('%b%', 'abc') AS p, ISNUMERIC('1.5') AS n,"
                        + " 100 / POWER(2, 3) AS bin, (flags & @bit) & 0 AS f, x = 2.5e0\nFROM PhotoObj",
                "Sample", "dialect", false);
        assertEquals("[r]:String,[p]:Integer,[n]:Integer,[bin]:Integer,[f]:Integer,[x]:Float\n\"cba\",2,1,12,0,2.5\n", csv);
        String temp = QueryTest.tryQuick(s, Via.SOAP11, alice,
                "SELECT TOP 3 objID INTO #few FROM PhotoObj ORDER BY objID\nSELECT COUNT(*) AS n FROM #few", "Sample", "temp", false);
        assertEquals("[n]:Integer\n3\n", temp);
        String after = QueryTest.tryQuick(s, Via.SOAP11, alice,
                "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_name LIKE '#%'", "MyDB", "temp", false);
        assertEquals("[n]:Integer\n0\n", after, "a #temp table lives for its job only");
    }
}
