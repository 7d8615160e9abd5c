package org.opencasjobs.dialect;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.opencasjobs.testing.Postgres;

/**
 * A fresh PostgreSQL database set up as the PostgreSQL catalog sets up a MyDB: the compatibility
 * functions of schema tsql ({@link Target#POSTGRESQL_FUNCTIONS}) run by the owner, the account's
 * schema {@value #MYDB} holding the corpus's table, and the connection logged in as the account's
 * own role with the search path {@code mydb_1, tsql, public}; answers in {@link DialectCorpus}'s
 * notation.
 */
final class PgEngine implements AutoCloseable {
    static final String MYDB = "mydb_1";
    static final Target TARGET = Target.postgresql(MYDB);

    private final Postgres.Database database;
    private final Connection db;

    PgEngine() throws SQLException {
        database = Postgres.newDatabase();
        String role = "account_" + database.name();
        String password = Postgres.newLoginRole(role);
        try (Connection owner = database.connect(); Statement s = owner.createStatement()) {
            s.execute(functionsScript());
            s.execute("CREATE SCHEMA " + MYDB);
            for (String sql : DialectCorpus.SETUP) {
                s.execute(sql.replace("MyDB.", MYDB + "."));
            }
            s.execute("GRANT USAGE, CREATE ON SCHEMA " + MYDB + " TO " + role);
            s.execute("GRANT ALL ON ALL TABLES IN SCHEMA " + MYDB + " TO " + role);
            s.execute("GRANT USAGE ON SCHEMA tsql TO " + role);
            s.execute("GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA tsql TO " + role);
        }
        db = database.connectAs(role, password);
        try (Statement s = db.createStatement()) {
            s.execute("SET search_path = " + MYDB + ", tsql, public");
        }
    }

    /** The compatibility script as the catalog runs it. */
    static String functionsScript() {
        try (InputStream in = PgEngine.class.getResourceAsStream(Target.POSTGRESQL_FUNCTIONS)) {
            if (in == null) {
                throw new IllegalStateException("no resource " + Target.POSTGRESQL_FUNCTIONS);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    Connection connection() {
        return db;
    }

    Postgres.Database database() {
        return database;
    }

    String answer(SqlTranslator.Translation t) throws SQLException {
        return Answers.of(db, t);
    }

    @Override
    public void close() throws SQLException {
        db.close();
        database.close();
    }
}
