package org.opencasjobs.jobs;

/**
 * An error whose message is meant for the user: what was wrong and what to do.
 * Every protocol shows the message as it is (SOAP faultstring, GET/POST error body).
 */
public class CasJobsException extends RuntimeException {
    public CasJobsException(String message) {
        super(message);
    }

    public CasJobsException(String message, Throwable cause) {
        super(message, cause);
    }
}
