package org.opencasjobs.http;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.opencasjobs.jobs.CasJobsException;
import org.opencasjobs.ops.CurrentRequest;
import org.opencasjobs.ops.RequestOrigin;

/**
 * The parameters of an operation's HTTP POST call, read from its form within bounds (issue 15:
 * Jetty read the whole form, up to the request limit, before the login it carries was checked).
 * Every operation's form may be at most {@code casjobs.form.max.bytes}; only UploadData's
 * {@code data} may be longer, up to {@code casjobs.upload.max.bytes} of CSV. A client that sends
 * {@code wsid} and {@code pw} before {@code data} (as the help page lists them) with a wrong login
 * is refused before any of its data is read.
 */
final class FormCall {
    private static final String UPLOAD = "UploadData";
    private static final String DATA = "data";
    /** A byte of CSV is at most three bytes of the form ({@code %XX}). */
    private static final int ENCODED = 3;

    private FormCall() {
    }

    /** The bounds of operations' forms. */
    record Limits(long formMaxBytes, long uploadMaxBytes) {
    }

    /** Jetty's parameters (an HTTP GET's query string) by the same rule as a form's. */
    static Map<String, String> parameters(Map<String, String[]> jetty) {
        Map<String, List<String>> given = new LinkedHashMap<>();
        jetty.forEach((k, v) -> given.put(k, List.of(v)));
        return collapse(given);
    }

    /**
     * The parameters of a form POST to operation {@code op} (query string first, as Jetty gives
     * them), or null when it was refused and answered: too large, or a wrong login before the
     * data of an upload.
     */
    static Map<String, String> read(AsmxFilter f, HttpServletRequest req, HttpServletResponse resp, String op)
            throws IOException {
        Limits limits = f.formLimits();
        boolean upload = op.equals(UPLOAD);
        long most = limits.formMaxBytes() + (upload ? ENCODED * limits.uploadMaxBytes() : 0);
        if (req.getContentLengthLong() > most) {
            tooLarge(resp, op, limits, req.getContentLengthLong());
            return null;
        }
        Map<String, List<String>> given = new LinkedHashMap<>();
        if (req.getQueryString() != null) {
            readAll(new FormBody(new ByteArrayInputStream(req.getQueryString().getBytes(StandardCharsets.ISO_8859_1)),
                    StandardCharsets.UTF_8), given);
        }
        FormBody body = new FormBody(req.getInputStream(), charset(req));
        long left = limits.formMaxBytes();
        boolean loginChecked = false;
        try {
            for (String name = body.name(left); name != null; name = body.name(left)) {
                left -= body.lastRawBytes();
                String value;
                if (upload && name.equalsIgnoreCase(DATA)) {
                    String refused = loginChecked ? null : loginRefused(f, collapse(given), op);
                    if (refused != null) {
                        HttpCall.faultClosing(resp, refused); // the rest of the body is never read
                        return null;
                    }
                    loginChecked = true;
                    value = body.value(ENCODED * limits.uploadMaxBytes(), limits.uploadMaxBytes());
                } else {
                    value = body.value(left);
                    left -= body.lastRawBytes();
                }
                given.computeIfAbsent(name, k -> new ArrayList<>(1)).add(value);
            }
        } catch (FormBody.TooLarge e) {
            tooLarge(resp, op, limits, req.getContentLengthLong());
            return null;
        }
        return collapse(given);
    }

    private static void readAll(FormBody form, Map<String, List<String>> into) throws IOException {
        for (String name = form.name(Long.MAX_VALUE); name != null; name = form.name(Long.MAX_VALUE)) {
            into.computeIfAbsent(name, k -> new ArrayList<>(1)).add(form.value(Long.MAX_VALUE));
        }
    }

    /**
     * Names in any case; the first spelling given wins. A parameter given once is taken as it is:
     * joining would copy it, and an UploadData body of 100 MB would then be held twice (issue 15).
     */
    private static Map<String, String> collapse(Map<String, List<String>> given) {
        Map<String, String> params = new HashMap<>();
        given.forEach((k, v) -> params.putIfAbsent(k.toLowerCase(Locale.ROOT),
                v.size() == 1 ? v.get(0) : String.join(",", v)));
        return params;
    }

    /**
     * Why the login given so far is refused, or null if it is right or not all given yet (the
     * service checks it once the form is read). A right login is remembered, so the service's own
     * check costs nothing more.
     */
    private static String loginRefused(AsmxFilter f, Map<String, String> params, String op) {
        String wsid = params.get("wsid");
        String pw = params.get("pw");
        if (wsid == null || pw == null) {
            return null;
        }
        long id;
        try {
            id = Long.parseLong(wsid.trim());
        } catch (NumberFormatException e) {
            return null; // the binding says what is wrong with it
        }
        CurrentRequest.operation(op, id);
        try {
            f.accounts().authenticate(id, pw, RequestOrigin.address());
            return null;
        } catch (CasJobsException e) {
            return e.getMessage();
        }
    }

    private static Charset charset(HttpServletRequest req) {
        try {
            return req.getCharacterEncoding() == null ? StandardCharsets.UTF_8 : Charset.forName(req.getCharacterEncoding());
        } catch (IllegalArgumentException e) {
            return StandardCharsets.UTF_8;
        }
    }

    /**
     * Refuses a form over its bounds. UploadData's answer is its usual fault (HTTP 500, as the
     * clients that upload parse it), saying the limit and how to split the data; the exact size is
     * not known, as the data was not read to its end. Other operations get 413.
     */
    private static void tooLarge(HttpServletResponse resp, String op, Limits limits, long length) throws IOException {
        if (op.equals(UPLOAD)) {
            HttpCall.faultClosing(resp, "The data is more than the " + limits.uploadMaxBytes()
                    + " characters this server accepts in one upload" + (length > 0 ? " (the request is " + length
                    + " bytes)" : "") + ". Split it into several UploadData calls (the first with tableExists=false,"
                    + " the others with tableExists=true).");
            return;
        }
        String message = "The request to " + op + " is larger than the " + limits.formMaxBytes()
                + " bytes this server accepts for it (only UploadData takes more, for its data).";
        CurrentRequest.failed(CurrentRequest.Outcome.TOO_LARGE, message);
        resp.reset();
        resp.setHeader("Connection", "close"); // the rest of the body is never read
        AsmxFilter.send(resp, 413, "text/plain; charset=utf-8", message + "\r\n");
    }
}
