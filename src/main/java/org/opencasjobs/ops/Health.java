package org.opencasjobs.ops;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Whether the service can do its work: the job store and every catalog database answer. A
 * stopping service is not healthy, so load balancers stop sending it work.
 */
public final class Health {
    /** A check of one part: returns normally when the part answers. */
    @FunctionalInterface
    public interface Check {
        void run() throws Exception;
    }

    /** Every part's state ("UP" or what went wrong) and whether all are up. */
    public record Report(boolean healthy, Map<String, String> parts) {
        /** A small JSON object: {@code {"status":"UP","jobstore":"UP","catalog":"UP"}}. */
        public String json() {
            StringBuilder sb = new StringBuilder("{\"status\":\"").append(healthy ? "UP" : "DOWN").append('"');
            parts.forEach((k, v) -> sb.append(",\"").append(k).append("\":\"").append(jsonEscape(v)).append('"'));
            return sb.append("}\n").toString();
        }
    }

    private final Map<String, Check> checks = new LinkedHashMap<>();
    private volatile boolean stopping;

    public Health add(String part, Check check) {
        checks.put(part, check);
        return this;
    }

    /** A check that a pooled database answers a trivial query within a few seconds. */
    public static Check database(DataSource ds) {
        return () -> {
            try (Connection c = ds.getConnection()) {
                if (!c.isValid(5)) {
                    throw new SQLException("the connection is not valid");
                }
            }
        };
    }

    /** From now on the service reports itself down: it is shutting down. */
    public void stopping() {
        stopping = true;
    }

    public Report check() {
        Map<String, String> parts = new LinkedHashMap<>();
        boolean healthy = !stopping;
        if (stopping) {
            parts.put("server", "SHUTTING_DOWN");
        }
        for (Map.Entry<String, Check> e : checks.entrySet()) {
            try {
                e.getValue().run();
                parts.put(e.getKey(), "UP");
            } catch (Exception ex) {
                healthy = false;
                parts.put(e.getKey(), "DOWN: " + ex.getMessage());
            }
        }
        return new Report(healthy, parts);
    }

    private static String jsonEscape(String s) {
        StringBuilder sb = new StringBuilder();
        for (char ch : String.valueOf(s).toCharArray()) {
            if (ch == '"' || ch == '\\') {
                sb.append('\\').append(ch);
            } else if (ch < 0x20) {
                sb.append(String.format("\\u%04x", (int) ch));
            } else {
                sb.append(ch);
            }
        }
        return sb.toString();
    }
}
