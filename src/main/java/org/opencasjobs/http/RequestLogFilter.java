package org.opencasjobs.http;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Locale;
import org.opencasjobs.ops.CurrentRequest;
import org.opencasjobs.ops.Metrics;
import org.opencasjobs.ops.Redaction;
import org.opencasjobs.output.Outputs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One log line and one timing per request: protocol, operation, wsid, job id, HTTP status,
 * outcome and duration. Query strings are logged only with passwords redacted; form and SOAP
 * bodies never are. Scrapes of /metrics and /health are timed but logged at debug level only.
 */
final class RequestLogFilter implements Filter {
    private static final Logger LOG = LoggerFactory.getLogger("org.opencasjobs.requests");

    private final Metrics metrics;

    RequestLogFilter(Metrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest req = (HttpServletRequest) request;
        HttpServletResponse resp = (HttpServletResponse) response;
        long start = System.nanoTime();
        CurrentRequest current = CurrentRequest.begin();
        try {
            chain.doFilter(request, response);
        } finally {
            CurrentRequest.end();
            finished(req, resp.getStatus(), current, System.nanoTime() - start);
        }
    }

    private void finished(HttpServletRequest req, int status, CurrentRequest r, long nanos) {
        String path = req.getRequestURI().substring(req.getContextPath().length());
        String protocol = protocol(req, path);
        String operation = r.operation() != null ? r.operation() : resource(req, path, protocol);
        CurrentRequest.Outcome outcome = r.outcome(status);
        metrics.request(protocol, operation, outcome.label(), nanos);

        boolean quiet = path.equals(OpsServlet.METRICS) || path.equals(OpsServlet.HEALTH);
        if (quiet ? !LOG.isDebugEnabled() : !LOG.isInfoEnabled()) {
            return;
        }
        StringBuilder line = new StringBuilder(protocol).append(' ');
        if (r.operation() != null) {
            line.append(r.operation()).append(" wsid=").append(r.wsid());
            if (r.jobId() != null) {
                line.append(" job=").append(r.jobId());
            }
        } else {
            line.append(req.getMethod()).append(' ').append(path);
            if (req.getQueryString() != null) {
                line.append('?').append(Redaction.query(req.getQueryString()));
            }
        }
        line.append(" -> ").append(status).append(' ').append(outcome.label());
        if (r.message() != null) {
            line.append(" \"").append(oneLine(r.message())).append('"');
        }
        line.append(' ').append(nanos / 1_000_000).append(" ms from ").append(req.getRemoteAddr());
        String text = line.toString(); // as it is: no '{}' placeholders to format
        if (quiet) {
            LOG.debug(text);
        } else {
            LOG.info(text);
        }
    }

    /** The protocol label: how an operation was called, or what kind of resource was asked for. */
    static String protocol(HttpServletRequest req, String path) {
        String base = AsmxFilter.basePath(path);
        base = base == null ? CasUsersCall.basePath(path) : base;
        if (base == null) {
            return path.startsWith(Outputs.URL_PATH + "/") ? "download" : "other";
        }
        String rest = path.substring(base.length());
        if (rest.length() > 1 && rest.charAt(0) == '/') {
            return req.getMethod().equals("GET") ? "http-get" : "http-post";
        }
        if (rest.isEmpty() && req.getMethod().equals("POST")) {
            String type = req.getContentType() == null ? "" : req.getContentType().toLowerCase(Locale.ROOT);
            return type.startsWith("application/soap+xml") ? "soap1.2" : "soap1.1";
        }
        return "page";
    }

    /** The operation label of a request that called no operation. */
    private static String resource(HttpServletRequest req, String path, String protocol) {
        return switch (protocol) {
            case "page" -> {
                String q = req.getQueryString() == null ? "" : req.getQueryString().toLowerCase(Locale.ROOT);
                yield q.equals("wsdl") ? "wsdl" : q.equals("disco") ? "disco" : "help";
            }
            case "download" -> "output";
            case "other" -> path.equals(OpsServlet.METRICS) ? "metrics" : path.equals(OpsServlet.HEALTH) ? "health" : "other";
            default -> "unknown";
        };
    }

    private static String oneLine(String s) {
        String flat = s.replaceAll("\\s+", " ").trim();
        return flat.length() > 300 ? flat.substring(0, 300) + "…" : flat;
    }
}
