package org.opencasjobs.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencasjobs.jobs.CasJobsException;

/** Checks the generated SQL text and, against an in-memory H2 jobs table, which rows it selects. */
class ConditionsTest {

    private static Connection db;

    @BeforeAll
    static void createJobs() throws SQLException {
        db = DriverManager.getConnection("jdbc:h2:mem:conditions_test;DB_CLOSE_DELAY=-1");
        try (Statement s = db.createStatement()) {
            s.execute("CREATE TABLE jobs (jobid BIGINT PRIMARY KEY, wsid BIGINT, time_submit TIMESTAMP(9),"
                    + " time_start TIMESTAMP(9), time_end TIMESTAMP(9), status INT, queue INT,"
                    + " task_name VARCHAR(200), error VARCHAR(2000), query VARCHAR(8000),"
                    + " context VARCHAR(100), job_type VARCHAR(20))");
            s.execute("INSERT INTO jobs VALUES"
                    + " (1, 10, TIMESTAMP '2008-04-05 09:00:00', TIMESTAMP '2008-04-05 09:00:05',"
                    + "  TIMESTAMP '2008-04-05 09:01:00', 5, 1, 'Alpha', NULL, 'select 1', 'DR7', 'QUERY'),"
                    + " (2, 10, TIMESTAMP '2008-04-05 23:59:59.5', TIMESTAMP '2008-04-06 00:00:01',"
                    + "  TIMESTAMP '2008-04-06 00:00:02', 4, 500, 'beta', 'Syntax error', 'selec 2', 'MyDB', 'CSV'),"
                    + " (3, 20, TIMESTAMP '2008-04-06 00:00:00', NULL, NULL, 5, 1, 'Gamma', NULL, 'select 3',"
                    + "  'dr7', 'VOTable'),"
                    + " (4, 20, TIMESTAMP '2026-11-27 10:48:01', TIMESTAMP '2026-11-27 10:48:02',"
                    + "  TIMESTAMP '2026-11-27 10:50:00', 0, 4320, 'x'' OR 1=1 --', NULL, 'select 4', 'DR16', 'FITS')");
        }
    }

    @AfterAll
    static void dropDb() throws SQLException {
        try (Statement s = db.createStatement()) {
            s.execute("DROP ALL OBJECTS");
        }
        db.close();
    }

    /** Job ids selected by the fragment, the way a job store would append it. */
    private static List<Long> select(String conditions, boolean admin) throws SQLException {
        Conditions.Where w = Conditions.parse(conditions, admin);
        String sql = "SELECT jobid FROM jobs WHERE 1=1" + (w.sql().isEmpty() ? "" : " AND " + w.sql())
                + " ORDER BY jobid";
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            for (int i = 0; i < w.params().size(); i++) {
                ps.setObject(i + 1, w.params().get(i));
            }
            List<Long> ids = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
            return ids;
        }
    }

    private static List<Long> select(String conditions) throws SQLException {
        return select(conditions, false);
    }

    private static CasJobsException rejected(String conditions, boolean admin) {
        return assertThrows(CasJobsException.class, () -> Conditions.parse(conditions, admin));
    }

    @Test
    void emptyConditionsMeanNoRestriction() throws SQLException {
        for (String c : new String[] {null, "", "   ", ";", " ; ;\t"}) {
            Conditions.Where w = Conditions.parse(c, false);
            assertEquals("", w.sql(), "for [" + c + "]");
            assertTrue(w.params().isEmpty(), "for [" + c + "]");
        }
        assertEquals(List.of(1L, 2L, 3L, 4L), select(""));
    }

    @Test
    void sqlShapeIsParenthesisedWithPlaceholders() {
        Conditions.Where w = Conditions.parse("JobID:123", false);
        assertEquals("((jobid = ?))", w.sql());
        assertEquals(List.of(123L), w.params());

        w = Conditions.parse("Status:4|5,;TaskName:a,b", false);
        assertEquals("((status = ? OR status >= ?) AND "
                + "((LOWER(task_name) >= LOWER(?) AND LOWER(task_name) <= LOWER(?))))", w.sql());
        assertEquals(List.of(4, 5, "a", "b"), w.params());
    }

    @Test
    void integerKeys() throws SQLException {
        assertEquals(List.of(3L), select("JobID:3"));
        assertEquals(List.of(2L, 3L, 4L), select("JobID:2,"));
        assertEquals(List.of(1L, 2L), select("JobID:,2"));
        assertEquals(List.of(2L, 3L), select("JobID:2,3"));
        assertEquals(List.of(1L, 3L), select("Status:5"));
        assertEquals(List.of(1L, 2L, 3L), select("Status:+4,5"));
        assertEquals(List.of(2L, 4L), select("Queue:500,"));
        assertEquals(List.of(4L), select("Queue:4320"));
    }

    @Test
    void stringKeysAreCaseInsensitive() throws SQLException {
        assertEquals(List.of(1L), select("TaskName:ALPHA"));
        assertEquals(List.of(2L), select("TaskName:Beta"));
        assertEquals(List.of(2L), select("Error:syntax ERROR"));
        assertEquals(List.of(3L), select("Query:SELECT 3"));
        assertEquals(List.of(1L, 3L), select("Context:dr7"));
        assertEquals(List.of(2L, 4L), select("Type:csv|fits"));
        // ranges compare lower-cased: 'alpha' <= x <= 'beta' takes Alpha and beta, not Gamma
        assertEquals(List.of(1L, 2L), select("TaskName:alpha,BETA"));
        assertEquals(List.of(3L), select("TaskName:c,d|gamma"));
    }

    @Test
    void keysAreCaseInsensitive() throws SQLException {
        for (String key : new String[] {"JobID", "jobid", "JOBID", "jObId"}) {
            assertEquals(List.of(2L), select(key + ":2"), key);
        }
        assertEquals(List.of(4L), select("timesubmit:2026-11-27"));
        assertEquals(List.of(2L), select("TYPE:CSV"));
    }

    @Test
    void whitespaceAroundSeparatorsIsIgnored() throws SQLException {
        assertEquals(List.of(3L), select("jobid : 3"));
        assertEquals(List.of(1L, 3L), select("Status:5;"));
        assertEquals(List.of(1L, 3L), select("  Status :\t5 ; "));
        assertEquals(List.of(1L, 2L, 3L), select(" Status : 4 | 5 "));
        assertEquals(List.of(2L, 3L), select("JobID : 2 , 3"));
        assertEquals(List.of(3L, 4L), select("JobID : 3 , "));
        assertEquals(List.of(1L, 2L), select("JobID :  , 2"));
    }

    @Test
    void pipeIsUnionAndKeysetsIntersect() throws SQLException {
        assertEquals(List.of(1L, 4L), select("JobID:1|4"));
        assertEquals(List.of(1L, 2L, 4L), select("JobID:1|4|,2"));
        assertEquals(List.of(3L), select("Status:5;Context:DR7;JobID:2,"));
        assertEquals(List.of(), select("Status:4;Status:5"));
        assertEquals(List.of(1L), select("Status:5;Queue:1;TaskName:alpha;"));
    }

    @Test
    void axisClientConditions() throws SQLException {
        assertEquals(List.of(2L, 3L, 4L),
                select("Type : CSV|DataSet|TCSV|VOTable|plot|FITS;"));
        assertEquals(List.of(3L), select("Type : CSV|DataSet|TCSV|VOTable|plot|FITS;Status : 5;"));
        assertEquals(List.of(4L), select(" timesubmit : 2026/11/27 10:48:01,;"));
        Conditions.Where w = Conditions.parse(" timesubmit : 2026/11/27 10:48:01,;", false);
        assertEquals("((time_submit >= ?))", w.sql());
        assertEquals(List.of(Timestamp.valueOf("2026-11-27 10:48:01")), w.params());
    }

    @Test
    void dateOnlyMeansTheWholeDay() throws SQLException {
        // job 2 was submitted at 23:59:59.5 on the 5th, job 3 at midnight starting the 6th
        assertEquals(List.of(1L, 2L), select("TimeSubmit:2008-04-05"));
        assertEquals(List.of(1L, 2L), select("TimeSubmit:2008/4/5"));
        assertEquals(List.of(3L), select("TimeSubmit:2008-04-06"));
        assertEquals(List.of(1L, 2L, 3L, 4L), select("TimeSubmit:2008-04-05,"));
        assertEquals(List.of(3L, 4L), select("TimeSubmit:2008-04-06,"));
        assertEquals(List.of(1L, 2L), select("TimeSubmit:,2008-04-05"));
        assertEquals(List.of(1L, 2L, 3L), select("TimeSubmit:2008-04-05,2008-04-06"));
        assertEquals(List.of(3L), select("TimeSubmit:2008-04-06,2008-04-06"));

        Conditions.Where w = Conditions.parse("TimeSubmit:2008-04-05", false);
        assertEquals("(((time_submit >= ? AND time_submit < ?)))", w.sql());
        assertEquals(List.of(Timestamp.valueOf("2008-04-05 00:00:00"), Timestamp.valueOf("2008-04-06 00:00:00")),
                w.params());
    }

    @Test
    void dateWithTimeComparesExactly() throws SQLException {
        assertEquals(List.of(1L), select("TimeSubmit:2008-04-05 09:00:00"));
        assertEquals(List.of(1L), select("TimeSubmit:2008-04-05T09:00"));
        assertEquals(List.of(2L), select("TimeSubmit:2008-04-05 23:59:59.5"));
        assertEquals(List.of(2L, 3L, 4L), select("TimeSubmit:2008-04-05 09:00:01,"));
        assertEquals(List.of(1L), select("TimeSubmit:,2008-04-05 23:59:59"));
        assertEquals(List.of(1L, 2L), select("TimeSubmit:,2008/04/05 23:59:59.500"));
        // mixed: from a time to the end of a whole day
        assertEquals(List.of(2L, 3L), select("TimeSubmit:2008-04-05 12:00,2008-04-06"));
    }

    @Test
    void timeStartAndTimeEnd() throws SQLException {
        assertEquals(List.of(2L), select("TimeStart:2008-04-06"));
        assertEquals(List.of(1L, 2L), select("TimeStart:,2008-04-06 00:00:01"));
        assertEquals(List.of(4L), select("TimeEnd:2026-11-27 10:50:00"));
        assertEquals(List.of(1L), select("TimeEnd:2008-04-05"));
    }

    @Test
    void acceptedDateForms() {
        String[][] forms = {
            {"2008-04-05", "2008-04-05 00:00:00"},
            {"2008-4-5", "2008-04-05 00:00:00"},
            {"2008/04/05", "2008-04-05 00:00:00"},
            {"2008-04-05T12:34:56", "2008-04-05 12:34:56"},
            {"2008-04-05 12:34:56", "2008-04-05 12:34:56"},
            {"2008/04/05 12:34:56", "2008-04-05 12:34:56"},
            {"2008-04-05 12:34", "2008-04-05 12:34:00"},
            {"2008-4-5 1:02:03.25", "2008-04-05 01:02:03.25"},
            {"2008-04-05T12:34:56.123456789", "2008-04-05 12:34:56.123456789"},
        };
        for (String[] f : forms) {
            // "V," binds exactly the start of the value, so the parsed instant is visible
            assertEquals(List.of(Timestamp.valueOf(f[1])), Conditions.parse("TimeStart:" + f[0] + ",", false).params(),
                    f[0]);
        }
    }

    @Test
    void badDatesAreRejectedNamingKeyAndValue() {
        for (String bad : new String[] {"yesterday", "2008-13-01", "2008-02-30", "2008-04/05", "2008-04-05 25:00",
            "05/04/2008", "2008-04-05 12:34:56 PM"}) {
            CasJobsException e = rejected("TimeEnd:" + bad, false);
            assertTrue(e.getMessage().contains("TimeEnd"), e.getMessage());
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
    }

    @Test
    void badIntegerIsRejectedNamingKeyAndValue() {
        CasJobsException e = rejected("Status:five", false);
        assertTrue(e.getMessage().contains("Status"), e.getMessage());
        assertTrue(e.getMessage().contains("'five'"), e.getMessage());
        assertTrue(e.getMessage().contains("integer"), e.getMessage());

        e = rejected("JobID:1,2x", false);
        assertTrue(e.getMessage().contains("JobID") && e.getMessage().contains("'2x'"), e.getMessage());
        e = rejected("Queue:99999999999", false); // does not fit the INT column
        assertTrue(e.getMessage().contains("'99999999999'"), e.getMessage());
        rejected("JobID:1.5", false);
    }

    @Test
    void unknownKeyNamesTheKeyAndListsAllowedKeys() {
        CasJobsException e = rejected("Status:5;Owner:bob", false);
        String m = e.getMessage();
        assertTrue(m.contains("'Owner'"), m);
        for (String k : new String[] {"JobID", "TimeSubmit", "TimeStart", "TimeEnd", "Status", "Queue", "TaskName",
            "Error", "Query", "Context", "Type", "WSID"}) {
            assertTrue(m.contains(k), k + " missing from: " + m);
        }
    }

    @Test
    void malformedConditionsAreRejected() {
        assertTrue(rejected("Status", false).getMessage().contains("':'"));
        assertTrue(rejected("Status:", false).getMessage().contains("Status"));
        assertTrue(rejected("Status:5|", false).getMessage().contains("empty"));
        CasJobsException e = rejected("JobID:,", false);
        assertTrue(e.getMessage().contains("JobID") && e.getMessage().contains("bound"), e.getMessage());
        e = rejected("JobID: , ", false);
        assertTrue(e.getMessage().contains("JobID"), e.getMessage());
        e = rejected("JobID:1,2,3", false);
        assertTrue(e.getMessage().contains("'1,2,3'"), e.getMessage());
        assertTrue(rejected(":5", false).getMessage().contains("Unknown"));
    }

    @Test
    void wsidIsForAdministratorsOnly() throws SQLException {
        CasJobsException e = rejected("WSID:10", false);
        assertTrue(e.getMessage().contains("WSID") && e.getMessage().contains("administrators only"),
                e.getMessage());
        rejected("status:5; wsid : 10", false);
        assertEquals(List.of(1L, 2L), select("WSID:10", true));
        assertEquals(List.of(3L), select("wsid:20;Status:5", true));
        assertEquals(List.of(10L), Conditions.parse("WSID:10", true).params());
    }

    @Test
    void hostileValuesOnlyEverBecomeParameters() throws SQLException {
        String hostile = "x' OR 1=1 --";
        Conditions.Where w = Conditions.parse("TaskName:" + hostile, false);
        assertEquals("((LOWER(task_name) = LOWER(?)))", w.sql());
        assertEquals(List.of(hostile), w.params());
        // matched literally: only the job whose name is exactly that string
        assertEquals(List.of(4L), select("TaskName:" + hostile));
        assertEquals(List.of(), select("Query:') DROP TABLE jobs --"));
        // ';' separates keysets, so the classic payload splits into a keyset without ':' and is refused
        assertTrue(rejected("Query:x'; DROP TABLE jobs; --", false).getMessage().contains("DROP TABLE jobs"));
        assertEquals(List.of(1L, 2L, 3L, 4L), select(""), "jobs table still intact");

        for (String c : new String[] {"Context:" + hostile + "|a\"b", "Error:a,x' OR 'a'='a",
            "Type:) OR (1=1"}) {
            w = Conditions.parse(c, false);
            assertFalse(w.sql().contains("'"), w.sql());
            assertFalse(w.sql().contains("1=1"), w.sql());
            assertFalse(w.sql().contains("\""), w.sql());
        }
        // a hostile key is never used as a column name
        assertTrue(rejected("jobid = 1 OR 1=1 --:5", false).getMessage().startsWith("Unknown condition key"));
    }
}
