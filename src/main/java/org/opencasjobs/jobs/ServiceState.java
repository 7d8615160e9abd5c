package org.opencasjobs.jobs;

import java.util.Locale;
import java.util.Optional;

/**
 * The state of a queue or of the whole scheduler as Get/SetServiceState show it. An
 * administrator asks for SUSPENDING or WAKING; the scheduler completes the change to SUSPENDED
 * or RUNNING at its next cycle.
 */
public enum ServiceState {
    RUNNING, SUSPENDING, SUSPENDED, WAKING;

    /** The Get/SetServiceState name of the scheduler itself; queues are named {@code Context/minutes}. */
    public static final String SCHEDULER = "Scheduler";

    /** The state a request moves on to at the scheduler's next cycle, if it is a request. */
    public Optional<ServiceState> completed() {
        return switch (this) {
            case SUSPENDING -> Optional.of(SUSPENDED);
            case WAKING -> Optional.of(RUNNING);
            default -> Optional.empty();
        };
    }

    /** A state a SetServiceState call may ask for, named in any case; empty for any other text. */
    public static Optional<ServiceState> request(String text) {
        String s = text == null ? "" : text.trim().toUpperCase(Locale.ROOT);
        return s.equals(SUSPENDING.name()) || s.equals(WAKING.name()) ? Optional.of(valueOf(s)) : Optional.empty();
    }
}
