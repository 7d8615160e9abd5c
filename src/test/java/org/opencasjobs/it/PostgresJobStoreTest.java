package org.opencasjobs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencasjobs.wire.JobsSoap;
import org.opencasjobs.testing.Postgres;

/**
 * The real server with {@code casjobs.engine=postgresql}: its accounts and jobs live in the
 * PostgreSQL database (schema casjobs) while the catalog still runs on H2. A quick job and a
 * batch job run, and what they did is read back from PostgreSQL itself.
 */
class PostgresJobStoreTest {
    private static Postgres.Database database;
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        database = Postgres.newDatabase();
        server = new TestServer(database.settings());
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (database != null) {
            database.close();
        }
    }

    @Test
    void quickAndBatchJobsRunWithTheirRecordsInPostgresql() throws Exception {
        JobsSoap c = server.client(true);
        long wsid = server.alice.wsid();
        String csv = c.executeQuickJob(wsid, TestServer.ALICE_PW, "SELECT TOP 2 objID FROM PhotoObj ORDER BY objID",
                "Sample", "quick on pg", false);
        assertEquals(3, csv.strip().split("\n").length, csv);
        long batch = c.submitJob(wsid, TestServer.ALICE_PW, "SELECT TOP 5 objID, r INTO MyDB.Bright FROM PhotoObj",
                "Sample", "batch on pg", 500);
        int status = -1;
        for (int i = 0; i < 300 && status < 3; i++) {
            status = c.getJobStatus(wsid, TestServer.ALICE_PW, batch);
            Thread.sleep(100);
        }
        assertEquals(5, status, "the batch job finished");
        String mine = c.executeQuickJob(wsid, TestServer.ALICE_PW, "SELECT COUNT(*) FROM Bright", "MyDB", "count",
                false);
        assertTrue(mine.strip().endsWith("5"), mine);

        try (Connection db = database.connect()) {
            List<String> jobs = new ArrayList<>();
            try (PreparedStatement ps = db.prepareStatement("SELECT task_name, status, is_quick, created_table"
                    + " FROM casjobs.jobs WHERE wsid = ? ORDER BY jobid")) {
                ps.setLong(1, wsid);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        jobs.add(rs.getString(1) + "/" + rs.getInt(2) + "/" + rs.getBoolean(3) + "/" + rs.getString(4));
                    }
                }
            }
            assertEquals(List.of("quick on pg/5/true/null", "batch on pg/5/false/Bright", "count/5/true/null"), jobs);
            try (PreparedStatement ps = db.prepareStatement("SELECT from_status, to_status FROM casjobs.job_transitions"
                    + " WHERE jobid = ? ORDER BY id")) {
                ps.setLong(1, batch);
                try (ResultSet rs = ps.executeQuery()) {
                    List<String> moves = new ArrayList<>();
                    while (rs.next()) {
                        moves.add(rs.getInt(1) + ">" + rs.getInt(2));
                    }
                    assertEquals(List.of("0>1", "1>5"), moves);
                }
            }
            try (PreparedStatement ps = db.prepareStatement("SELECT username FROM casjobs.accounts ORDER BY username");
                 ResultSet rs = ps.executeQuery()) {
                List<String> names = new ArrayList<>();
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
                assertEquals(List.of("admin", "alice", "bob"), names);
            }
        }
    }
}
