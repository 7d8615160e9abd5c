package org.opencasjobs.dialect;

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

    /** The user's text at a token, shortened, in double quotes. */
    static String quote(String sql, Tok t) {
        return "\"" + shorten(t.text(sql)) + "\"";
    }

    static String shorten(String s) {
        String one = s.replaceAll("\\s+", " ");
        return one.length() > 60 ? one.substring(0, 57) + "..." : one;
    }
}
