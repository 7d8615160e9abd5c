package org.opencasjobs.dialect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.SQLException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Runs {@link DialectCorpus} on H2 set up as a MyDB database is (mode, schema, functions). */
class DialectCorpusTest {
    private static H2Engine h2;

    @BeforeAll
    static void open() throws SQLException {
        h2 = new H2Engine();
    }

    @AfterAll
    static void close() throws SQLException {
        h2.close();
    }

    static Stream<DialectCorpus.Case> cases() {
        return DialectCorpus.CASES.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void answersAsSqlServer(DialectCorpus.Case c) throws SQLException {
        assertEquals(c.expected(), h2.answer(SqlTranslator.quick(c.tsql())), c.tsql());
    }
}
