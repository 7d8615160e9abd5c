package org.opencasjobs.dialect;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The items of the SELECT list that begins at a SELECT token. */
final class SelectList {
    private SelectList() {
    }

    /** Words that end a SELECT list when they stand at its own level. */
    private static final Set<String> ENDS = Set.of("FROM", "INTO", "WHERE", "GROUP", "ORDER", "HAVING", "UNION",
            "EXCEPT", "INTERSECT", "OPTION", "FOR", "WINDOW");

    /** [first, last] token indexes of each item of the list after the SELECT at {@code select}. */
    static List<int[]> items(String sql, List<Tok> t, int select) {
        int i = select + 1;
        if (i < t.size() && (t.get(i).isWord(sql, "DISTINCT") || t.get(i).isWord(sql, "ALL"))) {
            i++;
        }
        if (i < t.size() && t.get(i).isWord(sql, "TOP")) {
            i++;
            if (i < t.size()) {
                i = t.get(i).is(sql, "(") ? Expr.closing(sql, t, i) + 1 : i + 1;
            }
            if (i < t.size() && t.get(i).isWord(sql, "PERCENT")) {
                i++;
            }
            if (i + 1 < t.size() && t.get(i).isWord(sql, "WITH") && t.get(i + 1).isWord(sql, "TIES")) {
                i += 2;
            }
        }
        List<int[]> out = new ArrayList<>();
        int depth = 0;
        int from = i;
        for (; i < t.size(); i++) {
            Tok x = t.get(i);
            if (x.is(sql, "(")) {
                depth++;
            } else if (x.is(sql, ")")) {
                if (depth == 0) {
                    break;
                }
                depth--;
            } else if (depth == 0 && x.kind() == 'w' && ENDS.contains(x.text(sql).toUpperCase(java.util.Locale.ROOT))) {
                break;
            } else if (depth == 0 && x.is(sql, ",")) {
                out.add(new int[] {from, i - 1});
                from = i + 1;
            }
        }
        if (from < i) {
            out.add(new int[] {from, i - 1});
        }
        return out;
    }
}
