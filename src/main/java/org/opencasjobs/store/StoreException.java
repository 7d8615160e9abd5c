package org.opencasjobs.store;

/** The job store failed: a server-side problem, never the user's fault. */
public class StoreException extends RuntimeException {
    public StoreException(Throwable cause) {
        super("Job store error: " + cause.getMessage(), cause);
    }
}
