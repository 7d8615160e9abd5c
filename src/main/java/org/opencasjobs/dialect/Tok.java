package org.opencasjobs.dialect;

/**
 * A token of T-SQL text, by offsets into that text. Kinds: 'w' word (names, keywords, {@code @v},
 * {@code #t}), 'n' number ({@code 12}, {@code 2.5}, {@code 1e-3}, {@code 0x1F}), 's' string
 * literal, 'q' quoted name ({@code [x]} or {@code "x"}), 'c' any other character.
 */
record Tok(int start, int end, char kind) {
    String text(String sql) {
        return sql.substring(start, end);
    }

    boolean is(String sql, String s) {
        return kind == 'c' && end - start == s.length() && sql.startsWith(s, start);
    }

    /** A plain word equal to {@code word}, ignoring case. */
    boolean isWord(String sql, String word) {
        return kind == 'w' && end - start == word.length() && sql.regionMatches(true, start, word, 0, word.length());
    }

    boolean isName() {
        return kind == 'w' || kind == 'q';
    }
}
