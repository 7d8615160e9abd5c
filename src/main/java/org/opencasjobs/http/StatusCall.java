package org.opencasjobs.http;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.opencasjobs.jobs.JobStatus;
import org.opencasjobs.soap.Faults;

/**
 * {@code GET jobs.asmx/GetJobStatus?wsid=…&pw=…&jobid=…}, the call polling clients send most,
 * answered without the general binding of {@link HttpCall}: its three parameters read straight
 * from the query string (Jetty's parameter map, a map per request and reflection cost more than
 * the status read), the endpoint called as every protocol calls it, and the answer's bytes made
 * once per status. Anything unusual (a parameter missing, given twice, not a number, an escape
 * that is not one) is left to {@link HttpCall}, which words the error as ASMX does.
 */
final class StatusCall {
    static final String OPERATION = "GetJobStatus";
    /** The answer for each status code, exactly as {@link PlainXml} writes an {@code int}. */
    private static final byte[][] ANSWERS = new byte[JobStatus.values().length][];

    static {
        for (JobStatus s : JobStatus.values()) {
            ANSWERS[s.code] = PlainXml.document(s.code, int.class).getBytes(StandardCharsets.UTF_8);
        }
    }

    private StatusCall() {
    }

    /**
     * Answers the call and returns true, or returns false having written nothing, for
     * {@link HttpCall} to bind it (and say what is wrong with it).
     */
    static boolean answer(AsmxFilter f, HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Parameters p = Parameters.of(req.getQueryString());
        if (p == null) {
            return false;
        }
        int status;
        try {
            status = f.endpoint().getJobStatus(p.wsid, p.pw, p.jobId);
        } catch (RuntimeException | Error e) { // as HttpCall: whatever the operation threw is its fault
            HttpCall.fault(resp, Faults.userMessage(e));
            return true;
        }
        byte[] answer = status >= 0 && status < ANSWERS.length ? ANSWERS[status]
                : PlainXml.document(status, int.class).getBytes(StandardCharsets.UTF_8);
        AsmxFilter.send(resp, 200, "text/xml; charset=utf-8", answer);
        return true;
    }

    /** The three parameters, or null when the query is not the plain case this class answers. */
    private static final class Parameters {
        private Long wsid;
        private String pw;
        private Long jobId;

        static Parameters of(String query) {
            if (query == null) {
                return null;
            }
            Parameters p = new Parameters();
            int start = 0;
            while (start <= query.length()) {
                int end = query.indexOf('&', start);
                end = end < 0 ? query.length() : end;
                if (end > start && !p.take(query, start, end)) {
                    return null;
                }
                start = end + 1;
            }
            return p.wsid == null || p.pw == null || p.jobId == null ? null : p;
        }

        /** Takes {@code name=value} at [start, end); false if the binding must handle the query. */
        private boolean take(String query, int start, int end) {
            int eq = query.indexOf('=', start);
            if (eq < 0 || eq > end) {
                return !known(decode(query, start, end)); // a name alone: ours would be missing its value
            }
            String name = decode(query, start, eq);
            String value = decode(query, eq + 1, end);
            if (name == null || value == null) {
                return false;
            }
            if (name.equalsIgnoreCase("wsid")) {
                return wsid == null && (wsid = number(value)) != null;
            } else if (name.equalsIgnoreCase("pw")) {
                return pw == null && (pw = value) != null;
            } else if (name.equalsIgnoreCase("jobid")) {
                return jobId == null && (jobId = number(value)) != null;
            }
            return true; // the binding ignores parameters the operation does not declare
        }

        private static boolean known(String name) {
            return name == null || name.equalsIgnoreCase("wsid") || name.equalsIgnoreCase("pw")
                    || name.equalsIgnoreCase("jobid");
        }

        private static Long number(String value) {
            try {
                return HttpCall.toLong(value);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }

        /** Decodes '+' and %XX as UTF-8, as Jetty does; null for a '%' that starts no escape. */
        private static String decode(String s, int start, int end) {
            boolean plain = true;
            for (int i = start; i < end && plain; i++) {
                char c = s.charAt(i);
                plain = c != '%' && c != '+';
            }
            if (plain) {
                return s.substring(start, end);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(end - start);
            for (int i = start; i < end; i++) {
                char c = s.charAt(i);
                if (c == '+') {
                    out.write(' ');
                } else if (c == '%') {
                    int h = i + 2 < end ? Character.digit(s.charAt(i + 1), 16) : -1;
                    int l = h < 0 ? -1 : Character.digit(s.charAt(i + 2), 16);
                    if (l < 0) {
                        return null;
                    }
                    out.write(h * 16 + l);
                    i += 2;
                } else if (c < 0x80) {
                    out.write(c);
                } else {
                    return null; // a raw non-ASCII character: Jetty's own decoding decides
                }
            }
            String decoded = out.toString(StandardCharsets.UTF_8);
            return decoded.indexOf('\uFFFD') >= 0 ? null : decoded; // not UTF-8: leave it to Jetty
        }
    }
}
