package org.opencasjobs.store;

import java.sql.Timestamp;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.opencasjobs.jobs.CasJobsException;

/**
 * Turns the {@code conditions} argument of GetJobs into a WHERE fragment over the {@code jobs} table.
 *
 * <pre>
 * conditions := keyset (';' keyset)* [';']      keysets are ANDed
 * keyset     := key ':' cond ('|' cond)*         conds are ORed
 * cond       := V | V ',' | ',' V | V1 ',' V2    =, &gt;=, &lt;=, between (inclusive)
 * </pre>
 *
 * Values only ever become bind parameters and column names only come from {@link #KEYS}, so
 * nothing the caller writes reaches the SQL text.
 */
public final class Conditions {

    /** {@code sql} is "" (no restriction) or a parenthesised expression safe to append after AND. */
    public record Where(String sql, List<Object> params) {
        public Where {
            params = List.copyOf(params);
        }
    }

    private enum Kind { INT, BIGINT, STRING, DATE }

    private record Key(String name, String column, Kind kind, boolean adminOnly) {}

    /** Lower-cased key → column; the only source of column names in the generated SQL. */
    private static final Map<String, Key> KEYS = new LinkedHashMap<>();

    static {
        key("JobID", "jobid", Kind.BIGINT, false);
        key("TimeSubmit", "time_submit", Kind.DATE, false);
        key("TimeStart", "time_start", Kind.DATE, false);
        key("TimeEnd", "time_end", Kind.DATE, false);
        key("Status", "status", Kind.INT, false);
        key("Queue", "queue", Kind.INT, false);
        key("TaskName", "task_name", Kind.STRING, false);
        key("Error", "error", Kind.STRING, false);
        key("Query", "query", Kind.STRING, false);
        key("Context", "context", Kind.STRING, false);
        key("Type", "job_type", Kind.STRING, false);
        key("WSID", "wsid", Kind.BIGINT, true);
    }

    private static void key(String name, String column, Kind kind, boolean adminOnly) {
        KEYS.put(name.toLowerCase(Locale.ROOT), new Key(name, column, kind, adminOnly));
    }

    private static final String ALLOWED = String.join(", ",
            KEYS.values().stream().map(k -> k.adminOnly() ? k.name() + " (administrators only)" : k.name()).toList());

    // Same separator on both sides of month; 'T' or blanks before the time; seconds and fraction optional.
    private static final Pattern DATE = Pattern.compile(
            "(\\d{4})([-/])(\\d{1,2})\\2(\\d{1,2})(?:(?:T|\\s+)(\\d{1,2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d{1,9}))?)?)?");

    private Conditions() {}

    public static Where parse(String conditions, boolean callerIsAdmin) {
        if (conditions == null || conditions.isBlank()) {
            return new Where("", List.of());
        }
        List<String> keysets = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        for (String keyset : conditions.split(";", -1)) {
            if (keyset.isBlank()) {
                continue; // trailing or doubled ';'
            }
            // First ':' only: date values contain ':' themselves.
            int colon = keyset.indexOf(':');
            if (colon < 0) {
                throw new CasJobsException("Condition '" + keyset.trim()
                        + "' has no ':'; write key:value, e.g. Status:5. Allowed keys: " + ALLOWED);
            }
            Key key = lookup(keyset.substring(0, colon).trim(), callerIsAdmin);
            List<String> ors = new ArrayList<>();
            for (String cond : keyset.substring(colon + 1).split("\\|", -1)) {
                ors.add(cond(key, cond.trim(), params));
            }
            keysets.add("(" + String.join(" OR ", ors) + ")");
        }
        if (keysets.isEmpty()) {
            return new Where("", List.of());
        }
        return new Where("(" + String.join(" AND ", keysets) + ")", params);
    }

    private static Key lookup(String name, boolean callerIsAdmin) {
        Key key = KEYS.get(name.toLowerCase(Locale.ROOT));
        if (key == null) {
            throw new CasJobsException("Unknown condition key '" + name + "'. Allowed keys: " + ALLOWED);
        }
        if (key.adminOnly() && !callerIsAdmin) {
            throw new CasJobsException("The " + key.name() + " condition is for administrators only.");
        }
        return key;
    }

    /** One cond: V, "V,", ",V" or "V1,V2"; appends its parameters in placeholder order. */
    private static String cond(Key key, String cond, List<Object> params) {
        if (cond.isEmpty()) {
            throw new CasJobsException("Condition " + key.name() + " has an empty value.");
        }
        String[] parts = cond.split(",", -1);
        if (parts.length > 2) {
            throw new CasJobsException("Condition " + key.name() + " value '" + cond
                    + "' has more than one ','; use V, V1,V2, 'V,' or ',V'.");
        }
        if (parts.length == 1) {
            return equal(key, parse(key, parts[0].trim()), params);
        }
        String lo = parts[0].trim();
        String hi = parts[1].trim();
        if (lo.isEmpty() && hi.isEmpty()) {
            throw new CasJobsException("Condition " + key.name()
                    + " range ',' has neither a lower nor an upper bound.");
        }
        // Parse both before emitting so the parameter list never gets half a range.
        Object loValue = lo.isEmpty() ? null : parse(key, lo);
        Object hiValue = hi.isEmpty() ? null : parse(key, hi);
        if (hiValue == null) {
            return atLeast(key, loValue, params);
        }
        if (loValue == null) {
            return atMost(key, hiValue, params);
        }
        return "(" + atLeast(key, loValue, params) + " AND " + atMost(key, hiValue, params) + ")";
    }

    private static String equal(Key key, Object v, List<Object> params) {
        if (v instanceof Day day) { // a date without a time means that whole day
            return "(" + atLeast(key, day, params) + " AND " + atMost(key, day, params) + ")";
        }
        params.add(v);
        return key.kind() == Kind.STRING
                ? "LOWER(" + key.column() + ") = LOWER(?)"
                : key.column() + " = ?";
    }

    private static String atLeast(Key key, Object v, List<Object> params) {
        params.add(v instanceof Day day ? Timestamp.valueOf(day.date().atStartOfDay()) : v);
        return key.kind() == Kind.STRING
                ? "LOWER(" + key.column() + ") >= LOWER(?)"
                : key.column() + " >= ?";
    }

    private static String atMost(Key key, Object v, List<Object> params) {
        if (v instanceof Day day) { // "< next midnight" keeps the whole day, fractions of a second included
            params.add(Timestamp.valueOf(day.date().plusDays(1).atStartOfDay()));
            return key.column() + " < ?";
        }
        params.add(v);
        return key.kind() == Kind.STRING
                ? "LOWER(" + key.column() + ") <= LOWER(?)"
                : key.column() + " <= ?";
    }

    /** A date given without a time; the SQL it produces depends on the side of the comparison. */
    private record Day(LocalDate date) {}

    /** Integer, Long, String, Timestamp or Day. */
    private static Object parse(Key key, String value) {
        try {
            return switch (key.kind()) {
                case INT -> Integer.parseInt(value);
                case BIGINT -> Long.parseLong(value);
                case STRING -> value;
                case DATE -> date(value);
            };
        } catch (NumberFormatException | DateTimeException e) {
            String what = key.kind() == Kind.DATE
                    ? "a date such as 2008-04-05, 2008/04/05 12:34 or 2008-04-05T12:34:56"
                    : "an integer";
            throw new CasJobsException("Condition " + key.name() + " value '" + value + "' is not " + what + ".");
        }
    }

    private static Object date(String value) {
        Matcher m = DATE.matcher(value);
        if (!m.matches()) {
            throw new DateTimeException("unrecognised date");
        }
        LocalDate date = LocalDate.of(num(m, 1), num(m, 3), num(m, 4));
        if (m.group(5) == null) {
            return new Day(date);
        }
        String fraction = m.group(8) == null ? "" : m.group(8);
        int nanos = fraction.isEmpty() ? 0 : Integer.parseInt((fraction + "00000000").substring(0, 9));
        LocalTime time = LocalTime.of(num(m, 5), num(m, 6), m.group(7) == null ? 0 : num(m, 7), nanos);
        return Timestamp.valueOf(LocalDateTime.of(date, time));
    }

    private static int num(Matcher m, int group) {
        return Integer.parseInt(m.group(group));
    }
}
