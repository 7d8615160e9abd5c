package org.opencasjobs.exec;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The run slots of one quick queue, shared fairly: at most {@code total} queries at once, and at
 * most {@code perUser} of them one user's, so one user's flood of parallel queries leaves the other
 * slots to everyone else instead of queueing them all behind it.
 */
final class FairSlots {
    /** Why a slot was not had. */
    enum Refusal { NONE, QUEUE_BUSY, USER_BUSY }

    private final int total;
    private final int perUser;
    private int used;
    private final Map<Long, Integer> byUser = new HashMap<>();

    FairSlots(int total, int perUser) {
        this.total = total;
        this.perUser = Math.min(perUser, total);
    }

    /**
     * Takes a slot for {@code wsid}, waiting up to {@code timeoutNanos}.
     *
     * @return {@link Refusal#NONE} when taken (release it), else what was still full when time ran out
     */
    synchronized Refusal acquire(long wsid, long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        while (used >= total || byUser.getOrDefault(wsid, 0) >= perUser) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return byUser.getOrDefault(wsid, 0) >= perUser ? Refusal.USER_BUSY : Refusal.QUEUE_BUSY;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        used++;
        byUser.merge(wsid, 1, Integer::sum);
        return Refusal.NONE;
    }

    synchronized void release(long wsid) {
        used--;
        byUser.computeIfPresent(wsid, (k, n) -> n == 1 ? null : n - 1);
        notifyAll();
    }
}
