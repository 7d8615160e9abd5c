package org.opencasjobs.dialect;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.opencasjobs.jobs.CasJobsException;

/**
 * CROSS APPLY and OUTER APPLY with SkyServer's cone functions, the cross-match idiom
 * {@code FROM mydb.targets t CROSS APPLY dbo.fGetNearbyObjEq(t.ra, t.dec, 0.5) n}. H2 has no
 * LATERAL, so a table function cannot take a preceding table's columns; on H2 the APPLY becomes
 * the join on the context's Zone table that {@code catalog.sdss.SkyFunctionContracts} documents
 * (zone offsets × ra shifts of -360/0/360, Zone read last through a LEFT JOIN, the cone condition
 * in WHERE), and {@code n.distance} becomes the same distance in arcminutes. The nearest object
 * (fGetNearestObjEq) is PhotoObjAll joined on {@code dbo.fGetNearestObjIdEq}, the same search.
 * PostgreSQL has LATERAL: CROSS JOIN LATERAL and LEFT JOIN LATERAL … ON TRUE.
 *
 * <p>{@link #check} refuses, at the user's text, what the rewrite cannot give SQL Server's answer
 * for; the rule itself then never fails.
 */
final class Apply {
    private Apply() {
    }

    /** What an APPLY of one function becomes. */
    private enum Kind { NEARBY, NEARBY_ALL, NEAREST }

    private static final Set<String> ZONE_COLUMNS = Set.of("objid", "run", "camcol", "field", "rerun", "type",
            "cx", "cy", "cz", "htmid", "mode", "distance");
    private static final List<String> PRIMARY_COLUMNS = List.of("objID", "run", "camcol", "field", "rerun", "type",
            "cx", "cy", "cz", "htmID");
    private static final List<String> ALL_COLUMNS = List.of("objID", "run", "camcol", "field", "rerun", "type",
            "mode", "cx", "cy", "cz", "htmID");
    /** Zones are 30″ high (ZoneIndex): 21600 of them from pole to pole. */
    private static final int ZONES = 21600;

    /** Words that end a FROM clause (or a WHERE clause) at its own level. */
    private static final Set<String> CLAUSE_ENDS = Set.of("GROUP", "HAVING", "ORDER", "UNION", "EXCEPT", "INTERSECT",
            "OPTION", "FOR", "WINDOW");

    /** Words that may follow a from-item and are not its alias. */
    private static final Set<String> NOT_ALIASES = Set.of("GROUP", "HAVING", "ORDER", "UNION", "EXCEPT", "INTERSECT",
            "OPTION", "FOR", "WINDOW", "CROSS", "OUTER", "LEFT", "RIGHT", "INNER", "FULL", "JOIN", "WHERE", "ON");

    /** One APPLY in a statement's tokens. */
    private record Site(int join, int fn, int open, int close, int aliasFrom, int aliasTo, String alias, Kind kind,
                        boolean outer) {
    }

    private static Kind kindOf(String function) {
        return switch (function.toLowerCase(Locale.ROOT)) {
            case "fgetnearbyobjeq" -> Kind.NEARBY;
            case "fgetnearbyobjalleq" -> Kind.NEARBY_ALL;
            case "fgetnearestobjeq" -> Kind.NEAREST;
            default -> null;
        };
    }

    /** The first APPLY at or after token {@code from}, or null; {@code check} says why one is not supported. */
    private static Site next(String sql, List<Tok> t, int from, boolean check) {
        for (int i = Math.max(from, 1); i < t.size(); i++) {
            Tok join = t.get(i - 1);
            if (!t.get(i).isWord(sql, "APPLY") || !(join.isWord(sql, "CROSS") || join.isWord(sql, "OUTER"))) {
                continue;
            }
            String what = join.text(sql).toUpperCase(Locale.ROOT) + " APPLY";
            boolean outer = join.isWord(sql, "OUTER");
            int fn = i + 1;
            if (fn + 1 < t.size() && t.get(fn).isWord(sql, "dbo") && t.get(fn + 1).is(sql, ".")) {
                fn += 2;
            }
            Kind kind = fn + 1 < t.size() && t.get(fn).kind() == 'w' && t.get(fn + 1).is(sql, "(")
                    ? kindOf(t.get(fn).text(sql)) : null;
            if (kind == null || (outer && kind != Kind.NEAREST)) {
                if (!check) {
                    return null;
                }
                throw new CasJobsException(what + " (" + Where.at(sql, join.start()) + ") is supported only with"
                        + " dbo.fGetNearbyObjEq, dbo.fGetNearbyObjAllEq and dbo.fGetNearestObjEq (CROSS APPLY), and"
                        + " dbo.fGetNearestObjEq (OUTER APPLY): the embedded engine cannot pass a table's columns to"
                        + " other table functions or subqueries. Call the function with constant arguments, or join"
                        + " the tables on a condition instead.");
            }
            int open = fn + 1;
            int close = Expr.closing(sql, t, open);
            List<int[]> args = Expr.arguments(sql, t, open);
            if (args.size() != 3 && check) {
                throw new CasJobsException(t.get(fn).text(sql) + " takes 3 arguments, ra, dec and a radius in arcmin ("
                        + Where.at(sql, t.get(fn).start()) + ").");
            }
            if (check && radius(sql, t, args.get(2)) == null) {
                throw new CasJobsException("The radius of " + what + " " + t.get(fn).text(sql) + " must be a number of"
                        + " arcminutes (" + Where.at(sql, t.get(args.get(2)[0]).start()) + "): the search is rewritten"
                        + " into a join whose extent is set by the radius, so it cannot come from a column or a variable.");
            }
            int a = close + 1;
            if (a < t.size() && t.get(a).isWord(sql, "AS")) {
                a++;
            }
            boolean hasAlias = a < t.size() && t.get(a).isName() && !Expr.isKeyword(sql, t.get(a))
                    && !(t.get(a).kind() == 'w' && NOT_ALIASES.contains(t.get(a).text(sql).toUpperCase(Locale.ROOT)));
            String alias = hasAlias ? t.get(a).text(sql) : t.get(fn).text(sql);
            return new Site(i - 1, fn, open, close, close + 1, hasAlias ? a : close, alias, kind, outer);
        }
        return null;
    }

    /** The radius if its text is a number (with a sign), else null. */
    private static BigDecimal radius(String sql, List<Tok> t, int[] arg) {
        // the float-literal rule, which runs before this one, writes 1e0 as CAST(1e0 AS DOUBLE PRECISION)
        String text = Expr.text(sql, t, arg[0], arg[1]).replaceAll("[\\s()]", "")
                .replaceAll("(?i)^CAST(.*)ASDOUBLEPRECISION$", "$1");
        if (!text.matches("[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?")) {
            return null;
        }
        return new BigDecimal(text.replace("+", ""));
    }

    /**
     * Refuses, at the user's text, an APPLY this rule cannot rewrite: another function or a subquery,
     * OUTER APPLY of a cone, a radius that is not a number, {@code SELECT *} beside an APPLY.
     */
    static void check(String sql, List<Tok> piece, Engine engine) {
        if (engine == Engine.POSTGRESQL) {
            return; // LATERAL takes any of them
        }
        for (Site s = next(sql, piece, 1, true); s != null; s = next(sql, piece, s.close() + 1, true)) {
            int select = selectOf(sql, piece, s.join());
            if (select < 0) {
                continue;
            }
            for (int[] item : SelectList.items(sql, piece, select)) {
                if (item[0] == item[1] && piece.get(item[0]).is(sql, "*")) {
                    throw new CasJobsException("SELECT * with " + piece.get(s.join()).text(sql).toUpperCase(Locale.ROOT)
                            + " APPLY (" + Where.at(sql, piece.get(item[0]).start()) + ") is not supported: name the"
                            + " columns you want (" + s.alias() + ".* gives the function's columns).");
                }
            }
        }
    }

    static String apply(String sql, Engine engine) {
        if (engine == Engine.POSTGRESQL) {
            return lateral(sql);
        }
        int from = 1;
        while (true) {
            List<Tok> t = Lexer.tokens(sql);
            Site s = next(sql, t, from, false);
            if (s == null) {
                return sql;
            }
            sql = h2(sql, t, s);
            from = 1;
        }
    }

    /**
     * PostgreSQL: every APPLY is a lateral join, of a function or a subquery alike. {@code CROSS
     * APPLY x a} is {@code CROSS JOIN LATERAL x a}, {@code OUTER APPLY x a} is {@code LEFT JOIN
     * LATERAL x a ON TRUE} (a row of the left side is kept when x gives none).
     */
    private static String lateral(String sql) {
        while (true) {
            List<Tok> t = Lexer.tokens(sql);
            int at = -1;
            for (int i = 1; i < t.size() && at < 0; i++) {
                if (t.get(i).isWord(sql, "APPLY") && (t.get(i - 1).isWord(sql, "CROSS") || t.get(i - 1).isWord(sql, "OUTER"))) {
                    at = i;
                }
            }
            if (at < 0 || at + 1 >= t.size()) {
                return sql;
            }
            boolean outer = t.get(at - 1).isWord(sql, "OUTER");
            int end = at + 1;
            if (!t.get(end).is(sql, "(")) {
                while (end + 2 < t.size() && t.get(end + 1).is(sql, ".")) {
                    end += 2;
                }
            }
            if (end + 1 < t.size() && t.get(end + 1).is(sql, "(")) {
                end = Expr.closing(sql, t, end + 1);
            } else if (t.get(end).is(sql, "(")) {
                end = Expr.closing(sql, t, end);
            }
            int a = end + 1;
            if (a < t.size() && t.get(a).isWord(sql, "AS")) {
                a++;
            }
            if (a < t.size() && t.get(a).isName() && !Expr.isKeyword(sql, t.get(a))
                    && !(t.get(a).kind() == 'w' && NOT_ALIASES.contains(t.get(a).text(sql).toUpperCase(Locale.ROOT)))) {
                end = a + 1 < t.size() && t.get(a + 1).is(sql, "(") ? Expr.closing(sql, t, a + 1) : a;
            }
            String item = Expr.text(sql, t, at + 1, end);
            sql = Expr.splice(sql, t, at - 1, end, (outer ? "LEFT JOIN LATERAL " : "CROSS JOIN LATERAL ") + item
                    + (outer ? " ON TRUE" : ""));
        }
    }

    private record Edit(int start, int end, String text) {
    }

    /** The statement with one APPLY rewritten into a join, for H2. */
    private static String h2(String sql, List<Tok> t, Site s) {
        List<int[]> args = Expr.arguments(sql, t, s.open());
        String ra = "(" + Expr.text(sql, t, args.get(0)[0], args.get(0)[1]) + ")";
        String dec = "(" + Expr.text(sql, t, args.get(1)[0], args.get(1)[1]) + ")";
        String rText = Expr.text(sql, t, args.get(2)[0], args.get(2)[1]);
        BigDecimal r = radius(sql, t, args.get(2));
        if (r == null) { // check() refused it in the user's text already
            throw new CasJobsException("The radius of " + s.alias() + " must be a number of arcminutes.");
        }
        String n = s.alias();
        String distance = "dbo.fDistanceArcMinXYZ(" + n + ".cx, " + n + ".cy, " + n + ".cz, COS(RADIANS(" + dec
                + ")) * COS(RADIANS(" + ra + ")), COS(RADIANS(" + dec + ")) * SIN(RADIANS(" + ra + ")), SIN(RADIANS("
                + dec + ")))";
        List<String> columns = s.kind() == Kind.NEARBY_ALL ? ALL_COLUMNS : PRIMARY_COLUMNS;
        String join;
        String condition;
        if (s.kind() == Kind.NEAREST) {
            // the same search as the function, one objID; PhotoObjAll is read by its primary key
            join = "LEFT JOIN PhotoObjAll " + n + " ON " + n + ".objID = dbo.fGetNearestObjIdEq(" + ra + ", " + dec
                    + ", " + rText + ")";
            condition = s.outer() ? null : n + ".objID IS NOT NULL";
        } else {
            String base = n.matches("[A-Za-z_][A-Za-z0-9_]*") ? n : "apply";
            String dz = base + "_dz";
            String w = base + "_w";
            String alpha = "dbo.fGetAlpha(" + rText + " / 60.0, " + dec + ")";
            // zones within R (+1, the target's own zone boundary): 2 zones an arcminute
            long k = Math.min(ZONES + 1L, Math.max(1L, r.multiply(BigDecimal.valueOf(2))
                    .setScale(0, RoundingMode.CEILING).longValue() + 1));
            join = "JOIN SYSTEM_RANGE(-" + k + ", " + k + ") " + dz + " ON 1 = 1"
                    + " JOIN (VALUES (-360.0), (0.0), (360.0)) " + w + "(shift)"
                    + " ON " + ra + " + " + w + ".shift - " + alpha + " < 360 AND " + ra + " + " + w + ".shift + " + alpha
                    + " >= 0"
                    + " LEFT JOIN Zone " + n + " ON " + n + ".zoneID = CAST(FLOOR((" + dec + " + 90) * 120) + " + dz
                    + ".X AS INT) AND " + n + ".ra >= " + ra + " + " + w + ".shift - " + alpha + " AND " + n + ".ra < "
                    + ra + " + " + w + ".shift + " + alpha;
            condition = (s.kind() == Kind.NEARBY ? n + ".mode = 1 AND " : "") + distance + " < " + rText;
        }
        List<Edit> edits = new ArrayList<>();
        edits.add(new Edit(t.get(s.join()).start(), t.get(s.aliasTo()).end(), join));
        int select = selectOf(sql, t, s.join());
        int[] scope = scope(sql, t, s.join());
        // the alias's distance, wherever it is named; an unqualified one only at the APPLY's own level
        for (int i = 0; i + 2 < t.size(); i++) {
            if (sameName(sql, t.get(i), n) && t.get(i + 1).is(sql, ".") && t.get(i + 2).isWord(sql, "distance")
                    && (i == 0 || !t.get(i - 1).is(sql, "."))) {
                edits.add(new Edit(t.get(i).start(), t.get(i + 2).end(), "(" + distance + ")"));
            }
        }
        for (int i = scope[0]; i <= scope[1]; i++) {
            if (i > 0 && t.get(i).isWord(sql, "distance") && depth(sql, t, scope[0], i) == 0 && !t.get(i - 1).is(sql, ".")
                    && !t.get(i - 1).isWord(sql, "AS") && !(i + 1 < t.size() && t.get(i + 1).is(sql, "."))) {
                edits.add(new Edit(t.get(i).start(), t.get(i).end(), "(" + distance + ")"));
            }
        }
        if (select >= 0) {
            for (int[] item : SelectList.items(sql, t, select)) {
                String text = Expr.text(sql, t, item[0], item[1]).replaceAll("\\s+", "");
                if (item[1] == item[0] + 2 && sameName(sql, t.get(item[0]), n) && t.get(item[0] + 2).is(sql, "*")) {
                    StringBuilder all = new StringBuilder();
                    for (String c : columns) {
                        all.append(n).append('.').append(c).append(", ");
                    }
                    edits.add(new Edit(t.get(item[0]).start(), t.get(item[1]).end(), all + "(" + distance + ") AS distance"));
                } else if (text.equalsIgnoreCase("distance") || (item[1] == item[0] + 2 && sameName(sql, t.get(item[0]), n)
                        && t.get(item[0] + 2).isWord(sql, "distance"))) {
                    // named as SQL Server names it: the function's column
                    edits.add(new Edit(t.get(item[1]).end(), t.get(item[1]).end(), " AS distance"));
                }
            }
        }
        if (condition != null) {
            where(sql, t, s.aliasTo() + 1, condition, edits);
        }
        return splice(sql, edits);
    }

    /** Adds {@code condition} to the WHERE of the SELECT whose FROM clause goes on at token {@code from}. */
    private static void where(String sql, List<Tok> t, int from, String condition, List<Edit> edits) {
        int depth = 0;
        int where = -1;
        int i = from;
        for (; i < t.size(); i++) {
            Tok x = t.get(i);
            if (x.is(sql, "(")) {
                depth++;
            } else if (x.is(sql, ")")) {
                if (depth-- == 0) {
                    break;
                }
            } else if (depth == 0 && x.isWord(sql, "WHERE")) {
                where = i;
            } else if (depth == 0 && x.kind() == 'w' && CLAUSE_ENDS.contains(x.text(sql).toUpperCase(Locale.ROOT))) {
                break;
            }
        }
        int end = t.get(i - 1).end();
        if (where < 0) {
            edits.add(new Edit(end, end, " WHERE " + condition));
        } else {
            edits.add(new Edit(t.get(where).start(), t.get(where + 1).start(), "WHERE " + condition + " AND ("));
            edits.add(new Edit(end, end, ")"));
        }
    }

    /** The SELECT token whose FROM clause holds token {@code at}, or -1. */
    private static int selectOf(String sql, List<Tok> t, int at) {
        int depth = 0;
        for (int i = at; i >= 0; i--) {
            if (t.get(i).is(sql, ")")) {
                depth++;
            } else if (t.get(i).is(sql, "(")) {
                if (depth-- == 0) {
                    return -1;
                }
            } else if (depth == 0 && t.get(i).isWord(sql, "SELECT")) {
                return i;
            }
        }
        return -1;
    }

    /** [first, last] tokens of the query level holding token {@code at}: inside its parentheses. */
    private static int[] scope(String sql, List<Tok> t, int at) {
        int first = 0;
        int depth = 0;
        for (int i = at; i >= 0; i--) {
            depth += t.get(i).is(sql, ")") ? 1 : t.get(i).is(sql, "(") ? -1 : 0;
            if (depth < 0) {
                first = i + 1;
                break;
            }
        }
        int last = t.size() - 1;
        depth = 0;
        for (int i = at; i < t.size(); i++) {
            depth += t.get(i).is(sql, "(") ? 1 : t.get(i).is(sql, ")") ? -1 : 0;
            if (depth < 0) {
                last = i - 1;
                break;
            }
        }
        return new int[] {first, last};
    }

    private static int depth(String sql, List<Tok> t, int from, int to) {
        int d = 0;
        for (int i = from; i < to; i++) {
            d += t.get(i).is(sql, "(") ? 1 : t.get(i).is(sql, ")") ? -1 : 0;
        }
        return d;
    }

    private static boolean sameName(String sql, Tok tok, String alias) {
        return tok.isName() && unquote(tok.text(sql)).equalsIgnoreCase(unquote(alias));
    }

    private static String unquote(String name) {
        return name.length() >= 2 && (name.charAt(0) == '[' || name.charAt(0) == '"')
                ? name.substring(1, name.length() - 1) : name;
    }

    /** The text with non-overlapping edits made, last first so that earlier offsets hold. */
    private static String splice(String sql, List<Edit> edits) {
        StringBuilder out = new StringBuilder(sql);
        edits.stream().sorted(Comparator.comparingInt(Edit::start).thenComparingInt(Edit::end).reversed())
                .forEach(e -> out.replace(e.start(), e.end(), e.text()));
        return out.toString();
    }
}
