package org.opencasjobs.auth;

import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts failed logins per wsid and per client address in fixed windows; once a key reaches the
 * limit, further attempts for it are refused until its window ends, so passwords cannot be
 * guessed at request speed.
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

    void recordFailure(String key) {
        long now = clock.millis();
        windows.merge(key, new Window(now, 1), (old, one) -> now - old.startMillis >= windowMillis
                ? one : new Window(old.startMillis, old.failures + 1));
        if (windows.size() > PRUNE_ABOVE) {
            windows.values().removeIf(w -> now - w.startMillis >= windowMillis);
        }
    }
}
