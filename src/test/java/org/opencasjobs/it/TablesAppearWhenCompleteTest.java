package org.opencasjobs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jakarta.xml.ws.soap.SOAPFaultException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencasjobs.testing.Await;
import org.opencasjobs.wire.JobsSoap;

/**
 * A MyDB table a job creates is there only once it is complete: while the job writes it, a query
 * naming it is told which job is writing it (not shown an empty or partial table), the browsing
 * views do not list it, and a cancelled job leaves neither it nor its staging table behind.
 */
class TablesAppearWhenCompleteTest {
    private static final String FAULT = "Server was unable to process request. ---> ";
    /** Runs until cancelled: two billion rows. */
    private static final String ENDLESS = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
            + " WHERE i < 2000000000) SELECT i INTO mydb.Growing FROM n";

    static TestServer s;
    static JobsSoap soap;
    static long wsid;
    static final String PW = TestServer.ALICE_PW;

    @BeforeAll
    static void start() throws Exception {
        s = new TestServer();
        soap = s.client(false);
        wsid = s.alice.wsid();
    }

    @AfterAll
    static void stop() throws Exception {
        s.close();
    }

    private static String quick(String sql, String context) {
        return soap.executeQuickJob(wsid, PW, sql, context, "peek", false);
    }

    /** Tables under staging names in the user's MyDB, read from H2's own catalog. */
    private static String stagingTables() {
        return quick("SET SCHEMA INFORMATION_SCHEMA; SELECT COUNT(*) AS n FROM TABLES WHERE TABLE_SCHEMA = 'MyDB'"
                + " AND TABLE_NAME LIKE '~%'", "MyDB");
    }

    @Test
    void aTableBeingWrittenIsNamedAsSuchUntilItsJobEnds() {
        long job = soap.submitJob(wsid, PW, ENDLESS, "Sample", "endless", 500);
        Await.until("job " + job + " writing its table",
                () -> s.server.jobStore().creatingTable(job), t -> t.isPresent());
        for (String context : new String[] {"Sample", "MyDB"}) {
            SOAPFaultException f = assertThrows(SOAPFaultException.class,
                    () -> quick("SELECT COUNT(*) AS n FROM mydb.Growing", context));
            assertEquals(FAULT + "Table Growing is being written by job " + job
                    + ": it appears in MyDB when that job finishes.", f.getMessage());
        }
        assertEquals("[n]:Integer\n0\n", quick("SELECT COUNT(*) AS n FROM information_schema.tables"
                + " WHERE TABLE_NAME = 'Growing' OR TABLE_NAME LIKE '~%'", "MyDB"));
        Await.until("job " + job + "'s table written under a staging name", TablesAppearWhenCompleteTest::stagingTables,
                n -> n.equals("[n]:Integer\n1\n"));

        soap.cancelJob(wsid, PW, job);
        Await.until("job " + job + " cancelled", () -> soap.getJobStatus(wsid, PW, job), st -> st == 3);
        assertEquals("[n]:Integer\n0\n", stagingTables());
        SOAPFaultException gone = assertThrows(SOAPFaultException.class,
                () -> quick("SELECT COUNT(*) AS n FROM mydb.Growing", "MyDB"));
        assertEquals(FAULT + "Invalid object name 'Growing': table or view not found", gone.getMessage().replaceFirst(" \\(.*$", ""));
    }

    @Test
    void aFinishedJobsTableIsThereWhole() {
        long job = soap.submitJob(wsid, PW, "SELECT TOP 50 objID INTO mydb.Whole FROM PhotoObj ORDER BY objID; "
                + "SELECT COUNT(*) AS n INTO mydb.WholeCount FROM mydb.Whole", "Sample", "whole", 500);
        Await.until("job " + job + " ended", () -> soap.getJobStatus(wsid, PW, job), st -> st >= 3);
        assertEquals(5, soap.getJobStatus(wsid, PW, job));
        assertEquals("[n]:Integer\n50\n", quick("SELECT n FROM mydb.WholeCount", "MyDB"));
        assertEquals("[n]:Integer\n0\n", stagingTables());
    }

    @Test
    void aJobIntoAnExistingTableFailsAndLeavesItAlone() {
        quick("CREATE TABLE Kept (x INT); INSERT INTO Kept VALUES (7)", "MyDB");
        long job = soap.submitJob(wsid, PW, "SELECT TOP 5 objID AS x INTO mydb.Kept FROM PhotoObj", "Sample", "again", 500);
        Await.until("job " + job + " ended", () -> soap.getJobStatus(wsid, PW, job), st -> st >= 3);
        assertEquals(4, soap.getJobStatus(wsid, PW, job));
        assertEquals("[x]:Integer\n7\n", quick("SELECT x FROM mydb.Kept", "MyDB"));
        assertEquals("[n]:Integer\n0\n", stagingTables());
    }
}
