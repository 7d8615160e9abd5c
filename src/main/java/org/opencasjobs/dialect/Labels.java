package org.opencasjobs.dialect;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Names on PostgreSQL, the last step of a rendering there. SQL Server compares names without
 * regard to case ({@code [PhotoObj]}, {@code photoobj}, {@code "PHOTOOBJ"} are one table) and so
 * does H2 as it is set up; PostgreSQL folds unquoted names to lower case and compares quoted ones
 * exactly. Every catalog and MyDB object is created unquoted, hence lower case, so every quoted
 * name is lower-cased here: {@code [PhotoObj]} is {@code "photoobj"}.
 *
 * <p>Result columns still carry the names the user wrote, as SQL Server answers them: in the
 * statement's own SELECT list (not in subqueries, whose names other parts of the query use in any
 * case) each alias, {@code AS x}, {@code AS [x]} or {@code expr x}, is quoted as written, and the
 * statement's ORDER BY naming such an alias names it the same way. (Bare column references already
 * have their own spelling as alias, rule names-as-written.) {@code SELECT *} answers PostgreSQL's
 * lower-case names. A table's body (SELECT … INTO, a batch job's table) gets lower-case
 * names only, so that its columns can be named in any case afterwards.
 */
final class Labels {
    private Labels() {
    }

    static String fold(String sql, boolean labels) {
        List<Tok> t = Lexer.tokens(sql);
        // only a query answers rows: CREATE VIEW … AS SELECT names a view's columns, lower case too
        labels &= !t.isEmpty() && (t.get(0).isWord(sql, "SELECT") || t.get(0).isWord(sql, "WITH") || t.get(0).is(sql, "("));
        TreeMap<Integer, String> replaced = new TreeMap<>();
        Map<String, String> byKey = new HashMap<>();
        if (labels) {
            int depth = 0;
            for (int i = 0; i < t.size(); i++) {
                depth += t.get(i).is(sql, "(") ? 1 : t.get(i).is(sql, ")") ? -1 : 0;
                if (depth != 0 || !t.get(i).isWord(sql, "SELECT")) {
                    continue;
                }
                for (int[] item : SelectList.items(sql, t, i)) {
                    int alias = alias(sql, t, item);
                    if (alias >= 0) {
                        String label = unquote(t.get(alias).text(sql));
                        replaced.put(alias, quote(label));
                        byKey.putIfAbsent(label.toLowerCase(Locale.ROOT), label);
                    }
                }
            }
            orderBy(sql, t, byKey, replaced);
        }
        StringBuilder out = new StringBuilder();
        int copied = 0;
        for (int i = 0; i < t.size(); i++) {
            Tok x = t.get(i);
            String with = replaced.get(i);
            if (with == null && x.kind() == 'q') {
                with = quote(unquote(x.text(sql)).toLowerCase(Locale.ROOT));
            }
            if (with != null) {
                out.append(sql, copied, x.start()).append(with);
                copied = x.end();
            }
        }
        return out.append(sql.substring(copied)).toString();
    }

    /** The token naming an item's column ({@code AS x}, or {@code expr x}), or -1 if it has none. */
    static int alias(String sql, List<Tok> t, int[] item) {
        int last = item[1];
        if (last <= item[0] || !t.get(last).isName()) {
            return -1;
        }
        Tok before = t.get(last - 1);
        if (before.isWord(sql, "AS")) {
            return last;
        }
        Tok name = t.get(last);
        String text = name.text(sql);
        boolean word = name.kind() == 'q' || (!Expr.isKeyword(sql, name) && !text.startsWith("@") && !text.startsWith("#"));
        boolean afterValue = before.is(sql, ")") || before.kind() == 'n' || before.kind() == 's' || before.kind() == 'q'
                || (before.kind() == 'w' && !before.isWord(sql, "COLLATE") && (before.isWord(sql, "END")
                || !Expr.isKeyword(sql, before)));
        return word && afterValue ? last : -1;
    }

    /** In the statement's own ORDER BY, an item that is a result column's name names it as labelled. */
    private static void orderBy(String sql, List<Tok> t, Map<String, String> byKey, Map<Integer, String> replaced) {
        int depth = 0;
        int by = -1;
        for (int i = 0; i + 1 < t.size(); i++) {
            depth += t.get(i).is(sql, "(") ? 1 : t.get(i).is(sql, ")") ? -1 : 0;
            if (depth == 0 && t.get(i).isWord(sql, "ORDER") && t.get(i + 1).isWord(sql, "BY")) {
                by = i + 1;
            }
        }
        if (by < 0) {
            return;
        }
        for (int k = by + 1; k < t.size(); k++) {
            Tok x = t.get(k);
            boolean starts = t.get(k - 1).isWord(sql, "BY") || t.get(k - 1).is(sql, ",");
            boolean ends = k + 1 == t.size() || t.get(k + 1).is(sql, ",") || t.get(k + 1).isWord(sql, "ASC")
                    || t.get(k + 1).isWord(sql, "DESC") || t.get(k + 1).isWord(sql, "OFFSET")
                    || t.get(k + 1).isWord(sql, "LIMIT") || t.get(k + 1).isWord(sql, "FETCH");
            String label = x.isName() ? byKey.get(unquote(x.text(sql)).toLowerCase(Locale.ROOT)) : null;
            if (starts && ends && label != null) {
                replaced.put(k, quote(label));
            }
        }
    }

    static String quote(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    /** A name without its brackets or quotes, doubled closing characters made single. */
    static String unquote(String name) {
        if (name.length() >= 2 && name.charAt(0) == '[') {
            return name.substring(1, name.length() - 1).replace("]]", "]");
        }
        if (name.length() >= 2 && name.charAt(0) == '"') {
            return name.substring(1, name.length() - 1).replace("\"\"", "\"");
        }
        return name;
    }
}
