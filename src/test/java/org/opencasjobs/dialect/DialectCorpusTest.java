package org.opencasjobs.dialect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.opencasjobs.catalog.h2.H2Functions;

/** Runs {@link DialectCorpus} on H2 set up as a MyDB database is (mode, schema, functions). */
class DialectCorpusTest {
    private static final AtomicInteger DB = new AtomicInteger();
    private static Connection db;

    @BeforeAll
    static void open() throws SQLException {
        db = DriverManager.getConnection("jdbc:h2:mem:dialectcorpus" + DB.incrementAndGet()
                + ";MODE=MSSQLServer;DATABASE_TO_UPPER=FALSE;CASE_INSENSITIVE_IDENTIFIERS=TRUE");
        try (Statement s = db.createStatement()) {
            s.execute("CREATE SCHEMA MyDB");
            for (String sql : DialectCorpus.SETUP) {
                s.execute(sql);
            }
        }
        H2Functions.install(db);
    }

    @AfterAll
    static void close() throws SQLException {
        db.close();
    }

    static Stream<DialectCorpus.Case> cases() {
        return DialectCorpus.CASES.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void answersAsSqlServer(DialectCorpus.Case c) throws SQLException {
        assertEquals(c.expected(), answer(SqlTranslator.quick(c.tsql())), c.tsql());
    }

    /** The rows of the last statement that returned rows, in the corpus's notation. */
    static String answer(SqlTranslator.Translation t) throws SQLException {
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
}
