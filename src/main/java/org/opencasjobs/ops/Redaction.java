package org.opencasjobs.ops;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Keeps passwords out of logs. CasJobs clients send them in query strings ({@code pw},
 * {@code owner_pw}), so any query string that is logged passes through here first.
 */
public final class Redaction {
    static final String HIDDEN = "***";

    private Redaction() {
    }

    /** The query string with the value of every password-like parameter replaced by {@code ***}. */
    public static String query(String query) {
        if (query == null || query.isEmpty()) {
            return query;
        }
        StringBuilder out = new StringBuilder(query.length());
        for (String pair : query.split("&", -1)) {
            if (!out.isEmpty()) {
                out.append('&');
            }
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            out.append(eq >= 0 && isSecret(name) ? name + "=" + HIDDEN : pair);
        }
        return out.toString();
    }

    /** Parameter names (in any case or encoding) whose values are passwords. */
    static boolean isSecret(String rawName) {
        String name;
        try {
            name = URLDecoder.decode(rawName, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return true; // undecodable: hide it rather than guess
        }
        return name.equals("pw") || name.endsWith("_pw") || name.contains("password") || name.contains("passwd");
    }
}
