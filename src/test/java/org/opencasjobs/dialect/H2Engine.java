package org.opencasjobs.dialect;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.opencasjobs.catalog.h2.H2Functions;

/**
 * An in-memory H2 database set up as a MyDB database is (mode, schema MyDB with the corpus's
 * table, the Java functions), and answers in {@link DialectCorpus}'s notation.
 */
final class H2Engine implements AutoCloseable {
    private static final AtomicInteger DB = new AtomicInteger();
    private final Connection db;

    H2Engine() throws SQLException {
        db = DriverManager.getConnection("jdbc:h2:mem:dialect" + DB.incrementAndGet()
                + ";MODE=MSSQLServer;DATABASE_TO_UPPER=FALSE;CASE_INSENSITIVE_IDENTIFIERS=TRUE");
        try (Statement s = db.createStatement()) {
            s.execute("CREATE SCHEMA MyDB");
            for (String sql : DialectCorpus.SETUP) {
                s.execute(sql);
            }
        }
        H2Functions.install(db);
    }

    Connection connection() {
        return db;
    }

    /** The rows of the last statement that returned rows: rows joined by ';', columns by ','. */
    String answer(SqlTranslator.Translation t) throws SQLException {
        return Answers.of(db, t);
    }

    @Override
    public void close() throws SQLException {
        db.close();
    }
}
