package org.opencasjobs.dialect;

import java.util.List;

/**
 * T-SQL's bitwise operators on integers of every width: {@code ~} (not, binds tightest), then
 * {@code & | ^}, which stand with + and - and are read left to right, so
 * {@code flags & 0x10 != 0} is {@code (flags & 16) != 0}. H2 has them as functions only
 * (BITAND, BITOR, BITXOR, BITNOT, each keeping its operands' integer type); PostgreSQL has
 * operators, with # for exclusive or, written schema-qualified so that this rule does not read
 * its own output again.
 */
final class Bitwise {
    private Bitwise() {
    }

    static String apply(String sql, Engine engine) {
        while (true) {
            List<Tok> t = Lexer.tokens(sql);
            String next = not(sql, t, engine);
            if (next == null) {
                next = binary(sql, t, engine);
            }
            if (next == null) {
                return sql;
            }
            sql = next;
        }
    }

    /** The first {@code ~x} rewritten, or null if there is none. */
    private static String not(String sql, List<Tok> t, Engine engine) {
        for (int i = 0; i < t.size(); i++) {
            if (t.get(i).is(sql, "~") && !(i > 0 && t.get(i - 1).is(sql, "."))) {
                int end = Expr.unitEnd(sql, t, i + 1);
                if (end < 0) {
                    return null; // the parser let it through: the engine will say what is wrong
                }
                String operand = Expr.text(sql, t, i + 1, end);
                return Expr.splice(sql, t, i, end, engine == Engine.H2 ? "BITNOT(" + operand + ")"
                        : "(OPERATOR(pg_catalog.~) " + operand + ")");
            }
        }
        return null;
    }

    /** The first {@code a & b}, {@code a | b} or {@code a ^ b} rewritten, or null if there is none. */
    private static String binary(String sql, List<Tok> t, Engine engine) {
        for (int i = 1; i + 1 < t.size(); i++) {
            Tok op = t.get(i);
            String function = op.is(sql, "&") ? "BITAND" : op.is(sql, "|") && !t.get(i + 1).is(sql, "|") && !t.get(i - 1).is(sql, "|")
                    ? "BITOR" : op.is(sql, "^") ? "BITXOR" : null;
            // U&'…' is refused before; pg_catalog.& is this rule's own PostgreSQL output
            if (function == null || t.get(i - 1).isWord(sql, "U") || t.get(i - 1).is(sql, ".")) {
                continue;
            }
            int left = Expr.leftOperand(sql, t, i);
            int right = Expr.rightOperand(sql, t, i);
            if (left < 0 || right < 0) {
                return null;
            }
            String a = Expr.text(sql, t, left, i - 1);
            String b = Expr.text(sql, t, i + 1, right);
            String rendered = engine == Engine.H2 ? function + "(" + a + ", " + b + ")"
                    : "(" + a + " OPERATOR(pg_catalog." + (function.equals("BITXOR") ? "#" : op.text(sql)) + ") " + b + ")";
            return Expr.splice(sql, t, left, right, rendered);
        }
        return null;
    }
}
