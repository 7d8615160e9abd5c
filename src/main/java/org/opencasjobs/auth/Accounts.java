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
    /** An address is throttled after this many times the failures allowed for one wsid. */
    static final int ADDRESS_FACTOR = 10;
    /** A hash no password matches in practice, checked for unknown wsids. */
    private static final String UNKNOWN = PasswordHasher.hash(java.util.UUID.randomUUID().toString());

    private record Remembered(Account account, long expiresMillis) {
    }

    private final AccountStore store;
    private final Clock clock;
    private final LoginThrottle throttle;
    private final int maxFailures;
    private final long cacheMillis;
    private final ConcurrentHashMap<String, Remembered> remembered = new ConcurrentHashMap<>();
    private final byte[] cacheKey = new byte[32];
    /** Counts account changes, so that a login read before a change is not remembered after it. */
    private final AtomicLong changes = new AtomicLong();

    public Accounts(AccountStore store, Clock clock, int maxFailures, int windowSeconds, int cacheSeconds) {
        this.store = store;
        this.clock = clock;
        this.throttle = new LoginThrottle(clock, windowSeconds);
        this.maxFailures = maxFailures;
        this.cacheMillis = cacheSeconds * 1000L;
        new SecureRandom().nextBytes(cacheKey);
    }

    /** The account for these credentials, or a {@link CasJobsException} that says why not. */
    public Account authenticate(long wsid, String password, String clientAddress) {
        String pw = password == null ? "" : password;
        String key = mac(wsid, pw);
        long now = clock.millis();
        Remembered r = remembered.get(key);
        if (r != null && r.expiresMillis > now) {
            return r.account; // only the right password reaches this: no guess to throttle
        }
        String wsidKey = "wsid:" + wsid;
        String addressKey = "addr:" + clientAddress;
        countAttempt(wsidKey, addressKey, "WebServicesID");
        long changesSeen = changes.get();
        Optional<AccountStore.StoredAccount> stored = store.find(wsid);
        // An unknown wsid costs a hash too, so answer times do not tell which wsids exist.
        boolean ok = PasswordHasher.verify(pw, stored.map(AccountStore.StoredAccount::passwordHash).orElse(UNKNOWN))
                && stored.isPresent();
        if (!ok) {
            throw new CasJobsException(BAD_CREDENTIALS);
        }
        throttle.forgive(wsidKey);
        throttle.forgive(addressKey);
        Account account = stored.get().account();
        if (account.disabled()) {
            throw new CasJobsException("The account with WebServicesID " + wsid + " is disabled.");
        }
        if (cacheMillis > 0) {
            remembered.values().removeIf(old -> old.expiresMillis <= now);
            remembered.put(key, new Remembered(account, now + cacheMillis));
            if (changes.get() != changesSeen) {
                remembered.remove(key); // an account changed while this login read it: check it again next time
            }
        }
        return account;
    }

    /**
     * The WebServicesID of the account with this user name and password, or -1 when they do not
     * match an enabled account (casusers.asmx GetWebServiceId). Guesses are throttled like wrong
     * passwords with a wsid: per account (or per unknown name) and per client address, and an
     * unknown name costs a hash too, so answer times do not tell which names exist.
     */
    public long webServiceId(String username, String password, String clientAddress) {
        String pw = password == null ? "" : password;
        String name = username == null ? "" : username.trim();
        Optional<AccountStore.StoredAccount> stored = name.isEmpty() ? Optional.empty() : store.findByName(name);
        // A known name shares its throttle with its wsid, so both ways of guessing count together.
        String accountKey = stored.map(a -> "wsid:" + a.account().wsid())
                .orElse("name:" + name.toLowerCase(java.util.Locale.ROOT));
        String addressKey = "addr:" + clientAddress;
        countAttempt(accountKey, addressKey, "user name");
        boolean ok = PasswordHasher.verify(pw, stored.map(AccountStore.StoredAccount::passwordHash).orElse(UNKNOWN))
                && stored.isPresent();
        if (!ok) {
            return -1;
        }
        throttle.forgive(accountKey);
        throttle.forgive(addressKey);
        Account account = stored.get().account();
        return account.disabled() ? -1 : account.wsid();
    }

    /** Counts a login attempt for the account and the address, or refuses it when either is at its limit. */
    private void countAttempt(String accountKey, String addressKey, String what) {
        // An address may be shared by many users (a NAT, a proxy): it gets more tries than one account.
        int addressMax = maxFailures * ADDRESS_FACTOR;
        boolean accountCounted = throttle.tryAttempt(accountKey, maxFailures);
        if (!accountCounted || !throttle.tryAttempt(addressKey, addressMax)) {
            if (accountCounted) {
                throttle.forgive(accountKey);
            }
            long wait = Math.max(throttle.secondsBlocked(accountKey, maxFailures),
                    throttle.secondsBlocked(addressKey, addressMax));
            throw new CasJobsException("Too many failed logins for this " + what + " or from this address. "
                    + "Try again in " + Math.max(1, wait) + " seconds.");
        }
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
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(cacheKey, "HmacSHA256"));
            return HexFormat.of().formatHex(m.doFinal((wsid + "\u0000" + pw).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
