package org.opencasjobs.dialect;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which columns of a query's result a {@code *} (or {@code t.*}) gave, as opposed to those its
 * SELECT list names itself. On PostgreSQL the first are labelled with the names PostgreSQL
 * folded to lower case ({@code objid}), which the catalog may spell again as SDSS does
 * ({@code objID}); the second carry the user's own spelling ({@link Labels}), which stays.
 *
 * <p>Items before the first {@code *} give the first columns and items after the last one the
 * last columns, one each; between two stars a column is a star's unless the statement labels an
 * item between them with exactly that name.
 */
public final class StarColumns {
    private StarColumns() {
    }

    /**
     * @param sql    one statement as it runs (a translation's)
     * @param labels its result's column labels, in order
     * @return for each column, whether a {@code *} of the statement's own SELECT list gave it
     */
    public static boolean[] of(String sql, List<String> labels) {
        boolean[] out = new boolean[labels.size()];
        List<Tok> t = Lexer.tokens(sql);
        int select = outerSelect(sql, t);
        if (select < 0) {
            return out;
        }
        List<int[]> items = SelectList.items(sql, t, select);
        int first = -1;
        int last = -1;
        for (int i = 0; i < items.size(); i++) {
            if (isStar(sql, t, items.get(i))) {
                first = first < 0 ? i : first;
                last = i;
            }
        }
        if (first < 0) {
            return out;
        }
        Set<String> written = new HashSet<>();
        for (int i = first + 1; i < last; i++) {
            int alias = isStar(sql, t, items.get(i)) ? -1 : Labels.alias(sql, t, items.get(i));
            if (alias >= 0) {
                written.add(Labels.unquote(t.get(alias).text(sql)));
            }
        }
        int after = items.size() - 1 - last;
        for (int i = first; i < labels.size() - after; i++) {
            out[i] = !written.contains(labels.get(i));
        }
        return out;
    }

    /** The SELECT of the statement's own level (after a WITH's parenthesised queries), or -1 if it is no query. */
    private static int outerSelect(String sql, List<Tok> t) {
        int depth = 0;
        for (int i = 0; i < t.size(); i++) {
            depth += t.get(i).is(sql, "(") ? 1 : t.get(i).is(sql, ")") ? -1 : 0;
            if (depth == 0 && t.get(i).isWord(sql, "SELECT")) {
                return i;
            }
            if (depth == 0 && i == 0 && !t.get(i).isWord(sql, "WITH") && !t.get(i).is(sql, "(")) {
                return -1; // INSERT, CREATE TABLE … AS, CALL: their rows, if any, are not a SELECT list's
            }
        }
        return -1;
    }

    private static boolean isStar(String sql, List<Tok> t, int[] item) {
        int last = item[1];
        return last >= item[0] && t.get(last).is(sql, "*") && (last == item[0] || t.get(last - 1).is(sql, "."));
    }
}
