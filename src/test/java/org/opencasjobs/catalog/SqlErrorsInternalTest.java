package org.opencasjobs.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.h2.api.ErrorCode;
import org.h2.message.DbException;
import org.h2.mvstore.MVStoreException;
import org.junit.jupiter.api.Test;
import org.opencasjobs.jobs.CasJobsException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;
import org.postgresql.util.ServerErrorMessage;

/**
 * Which database errors are the database's own failure (issue 15: INTO jobs ended with H2's
 * "General error: …MVStoreException…" as their message, and nothing in the log said more): those
 * are logged with the job and shown to the user as an internal error; a mistake in the user's SQL
 * is not.
 */
class SqlErrorsInternalTest {
    @Test
    void h2sStorageErrorsAreInternalWhereverTheyAreWrapped() {
        // H2 wraps an exception of its storage layer as a general error, as it did after kill -9
        SQLException general = DbException.convert(new MVStoreException(6, "Unable to read the page")).getSQLException();
        assertEquals(ErrorCode.GENERAL_ERROR_1, general.getErrorCode(), general::toString);
        assertTrue(SqlErrors.internal(general).isPresent());
        assertTrue(SqlErrors.internal(new CasJobsException("x", general)).isPresent(), "found under the runner's exception");
        assertTrue(SqlErrors.internal(DbException.get(ErrorCode.DATABASE_IS_CLOSED).getSQLException()).isPresent());
        assertTrue(SqlErrors.internal(DbException.get(ErrorCode.FILE_CORRUPTED_1, "chunk 7").getSQLException()).isPresent());
    }

    @Test
    void theUsersOwnMistakesAreNot() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:"); Statement s = c.createStatement()) {
            for (String sql : new String[] {"SELECT nosuch FROM (SELECT 1 AS x) t", "SELEC 1", "SELECT 1/0",
                    "SELECT CAST('abc' AS INT)"}) {
                try {
                    s.execute(sql);
                } catch (SQLException e) {
                    assertFalse(SqlErrors.internal(e).isPresent(), e::toString);
                    continue;
                }
                throw new AssertionError(sql + " ran");
            }
        }
        assertFalse(SqlErrors.internal(new CasJobsException("Your query is wrong.")).isPresent());
    }

    @Test
    void postgresqlsInternalAndSystemErrorsAreInternal() {
        // as the server sends them: severity, SQLSTATE, message
        assertTrue(SqlErrors.internal(new PSQLException(new ServerErrorMessage(
                "SERROR\0CXX001\0Minvalid page in block 7 of relation base/16384/16385\0"))).isPresent());
        assertTrue(SqlErrors.internal(new PSQLException(new ServerErrorMessage(
                "SERROR\0C58030\0Mcould not write to file: No space left on device\0"))).isPresent());
        assertFalse(SqlErrors.internal(new PSQLException("relation \"x\" does not exist", PSQLState.UNDEFINED_TABLE))
                .isPresent());
    }
}
