package org.opencasjobs.ops;

/**
 * What the request this thread serves turned out to be, filled in as it is handled (the
 * operation and caller by the endpoint, a fault by the protocol layer) and read once at its end
 * for the request log line and the request metrics.
 */
public final class CurrentRequest {
    /** How a request ended, as the {@code outcome} label of the request metrics. */
    public enum Outcome {
        /** Answered normally. */
        OK,
        /** The operation ran and refused or failed (a SOAP soap:Server fault, an HTTP 500 error text). */
        FAULT,
        /** The request could not be read or named no operation (soap:Client, a missing parameter). */
        BAD_REQUEST,
        /** The body was larger than the server accepts. */
        TOO_LARGE,
        /** No such page or file. */
        NOT_FOUND,
        /** Failed without a fault of ours (an unexpected HTTP 5xx). */
        ERROR;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private static final ThreadLocal<CurrentRequest> CURRENT = new ThreadLocal<>();

    private String operation;
    private Long wsid;
    private Long jobId;
    private Outcome outcome;
    private String message;

    /** Starts recording for this thread's request and returns the record to read at its end. */
    public static CurrentRequest begin() {
        CurrentRequest r = new CurrentRequest();
        CURRENT.set(r);
        return r;
    }

    public static void end() {
        CURRENT.remove();
    }

    /** The operation being called and the caller's claimed wsid. */
    public static void operation(String name, long wsid) {
        CurrentRequest r = CURRENT.get();
        if (r != null) {
            r.operation = name;
            r.wsid = wsid;
        }
    }

    /** The job the request touched or created. */
    public static void job(long jobId) {
        CurrentRequest r = CURRENT.get();
        if (r != null) {
            r.jobId = jobId;
        }
    }

    /** The request ended in a fault; {@code message} is what the client was told. */
    public static void failed(Outcome outcome, String message) {
        CurrentRequest r = CURRENT.get();
        if (r != null) {
            r.outcome = outcome;
            r.message = message;
        }
    }

    public String operation() {
        return operation;
    }

    public Long wsid() {
        return wsid;
    }

    public Long jobId() {
        return jobId;
    }

    /** The recorded outcome, or else one read from the HTTP status. */
    public Outcome outcome(int httpStatus) {
        if (outcome != null) {
            return outcome;
        }
        if (httpStatus == 404) {
            return Outcome.NOT_FOUND;
        } else if (httpStatus == 413) {
            return Outcome.TOO_LARGE;
        } else if (httpStatus >= 500) {
            return Outcome.ERROR;
        }
        return httpStatus >= 400 ? Outcome.BAD_REQUEST : Outcome.OK;
    }

    public String message() {
        return message;
    }
}
