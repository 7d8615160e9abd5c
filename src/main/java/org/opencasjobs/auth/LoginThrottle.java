package org.opencasjobs.auth;

import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts login attempts per wsid and per client address in fixed windows; an attempt is counted
 * before its password is checked (so parallel guesses cannot outrun the limit) and forgiven if it
 * succeeds. Once a key reaches the limit, attempts are refused until its window ends, so
 * passwords cannot be guessed at request speed.
 */
final class LoginThrottle {
    /** Past this many tracked keys, windows that have ended are dropped (bounds memory). */
    private static final int PRUNE_ABOVE = 100_000;

    private record Window(long startMillis, int failures) {
    }

    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();
    private final Clock clock;
    private final long windowMillis;

    LoginThrottle(Clock clock, int windowSeconds) {
        this.clock = clock;
        this.windowMillis = windowSeconds * 1000L;
    }

    /** Seconds until {@code key}, allowed {@code maxFailures} per window, may try again, or 0 when it may try now. */
    long secondsBlocked(String key, int maxFailures) {
        Window w = windows.get(key);
        long now = clock.millis();
        if (w == null || w.failures < maxFailures || now - w.startMillis >= windowMillis) {
            return 0;
        }
        return Math.max(1, (w.startMillis + windowMillis - now + 999) / 1000);
    }

    /** Counts an attempt for {@code key}; false, counting nothing, when the key is at its limit. */
    boolean tryAttempt(String key, int maxFailures) {
        long now = clock.millis();
        boolean[] counted = {false};
        windows.compute(key, (k, w) -> {
            if (w == null || now - w.startMillis >= windowMillis) {
                counted[0] = true;
                return new Window(now, 1);
            }
            if (w.failures >= maxFailures) {
                return w;
            }
            counted[0] = true;
            return new Window(w.startMillis, w.failures + 1);
        });
        if (windows.size() > PRUNE_ABOVE) {
            windows.values().removeIf(w -> now - w.startMillis >= windowMillis);
        }
        return counted[0];
    }

    /** Takes back an attempt that turned out to be a correct login. */
    void forgive(String key) {
        windows.computeIfPresent(key, (k, w) -> w.failures <= 1 ? null : new Window(w.startMillis, w.failures - 1));
    }
}
