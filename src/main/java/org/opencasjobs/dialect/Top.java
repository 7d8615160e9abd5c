package org.opencasjobs.dialect;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.opencasjobs.jobs.CasJobsException;

/**
 * {@code SELECT TOP n …} on PostgreSQL, which has LIMIT at the end of a query instead: {@code TOP n}
 * and {@code TOP (n)} become {@code LIMIT n} at the end of that SELECT's own level (inside its
 * parentheses when it is a subquery), {@code TOP n WITH TIES} becomes {@code FETCH FIRST n ROWS WITH
 * TIES} (after its ORDER BY, which SQL Server requires too), and {@code TOP n PERCENT} a LIMIT of
 * the rounded-up share of the rows the same query gives without its ORDER BY. H2 reads TOP itself.
 */
final class Top {
    private Top() {
    }

    private static final Set<String> SET_OPERATORS = Set.of("UNION", "EXCEPT", "INTERSECT");

    /** One TOP clause: its SELECT, its tokens, the count's text, and the last token of its query level. */
    private record Clause(int select, int top, int last, String count, boolean percent, boolean ties, int end) {
    }

    /**
     * Refuses, at the user's text, a TOP in a SELECT combined with others by UNION, EXCEPT or
     * INTERSECT (PostgreSQL's LIMIT there would apply to the whole combination), and TOP … PERCENT
     * WITH TIES, which PostgreSQL has no form of.
     */
    static void check(String sql, List<Tok> piece) {
        for (int i = 0; i < piece.size(); i++) {
            Clause c = clause(sql, piece, i);
            if (c != null && c.percent() && c.ties()) {
                throw new CasJobsException("TOP … PERCENT WITH TIES (" + Where.at(sql, piece.get(c.top()).start())
                        + ") is not supported on PostgreSQL: use TOP n WITH TIES or TOP n PERCENT.");
            }
            if (c != null && combined(sql, piece, c)) {
                throw new CasJobsException("TOP in a SELECT combined with UNION, EXCEPT or INTERSECT ("
                        + Where.at(sql, piece.get(c.top()).start()) + ") is not supported on PostgreSQL: put that"
                        + " SELECT in parentheses as a subquery, e.g. SELECT * FROM (SELECT TOP 10 … ORDER BY …) t UNION …");
            }
        }
    }

    static String apply(String sql, Engine engine) {
        if (engine != Engine.POSTGRESQL) {
            return sql;
        }
        while (true) {
            List<Tok> t = Lexer.tokens(sql);
            Clause c = null;
            for (int i = 0; i < t.size() && c == null; i++) {
                c = clause(sql, t, i);
            }
            if (c == null) {
                return sql;
            }
            String limit;
            if (c.ties()) {
                limit = " FETCH FIRST " + c.count() + " ROWS WITH TIES";
            } else if (c.percent()) {
                limit = " LIMIT (SELECT CEIL(COUNT(*) * " + c.count() + " / 100.0) FROM (" + counted(sql, t, c) + ") top_)";
            } else {
                limit = " LIMIT " + c.count();
            }
            // the LIMIT first: it is after the TOP clause, whose removal would move it
            String withLimit = sql.substring(0, t.get(c.end()).end()) + limit + sql.substring(t.get(c.end()).end());
            int from = t.get(c.top()).start();
            int to = t.get(c.last()).end();
            sql = withLimit.substring(0, from) + withLimit.substring(to).replaceFirst("^\\s+", "");
        }
    }

    /** The TOP clause of the SELECT at token {@code i}, or null if it has none. */
    private static Clause clause(String sql, List<Tok> t, int i) {
        if (!t.get(i).isWord(sql, "SELECT")) {
            return null;
        }
        int k = i + 1;
        if (k < t.size() && (t.get(k).isWord(sql, "DISTINCT") || t.get(k).isWord(sql, "ALL"))) {
            k++;
        }
        if (k + 1 >= t.size() || !t.get(k).isWord(sql, "TOP")) {
            return null;
        }
        int top = k;
        int countFrom = k + 1;
        int countTo = t.get(countFrom).is(sql, "(") ? Expr.closing(sql, t, countFrom) : countFrom;
        int last = countTo;
        boolean percent = last + 1 < t.size() && t.get(last + 1).isWord(sql, "PERCENT");
        if (percent) {
            last++;
        }
        boolean ties = last + 2 < t.size() && t.get(last + 1).isWord(sql, "WITH") && t.get(last + 2).isWord(sql, "TIES");
        if (ties) {
            last += 2;
        }
        int end = t.size() - 1;
        int depth = 0;
        for (int j = last + 1; j < t.size(); j++) {
            depth += t.get(j).is(sql, "(") ? 1 : t.get(j).is(sql, ")") ? -1 : 0;
            if (depth < 0) {
                end = j - 1;
                break;
            }
        }
        return new Clause(i, top, last, Expr.text(sql, t, countFrom, countTo), percent, ties, end);
    }

    /** Whether the clause's SELECT is one side of a UNION, EXCEPT or INTERSECT at its own level. */
    private static boolean combined(String sql, List<Tok> t, Clause c) {
        int depth = 0;
        for (int j = c.last() + 1; j <= c.end(); j++) {
            depth += t.get(j).is(sql, "(") ? 1 : t.get(j).is(sql, ")") ? -1 : 0;
            if (depth == 0 && t.get(j).kind() == 'w' && SET_OPERATORS.contains(upper(sql, t.get(j)))) {
                return true;
            }
        }
        int before = c.select() - 1;
        if (before >= 0 && t.get(before).isWord(sql, "ALL")) {
            before--;
        }
        return before >= 0 && t.get(before).kind() == 'w' && SET_OPERATORS.contains(upper(sql, t.get(before)));
    }

    /** The query of a TOP … PERCENT without its TOP and ORDER BY: the rows it counts. */
    private static String counted(String sql, List<Tok> t, Clause c) {
        int stop = c.end();
        int depth = 0;
        for (int j = c.last() + 1; j <= c.end(); j++) {
            depth += t.get(j).is(sql, "(") ? 1 : t.get(j).is(sql, ")") ? -1 : 0;
            if (depth == 0 && t.get(j).isWord(sql, "ORDER")) {
                stop = j - 1;
                break;
            }
        }
        return Expr.text(sql, t, c.select(), c.top() - 1) + " " + Expr.text(sql, t, c.last() + 1, stop);
    }

    private static String upper(String sql, Tok t) {
        return t.text(sql).toUpperCase(Locale.ROOT);
    }
}
