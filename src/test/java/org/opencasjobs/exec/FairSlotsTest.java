package org.opencasjobs.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A quick queue's slots: one user's flood cannot take the slots other users need. */
class FairSlotsTest {
    private static final long SHORT = TimeUnit.MILLISECONDS.toNanos(50);

    @Test
    void oneUserTakesAtMostItsShareAndOthersGetTheRest() throws Exception {
        FairSlots slots = new FairSlots(3, 2);
        assertEquals(FairSlots.Refusal.NONE, slots.acquire(1, SHORT));
        assertEquals(FairSlots.Refusal.NONE, slots.acquire(1, SHORT));
        assertEquals(FairSlots.Refusal.USER_BUSY, slots.acquire(1, SHORT), "a third of the same user's waits");
        assertEquals(FairSlots.Refusal.NONE, slots.acquire(2, SHORT), "another user gets the slot left");
        assertEquals(FairSlots.Refusal.QUEUE_BUSY, slots.acquire(3, SHORT), "the queue is full");
    }

    @Test
    void aReleasedSlotGoesToAWaitingUser() throws Exception {
        FairSlots slots = new FairSlots(1, 1);
        slots.acquire(1, SHORT);
        CompletableFuture<FairSlots.Refusal> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return slots.acquire(2, TimeUnit.SECONDS.toNanos(30));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        slots.release(1);
        assertEquals(FairSlots.Refusal.NONE, waiting.get(30, TimeUnit.SECONDS));
    }
}
