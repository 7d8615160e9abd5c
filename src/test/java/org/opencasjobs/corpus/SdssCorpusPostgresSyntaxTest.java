package org.opencasjobs.corpus;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.opencasjobs.dialect.SqlTranslator;
import org.opencasjobs.dialect.Target;
import org.opencasjobs.testing.Postgres;

/**
 * Every query of the SDSS corpus ({@code corpus/sdss.sql}: setup, query and reference) translated
 * for PostgreSQL is SQL PostgreSQL 15 reads: run in a database that has the compatibility
 * functions and an account's schema but no catalog, each statement may fail only because a table,
 * column, function or schema of the catalog is missing there, never for its syntax. (The answers
 * are compared with H2's once the Sample is generated into PostgreSQL too.)
 */
class SdssCorpusPostgresSyntaxTest {
    /** What a statement may fail with where the catalog is absent: undefined table, function, column, schema, object. */
    private static final Set<String> MISSING = Set.of("42P01", "42883", "42703", "3F000", "42704");

    @Test
    void everyTranslatedQueryIsReadByPostgresql() throws Exception {
        List<QueryCorpus.Case> cases = QueryCorpus.load("/corpus/sdss.sql").cases();
        List<String> problems = new ArrayList<>();
        int statements = 0;
        try (Postgres.Database db = Postgres.newDatabase(); Connection c = db.connect()) {
            try (Statement s = c.createStatement()) {
                s.execute(functionsScript());
                s.execute("CREATE SCHEMA mydb_1");
                s.execute("CREATE SCHEMA dbo");
                s.execute("SET search_path = mydb_1, dbo, tsql, public");
            }
            c.setAutoCommit(false);
            for (QueryCorpus.Case k : cases) {
                for (String sql : new String[] {k.setup(), k.query(), k.reference()}) {
                    if (sql == null) {
                        continue;
                    }
                    SqlTranslator.Translation t = SqlTranslator.quick(sql, Target.postgresql("mydb_1"), "Sample", "Stripe82");
                    for (String statement : t.statements()) {
                        statements++;
                        String problem = run(c, statement);
                        if (problem != null) {
                            problems.add("[" + k.name() + "] " + problem + "\n  " + statement);
                        }
                    }
                    c.rollback();
                }
            }
        }
        if (!problems.isEmpty()) {
            fail(problems.size() + " of " + statements + " statements are not read by PostgreSQL:\n" + String.join("\n", problems));
        }
        assertTrue(statements >= cases.size(), statements + " statements");
        System.out.println("SDSS corpus on PostgreSQL: " + statements + " statements of " + cases.size()
                + " cases translated, each read by PostgreSQL");
    }

    /** Null when the statement ran or failed only for want of the catalog; else the database's message. */
    private static String run(Connection c, String sql) throws SQLException {
        Savepoint before = c.setSavepoint();
        try (Statement s = c.createStatement()) {
            s.execute(sql);
            return null;
        } catch (SQLException e) {
            c.rollback(before);
            return MISSING.contains(e.getSQLState()) ? null : e.getSQLState() + " " + e.getMessage();
        }
    }

    private static String functionsScript() throws IOException {
        try (InputStream in = SdssCorpusPostgresSyntaxTest.class.getResourceAsStream(Target.POSTGRESQL_FUNCTIONS)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
