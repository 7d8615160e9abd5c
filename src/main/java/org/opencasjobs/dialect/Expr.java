package org.opencasjobs.dialect;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Expression structure read off tokens, enough to find the operands of an operator and the
 * arguments of a call: a "unit" is a literal, a (dotted) name, a variable, a call, a parenthesised
 * expression or a CASE … END, with any unary prefixes.
 */
final class Expr {
    private Expr() {
    }

    /** Words that are not function names when a '(' follows them. */
    private static final Set<String> NOT_FUNCTIONS = Set.of("AND", "OR", "NOT", "IN", "EXISTS", "WHERE", "ON",
            "SELECT", "WHEN", "THEN", "ELSE", "AS", "BY", "HAVING", "VALUES", "RETURN", "IS", "LIKE", "BETWEEN",
            "CASE", "DISTINCT", "TOP", "ALL", "ANY", "SOME", "FROM", "JOIN", "APPLY", "INTO", "SET", "UNION",
            "EXCEPT", "INTERSECT", "WITH", "OVER", "PERCENT", "TIES", "END");

    static boolean isKeyword(String sql, Tok t) {
        return t.kind() == 'w' && NOT_FUNCTIONS.contains(t.text(sql).toUpperCase(Locale.ROOT));
    }

    /** Index of the ')' matching the '(' at {@code open}, or the last index if it is not closed. */
    static int closing(String sql, List<Tok> t, int open) {
        int depth = 0;
        for (int i = open; i < t.size(); i++) {
            depth += t.get(i).is(sql, "(") ? 1 : t.get(i).is(sql, ")") ? -1 : 0;
            if (depth == 0) {
                return i;
            }
        }
        return t.size() - 1;
    }

    static int opening(String sql, List<Tok> t, int close) {
        int depth = 0;
        for (int i = close; i >= 0; i--) {
            depth += t.get(i).is(sql, ")") ? 1 : t.get(i).is(sql, "(") ? -1 : 0;
            if (depth == 0) {
                return i;
            }
        }
        return 0;
    }

    /** The index of the last token of the unit starting at {@code i}, or -1 if no unit starts there. */
    static int unitEnd(String sql, List<Tok> t, int i) {
        while (i < t.size() && (t.get(i).is(sql, "-") || t.get(i).is(sql, "+") || t.get(i).is(sql, "~"))) {
            i++;
        }
        if (i >= t.size()) {
            return -1;
        }
        Tok x = t.get(i);
        if (x.is(sql, "(")) {
            return closing(sql, t, i);
        }
        if (x.isWord(sql, "CASE")) {
            int depth = 0;
            for (int k = i; k < t.size(); k++) {
                depth += t.get(k).isWord(sql, "CASE") ? 1 : t.get(k).isWord(sql, "END") ? -1 : 0;
                if (depth == 0) {
                    return k;
                }
            }
            return t.size() - 1;
        }
        if (x.kind() == 'n' || x.kind() == 's') {
            return i;
        }
        if (x.isName() && !isKeyword(sql, x)) {
            int k = i;
            if (x.kind() == 'w' && k + 1 < t.size() && t.get(k + 1).kind() == 's' && t.get(k + 1).start() == x.end()) {
                return k + 1; // N'text'
            }
            while (k + 2 < t.size() && t.get(k + 1).is(sql, ".") && t.get(k + 2).isName()) {
                k += 2;
            }
            if (k + 1 < t.size() && t.get(k + 1).is(sql, "(")) {
                return closing(sql, t, k + 1);
            }
            return k;
        }
        return -1;
    }

    /** The index of the first token of the unit ending at {@code j} (unary ~ included), or -1. */
    static int unitStart(String sql, List<Tok> t, int j) {
        if (j < 0) {
            return -1;
        }
        Tok x = t.get(j);
        int k;
        if (x.is(sql, ")")) {
            k = opening(sql, t, j);
            if (k > 0 && t.get(k - 1).isName() && !isKeyword(sql, t.get(k - 1))) {
                k = nameStart(sql, t, k - 1);
            }
        } else if (x.isWord(sql, "END")) {
            int depth = 0;
            k = j;
            for (; k >= 0; k--) {
                depth += t.get(k).isWord(sql, "END") ? 1 : t.get(k).isWord(sql, "CASE") ? -1 : 0;
                if (depth == 0) {
                    break;
                }
            }
            k = Math.max(k, 0);
        } else if (x.kind() == 'n') {
            k = j;
        } else if (x.kind() == 's') {
            k = j > 0 && t.get(j - 1).kind() == 'w' && t.get(j - 1).end() == x.start() ? j - 1 : j;
        } else if (x.isName() && !isKeyword(sql, x)) {
            k = nameStart(sql, t, j);
        } else {
            return -1;
        }
        while (k > 0 && t.get(k - 1).is(sql, "~")) {
            k--;
        }
        return k;
    }

    private static int nameStart(String sql, List<Tok> t, int j) {
        int k = j;
        while (k >= 2 && t.get(k - 1).is(sql, ".") && t.get(k - 2).isName()) {
            k -= 2;
        }
        return k;
    }

    private static final Set<String> ARITHMETIC = Set.of("+", "-", "*", "/", "%");
    private static final Set<String> MULTIPLICATIVE = Set.of("*", "/", "%");

    private static boolean isOp(String sql, Tok t, Set<String> ops) {
        return t.kind() == 'c' && ops.contains(t.text(sql));
    }

    /**
     * The first token of the left operand of a binary operator at {@code op} of the additive level
     * (+ - &amp; ^ |: T-SQL reads them left to right), or -1 if there is none.
     */
    static int leftOperand(String sql, List<Tok> t, int op) {
        int start = unitStart(sql, t, op - 1);
        while (start > 0) {
            Tok before = t.get(start - 1);
            if (!isOp(sql, before, ARITHMETIC)) {
                break;
            }
            int previous = start >= 2 ? unitStart(sql, t, start - 2) : -1;
            if (previous < 0) {
                if (before.is(sql, "-") || before.is(sql, "+")) {
                    start--; // a unary sign, which may itself follow * or / (a * -b & c)
                    continue;
                }
                break;
            }
            start = previous;
        }
        return start;
    }

    /** The last token of the right operand of such an operator: a unit and any * / % that follow. */
    static int rightOperand(String sql, List<Tok> t, int op) {
        int end = unitEnd(sql, t, op + 1);
        while (end >= 0 && end + 2 < t.size() && isOp(sql, t.get(end + 1), MULTIPLICATIVE)) {
            int next = unitEnd(sql, t, end + 2);
            if (next < 0) {
                break;
            }
            end = next;
        }
        return end;
    }

    /** The arguments of the call whose '(' is at {@code open}: [first, last] token indexes of each. */
    static List<int[]> arguments(String sql, List<Tok> t, int open) {
        int close = closing(sql, t, open);
        List<int[]> out = new ArrayList<>();
        int depth = 0;
        int from = open + 1;
        for (int i = open + 1; i < close; i++) {
            depth += t.get(i).is(sql, "(") ? 1 : t.get(i).is(sql, ")") ? -1 : 0;
            if (depth == 0 && t.get(i).is(sql, ",")) {
                out.add(new int[] {from, i - 1});
                from = i + 1;
            }
        }
        if (from < close) {
            out.add(new int[] {from, close - 1});
        }
        return out;
    }

    /** The text of tokens [from, to]. */
    static String text(String sql, List<Tok> t, int from, int to) {
        return from > to ? "" : sql.substring(t.get(from).start(), t.get(to).end());
    }

    /** The text with tokens [from, to] replaced. */
    static String splice(String sql, List<Tok> t, int from, int to, String replacement) {
        return sql.substring(0, t.get(from).start()) + replacement + sql.substring(t.get(to).end());
    }
}
