package org.opencasjobs.dialect;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Positions in the user's own text, as every message gives them. */
public final class Where {
    private Where() {
    }

    /** "line L, column C" (from 1) of an offset in the whole script. */
    public static String position(String sql, int offset) {
        int at = Math.max(0, Math.min(offset, sql.length()));
        int lineStart = sql.lastIndexOf('\n', at - 1) + 1;
        long line = sql.substring(0, at).chars().filter(ch -> ch == '\n').count() + 1;
        return "line " + line + ", column " + (at - lineStart + 1);
    }

    /** "line L, column C: "text…"": a position and the user's text from there to the end of its line. */
    public static String at(String sql, int offset) {
        int at = Math.max(0, Math.min(offset, sql.length()));
        int eol = sql.indexOf('\n', at);
        String rest = sql.substring(at, eol < 0 ? sql.length() : eol).strip();
        return position(sql, at) + (rest.isEmpty() ? "" : ": \"" + shorten(rest) + "\"");
    }

    /**
     * Where a name (any case, with or without brackets or quotes, the last part of a dotted name
     * or the whole of it) first occurs in the user's text at or after {@code from}; -1 if nowhere.
     */
    public static int name(String sql, int from, String name) {
        String wanted = unquote(name);
        String last = wanted.contains(".") ? wanted.substring(wanted.lastIndexOf('.') + 1) : wanted;
        for (int pass = 0; pass < 2; pass++) {
            for (Tok t : Lexer.tokens(sql)) {
                if (t.start() >= (pass == 0 ? from : 0) && t.isName() && unquote(t.text(sql)).equalsIgnoreCase(last)) {
                    return t.start();
                }
            }
        }
        return -1;
    }

    /** Where the first of the operators occurs in the user's text at or after {@code from}; -1 if nowhere. */
    public static int operator(String sql, int from, Set<String> operators) {
        for (Tok t : Lexer.tokens(sql)) {
            if (t.start() >= from && t.kind() == 'c' && operators.contains(t.text(sql))) {
                return t.start();
            }
        }
        return -1;
    }

    /** Where the first string literal whose text is {@code value} occurs at or after {@code from}; -1 if nowhere. */
    public static int literal(String sql, int from, String value) {
        List<Tok> toks = Lexer.tokens(sql);
        for (Tok t : toks) {
            String text = t.text(sql);
            if (t.start() >= from && (t.kind() == 's' || t.kind() == 'n')
                    && (text.equals(value) || text.equals("'" + value.replace("'", "''") + "'"))) {
                return t.start();
            }
        }
        return -1;
    }

    private static String unquote(String name) {
        String n = name.strip();
        if (n.length() >= 2 && (n.charAt(0) == '[' || n.charAt(0) == '"')) {
            n = n.substring(1, n.length() - 1);
        }
        return n.toLowerCase(Locale.ROOT);
    }

    static String shorten(String s) {
        String one = s.replaceAll("\\s+", " ");
        return one.length() > 60 ? one.substring(0, 57) + "..." : one;
    }
}
