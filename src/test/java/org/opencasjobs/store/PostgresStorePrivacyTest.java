package org.opencasjobs.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opencasjobs.testing.Postgres;

/**
 * On PostgreSQL the job store shares a database with the roles that will run users' SQL; its
 * schema must be closed to them: a plain login role (what an account's role is) can neither read,
 * change nor add to it, whichever way it names it.
 */
class PostgresStorePrivacyTest {
    /** PostgreSQL's SQLSTATE for "permission denied". */
    private static final String INSUFFICIENT_PRIVILEGE = "42501";
    private static int roles;

    private StoreEngine.Fresh store;
    private String role;
    private String password;

    @BeforeEach
    void open() {
        store = StoreEngine.POSTGRESQL.open();
        new JdbcAccountStore(store.db().dataSource()).create("alice", "secret-hash", false, LocalDateTime.now());
        role = "plain_" + ProcessHandle.current().pid() + "_" + (++roles);
        password = Postgres.newLoginRole(role);
    }

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    @Test
    void aPlainLoginRoleCanNeitherReadNorChangeTheStore() throws SQLException {
        try (Connection c = store.database().connectAs(role, password); Statement s = c.createStatement()) {
            for (String sql : List.of("SELECT * FROM casjobs.accounts", "SELECT password_hash FROM casjobs.accounts",
                    "SELECT * FROM casjobs.jobs", "SELECT * FROM casjobs.flyway_schema_history",
                    "UPDATE casjobs.accounts SET is_admin = TRUE", "DELETE FROM casjobs.jobs",
                    "CREATE TABLE casjobs.mine (i INT)", "CREATE VIEW casjobs.peek AS SELECT 1 AS one")) {
                SQLException e = assertThrows(SQLException.class, () -> s.execute(sql), sql);
                assertEquals(INSUFFICIENT_PRIVILEGE, e.getSQLState(), sql + ": " + e.getMessage());
            }
            s.execute("SET search_path = casjobs");
            SQLException unqualified = assertThrows(SQLException.class, () -> s.executeQuery("SELECT * FROM accounts"));
            assertTrue(unqualified.getSQLState().equals(INSUFFICIENT_PRIVILEGE)
                    || unqualified.getSQLState().equals("42P01"), unqualified.getMessage()); // denied, or not found
            try (ResultSet rs = s.executeQuery("SELECT has_schema_privilege('casjobs', 'USAGE'),"
                    + " has_schema_privilege('casjobs', 'CREATE')")) {
                rs.next();
                assertFalse(rs.getBoolean(1), "no USAGE on the store's schema");
                assertFalse(rs.getBoolean(2), "no CREATE on the store's schema");
            }
        }
        // The owner, which the service logs in as, reads it: the refusal above is the role's, not a broken store.
        try (Connection c = store.database().connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT username FROM casjobs.accounts")) {
            assertTrue(rs.next());
            assertEquals("alice", rs.getString(1));
        }
    }
}
