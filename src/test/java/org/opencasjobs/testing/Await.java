package org.opencasjobs.testing;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.opencasjobs.jobs.Job;
import org.opencasjobs.jobs.JobStatus;
import org.opencasjobs.store.JobStore;

/** Waiting for something another thread does, polling, with a generous bound instead of a timed assertion. */
public final class Await {
    /** Long enough for a loaded CI machine; a test that needs it has failed anyway. */
    public static final Duration PATIENCE = Duration.ofSeconds(30);

    private Await() {
    }

    /** Polls {@code read} until {@code done} holds, and returns that value; fails naming {@code what} if it never does. */
    public static <T> T until(String what, Supplier<T> read, Predicate<? super T> done) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        T value = read.get();
        while (!done.test(value)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited " + PATIENCE.toSeconds() + " s for " + what + "; last seen: " + value);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
            value = read.get();
        }
        return value;
    }

    /** The job once it has reached a final status (3, 4 or 5). */
    public static Job finalJob(JobStore store, long id) {
        return until("job " + id + " to end", () -> store.find(id).orElseThrow(), j -> j.status().isFinal());
    }

    /** The job once it is in {@code status}. */
    public static Job status(JobStore store, long id, JobStatus status) {
        return until("job " + id + " to reach " + status, () -> store.find(id).orElseThrow(), j -> j.status() == status);
    }
}
