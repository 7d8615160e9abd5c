package org.opencasjobs.http;

import jakarta.jws.WebMethod;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.opencasjobs.auth.Accounts;
import org.opencasjobs.ops.RequestOrigin;
import org.opencasjobs.wire.JobsSoap;

/**
 * What an ASMX service answers besides SOAP, on the same address: HTTP GET and form POST calls
 * of {@code jobs.asmx/{Op}} (bound by reflection over the generated interface to the very
 * endpoint object SOAP reaches), {@code ?WSDL}, {@code ?disco} and the help pages. SOAP POSTs
 * to the bare address pass on to CXF.
 */
public final class AsmxFilter implements Filter {
    /** The paths clients hard-code for the service; the first is ours, the others the original's. */
    static final String[] BASE_PATHS = {"/services/jobs.asmx", "/CasJobs/services/jobs.asmx", "/casjobs/services/jobs.asmx"};
    private static final Pattern ADDRESS = Pattern.compile("(<(?:soap|soap12|http):address location=\")[^\"]*(\")");

    private final JobsSoap endpoint;
    private final Map<String, Method> operations = new HashMap<>();
    private final String wsdl;
    private final HelpPages help;
    private final String publicBaseUrl;
    private final Accounts accounts;
    private final FormCall.Limits formLimits;

    /**
     * {@code accounts} checks an upload's login before its data is read; {@code formLimits} bound
     * the forms of HTTP POST calls.
     */
    AsmxFilter(JobsSoap endpoint, byte[] wsdl, String publicBaseUrl, Accounts accounts, FormCall.Limits formLimits) {
        this.endpoint = endpoint;
        this.accounts = accounts;
        this.formLimits = formLimits;
        this.wsdl = new String(wsdl, java.nio.charset.StandardCharsets.UTF_8);
        this.help = new HelpPages(wsdl);
        this.publicBaseUrl = publicBaseUrl;
        for (Method m : JobsSoap.class.getMethods()) {
            WebMethod wm = m.getAnnotation(WebMethod.class);
            if (wm != null) {
                operations.put(wm.operationName(), m);
            }
        }
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest req = (HttpServletRequest) request;
        HttpServletResponse resp = (HttpServletResponse) response;
        RequestOrigin.set(req.getRemoteAddr(), publicBaseUrl.isEmpty() ? () -> origin(req) : () -> publicBaseUrl);
        try {
            String path = req.getRequestURI().substring(req.getContextPath().length());
            String base = basePath(path);
            if (base == null) {
                chain.doFilter(request, response);
            } else if (path.length() == base.length()) {
                serviceAddress(req, resp, chain, base);
            } else if (path.charAt(base.length()) == '/') {
                String op = operationName(path, base);
                if (!(op.equals(StatusCall.OPERATION) && req.getMethod().equals("GET") && StatusCall.answer(this, req, resp))) {
                    HttpCall.invoke(this, req, resp, op);
                }
            } else {
                chain.doFilter(request, response);
            }
        } finally {
            RequestOrigin.clear();
        }
    }

    /** {@code scheme://host[:port]} of the URL this request was sent to. */
    private static String origin(HttpServletRequest req) {
        StringBuffer url = req.getRequestURL();
        int pathStart = url.indexOf("/", url.indexOf("//") + 2);
        return pathStart < 0 ? url.toString() : url.substring(0, pathStart);
    }

    /** The {Op} of {base}/{Op}; {base}//{Op} too, as clients whose base URL ends in '/' send it. */
    static String operationName(String path, String base) {
        int start = base.length();
        while (start < path.length() && path.charAt(start) == '/') {
            start++;
        }
        return path.substring(start);
    }

    static String basePath(String path) {
        for (String b : BASE_PATHS) {
            if (path.startsWith(b)) {
                return b;
            }
        }
        return null;
    }

    /** The bare .asmx address: SOAP by POST, documents by GET. */
    private void serviceAddress(HttpServletRequest req, HttpServletResponse resp, FilterChain chain, String base)
            throws IOException, ServletException {
        String method = req.getMethod();
        if (method.equals("POST")) {
            chain.doFilter(req, resp);
            return;
        }
        if (!method.equals("GET") && !method.equals("HEAD")) {
            resp.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
            return;
        }
        String url = serviceUrl(req, base);
        String query = req.getQueryString() == null ? "" : req.getQueryString();
        if (query.equalsIgnoreCase("wsdl")) {
            send(resp, 200, "text/xml; charset=utf-8", wsdlFor(url));
        } else if (query.equalsIgnoreCase("disco")) {
            send(resp, 200, "text/xml; charset=utf-8", help.disco(url));
        } else if (req.getParameter("op") != null) {
            String page = help.operation(req.getParameter("op"), url);
            if (page == null) {
                send(resp, 404, "text/plain; charset=utf-8", req.getParameter("op") + " Web Service method name is not valid.\r\n");
            } else {
                send(resp, 200, "text/html; charset=utf-8", page);
            }
        } else {
            send(resp, 200, "text/html; charset=utf-8", help.overview(url));
        }
    }

    /** Our WSDL with every port address set to the URL the client used (or the public base URL). */
    String wsdlFor(String serviceUrl) {
        return ADDRESS.matcher(wsdl).replaceAll("$1" + Matcher.quoteReplacement(xmlEscape(serviceUrl)) + "$2");
    }

    /** The absolute URL of the service address as this client should see it. */
    String serviceUrl(HttpServletRequest req, String base) {
        if (!publicBaseUrl.isEmpty()) {
            return publicBaseUrl + base;
        }
        StringBuffer url = req.getRequestURL();
        return url.substring(0, url.indexOf(base, url.indexOf("//") + 2) + base.length());
    }

    Method operation(String name) {
        return operations.get(name);
    }

    JobsSoap endpoint() {
        return endpoint;
    }

    Accounts accounts() {
        return accounts;
    }

    FormCall.Limits formLimits() {
        return formLimits;
    }

    static void send(HttpServletResponse resp, int status, String contentType, String body) throws IOException {
        send(resp, status, contentType, body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    static void send(HttpServletResponse resp, int status, String contentType, byte[] bytes) throws IOException {
        resp.setStatus(status);
        resp.setContentType(contentType);
        resp.setContentLength(bytes.length);
        resp.getOutputStream().write(bytes);
    }

    static String xmlEscape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&#39;");
    }
}
