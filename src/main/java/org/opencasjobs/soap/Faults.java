package org.opencasjobs.soap;

import java.util.UUID;
import org.apache.cxf.binding.soap.Soap11;
import org.apache.cxf.binding.soap.SoapMessage;
import org.apache.cxf.interceptor.Fault;
import org.apache.cxf.phase.AbstractPhaseInterceptor;
import org.apache.cxf.phase.Phase;
import org.opencasjobs.jobs.CasJobsException;
import org.opencasjobs.ops.CurrentRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives every SOAP fault the shape ASMX clients parse: faultstring
 * {@code Server was unable to process request. ---> message} with an empty detail; our own
 * errors as soap:Server (1.2: Receiver), unreadable requests as soap:Client (1.2: Sender).
 * Unexpected exceptions are logged with their stack and answered with an incident id only.
 */
public final class Faults {
    private static final Logger LOG = LoggerFactory.getLogger(Faults.class);
    static final String PROCESS_PREFIX = "Server was unable to process request. ---> ";
    static final String READ_PREFIX = "Server was unable to read request. ---> ";

    private Faults() {
    }

    /** The user-facing message for any exception thrown by an operation (shared by all protocols). */
    public static String userMessage(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof CasJobsException) {
                return c.getMessage();
            }
        }
        String incident = UUID.randomUUID().toString().substring(0, 8);
        LOG.error("Incident {}: unexpected error", incident, t);
        return "An internal error occurred (incident " + incident
                + "). The operators can find its details in the server log.";
    }

    /** Marks the exchange once the request was read and the operation is about to run. */
    public static final class ReachedOperation extends AbstractPhaseInterceptor<SoapMessage> {
        static final String REACHED = "opencasjobs.reached.operation";

        public ReachedOperation() {
            super(Phase.PRE_INVOKE);
        }

        @Override
        public void handleMessage(SoapMessage message) {
            message.getExchange().put(REACHED, Boolean.TRUE);
        }
    }

    /**
     * Rewrites outgoing faults before they are written: errors of an operation as soap:Server,
     * requests that could not be read (bad XML, a DTD, an unknown action) as soap:Client, and a
     * body over the size limit as HTTP 413.
     */
    public static final class OutInterceptor extends AbstractPhaseInterceptor<SoapMessage> {
        public OutInterceptor() {
            super(Phase.PRE_LOGICAL);
        }

        @Override
        public void handleMessage(SoapMessage message) {
            if (!(message.getContent(Exception.class) instanceof Fault fault)) {
                return;
            }
            if (tooLarge(fault)) {
                fault.setStatusCode(413);
                fault.setMessage(READ_PREFIX + "The request is larger than this server accepts.");
                fault.setFaultCode(Fault.FAULT_CODE_CLIENT);
                CurrentRequest.failed(CurrentRequest.Outcome.TOO_LARGE, fault.getMessage());
            } else if (message.getExchange().get(ReachedOperation.REACHED) != null || javaError(fault)) {
                // An operation's error, or the server failing (out of memory) while it read the request:
                // either way not the client's fault, and nothing of CXF's or Java's text goes out.
                fault.setMessage(PROCESS_PREFIX + userMessage(fault.getCause() == null ? fault : fault.getCause()));
                fault.setFaultCode(Fault.FAULT_CODE_SERVER);
                CurrentRequest.failed(CurrentRequest.Outcome.FAULT, fault.getMessage());
            } else {
                fault.setMessage(READ_PREFIX + fault.getMessage());
                fault.setFaultCode(Fault.FAULT_CODE_CLIENT);
                CurrentRequest.failed(CurrentRequest.Outcome.BAD_REQUEST, fault.getMessage());
            }
            fault.getOrCreateDetail();
        }

        /** Whether a Java error ({@code OutOfMemoryError}, …) caused the fault: CXF words it with the error's text. */
        private static boolean javaError(Throwable t) {
            for (Throwable c = t; c != null; c = c.getCause()) {
                if (c instanceof Error) {
                    return true;
                }
            }
            return false;
        }

        /** Jetty's size limit surfaces, mid-read, as an exception whose message starts with 413. */
        private static boolean tooLarge(Throwable t) {
            for (Throwable c = t; c != null; c = c.getCause()) {
                if (c.getMessage() != null && c.getMessage().startsWith("413")) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * Errors raised before the envelope is read (not XML, a DTD, an empty body) would otherwise be
     * answered in SOAP 1.2 by our 1.2 endpoint; a caller that did not send application/soap+xml
     * gets SOAP 1.1. Once the envelope is read, its namespace decides the version.
     */
    public static final class VersionFromContentType extends AbstractPhaseInterceptor<SoapMessage> {
        public VersionFromContentType() {
            super(Phase.RECEIVE);
        }

        @Override
        public void handleMessage(SoapMessage message) {
            Object ct = message.get(SoapMessage.CONTENT_TYPE);
            if (ct == null || !ct.toString().toLowerCase().startsWith("application/soap+xml")) {
                message.setVersion(Soap11.getInstance());
            }
        }
    }
}
