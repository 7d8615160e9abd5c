package org.opencasjobs.dialect;

import java.math.BigInteger;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * The rewrite rules, in the order they run. Each reads T-SQL and writes what the engine needs to
 * give SQL Server's answer; {@link DialectRulesTest} has golden tests for each by name.
 */
final class Rules {
    private Rules() {
    }

    /**
     * Every rule, in order: literals first, then operators, then functions and names. Rules for
     * PostgreSQL only leave H2's text as it is; on PostgreSQL, {@link Labels#fold} follows them all.
     */
    static final List<Rule> ALL = List.of(
            rule("temp-tables", TempTables::apply),
            rule("top", Top::apply),
            rule("table-hints", PostgresText::hints),
            rule("national-strings", PostgresText::nationalStrings),
            rule("hex-literal", Rules::hexLiterals),
            rule("float-literal", Rules::floatLiterals),
            rule("bitwise-operators", Bitwise::apply),
            rule("modulo-keeps-fraction", Rules::modulo),
            rule("integer-cast-truncates", Rules::integerCasts),
            rule("power-in-argument-type", Rules::argumentTyped),
            rule("round-truncate", Rules::roundTruncate),
            rule("functions", Functions::apply),
            new Rule() {
                @Override
                public String name() {
                    return "variables";
                }

                @Override
                public String apply(String sql, Engine engine, Batch batch) {
                    return PostgresText.variables(sql, engine, batch);
                }
            },
            // after the rules that write CASTs (functions, variables) and before aliases
            rule("types", PostgresText::types),
            rule("quoted-alias", Rules::quotedAliases),
            rule("equals-alias", Rules::equalsAliases),
            // its join is H2's own SQL, which no rule above should touch
            rule("cone-apply", Apply::apply),
            // last: it only names bare column references as written, the join's included
            rule("names-as-written", Rules::namesAsWritten));

    static Rule byName(String name) {
        return ALL.stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
    }

    private static Rule rule(String name, BiFunction<String, Engine, String> f) {
        return new Rule() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String apply(String sql, Engine engine, Batch batch) {
                return f.apply(sql, engine);
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }

    /**
     * {@code 0x10000000} is binary in SQL Server, which it converts to the integer it spells wherever
     * an integer is wanted, the only use of it in queries (flags &amp; 0x10, id > 0x7F): decimal here.
     */
    static String hexLiterals(String sql, Engine engine) {
        StringBuilder out = new StringBuilder();
        int copied = 0;
        for (Tok t : Lexer.tokens(sql)) {
            String text = t.text(sql);
            if (t.kind() == 'n' && text.length() > 2 && (text.startsWith("0x") || text.startsWith("0X"))
                    && text.substring(2).chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                out.append(sql, copied, t.start()).append(new BigInteger(text.substring(2), 16));
                copied = t.end();
            }
        }
        return out.append(sql.substring(copied)).toString();
    }

    /** {@code 2.5e0} is FLOAT in SQL Server; H2 and PostgreSQL read it as an exact decimal. */
    static String floatLiterals(String sql, Engine engine) {
        StringBuilder out = new StringBuilder();
        int copied = 0;
        for (Tok t : Lexer.tokens(sql)) {
            String text = t.text(sql);
            if (t.kind() == 'n' && text.matches("(?i)[0-9]*\\.?[0-9]*e[+-]?[0-9]+")) {
                out.append(sql, copied, t.start()).append("CAST(").append(text).append(" AS DOUBLE PRECISION)");
                copied = t.end();
            }
        }
        return out.append(sql.substring(copied)).toString();
    }

    static final Set<String> INTEGER_TYPES = Set.of("BIGINT", "INT", "INTEGER", "SMALLINT", "TINYINT");

    /**
     * CAST and CONVERT to an integer type truncate in SQL Server ({@code CAST(2.7 AS int)} is 2,
     * {@code -2.7} gives -2); H2 and PostgreSQL round. The value goes through an exact decimal
     * first, so that numeric strings ('12') convert as before.
     */
    static String integerCasts(String sql, Engine engine) {
        List<Tok> t = Lexer.tokens(sql);
        StringBuilder out = new StringBuilder();
        int copied = 0;
        for (int i = 0; i + 1 < t.size(); i++) {
            // TRY_CAST and TRY_CONVERT: see Functions
            boolean cast = t.get(i).isWord(sql, "CAST");
            boolean convert = t.get(i).isWord(sql, "CONVERT");
            if ((!cast && !convert) || !t.get(i + 1).is(sql, "(")) {
                continue;
            }
            List<int[]> args = Expr.arguments(sql, t, i + 1);
            int[] value;
            String type;
            if (cast && args.size() == 1) {
                int as = -1;
                int depth = 0;
                for (int k = args.get(0)[0]; k <= args.get(0)[1]; k++) {
                    depth += t.get(k).is(sql, "(") ? 1 : t.get(k).is(sql, ")") ? -1 : 0;
                    if (depth == 0 && t.get(k).isWord(sql, "AS")) {
                        as = k;
                    }
                }
                if (as < 0) {
                    continue;
                }
                value = new int[] {args.get(0)[0], as - 1};
                type = Expr.text(sql, t, as + 1, args.get(0)[1]);
            } else if (convert && args.size() >= 2) {
                value = args.get(1);
                type = Expr.text(sql, t, args.get(0)[0], args.get(0)[1]);
            } else {
                continue;
            }
            if (!INTEGER_TYPES.contains(type.trim().toUpperCase(Locale.ROOT)) || value[0] > value[1]
                    || t.get(value[0]).kind() == 's') {
                continue;
            }
            int close = Expr.closing(sql, t, i + 1);
            String inner = truncated(Expr.text(sql, t, value[0], value[1]), engine);
            out.append(sql, copied, t.get(i).start()).append("CAST(").append(inner).append(" AS ").append(type).append(')');
            copied = t.get(close).end();
            i = close;
        }
        return out.append(sql.substring(copied)).toString();
    }

    /**
     * The expression truncated toward zero, any numeric type or numeric string in (casts nested in
     * it rewritten too); H2's exact decimal without a fixed scale is DECFLOAT, PostgreSQL's NUMERIC.
     */
    private static String truncated(String expr, Engine engine) {
        return "TRUNC(CAST(" + integerCasts(expr, engine) + (engine == Engine.H2 ? " AS DECFLOAT))" : " AS NUMERIC))");
    }

    /**
     * {@code 2.7 % 1} is 0.7 in SQL Server; H2 gives the remainder the divisor's type, rounded (1).
     * On H2, {@code a % b} becomes {@code a - TRUNC(a / b) * b}: the same for integers (whose /
     * truncates), the fraction kept for decimals and floats. PostgreSQL's % is right as it is.
     */
    static String modulo(String sql, Engine engine) {
        if (engine != Engine.H2) {
            return sql;
        }
        while (true) {
            List<Tok> t = Lexer.tokens(sql);
            int op = -1;
            for (int i = 1; i + 1 < t.size() && op < 0; i++) {
                op = t.get(i).is(sql, "%") ? i : -1;
            }
            if (op < 0) {
                return sql;
            }
            int left = Expr.unitStart(sql, t, op - 1);
            // a * b % c is (a * b) % c: * / and % are read left to right
            while (left >= 2 && (t.get(left - 1).is(sql, "*") || t.get(left - 1).is(sql, "/"))
                    && Expr.unitStart(sql, t, left - 2) >= 0) {
                left = Expr.unitStart(sql, t, left - 2);
            }
            int right = Expr.unitEnd(sql, t, op + 1);
            if (left < 0 || right < 0) {
                return sql; // the parser let it through: the engine will say what is wrong
            }
            String a = Expr.text(sql, t, left, op - 1);
            String b = Expr.text(sql, t, op + 1, right);
            sql = Expr.splice(sql, t, left, right, "((" + a + ") - TRUNC((" + a + ") / (" + b + ")) * (" + b + "))");
        }
    }

    private static final Set<String> TYPED_BY_ARGUMENT = Set.of("POWER", "RADIANS", "DEGREES");

    /**
     * POWER, RADIANS and DEGREES return their first argument's type in SQL Server:
     * {@code POWER(2, 24)} is an int (so {@code htmID / POWER(2, 24)} bins), {@code RADIANS(180)}
     * is 3. Where that argument is an integer literal the result is truncated to int (bigint past
     * int's range); other arguments keep the engine's floating-point result.
     */
    static String argumentTyped(String sql, Engine engine) {
        List<Tok> t = Lexer.tokens(sql);
        StringBuilder out = new StringBuilder();
        int copied = 0;
        for (int i = 0; i + 1 < t.size(); i++) {
            if (t.get(i).kind() != 'w' || !TYPED_BY_ARGUMENT.contains(t.get(i).text(sql).toUpperCase(Locale.ROOT))
                    || !t.get(i + 1).is(sql, "(") || (i > 0 && t.get(i - 1).is(sql, "."))) {
                continue;
            }
            List<int[]> args = Expr.arguments(sql, t, i + 1);
            if (args.isEmpty()) {
                continue;
            }
            String first = Expr.text(sql, t, args.get(0)[0], args.get(0)[1]).replaceAll("\\s+", "");
            if (!first.matches("[-+]?[0-9]+")) {
                continue;
            }
            String type = new BigInteger(first.replace("+", "")).bitLength() < 32 ? "INT" : "BIGINT";
            int close = Expr.closing(sql, t, i + 1);
            out.append(sql, copied, t.get(i).start()).append("CAST(TRUNC(")
                    .append(Expr.text(sql, t, i, close)).append(") AS ").append(type).append(')');
            copied = t.get(close).end();
            i = close;
        }
        return out.append(sql.substring(copied)).toString();
    }

    /** {@code ROUND(x, n, f)} truncates when f is not 0; both engines call that TRUNC(x, n). */
    static String roundTruncate(String sql, Engine engine) {
        while (true) {
            List<Tok> t = Lexer.tokens(sql);
            int at = -1;
            List<int[]> args = null;
            for (int i = 0; i + 1 < t.size() && at < 0; i++) {
                if (t.get(i).isWord(sql, "ROUND") && t.get(i + 1).is(sql, "(")
                        && (args = Expr.arguments(sql, t, i + 1)).size() == 3) {
                    at = i;
                }
            }
            if (at < 0) {
                return sql;
            }
            String x = Expr.text(sql, t, args.get(0)[0], args.get(0)[1]);
            String n = Expr.text(sql, t, args.get(1)[0], args.get(1)[1]);
            String f = Expr.text(sql, t, args.get(2)[0], args.get(2)[1]).trim();
            String replacement = f.equals("0") ? "ROUND(" + x + ", " + n + ")"
                    : f.matches("[0-9]+") ? "TRUNC(" + x + ", " + n + ")"
                    : "CASE WHEN (" + f + ") = 0 THEN ROUND(" + x + ", " + n + ") ELSE TRUNC(" + x + ", " + n + ") END";
            sql = Expr.splice(sql, t, at, Expr.closing(sql, t, at + 1), replacement);
        }
    }

    /** {@code AS 'name'}: SQL Server takes a string as a column alias; the engines want a quoted name. */
    static String quotedAliases(String sql, Engine engine) {
        List<Tok> t = Lexer.tokens(sql);
        StringBuilder out = new StringBuilder();
        int copied = 0;
        for (int i = 1; i < t.size(); i++) {
            if (t.get(i).kind() == 's' && t.get(i - 1).isWord(sql, "AS") && t.get(i).text(sql).startsWith("'")) {
                String name = t.get(i).text(sql);
                name = name.substring(1, name.length() - 1).replace("''", "'");
                out.append(sql, copied, t.get(i).start()).append('"').append(name.replace("\"", "\"\"")).append('"');
                copied = t.get(i).end();
            }
        }
        return out.append(sql.substring(copied)).toString();
    }

    /**
     * {@code SELECT total = a + b FROM …} names a column in SQL Server; the engines read a
     * comparison. An item of a SELECT list that is a name, '=' and an expression becomes
     * {@code expression AS name}. ({@code @v = …} is an assignment, see {@link Variables}.)
     */
    static String equalsAliases(String sql, Engine engine) {
        List<Tok> t = Lexer.tokens(sql);
        for (int i = 0; i < t.size(); i++) {
            if (!t.get(i).isWord(sql, "SELECT")) {
                continue;
            }
            for (int[] item : SelectList.items(sql, t, i)) {
                Tok name = t.get(item[0]);
                if (item[1] >= item[0] + 2 && name.isName() && !name.text(sql).startsWith("@")
                        && !Expr.isKeyword(sql, name) && t.get(item[0] + 1).is(sql, "=")) {
                    String expr = Expr.text(sql, t, item[0] + 2, item[1]);
                    String alias = name.kind() == 'q' ? name.text(sql) : "\"" + name.text(sql) + "\"";
                    // one edit, then again on the new text: offsets after it have moved
                    return equalsAliases(Expr.splice(sql, t, item[0], item[1], expr + " AS " + alias), engine);
                }
            }
        }
        return sql;
    }

    /** Words that stand for a value, not a column, in a SELECT list. */
    private static final java.util.Set<String> VALUE_WORDS = java.util.Set.of("NULL", "TRUE", "FALSE", "UNKNOWN",
            "DEFAULT", "CURRENT_TIMESTAMP", "CURRENT_DATE", "CURRENT_TIME", "CURRENT_USER", "SESSION_USER",
            "SYSTEM_USER", "USER", "LOCALTIMESTAMP", "LOCALTIME");

    /**
     * SQL Server names a result column that is a bare column reference as the query writes it
     * ({@code select OBJID from PhotoObj} answers a column {@code OBJID}); H2 and PostgreSQL answer
     * the name the table declares (or folds). Each such item without an alias gets its own
     * spelling as alias: {@code OBJID AS "OBJID"}, {@code p.ra AS "ra"}, {@code [Dec] AS "Dec"}.
     */
    static String namesAsWritten(String sql, Engine engine) {
        List<Tok> t = Lexer.tokens(sql);
        java.util.TreeMap<Integer, String> inserts = new java.util.TreeMap<>();
        for (int i = 0; i < t.size(); i++) {
            if (!t.get(i).isWord(sql, "SELECT")) {
                continue;
            }
            for (int[] item : SelectList.items(sql, t, i)) {
                boolean reference = (item[1] - item[0]) % 2 == 0 && item[1] - item[0] <= 6;
                for (int k = item[0]; k <= item[1] && reference; k++) {
                    Tok x = t.get(k);
                    reference = (k - item[0]) % 2 == 0 ? x.isName() && !x.text(sql).startsWith("@")
                            && !x.text(sql).startsWith("#") && !Expr.isKeyword(sql, x)
                            && !VALUE_WORDS.contains(x.text(sql).toUpperCase(java.util.Locale.ROOT))
                            && !Character.isDigit(x.text(sql).charAt(0))
                            : x.is(sql, ".");
                }
                if (reference) {
                    String written = t.get(item[1]).text(sql);
                    if (t.get(item[1]).kind() == 'q') {
                        written = written.substring(1, written.length() - 1);
                    }
                    inserts.put(t.get(item[1]).end(), " AS \"" + written.replace("\"", "\"\"") + "\"");
                }
            }
        }
        StringBuilder out = new StringBuilder(sql);
        for (var e : inserts.descendingMap().entrySet()) {
            out.insert(e.getKey(), e.getValue());
        }
        return out.toString();
    }
}
