package org.opencasjobs.store;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencasjobs.config.ServerConfig;
import org.opencasjobs.testing.Postgres;

/**
 * A PostgreSQL job store that cannot open says why in one line an operator can act on, naming the
 * database and the role, never the password.
 */
class PostgresStoreOpeningTest {
    private static Postgres.Database database;

    @BeforeAll
    static void create() {
        database = Postgres.newDatabase();
    }

    @AfterAll
    static void drop() {
        if (database != null) {
            database.close();
        }
    }

    private static String failure(Map<String, String> changes) {
        Map<String, String> settings = new HashMap<>(database.settings());
        settings.putAll(changes);
        return assertThrows(IllegalStateException.class, () -> JobStoreDatabase.open(ServerConfig.of(settings)))
                .getMessage();
    }

    @Test
    void aWrongPasswordIsNamedButNotShown() {
        String message = failure(Map.of("casjobs.postgresql.password", "Not-the-1-password"));
        assertTrue(message.contains(database.url()) && message.contains("'" + database.owner() + "'")
                && message.contains("password authentication failed"), message);
        assertFalse(message.contains("Not-the-1-password") || message.contains(database.password()), message);
        assertFalse(message.contains("\n"), "one line: " + message);
    }

    @Test
    void aRoleThatMayNotCreateTheSchemaIsTold() {
        String other = "not_owner_" + ProcessHandle.current().pid();
        String password = Postgres.newLoginRole(other);
        String message = failure(Map.of("casjobs.postgresql.user", other, "casjobs.postgresql.password", password));
        assertTrue(message.contains("'" + other + "'") && message.contains("permission denied"), message);
        assertFalse(message.contains(password), message);
    }
}
