package org.opencasjobs.catalog;

import java.lang.reflect.Field;
import java.sql.Connection;
import java.sql.SQLException;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.tx.TransactionStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A check for an H2 2.5.252 defect met after repeated kill -9 (issue 15, CrashSafetyTest). When H2
 * opens a database, it rolls back the transactions a killed process left open, from their undo
 * logs. If it cannot read an undo log (a page it fails to read: "Unable to read the page …",
 * "File corrupted in chunk …"), {@code TransactionStore.init} ignores the error and removes that
 * undo log's map, but keeps the closed map in the transaction slot it belonged to. Every later
 * transaction given that slot fails at its first write with "The database has been closed"
 * ({@code Map … is closed}), while connections, reads and other slots work. Closing the database
 * cleanly and opening it again clears the slot: the removal is then on disk. (The transaction
 * that undo log belonged to is not rolled back; a MyDB's unfinished uploads and jobs write to
 * staging tables, which are dropped when the MyDB opens.)
 */
final class UndoLogs {
    private static final Logger LOG = LoggerFactory.getLogger(UndoLogs.class);

    private UndoLogs() {
    }

    /**
     * Whether the embedded H2 database of {@code admin} holds such a closed undo log in one of its
     * transaction slots. Read through H2's internals (its field {@code undoLogs}); if those are not
     * as expected (another H2 version), says false and logs why.
     */
    static boolean unwritable(Connection admin) throws SQLException {
        if (!(admin.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal session)
                || session.getDatabase().getStore() == null) {
            return false;
        }
        TransactionStore store = session.getDatabase().getStore().getTransactionStore();
        try {
            Field field = TransactionStore.class.getDeclaredField("undoLogs");
            field.setAccessible(true);
            for (Object log : (Object[]) field.get(store)) {
                if (log instanceof MVMap<?, ?> map && map.isClosed()) {
                    return true;
                }
            }
            return false;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("cannot look for unreadable undo logs in this H2 version: {}", e.toString());
            return false;
        }
    }
}
