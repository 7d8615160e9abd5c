package org.opencasjobs.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.LocalDateTime;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.opencasjobs.jobs.Account;
import org.opencasjobs.jobs.CasJobsException;
import org.opencasjobs.store.AccountStore;

/**
 * Checks the wsid and password that every call carries. A slow hash is checked once; a success
 * is then remembered for a short time under an HMAC of (wsid, password) with a key that lives
 * only in this process, so the plain password is never kept and the cache is no guessing oracle.
 */
public final class Accounts {
    public static final String BAD_CREDENTIALS = "Invalid WebServicesID or password.";
    /**
     * {@code maxFailures} is the limit per (wsid, client address); an address, over all wsids, is
     * refused after this many times as many failures (a NAT or proxy is shared by many users).
     */
    static final int ADDRESS_FACTOR = 10;
    /**
     * A wsid, over all addresses, is limited after this many times {@code maxFailures}; past that,
     * only addresses that have not failed for it in the window (or that it logged in from before)
     * have their password checked, one check at a time.
     */
    static final int WSID_FACTOR = 10;
    /** A hash no password matches in practice, checked for unknown wsids. */
    private static final String UNKNOWN = PasswordHasher.hash(java.util.UUID.randomUUID().toString());

    private record Remembered(Account account, long expiresMillis) {
    }

    private final AccountStore store;
    private final Clock clock;
    private final LoginThrottle throttle;
    private final long cacheMillis;
    private final ConcurrentHashMap<String, Remembered> remembered = new ConcurrentHashMap<>();
    private final byte[] cacheKey = new byte[32];
    /** The keyed hash of the login cache, made once per thread (Mac.getInstance is slow). */
    private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(() -> {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(cacheKey, "HmacSHA256"));
            return m;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    });
    /** Counts account changes, so that a login read before a change is not remembered after it. */
    private final AtomicLong changes = new AtomicLong();

    public Accounts(AccountStore store, Clock clock, int maxFailures, int windowSeconds, int cacheSeconds) {
        this.store = store;
        this.clock = clock;
        this.throttle = new LoginThrottle(clock, windowSeconds, maxFailures, maxFailures * ADDRESS_FACTOR,
                maxFailures * WSID_FACTOR);
        this.cacheMillis = cacheSeconds * 1000L;
        new SecureRandom().nextBytes(cacheKey);
    }

    /**
     * The account for these credentials, or a {@link CasJobsException} that says why not. Failed
     * checks are throttled by {@link LoginThrottle}: per (wsid, address), per address and, at a
     * much higher bound, per wsid; the right password is never counted against anyone.
     */
    public Account authenticate(long wsid, String password, String clientAddress) {
        String pw = password == null ? "" : password;
        String key = mac(wsid, pw);
        while (true) {
            Account known = remembered(key);
            if (known != null) {
                return known; // only the right password reaches this: no guess to throttle
            }
            LoginThrottle.Attempt attempt;
            try {
                // Waiting behind parallel checks of the same login ends as soon as one of them is remembered.
                attempt = throttle.begin("wsid:" + wsid, address(clientAddress), () -> remembered(key) != null);
            } catch (LoginThrottle.Refused e) {
                throw tooMany("WebServicesID", e);
            }
            if (attempt == null) {
                continue;
            }
            Account account = null;
            try {
                long changesSeen = changes.get();
                Optional<AccountStore.StoredAccount> stored = store.find(wsid);
                // An unknown wsid costs a hash too, so answer times do not tell which wsids exist.
                boolean ok = PasswordHasher.verify(pw,
                        stored.map(AccountStore.StoredAccount::passwordHash).orElse(UNKNOWN)) && stored.isPresent();
                if (!ok) {
                    throttle.failed(attempt);
                    throw new CasJobsException(BAD_CREDENTIALS);
                }
                account = stored.get().account();
                if (!account.disabled() && cacheMillis > 0) {
                    long now = clock.millis();
                    remembered.values().removeIf(old -> old.expiresMillis <= now);
                    remembered.put(key, new Remembered(account, now + cacheMillis)); // before waiters are woken
                    if (changes.get() != changesSeen) {
                        remembered.remove(key); // the account changed while this login read it: check again next time
                    }
                }
                throttle.succeeded(attempt);
            } finally {
                throttle.abandoned(attempt); // no-op unless the check ended in an error
            }
            if (account.disabled()) {
                throw new CasJobsException("The account with WebServicesID " + wsid + " is disabled.");
            }
            return account;
        }
    }

    /**
     * The WebServicesID of the account with this user name and password, or -1 when they do not
     * match an enabled account or while guesses are throttled (casusers.asmx GetWebServiceId, which
     * answers nothing but a number). Guesses are throttled like wrong passwords with a wsid, under the
     * same keys: a known name counts as its wsid, an unknown one as itself; and an unknown name
     * costs a hash too, so answer times do not tell which names exist.
     */
    public long webServiceId(String username, String password, String clientAddress) {
        String pw = password == null ? "" : password;
        String name = username == null ? "" : username.trim();
        Optional<AccountStore.StoredAccount> stored = name.isEmpty() ? Optional.empty() : store.findByName(name);
        String accountKey = stored.map(a -> "wsid:" + a.account().wsid())
                .orElse("name:" + name.toLowerCase(java.util.Locale.ROOT));
        LoginThrottle.Attempt attempt;
        try {
            attempt = throttle.begin(accountKey, address(clientAddress), () -> false);
        } catch (LoginThrottle.Refused e) {
            return -1;
        }
        try {
            boolean ok = PasswordHasher.verify(pw, stored.map(AccountStore.StoredAccount::passwordHash).orElse(UNKNOWN))
                    && stored.isPresent();
            if (!ok) {
                throttle.failed(attempt);
                return -1;
            }
            throttle.succeeded(attempt);
        } finally {
            throttle.abandoned(attempt);
        }
        Account account = stored.get().account();
        return account.disabled() ? -1 : account.wsid();
    }

    /** Throttle keys tracked now (tests: successes leave nothing behind). */
    int trackedThrottleKeys() {
        return throttle.tracked();
    }

    private Account remembered(String key) {
        Remembered r = remembered.get(key);
        return r != null && r.expiresMillis > clock.millis() ? r.account : null;
    }

    private static String address(String clientAddress) {
        return clientAddress == null ? "" : clientAddress;
    }

    private static CasJobsException tooMany(String what, LoginThrottle.Refused e) {
        return new CasJobsException("Too many failed logins for this " + what + " or from this address. "
                + "Try again in " + Math.max(1, e.seconds) + " seconds.");
    }

    public Account create(String username, String password, boolean admin) {
        if (username == null || username.isBlank()) {
            throw new IllegalArgumentException("The user name must not be empty.");
        }
        if (password == null || password.isEmpty()) {
            throw new IllegalArgumentException("The password must not be empty.");
        }
        return store.create(username.trim(), PasswordHasher.hash(password), admin, LocalDateTime.now(clock));
    }

    /**
     * The account with this wsid (when {@code wsid} is not null) or else this user name, or an
     * {@link IllegalArgumentException} naming what was not found.
     */
    public Account find(Long wsid, String username) {
        return (wsid != null ? store.find(wsid) : store.findByName(username == null ? "" : username.trim()))
                .map(AccountStore.StoredAccount::account)
                .orElseThrow(() -> new IllegalArgumentException(wsid != null
                        ? "There is no account with wsid " + wsid + "."
                        : "There is no account named '" + username + "'."));
    }

    /** Every account, in the store's order. */
    public List<Account> list() {
        return store.list();
    }

    /**
     * Sets a new password: the old one stops working at once in this process (its remembered
     * logins are forgotten). A server changes it through its own instance (the admin endpoint),
     * so a running server never keeps accepting the old password.
     *
     * @return false if there is no account with this wsid
     */
    public boolean setPassword(long wsid, String password) {
        if (password == null || password.isEmpty()) {
            throw new IllegalArgumentException("The password must not be empty.");
        }
        boolean changed = store.setPasswordHash(wsid, PasswordHasher.hash(password));
        forget(wsid);
        return changed;
    }

    /**
     * Grants or revokes administrator rights; remembered logins of the account are forgotten, so
     * its next call sees the change.
     *
     * @return false if there is no account with this wsid
     */
    public boolean setAdmin(long wsid, boolean admin) {
        boolean changed = store.setAdmin(wsid, admin);
        forget(wsid);
        return changed;
    }

    /**
     * Disables an account (its logins are refused from its next call on: remembered logins are
     * forgotten) or enables it again.
     *
     * @return false if there is no account with this wsid
     */
    public boolean setDisabled(long wsid, boolean disabled) {
        boolean changed = store.setDisabled(wsid, disabled);
        forget(wsid);
        return changed;
    }

    /** Forgets the remembered logins of one account: its next call checks the store again. */
    public void forget(long wsid) {
        changes.incrementAndGet();
        remembered.values().removeIf(r -> r.account.wsid() == wsid);
    }

    private String mac(long wsid, String pw) {
        // doFinal resets the Mac for the next use; one per thread, as every call checks a login.
        return HexFormat.of().formatHex(macs.get().doFinal((wsid + "\u0000" + pw).getBytes(StandardCharsets.UTF_8)));
    }
}
