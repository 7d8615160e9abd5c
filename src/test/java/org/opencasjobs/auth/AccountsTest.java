package org.opencasjobs.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opencasjobs.config.ServerConfig;
import org.opencasjobs.jobs.Account;
import org.opencasjobs.jobs.CasJobsException;
import org.opencasjobs.store.AccountStore;
import org.opencasjobs.store.JdbcAccountStore;
import org.opencasjobs.store.JobStoreDatabase;
import org.opencasjobs.testing.ManualClock;

class AccountsTest {
    private JobStoreDatabase db;
    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-28T10:00:00Z"));
    private Accounts accounts;
    private Account alice;

    @BeforeEach
    void open() {
        db = JobStoreDatabase.open(ServerConfig.of(Map.of(
                "casjobs.jobstore.url", "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1")));
        accounts = new Accounts(new JdbcAccountStore(db.dataSource()), clock, 3, 60, 30);
        alice = accounts.create("alice", "right", false);
    }

    @AfterEach
    void close() {
        db.close();
    }

    private String failure(long wsid, String pw, String address) {
        return assertThrows(CasJobsException.class, () -> accounts.authenticate(wsid, pw, address)).getMessage();
    }

    @Test
    void rightPasswordPassesAndWrongOrUnknownLookTheSame() {
        assertEquals(alice.wsid(), accounts.authenticate(alice.wsid(), "right", "a").wsid());
        assertEquals(Accounts.BAD_CREDENTIALS, failure(alice.wsid(), "wrong", "a"));
        assertEquals(Accounts.BAD_CREDENTIALS, failure(1L, "right", "a"));
        assertEquals(Accounts.BAD_CREDENTIALS, failure(alice.wsid(), null, "a"));
    }

    @Test
    void aRememberedLoginDoesNotLetAnotherPasswordIn() {
        accounts.authenticate(alice.wsid(), "right", "a");
        assertEquals(Accounts.BAD_CREDENTIALS, failure(alice.wsid(), "right ", "a"));
        assertEquals(Accounts.BAD_CREDENTIALS, failure(alice.wsid(), "", "a"));
    }

    @Test
    void repeatedFailuresForOneWsidAreRefusedUntilTheWindowEnds() {
        for (int i = 0; i < 3; i++) {
            failure(alice.wsid(), "guess" + i, "addr" + i);
        }
        assertTrue(failure(alice.wsid(), "right", "fresh-address").startsWith("Too many failed logins"),
                "even the right password waits once the limit is reached");
        clock.advance(Duration.ofSeconds(61));
        assertEquals(alice.wsid(), accounts.authenticate(alice.wsid(), "right", "fresh-address").wsid());
    }

    @Test
    void repeatedFailuresFromOneAddressAreRefusedForEveryWsid() {
        Account bob = accounts.create("bob", "bobs", false);
        for (int i = 0; i < 3 * Accounts.ADDRESS_FACTOR; i++) {
            failure(100L + i, "x", "10.0.0.9");
        }
        assertTrue(failure(bob.wsid(), "bobs", "10.0.0.9").contains("Try again in"));
        assertEquals(bob.wsid(), accounts.authenticate(bob.wsid(), "bobs", "10.0.0.10").wsid());
    }

    @Test
    void parallelGuessesCannotOutrunTheLimit() throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(20);
        java.util.List<java.util.concurrent.Future<String>> tries = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String guess = "guess" + i;
            tries.add(pool.submit(() -> failure(alice.wsid(), guess, "a")));
        }
        long checked = 0;
        for (java.util.concurrent.Future<String> t : tries) {
            checked += t.get().equals(Accounts.BAD_CREDENTIALS) ? 1 : 0;
        }
        pool.shutdown();
        assertEquals(3, checked, "only the allowed 3 guesses had their password checked");
    }

    @Test
    void aRememberedLoginIsNotLockedOutByAnothersGuesses() {
        accounts.authenticate(alice.wsid(), "right", "a");
        for (int i = 0; i < 3; i++) {
            failure(alice.wsid(), "guess" + i, "b");
        }
        assertEquals(alice.wsid(), accounts.authenticate(alice.wsid(), "right", "a").wsid());
        assertTrue(failure(alice.wsid(), "guess", "a").startsWith("Too many failed logins"));
    }

    @Test
    void namesAreUniqueAndPasswordsRequired() {
        assertThrows(IllegalArgumentException.class, () -> accounts.create("alice", "x", false));
        assertThrows(IllegalArgumentException.class, () -> accounts.create("carol", "", false));
        assertThrows(IllegalArgumentException.class, () -> accounts.create(" ", "x", false));
    }

    @Test
    void hashesAreSaltedAndVerifiable() {
        String a = PasswordHasher.hash("same");
        String b = PasswordHasher.hash("same");
        assertTrue(!a.equals(b), "a fresh salt each time");
        assertTrue(PasswordHasher.verify("same", a) && PasswordHasher.verify("same", b));
        assertTrue(!PasswordHasher.verify("Same", a));
        assertTrue(!a.contains("same"));
    }

    /** What the admin endpoint relies on: a change is seen by the account's next call, remembered login or not. */
    @Test
    void changesForgetTheAccountsRememberedLogins() {
        accounts.authenticate(alice.wsid(), "right", "a"); // remembered for 30 s
        accounts.setDisabled(alice.wsid(), true);
        assertEquals("The account with WebServicesID " + alice.wsid() + " is disabled.", failure(alice.wsid(), "right", "a"));
        accounts.setDisabled(alice.wsid(), false);
        assertTrue(!accounts.authenticate(alice.wsid(), "right", "a").admin());
        accounts.setAdmin(alice.wsid(), true);
        assertTrue(accounts.authenticate(alice.wsid(), "right", "a").admin());
        accounts.setPassword(alice.wsid(), "new");
        assertEquals(Accounts.BAD_CREDENTIALS, failure(alice.wsid(), "right", "a"));
        assertEquals(alice.wsid(), accounts.authenticate(alice.wsid(), "new", "a").wsid());
    }

    /** A login that read the account just before a change must not be remembered after it. */
    @Test
    void aLoginReadBeforeAChangeIsNotRememberedAfterIt() {
        JdbcAccountStore real = new JdbcAccountStore(db.dataSource());
        Accounts[] racing = new Accounts[1];
        AccountStore store = new AccountStore() {
            @Override
            public Account create(String username, String passwordHash, boolean admin, java.time.LocalDateTime now) {
                return real.create(username, passwordHash, admin, now);
            }

            @Override
            public Optional<StoredAccount> find(long wsid) {
                Optional<StoredAccount> before = real.find(wsid);
                racing[0].setDisabled(wsid, true); // the operator's disable lands right after this read
                return before;
            }

            @Override
            public Optional<StoredAccount> findByName(String username) {
                return real.findByName(username);
            }

            @Override
            public java.util.List<Account> list() {
                return real.list();
            }

            @Override
            public boolean setPasswordHash(long wsid, String passwordHash) {
                return real.setPasswordHash(wsid, passwordHash);
            }

            @Override
            public boolean setAdmin(long wsid, boolean admin) {
                return real.setAdmin(wsid, admin);
            }

            @Override
            public boolean setDisabled(long wsid, boolean disabled) {
                return real.setDisabled(wsid, disabled);
            }

            @Override
            public boolean isEmpty() {
                return real.isEmpty();
            }
        };
        racing[0] = new Accounts(store, clock, 3, 60, 30);
        assertEquals(alice.wsid(), racing[0].authenticate(alice.wsid(), "right", "a").wsid()); // read before the disable
        assertTrue(real.find(alice.wsid()).orElseThrow().account().disabled());
        // Not remembered: the next call reads the store again and sees the disable.
        CasJobsException e = assertThrows(CasJobsException.class, () -> racing[0].authenticate(alice.wsid(), "right", "a"));
        assertTrue(e.getMessage().contains("is disabled"), e.getMessage());
    }
}
