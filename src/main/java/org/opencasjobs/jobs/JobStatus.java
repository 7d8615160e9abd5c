package org.opencasjobs.jobs;

/** A job's status as the wire shows it: 0 and 1..2 are idle and active, 3..5 final. */
public enum JobStatus {
    READY(0), STARTED(1), CANCELING(2), CANCELLED(3), FAILED(4), FINISHED(5);

    public final int code;

    JobStatus(int code) {
        this.code = code;
    }

    public boolean isFinal() {
        return code >= 3;
    }

    public static JobStatus of(int code) {
        return values()[code];
    }
}
