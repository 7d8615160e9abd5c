package org.opencasjobs.catalog.h2;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Pattern;

/**
 * SQL Server built-ins that H2 lacks and no text rewrite can express (the rest are rewritten by
 * {@code dialect.Functions}), as Java functions installed in a MyDB database by its admin. Each
 * gives SQL Server's documented answer, NULL in giving NULL out.
 */
public final class H2Functions {
    private H2Functions() {
    }

    /** Creates (or replaces) the functions in the database the admin connection is on. */
    public static void install(Connection admin) throws SQLException {
        try (Statement s = admin.createStatement()) {
            for (String name : new String[] {"REVERSE", "PATINDEX", "ISNUMERIC", "TRY_NUMBER", "TRY_TIMESTAMP"}) {
                s.execute("CREATE ALIAS IF NOT EXISTS " + name + " DETERMINISTIC FOR '"
                        + H2Functions.class.getName() + "." + name.toLowerCase(java.util.Locale.ROOT) + "'");
            }
        }
    }

    /** The number a text spells (TRY_CAST's reading of it), or NULL when it spells none. */
    public static java.math.BigDecimal try_number(String s) {
        if (s == null) {
            return null;
        }
        try {
            return new java.math.BigDecimal(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The date and time a text spells (yyyy-MM-dd, with a time after a blank or T), or NULL when it spells none. */
    public static java.time.LocalDateTime try_timestamp(String s) {
        if (s == null) {
            return null;
        }
        String t = s.trim().replace('T', ' ');
        try {
            return t.length() <= 10 ? java.time.LocalDate.parse(t).atStartOfDay()
                    : java.time.LocalDateTime.parse(t.replace(' ', 'T'));
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    /** REVERSE('abc') = 'cba'. */
    public static String reverse(String s) {
        return s == null ? null : new StringBuilder(s).reverse().toString();
    }

    /**
     * PATINDEX('%pattern%', s): where the LIKE pattern first matches in s (from 1), 0 if nowhere.
     * As in SQL Server, the pattern must begin and end with % to be found inside s; comparison
     * ignores case, as SQL Server's default collation does.
     */
    public static Integer patindex(String pattern, String s) {
        if (pattern == null || s == null) {
            return null;
        }
        boolean anyStart = pattern.startsWith("%");
        String body = anyStart ? pattern.substring(1) : pattern;
        Pattern p = Pattern.compile((anyStart ? "" : "^") + likeToRegex(body), Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
        java.util.regex.Matcher m = p.matcher(s);
        return m.find() ? m.start() + 1 : 0;
    }

    /** A LIKE pattern (% _ [set] [^set]) as a regular expression; a trailing % matches the rest. */
    static String likeToRegex(String like) {
        StringBuilder out = new StringBuilder();
        boolean anyEnd = like.endsWith("%");
        String body = anyEnd ? like.substring(0, like.length() - 1) : like;
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '%') {
                out.append(".*?");
            } else if (c == '_') {
                out.append('.');
            } else if (c == '[') {
                int close = body.indexOf(']', i + 1);
                if (close < 0) {
                    out.append("\\[");
                } else {
                    String set = body.substring(i + 1, close);
                    boolean negated = set.startsWith("^");
                    out.append('[').append(negated ? "^" : "")
                            .append(set.substring(negated ? 1 : 0).replace("\\", "\\\\").replace("[", "\\[")).append(']');
                    i = close;
                }
            } else {
                out.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return out.append(anyEnd ? "" : "$").toString();
    }

    /**
     * ISNUMERIC(x): 1 when x converts to a number (an optional sign, digits with at most one
     * decimal point, an optional exponent, a leading currency sign), else 0; NULL and '' are 0.
     */
    public static int isnumeric(String s) {
        if (s == null) {
            return 0;
        }
        String t = s.trim();
        return t.matches("[+-]?[$]?[+-]?(\\d+\\.?\\d*|\\.\\d+)([eEdD][+-]?\\d+)?") || t.matches("[+-]|[$]|\\.") ? 1 : 0;
    }
}
