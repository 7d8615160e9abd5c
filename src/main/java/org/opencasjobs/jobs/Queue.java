package org.opencasjobs.jobs;

/** A queue of a context, named by its time limit in minutes as clients know it. */
public record Queue(String context, int minutes, boolean quick) {
    /** The name Get/SetServiceState use for this queue, e.g. {@code Sample/500}. */
    public String serviceName() {
        return context + "/" + minutes;
    }
}
