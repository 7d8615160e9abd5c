package org.opencasjobs.http;

import java.io.IOException;
import java.nio.charset.Charset;
import java.util.List;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jetty's own error pages, for what never reaches an operation (an unexpected failure in a
 * servlet, a request Jetty cannot read): the status and its reason only, never an exception's
 * class or message, which would tell a stranger what the server runs on.
 */
final class PlainErrors {
    private static final Logger REQUESTS = LoggerFactory.getLogger("org.opencasjobs.requests");

    private PlainErrors() {
    }

    private static void quiet(ErrorHandler h) {
        h.setShowStacks(false);
        h.setShowCauses(false);
        h.setShowMessageInTitle(false);
        h.setShowOrigin(false);
    }

    /** For the servlet context: failures inside it. */
    static final class InContext extends org.eclipse.jetty.ee11.servlet.ErrorHandler {
        InContext() {
            quiet(this);
        }

        @Override
        protected boolean generateAcceptableResponse(Request request, Response response, Callback callback,
                                                     String contentType, List<Charset> charsets, int code,
                                                     String message, Throwable cause) throws IOException {
            return super.generateAcceptableResponse(request, response, callback, contentType, charsets, code,
                    HttpStatus.getMessage(code), null);
        }
    }

    /**
     * For the server: requests rejected before any handler sees them (a URL or headers too long,
     * a malformed request), which are logged here since the request log filter never runs.
     */
    static final class InServer extends ErrorHandler {
        InServer() {
            quiet(this);
        }

        @Override
        protected boolean generateAcceptableResponse(Request request, Response response, Callback callback,
                                                     String contentType, List<Charset> charsets, int code,
                                                     String message, Throwable cause) throws IOException {
            return super.generateAcceptableResponse(request, response, callback, contentType, charsets, code,
                    HttpStatus.getMessage(code), null);
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            // The filters never saw this request, and Jetty could not read its method or path: say what happened.
            Object status = request.getAttribute(ERROR_STATUS);
            int code = status instanceof Integer i ? i : response.getStatus();
            REQUESTS.info("other unreadable request -> {} {} \"{}\" from {}", code,
                    code == HttpStatus.URI_TOO_LONG_414 || code == HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE_431
                            || code == HttpStatus.PAYLOAD_TOO_LARGE_413 ? "too_large" : "bad_request",
                    HttpStatus.getMessage(code), Request.getRemoteAddr(request));
            return super.handle(request, response, callback);
        }
    }
}
