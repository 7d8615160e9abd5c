package org.opencasjobs.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
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
    void repeatedFailuresForOneWsidFromOneAddressAreRefusedThereUntilTheWindowEnds() {
        for (int i = 0; i < 3; i++) {
            failure(alice.wsid(), "guess" + i, "a");
        }
        String refused = failure(alice.wsid(), "right", "a");
        assertTrue(refused.startsWith("Too many failed logins for this WebServicesID or from this address. Try again in "),
                refused);
        assertTrue(refused.endsWith(" seconds."), refused);
        assertEquals(alice.wsid(), accounts.authenticate(alice.wsid(), "right", "fresh-address").wsid(),
                "the owner elsewhere is not locked out by failures from another address");
        clock.advance(Duration.ofSeconds(61));
        assertEquals(alice.wsid(), accounts.authenticate(alice.wsid(), "right", "a").wsid());
    }

    @Test
    void aThousandGuessesFromOneAddressSlowTheAttackerNotTheOwner() {
        Accounts uncached = new Accounts(new JdbcAccountStore(db.dataSource()), clock, 3, 60, 0); // every login checked
        int checked = 0;
        int refused = 0;
        for (int window = 0; window < 10; window++) {
            for (int i = 0; i < 100; i++) {
                String guess = "guess" + window + "-" + i;
                String m = assertThrows(CasJobsException.class,
                        () -> uncached.authenticate(alice.wsid(), guess, "attacker")).getMessage();
                if (m.equals(Accounts.BAD_CREDENTIALS)) {
                    checked++;
                } else {
                    assertTrue(m.startsWith("Too many failed logins") && m.contains("Try again in"), m);
                    refused++;
                }
                if (i % 25 == 0) {
                    assertEquals(alice.wsid(), uncached.authenticate(alice.wsid(), "right", "owner").wsid());
                }
            }
            clock.advance(Duration.ofSeconds(61));
        }
        assertEquals(10 * 3, checked, "3 checked guesses per window");
        assertEquals(1000 - 30, refused, "the rest refused without a check");
    }

    @Test
    void guessingFromManyAddressesHitsTheWsidBoundButTheOwnerStillGetsIn() {
        for (int i = 0; i < 3 * Accounts.WSID_FACTOR; i++) {
            assertEquals(Accounts.BAD_CREDENTIALS, failure(alice.wsid(), "guess" + i, "bot" + i));
        }
        assertTrue(failure(alice.wsid(), "guess", "bot0").startsWith("Too many failed logins"),
                "past the wsid bound an address that failed is refused at its first failure");
        assertEquals(Accounts.BAD_CREDENTIALS, failure(alice.wsid(), "guess", "new-bot"),
                "an address that has not failed gets one check");
        assertTrue(failure(alice.wsid(), "guess2", "new-bot").startsWith("Too many failed logins"));
        assertEquals(alice.wsid(), accounts.authenticate(alice.wsid(), "right", "owner").wsid());
        clock.advance(Duration.ofSeconds(61));
        assertEquals(Accounts.BAD_CREDENTIALS, failure(alice.wsid(), "guess", "bot0"));
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
    void guessesAtOneWsidDoNotLockOutOthersBehindTheSameAddress() {
        Account bob = accounts.create("bob", "bobs", false);
        for (int i = 0; i < 1000; i++) {
            failure(alice.wsid(), "guess" + i, "nat");
        }
        assertEquals(bob.wsid(), accounts.authenticate(bob.wsid(), "bobs", "nat").wsid());
        assertEquals(bob.wsid(), accounts.webServiceId("bob", "bobs", "nat"));
    }

    @Test
    void anAccountThatLoggedInFromAnAddressPassesThatAddresssBound() {
        Account bob = accounts.create("bob", "bobs", false);
        Account carol = accounts.create("carol", "carols", false);
        accounts.authenticate(bob.wsid(), "bobs", "nat");
        clock.advance(Duration.ofSeconds(31)); // the login cache forgets it; the address remembers bob
        for (int i = 0; i < 3 * Accounts.ADDRESS_FACTOR; i++) {
            failure(100L + i, "x", "nat");
        }
        assertTrue(failure(carol.wsid(), "carols", "nat").startsWith("Too many failed logins"),
                "an account new to this address waits out the address bound");
        assertEquals(bob.wsid(), accounts.authenticate(bob.wsid(), "bobs", "nat").wsid());
        clock.advance(Duration.ofSeconds(31));
        assertEquals(Accounts.BAD_CREDENTIALS, failure(bob.wsid(), "guess", "nat"), "bob's password is still checked");
        clock.advance(Duration.ofSeconds(30));
        assertEquals(carol.wsid(), accounts.authenticate(carol.wsid(), "carols", "nat").wsid());
    }

    @Test
    void parallelGuessesCannotOutrunTheLimit() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(20);
        List<Future<String>> tries = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String guess = "guess" + i;
            tries.add(pool.submit(() -> failure(alice.wsid(), guess, "a")));
        }
        long checked = 0;
        for (Future<String> t : tries) {
            checked += t.get().equals(Accounts.BAD_CREDENTIALS) ? 1 : 0;
        }
        pool.shutdown();
        assertEquals(3, checked, "only the allowed 3 guesses had their password checked");
    }

    @Test
    void fiftyParallelFirstLoginsWithTheRightPasswordAllSucceed() throws Exception {
        assertEquals(50, parallelLogins(accounts, 50, i -> "a"));
        assertEquals(50, parallelLogins(accounts, 50, i -> "host" + (i % 7)));
        assertEquals(0, accounts.trackedThrottleKeys(), "right passwords leave nothing counted");
        Accounts uncached = new Accounts(new JdbcAccountStore(db.dataSource()), clock, 3, 60, 0);
        assertEquals(50, parallelLogins(uncached, 50, i -> "a"), "each checked in turn, none refused");
    }

    @Test
    void parallelRightPasswordsGetInWhileAnAttackerGuessesInParallel() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(20);
        List<Future<String>> guesses = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String guess = "guess" + i;
            guesses.add(pool.submit(() -> failure(alice.wsid(), guess, "attacker")));
        }
        assertEquals(20, parallelLogins(accounts, 20, i -> "owner"));
        for (Future<String> g : guesses) {
            assertTrue(g.get().equals(Accounts.BAD_CREDENTIALS) || g.get().startsWith("Too many failed logins"));
        }
        pool.shutdown();
    }

    /** Starts {@code n} first logins of alice with the right password at once; how many succeeded. */
    private int parallelLogins(Accounts who, int n, IntFunction<String> address) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Long>> logins = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String from = address.apply(i);
            logins.add(pool.submit(() -> {
                start.await();
                return who.authenticate(alice.wsid(), "right", from).wsid();
            }));
        }
        start.countDown();
        int ok = 0;
        for (Future<Long> f : logins) {
            assertEquals(alice.wsid(), f.get(), "no right-password login is refused");
            ok++;
        }
        pool.shutdown();
        return ok;
    }

    @Test
    void aRememberedLoginIsNotLockedOutByAnothersGuesses() {
        accounts.authenticate(alice.wsid(), "right", "a");
        for (int i = 0; i < 3; i++) {
            failure(alice.wsid(), "guess" + i, "b");
        }
        assertEquals(alice.wsid(), accounts.authenticate(alice.wsid(), "right", "a").wsid());
        assertTrue(failure(alice.wsid(), "guess", "b").startsWith("Too many failed logins"));
        assertEquals(Accounts.BAD_CREDENTIALS, failure(alice.wsid(), "guess", "a"),
                "another address's failures do not lock this one out below the wsid bound");
    }

    @Test
    void webServiceIdAnswersMinusOneWhileThrottledAndSharesTheWsidsCount() {
        for (int i = 0; i < 3; i++) {
            assertEquals(-1, accounts.webServiceId("alice", "guess" + i, "a"));
        }
        assertEquals(-1, accounts.webServiceId("alice", "right", "a"), "throttled: -1, not an error");
        assertTrue(failure(alice.wsid(), "right", "a").startsWith("Too many failed logins"));
        assertEquals(alice.wsid(), accounts.webServiceId("alice", "right", "b"));
        for (int i = 0; i < 3; i++) {
            assertEquals(-1, accounts.webServiceId("nobody", "guess" + i, "a"));
        }
        assertEquals(-1, accounts.webServiceId("nobody", "x", "a"));
        clock.advance(Duration.ofSeconds(61));
        assertEquals(alice.wsid(), accounts.webServiceId("alice", "right", "a"));
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
