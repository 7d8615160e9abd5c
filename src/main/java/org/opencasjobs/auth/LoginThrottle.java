package org.opencasjobs.auth;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Slows password guessing without locking the owner out. Only failed password checks count, in
 * fixed windows, under three keys:
 * <ul>
 * <li><b>the account from one address</b> (account key and client address): {@code perPair}
 * failures, then that address is refused for that account until the window ends;</li>
 * <li><b>the address</b>: {@code perAddress} failures (only reachable by guessing at many
 * accounts, since refused attempts are not counted), then the address is refused for every
 * account except those that logged in from it before (see below);</li>
 * <li><b>the account</b>, from all addresses: {@code perAccount} failures (a much higher bound,
 * against guessing from many addresses); past it, only an address that has not failed for this
 * account in its window, or one it logged in from before, gets its password checked, one check
 * at a time.</li>
 * </ul>
 * A correct password clears its (account, address) failures and marks that pair as known for
 * {@link #KNOWN_MILLIS}; it never counts as a failure. Checks in flight hold a place under each
 * key, so parallel guesses cannot outrun a limit; a call that finds a limit filled only by checks
 * in flight waits for them rather than being refused (right-password calls in parallel are never
 * refused), and gives up waiting when {@code settled} says another call already logged in.
 */
final class LoginThrottle {
    /** How long a (account, address) pair that logged in stays known and passes the address and account bounds. */
    static final long KNOWN_MILLIS = TimeUnit.DAYS.toMillis(7);
    /** Past this many tracked keys (and past this many known pairs), ended windows are dropped (bounds memory). */
    private static final int PRUNE_ABOVE = 100_000;
    /** The longest a call waits for checks in flight before it is refused after all (never, unless hashing stalls). */
    private static final long MAX_WAIT_MILLIS = 30_000;

    /** Refused: {@link #seconds} until the limit that refused it ends. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        final long seconds;

        Refused(long seconds) {
            super(null, null, false, false);
            this.seconds = seconds;
        }
    }

    /** A password check that holds a place under its three keys until it ends. */
    static final class Attempt {
        private final String account;
        private final String address;
        private final String pair;
        private boolean ended;

        private Attempt(String account, String address, String pair) {
            this.account = account;
            this.address = address;
            this.pair = pair;
        }
    }

    private static final class Count {
        long startMillis;
        int failures;
        int inFlight;
    }

    private final Clock clock;
    private final long windowMillis;
    private final int perPair;
    private final int perAddress;
    private final int perAccount;
    /** Guarded by this. */
    private final Map<String, Count> counts = new HashMap<>();
    /** Pair key → when it stops being known. Guarded by this. */
    private final Map<String, Long> known = new HashMap<>();
    private int pruneCountsAbove = PRUNE_ABOVE;

    LoginThrottle(Clock clock, int windowSeconds, int perPair, int perAddress, int perAccount) {
        this.clock = clock;
        this.windowMillis = windowSeconds * 1000L;
        this.perPair = perPair;
        this.perAddress = perAddress;
        this.perAccount = perAccount;
    }

    /**
     * Starts a password check of {@code accountKey} from {@code address}: the attempt to end with
     * {@link #succeeded}, {@link #failed} or {@link #abandoned}, or null when {@code settled}
     * became true while waiting for checks in flight.
     *
     * @throws Refused when a limit is reached; nothing is counted
     */
    synchronized Attempt begin(String accountKey, String address, BooleanSupplier settled) throws Refused {
        String addressKey = "addr:" + address;
        String pairKey = accountKey + "\u0000" + address;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MAX_WAIT_MILLIS);
        while (true) {
            if (settled.getAsBoolean()) {
                dropIdle(pairKey, addressKey, accountKey);
                return null;
            }
            long now = clock.millis();
            Count pair = live(pairKey, now);
            Count addr = live(addressKey, now);
            Count account = live(accountKey, now);
            Long knownUntil = known.get(pairKey);
            boolean isKnown = knownUntil != null && knownUntil > now;
            boolean accountFull = account.failures >= perAccount;
            long wait = 0;
            if (pair.failures >= perPair) {
                wait = Math.max(wait, secondsLeft(pair, now));
            }
            if (!isKnown && addr.failures >= perAddress) {
                wait = Math.max(wait, secondsLeft(addr, now));
            }
            if (accountFull && !isKnown && pair.failures > 0) {
                wait = Math.max(wait, secondsLeft(account, now));
            }
            if (wait > 0) {
                dropIdle(pairKey, addressKey, accountKey);
                throw new Refused(wait);
            }
            boolean busy = pair.failures + pair.inFlight >= perPair
                    || (!isKnown && addr.failures + addr.inFlight >= perAddress)
                    || (accountFull ? pair.inFlight > 0 : account.failures + account.inFlight >= perAccount);
            if (!busy) {
                pair.inFlight++;
                addr.inFlight++;
                account.inFlight++;
                return new Attempt(accountKey, addressKey, pairKey);
            }
            long leftNanos = deadline - System.nanoTime();
            if (leftNanos <= 0) {
                dropIdle(pairKey, addressKey, accountKey);
                throw new Refused(1);
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, leftNanos);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                dropIdle(pairKey, addressKey, accountKey);
                throw new Refused(1);
            }
        }
    }

    /** The password was right: its pair's failures are cleared and the pair becomes known; nothing is counted. */
    synchronized void succeeded(Attempt a) {
        if (end(a)) {
            Count pair = counts.get(a.pair);
            if (pair != null) {
                pair.failures = 0;
            }
            long now = clock.millis();
            if (known.size() >= PRUNE_ABOVE) {
                known.values().removeIf(until -> until <= now);
            }
            if (known.size() < PRUNE_ABOVE || known.containsKey(a.pair)) {
                known.put(a.pair, now + KNOWN_MILLIS);
            }
            dropIdle(a.pair, a.address, a.account);
            notifyAll();
        }
    }

    /** The password was wrong (or the account unknown): one failure under each key. */
    synchronized void failed(Attempt a) {
        if (end(a)) {
            long now = clock.millis();
            for (String key : new String[] {a.pair, a.address, a.account}) {
                Count c = live(key, now);
                if (c.failures == 0) {
                    c.startMillis = now;
                }
                c.failures++;
            }
            prune(now);
            notifyAll();
        }
    }

    /** The check did not finish (an error): its places are freed, nothing is counted. */
    synchronized void abandoned(Attempt a) {
        if (end(a)) {
            dropIdle(a.pair, a.address, a.account);
            notifyAll();
        }
    }

    /** Keys tracked now (tests: memory stays bounded). */
    synchronized int tracked() {
        return counts.size();
    }

    private boolean end(Attempt a) {
        if (a.ended) {
            return false;
        }
        a.ended = true;
        for (String key : new String[] {a.pair, a.address, a.account}) {
            Count c = counts.get(key);
            if (c != null && c.inFlight > 0) {
                c.inFlight--;
            }
        }
        return true;
    }

    /** The count for {@code key}, its failures forgotten if their window has ended. */
    private Count live(String key, long now) {
        Count c = counts.computeIfAbsent(key, k -> new Count());
        if (c.failures > 0 && now - c.startMillis >= windowMillis) {
            c.failures = 0;
        }
        return c;
    }

    private long secondsLeft(Count c, long now) {
        return Math.max(1, (c.startMillis + windowMillis - now + 999) / 1000);
    }

    private void dropIdle(String... keys) {
        for (String key : keys) {
            Count c = counts.get(key);
            if (c != null && c.failures == 0 && c.inFlight == 0) {
                counts.remove(key);
            }
        }
    }

    private void prune(long now) {
        if (counts.size() > pruneCountsAbove) {
            counts.values().removeIf(c -> c.inFlight == 0 && (c.failures == 0 || now - c.startMillis >= windowMillis));
            // Failures still in their window are kept (forgetting them would help the guesser); scan again only
            // after the map has grown as much again, so a flood of live keys does not make every failure a full scan.
            pruneCountsAbove = Math.max(PRUNE_ABOVE, counts.size() * 2);
        }
    }
}
