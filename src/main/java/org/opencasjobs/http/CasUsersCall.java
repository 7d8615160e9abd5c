package org.opencasjobs.http;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.opencasjobs.auth.Accounts;
import org.opencasjobs.ops.CurrentRequest;

/**
 * The one operation of CasJobs' user service that clients call: {@code casusers.asmx/GetWebServiceId}
 * by HTTP GET or form POST with {@code userid} (the user name) and {@code password}, answering the
 * account's WebServicesID as {@code <long>}, or -1 when name and password do not match an enabled
 * account or while guesses from this address are throttled. {@code mastcasjobs.MastCasJobs(username=…, password=…, wsid_url=…)} logs in this way.
 */
final class CasUsersCall implements Filter {
    static final String OPERATION = "GetWebServiceId";
    /** Where clients look for it: beside jobs.asmx, as on SkyServer, and at the top, as at MAST. */
    static final String[] BASE_PATHS = {"/services/casusers.asmx", "/CasJobs/services/casusers.asmx",
        "/casjobs/services/casusers.asmx", "/casusers.asmx", "/CasJobs/casusers.asmx", "/casjobs/casusers.asmx"};

    private final Accounts accounts;

    CasUsersCall(Accounts accounts) {
        this.accounts = accounts;
    }

    static String basePath(String path) {
        for (String b : BASE_PATHS) {
            if (path.startsWith(b) && (path.length() == b.length() || path.charAt(b.length()) == '/')) {
                return b;
            }
        }
        return null;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest req = (HttpServletRequest) request;
        HttpServletResponse resp = (HttpServletResponse) response;
        String path = req.getRequestURI().substring(req.getContextPath().length());
        String base = basePath(path);
        if (base == null) {
            chain.doFilter(request, response);
            return;
        }
        String op = AsmxFilter.operationName(path, base);
        String method = req.getMethod();
        String type = req.getContentType() == null ? "" : req.getContentType().toLowerCase(Locale.ROOT);
        if (op.isEmpty() && (method.equals("GET") || method.equals("HEAD"))) {
            AsmxFilter.send(resp, 200, "text/html; charset=utf-8", "<html><head><title>CasUsers</title></head><body>"
                    + "<h1>CasUsers</h1><p>" + OPERATION + "(userid, password): the WebServicesID of the account"
                    + " with this user name and password, or -1.</p></body></html>");
            return;
        }
        if (!method.equals("GET") && !(method.equals("POST") && type.startsWith("application/x-www-form-urlencoded"))) {
            error(resp, CurrentRequest.Outcome.BAD_REQUEST,
                    "Request format is unrecognized for URL unexpectedly ending in '/" + op + "'.");
            return;
        }
        if (!op.equals(OPERATION)) {
            error(resp, CurrentRequest.Outcome.BAD_REQUEST, op + " Web Service method name is not valid.");
            return;
        }
        Map<String, String> params = new HashMap<>();
        req.getParameterMap().forEach((k, v) -> params.putIfAbsent(k.toLowerCase(Locale.ROOT), String.join(",", v)));
        for (String name : new String[] {"userid", "password"}) {
            if (params.get(name) == null) {
                error(resp, CurrentRequest.Outcome.BAD_REQUEST, "Missing parameter: " + name + ".");
                return;
            }
        }
        // -1 too while guesses are throttled: the answer is a number, and clients read anything else as an error.
        long wsid = accounts.webServiceId(params.get("userid"), params.get("password"), req.getRemoteAddr());
        CurrentRequest.operation(OPERATION, wsid);
        AsmxFilter.send(resp, 200, "text/xml; charset=utf-8", "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<long xmlns=\""
                + PlainXml.NS + "\">" + wsid + "</long>");
    }

    private static void error(HttpServletResponse resp, CurrentRequest.Outcome outcome, String text) throws IOException {
        CurrentRequest.failed(outcome, text);
        AsmxFilter.send(resp, 500, "text/plain; charset=utf-8", text + "\r\n");
    }
}
