package org.opencasjobs.dialect;

import java.util.ArrayList;
import java.util.List;

/** Enough of T-SQL's lexical rules to split statements, find names and rewrite expressions safely. */
final class Lexer {
    private Lexer() {
    }

    static List<Tok> tokens(String s) {
        List<Tok> out = new ArrayList<>();
        int n = s.length();
        int i = 0;
        while (i < n) {
            char c = s.charAt(i);
            int j = i + 1;
            char kind = 'c';
            if (Character.isWhitespace(c)) {
                i = j;
                continue;
            } else if ((c == '-' && s.startsWith("-", j)) || (c == '/' && s.startsWith("/", j))) { // -- and H2's //
                int eol = s.indexOf('\n', j);
                i = eol < 0 ? n : eol;
                continue;
            } else if (c == '/' && s.startsWith("*", j)) { // H2 nests block comments
                int depth = 1;
                j++;
                while (j < n && depth > 0) {
                    if (s.startsWith("/*", j)) {
                        depth++;
                        j += 2;
                    } else if (s.startsWith("*/", j)) {
                        depth--;
                        j += 2;
                    } else {
                        j++;
                    }
                }
                i = j;
                continue;
            } else if (c == '$' && s.startsWith("$", j)) { // H2's $$…$$ string: a ';' inside is text
                int close = s.indexOf("$$", j + 1);
                j = close < 0 ? n : close + 2;
                kind = 's';
            } else if (c == '\'' || c == '"' || c == '[') {
                char close = c == '[' ? ']' : c;
                while (j < n) {
                    if (s.charAt(j++) == close) {
                        if (j < n && s.charAt(j) == close) {
                            j++; // doubled ('' ]] ""): part of the text
                        } else {
                            break;
                        }
                    }
                }
                kind = c == '\'' ? 's' : 'q';
            } else if (Character.isDigit(c) || (c == '.' && j < n && Character.isDigit(s.charAt(j))
                    && !afterName(out, s, i))) {
                j = number(s, i);
                kind = 'n';
            } else if (isWordChar(c)) {
                while (j < n && isWordChar(s.charAt(j))) {
                    j++;
                }
                kind = 'w';
            }
            out.add(new Tok(i, j, kind));
            i = j;
        }
        return out;
    }

    /** Where a number starting at {@code i} ends: 0x hex, or digits[.digits][e[+-]digits]. */
    private static int number(String s, int i) {
        int n = s.length();
        int j = i;
        if (s.startsWith("0x", i) || s.startsWith("0X", i)) {
            j = i + 2;
            while (j < n && Character.digit(s.charAt(j), 16) >= 0) {
                j++;
            }
            return j;
        }
        while (j < n && Character.isDigit(s.charAt(j))) {
            j++;
        }
        if (j < n && s.charAt(j) == '.') {
            j++;
            while (j < n && Character.isDigit(s.charAt(j))) {
                j++;
            }
        }
        if (j < n && (s.charAt(j) == 'e' || s.charAt(j) == 'E')) {
            int k = j + 1;
            if (k < n && (s.charAt(k) == '+' || s.charAt(k) == '-')) {
                k++;
            }
            if (k < n && Character.isDigit(s.charAt(k))) {
                j = k;
                while (j < n && Character.isDigit(s.charAt(j))) {
                    j++;
                }
            }
        }
        // 12abc is one (bad) word for the parser to refuse, not a number and a name
        while (j < n && isWordChar(s.charAt(j))) {
            j++;
        }
        return j;
    }

    /** {@code t.5} or {@code x .5}: a dot right after a name or number is not a decimal point. */
    private static boolean afterName(List<Tok> out, String s, int i) {
        if (out.isEmpty()) {
            return false;
        }
        Tok last = out.get(out.size() - 1);
        return last.end() == i && (last.isName() || last.kind() == 'n');
    }

    static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '#' || c == '@' || c == '$';
    }
}
