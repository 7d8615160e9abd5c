package org.opencasjobs.dialect;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
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
        String answer = null;
        try (Statement s = db.createStatement()) {
            for (String sql : t.statements()) {
                if (s.execute(sql)) {
                    try (ResultSet rs = s.getResultSet()) {
                        List<String> rows = new ArrayList<>();
                        while (rs.next()) {
                            List<String> cols = new ArrayList<>();
                            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                                cols.add(text(rs.getObject(i)));
                            }
                            rows.add(String.join(",", cols));
                        }
                        answer = String.join(";", rows);
                    }
                }
            }
        }
        return answer;
    }

    private static String text(Object v) {
        if (v == null) {
            return "NULL";
        }
        if (v instanceof Number n) {
            BigDecimal d = n instanceof BigDecimal b ? b : new BigDecimal(n.toString());
            return d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
        }
        return v.toString();
    }

    @Override
    public void close() throws SQLException {
        db.close();
    }
}
