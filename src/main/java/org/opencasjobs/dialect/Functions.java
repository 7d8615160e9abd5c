package org.opencasjobs.dialect;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * SQL Server built-in functions the engines lack or name differently, rewritten into what they
 * have with SQL Server's result. Those no rewrite can express (REVERSE, PATINDEX, ISNUMERIC on H2)
 * are Java functions installed in every MyDB database ({@code catalog.h2.H2Functions}).
 */
final class Functions {
    private Functions() {
    }

    /** DATEPART's units and their abbreviations, as EXTRACT names them. */
    private static final Map<String, String> UNITS = Map.ofEntries(
            Map.entry("YEAR", "YEAR"), Map.entry("YY", "YEAR"), Map.entry("YYYY", "YEAR"),
            Map.entry("QUARTER", "QUARTER"), Map.entry("QQ", "QUARTER"), Map.entry("Q", "QUARTER"),
            Map.entry("MONTH", "MONTH"), Map.entry("MM", "MONTH"), Map.entry("M", "MONTH"),
            Map.entry("DAYOFYEAR", "DOY"), Map.entry("DY", "DOY"), Map.entry("Y", "DOY"),
            Map.entry("DAY", "DAY"), Map.entry("DD", "DAY"), Map.entry("D", "DAY"),
            Map.entry("WEEK", "WEEK"), Map.entry("WK", "WEEK"), Map.entry("WW", "WEEK"),
            Map.entry("WEEKDAY", "DOW"), Map.entry("DW", "DOW"), Map.entry("W", "DOW"),
            Map.entry("HOUR", "HOUR"), Map.entry("HH", "HOUR"),
            Map.entry("MINUTE", "MINUTE"), Map.entry("MI", "MINUTE"), Map.entry("N", "MINUTE"),
            Map.entry("SECOND", "SECOND"), Map.entry("SS", "SECOND"), Map.entry("S", "SECOND"),
            Map.entry("MILLISECOND", "MILLISECOND"), Map.entry("MS", "MILLISECOND"));

    /** CONVERT's date styles (SQL Server's table) as H2 FORMATDATETIME patterns. */
    private static final Map<Integer, String> STYLES = Map.ofEntries(
            Map.entry(23, "yyyy-MM-dd"), Map.entry(101, "MM/dd/yyyy"), Map.entry(102, "yyyy.MM.dd"),
            Map.entry(103, "dd/MM/yyyy"), Map.entry(104, "dd.MM.yyyy"), Map.entry(105, "dd-MM-yyyy"),
            Map.entry(106, "dd MMM yyyy"), Map.entry(107, "MMM dd, yyyy"), Map.entry(108, "HH:mm:ss"),
            Map.entry(110, "MM-dd-yyyy"), Map.entry(111, "yyyy/MM/dd"), Map.entry(112, "yyyyMMdd"),
            Map.entry(120, "yyyy-MM-dd HH:mm:ss"), Map.entry(121, "yyyy-MM-dd HH:mm:ss.SSS"),
            Map.entry(126, "yyyy-MM-dd'T'HH:mm:ss.SSS"));

    static String apply(String sql, Engine engine) {
        // one call at a time, innermost last: each rewrite re-reads the text it made
        for (int guard = 0; guard < 10_000; guard++) {
            List<Tok> t = Lexer.tokens(sql);
            String next = null;
            for (int i = 0; i + 1 < t.size() && next == null; i++) {
                if (t.get(i).kind() == 'w' && t.get(i + 1).is(sql, "(") && !(i > 0 && t.get(i - 1).is(sql, "."))) {
                    next = rewrite(sql, t, i, engine);
                }
            }
            if (next == null) {
                return sql;
            }
            sql = next;
        }
        return sql;
    }

    /** The text with the call at {@code i} rewritten, or null if it stays as it is. */
    private static String rewrite(String sql, List<Tok> t, int i, Engine engine) {
        String name = t.get(i).text(sql).toUpperCase(Locale.ROOT);
        int close = Expr.closing(sql, t, i + 1);
        List<int[]> a = Expr.arguments(sql, t, i + 1);
        String[] args = a.stream().map(r -> Expr.text(sql, t, r[0], r[1]).trim()).toArray(String[]::new);
        boolean h2 = engine == Engine.H2;
        String out = switch (name) {
            // SQL Server's LEN leaves trailing blanks out; H2's counts them. It takes numbers too.
            case "LEN" -> args.length != 1 ? null : h2 ? "CHAR_LENGTH(RTRIM(" + args[0] + "))"
                    : "CHAR_LENGTH(RTRIM(CAST(" + args[0] + " AS TEXT)))";
            case "IIF" -> args.length == 3 ? "CASE WHEN " + args[0] + " THEN " + args[1] + " ELSE " + args[2] + " END" : null;
            case "CHOOSE" -> args.length >= 2 ? choose(args) : null;
            case "SQUARE" -> args.length == 1 ? "POWER(" + args[0] + ", 2)" : null;
            // SQL Server's statistical aggregates under their standard names (both engines have them)
            case "STDEV" -> args.length == 1 ? "STDDEV_SAMP(" + args[0] + ")" : null;
            case "STDEVP" -> args.length == 1 ? "STDDEV_POP(" + args[0] + ")" : null;
            case "VAR" -> args.length == 1 ? "VAR_SAMP(" + args[0] + ")" : null;
            case "VARP" -> args.length == 1 ? "VAR_POP(" + args[0] + ")" : null;
            case "ATN2" -> args.length == 2 ? "ATAN2(" + args[0] + ", " + args[1] + ")" : null;
            case "REPLICATE" -> args.length == 2 ? "REPEAT(" + args[0] + ", " + args[1] + ")" : null;
            case "DATALENGTH" -> args.length == 1 ? "OCTET_LENGTH(" + args[0] + ")" : null;
            case "STUFF" -> args.length != 4 ? null : h2
                    ? "INSERT(" + String.join(", ", args) + ")"
                    : "OVERLAY(" + args[0] + " PLACING " + args[3] + " FROM " + args[1] + " FOR " + args[2] + ")";
            case "DATEPART" -> args.length == 2 && UNITS.containsKey(unit(args[0])) ? datePart(unit(args[0]), args[1], engine) : null;
            case "DATENAME" -> args.length == 2 && UNITS.containsKey(unit(args[0])) ? dateName(unit(args[0]), args[1], engine) : null;
            case "EOMONTH" -> args.length == 1 ? endOfMonth(args[0], engine)
                    : args.length == 2 ? endOfMonth("DATEADD(MONTH, " + args[1] + ", " + args[0] + ")", engine) : null;
            case "GETUTCDATE", "SYSUTCDATETIME" -> args.length == 0 ? "CAST(CURRENT_TIMESTAMP AT TIME ZONE 'UTC' AS TIMESTAMP)" : null;
            case "SYSDATETIME" -> args.length == 0 ? "LOCALTIMESTAMP" : null;
            case "STR" -> str(args);
            case "CONVERT" -> args.length == 3 ? convertStyle(args, engine) : h2 ? null : postgresql(name, args);
            case "TRY_CONVERT" -> args.length >= 2 ? tryCast(args[1], args[0]) : null;
            case "TRY_CAST" -> args.length == 1 ? tryCast(a.get(0), t, sql) : null;
            default -> h2 ? null : postgresql(name, args);
        };
        return out == null ? null : Expr.splice(sql, t, i, close, out);
    }

    /** DATEADD's units as PostgreSQL intervals. */
    private static final Map<String, String> INTERVALS = Map.of("YEAR", "1 year", "QUARTER", "3 months",
            "MONTH", "1 month", "DOY", "1 day", "DAY", "1 day", "DOW", "1 day", "WEEK", "1 week", "HOUR", "1 hour",
            "MINUTE", "1 minute", "SECOND", "1 second");

    /**
     * The built-ins PostgreSQL lacks, where a rewrite gives SQL Server's answer whatever the
     * arguments' types; the others (CHARINDEX, PATINDEX, ISNUMERIC, DATEDIFF, TRY_NUMBER, ROUND of a
     * float) are functions of schema tsql ({@code dialect/postgresql/tsql.sql}), called as written.
     */
    private static String postgresql(String name, String[] args) {
        return switch (name) {
            case "ISNULL" -> args.length == 2 ? "COALESCE(" + args[0] + ", " + args[1] + ")" : null;
            case "SPACE" -> args.length == 1 ? "REPEAT(' ', " + args[0] + ")" : null;
            case "NEWID" -> args.length == 0 ? "GEN_RANDOM_UUID()" : null;
            case "RAND" -> args.length == 0 ? "RANDOM()" : null;
            case "GETDATE" -> args.length == 0 ? "LOCALTIMESTAMP" : null;
            case "COUNT_BIG" -> args.length == 1 ? "COUNT(" + args[0] + ")" : null;
            case "YEAR", "MONTH", "DAY" -> args.length == 1
                    ? "CAST(EXTRACT(" + name + " FROM CAST(" + args[0] + " AS TIMESTAMP)) AS INT)" : null;
            // SQL Server's LOG(x) is the natural logarithm, LOG(x, b) in base b; PostgreSQL's LOG(x) is base 10
            case "LOG" -> args.length == 1 ? "LN(" + args[0] + ")"
                    : args.length == 2 ? "(LN(" + args[0] + ") / LN(" + args[1] + "))" : null;
            case "CONVERT" -> args.length == 2 ? "CAST(" + args[1] + " AS " + args[0] + ")" : null;
            case "DATEADD" -> args.length == 3 && INTERVALS.containsKey(UNITS.get(unit(args[0])))
                    ? "(CAST(" + args[2] + " AS TIMESTAMP) + (" + args[1] + ") * INTERVAL '"
                    + INTERVALS.get(UNITS.get(unit(args[0]))) + "')"
                    : args.length == 3 && "MILLISECOND".equals(UNITS.get(unit(args[0])))
                    ? "(CAST(" + args[2] + " AS TIMESTAMP) + (" + args[1] + ") * INTERVAL '1 millisecond')" : null;
            // the unit as text, for tsql.datediff; a unit already written as text is that call
            case "DATEDIFF" -> args.length == 3 && !args[0].startsWith("'") && UNITS.containsKey(unit(args[0]))
                    ? "DATEDIFF('" + datediffUnit(UNITS.get(unit(args[0]))) + "', " + args[1] + ", " + args[2] + ")" : null;
            default -> null;
        };
    }

    private static String datediffUnit(String field) {
        return switch (field) {
            case "DOY", "DOW" -> "day";
            default -> field.toLowerCase(Locale.ROOT);
        };
    }

    /** TRY_CAST(x AS type): the type after the argument's last top-level AS. */
    private static String tryCast(int[] arg, List<Tok> t, String sql) {
        int as = -1;
        int depth = 0;
        for (int k = arg[0]; k <= arg[1]; k++) {
            depth += t.get(k).is(sql, "(") ? 1 : t.get(k).is(sql, ")") ? -1 : 0;
            if (depth == 0 && t.get(k).isWord(sql, "AS")) {
                as = k;
            }
        }
        return as <= arg[0] ? null : tryCast(Expr.text(sql, t, arg[0], as - 1).trim(), Expr.text(sql, t, as + 1, arg[1]).trim());
    }

    /**
     * TRY_CAST and TRY_CONVERT give NULL where CAST would fail to read the value: numbers and
     * dates are read by the engine's TRY_NUMBER and TRY_TIMESTAMP (NULL when the text is not one),
     * then cast (integer types truncating, as CAST does). Text types cannot fail.
     */
    private static String tryCast(String value, String type) {
        String base = type.toUpperCase(Locale.ROOT).replaceAll("\\s*\\(.*", "");
        if (Rules.INTEGER_TYPES.contains(base)) {
            return "CAST(TRUNC(TRY_NUMBER(" + value + ")) AS " + type + ")";
        }
        if (NUMERIC_TYPES.contains(base)) {
            return "CAST(TRY_NUMBER(" + value + ") AS " + type + ")";
        }
        if (DATE_TYPES.contains(base)) {
            return "CAST(TRY_TIMESTAMP(" + value + ") AS " + type + ")";
        }
        if (base.matches("N?(VAR)?CHAR")) {
            return "CAST(" + value + " AS " + type + ")";
        }
        return null;
    }

    private static final java.util.Set<String> NUMERIC_TYPES = java.util.Set.of("DECIMAL", "NUMERIC", "FLOAT", "REAL",
            "MONEY", "SMALLMONEY", "DOUBLE");
    private static final java.util.Set<String> DATE_TYPES = java.util.Set.of("DATE", "DATETIME", "DATETIME2",
            "SMALLDATETIME", "TIME", "DATETIMEOFFSET");

    private static String unit(String arg) {
        return arg.replaceAll("^[\\[\"']|[]\"']$", "").toUpperCase(Locale.ROOT);
    }

    private static String choose(String[] args) {
        StringBuilder out = new StringBuilder("CASE ").append(args[0]);
        for (int k = 1; k < args.length; k++) {
            out.append(" WHEN ").append(k).append(" THEN ").append(args[k]);
        }
        return out.append(" END").toString();
    }

    /** DATEPART(unit, d): weekday counts from Sunday = 1, as SQL Server's default DATEFIRST 7. */
    private static String datePart(String unit, String date, Engine engine) {
        String field = UNITS.get(unit);
        String ts = "CAST(" + date + " AS TIMESTAMP)";
        if (engine == Engine.H2) {
            return "EXTRACT(" + field + " FROM " + ts + ")";
        }
        String pg = "EXTRACT(" + field + " FROM " + ts + ")" + (field.equals("DOW") ? " + 1" : "");
        return "CAST(" + pg + " AS INT)";
    }

    private static String dateName(String unit, String date, Engine engine) {
        String field = UNITS.get(unit);
        String ts = "CAST(" + date + " AS TIMESTAMP)";
        if (field.equals("MONTH")) {
            return engine == Engine.H2 ? "MONTHNAME(" + ts + ")" : "TRIM(TO_CHAR(" + ts + ", 'FMMonth'))";
        }
        if (field.equals("DOW")) {
            return engine == Engine.H2 ? "DAYNAME(" + ts + ")" : "TRIM(TO_CHAR(" + ts + ", 'FMDay'))";
        }
        return "CAST(" + datePart(unit, date, engine) + " AS VARCHAR(30))";
    }

    private static String endOfMonth(String date, Engine engine) {
        return engine == Engine.H2 ? "LAST_DAY(CAST(" + date + " AS DATE))"
                : "CAST(DATE_TRUNC('month', CAST(" + date + " AS DATE)) + INTERVAL '1 month - 1 day' AS DATE)";
    }

    /**
     * STR(x [, length [, decimals]]): x rounded to the decimals (0), right-aligned in length (10)
     * characters; stars when it does not fit.
     */
    private static String str(String[] args) {
        if (args.length < 1 || args.length > 3) {
            return null;
        }
        String length = args.length >= 2 ? args[1] : "10";
        String decimals = args.length == 3 ? args[2] : "0";
        if (!length.matches("[0-9]+") || !decimals.matches("[0-9]+")) {
            return null;
        }
        int scale = Math.min(Integer.parseInt(decimals), 16);
        String text = "CAST(CAST(ROUND(" + args[0] + ", " + scale + ") AS DECIMAL(38, " + scale + ")) AS VARCHAR(64))";
        return "CASE WHEN CHAR_LENGTH(" + text + ") > " + length + " THEN REPEAT('*', " + length + ") ELSE LPAD("
                + text + ", " + length + ") END";
    }

    /** CONVERT(varchar, date, style) with a date style; any other style is left out. */
    private static String convertStyle(String[] args, Engine engine) {
        String type = args[0].toUpperCase(Locale.ROOT);
        if (!args[2].matches("[0-9]+")) {
            return null;
        }
        String pattern = STYLES.get(Integer.parseInt(args[2]));
        boolean text = type.matches("N?(VAR)?CHAR\\b.*");
        if (pattern == null || !text) {
            return "CONVERT(" + args[0] + ", " + args[1] + ")";
        }
        String formatted = engine == Engine.H2
                ? "FORMATDATETIME(CAST(" + args[1] + " AS TIMESTAMP), '" + pattern.replace("'", "''") + "')"
                : "TO_CHAR(CAST(" + args[1] + " AS TIMESTAMP), '" + postgresPattern(pattern) + "')";
        return "CAST(" + formatted + " AS " + args[0] + ")";
    }

    private static String postgresPattern(String java) {
        return java.replace("yyyy", "YYYY").replace("MMM", "Mon").replace("MM", "MM").replace("dd", "DD")
                .replace("HH", "HH24").replace("mm", "MI").replace("ss", "SS").replace(".SSS", ".MS").replace("'T'", "\"T\"");
    }
}
