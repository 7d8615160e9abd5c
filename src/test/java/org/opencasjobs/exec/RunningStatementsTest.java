package org.opencasjobs.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.opencasjobs.catalog.SqlErrors;

/** The scheduler's watchdog stops statements past their job's deadline, whatever their own timeout says. */
class RunningStatementsTest {
    private static final String LONG = "SELECT COUNT(*) FROM SYSTEM_RANGE(1, 100000) a, SYSTEM_RANGE(1, 100000) b";

    @Test
    void overdueStatementsAreCancelledAndOthersLeftAlone() throws Exception {
        RunningStatements running = new RunningStatements();
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:watchdog");
             Statement overdue = c.createStatement();
             Connection c2 = DriverManager.getConnection("jdbc:h2:mem:watchdog");
             Statement onTime = c2.createStatement()) {
            overdue.setQueryTimeout(0); // as a user's "SET QUERY_TIMEOUT 0" would leave it
            running.register(1, overdue, System.nanoTime() - 5_000_000_000L);
            running.register(2, onTime, System.nanoTime() + 600_000_000_000L);
            CompletableFuture<Void> first = CompletableFuture.runAsync(() -> execute(overdue));
            CompletableFuture<Void> second = CompletableFuture.runAsync(() -> execute(onTime));
            for (int i = 0; i < 100 && !first.isDone(); i++) {
                running.cancelOverdue();
                Thread.sleep(50);
            }
            ExecutionException e = assertThrows(ExecutionException.class, () -> first.get(10, TimeUnit.SECONDS));
            assertTrue(e.getCause().getCause() instanceof SQLException sql && SqlErrors.wasCanceled(sql), e.toString());
            assertTrue(!second.isDone(), "a statement within its deadline keeps running");
            running.cancel(2);
            assertThrows(ExecutionException.class, () -> second.get(10, TimeUnit.SECONDS));
            assertEquals(2, running.size());
        }
    }

    private static void execute(Statement st) {
        try {
            st.execute(LONG);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
