package org.opencasjobs.dialect;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Splits a batch into statements as SQL Server does: at ';', at lines holding only GO, and where a
 * new statement begins with nothing between ({@code DECLARE @x int SET @x = 1 SELECT @x}).
 */
final class Splitter {
    private Splitter() {
    }

    /** Words that begin a statement when they stand at the top level of the text. */
    private static final Set<String> STARTS = Set.of("DECLARE", "SET", "SELECT", "INSERT", "UPDATE", "DELETE",
            "CREATE", "DROP", "ALTER", "TRUNCATE", "EXEC", "EXECUTE", "PRINT");
    /** After these, a SELECT continues the statement (UNION SELECT, AS SELECT, …). */
    private static final Set<String> SELECT_CONTINUES = Set.of("UNION", "ALL", "EXCEPT", "INTERSECT", "AS");

    static List<List<Tok>> split(String sql, List<Tok> toks) {
        List<List<Tok>> pieces = new ArrayList<>();
        List<Tok> current = new ArrayList<>();
        int depth = 0;
        for (Tok t : toks) {
            boolean separator = t.is(sql, ";") || (t.isWord(sql, "GO") && aloneOnLine(sql, t));
            if (separator) {
                depth = 0;
                if (!current.isEmpty()) {
                    pieces.add(current);
                    current = new ArrayList<>();
                }
                continue;
            }
            if (depth == 0 && !current.isEmpty() && startsNew(sql, current, t)) {
                pieces.add(current);
                current = new ArrayList<>();
            }
            depth += t.is(sql, "(") ? 1 : t.is(sql, ")") ? -1 : 0;
            current.add(t);
        }
        if (!current.isEmpty()) {
            pieces.add(current);
        }
        return pieces;
    }

    /** Whether {@code t}, at the top level, begins a statement after those tokens of the current one. */
    private static boolean startsNew(String sql, List<Tok> current, Tok t) {
        String word = t.kind() == 'w' ? t.text(sql).toUpperCase(java.util.Locale.ROOT) : "";
        if (!STARTS.contains(word)) {
            return false;
        }
        Tok first = current.get(0);
        Tok previous = current.get(current.size() - 1);
        boolean referentialAction = (word.equals("DELETE") || word.equals("UPDATE")) && previous.isWord(sql, "ON");
        if (previous.is(sql, ",") || previous.is(sql, ".") || referentialAction || previous.isWord(sql, "FOR")
                || first.isWord(sql, "GRANT") || first.isWord(sql, "REVOKE") || first.isWord(sql, "DENY")
                || first.isWord(sql, "MERGE")) { // MERGE … WHEN MATCHED THEN UPDATE SET …
            return false;
        }
        // EXPLAIN [ANALYZE] SELECT …: the statement it explains
        if (first.isWord(sql, "EXPLAIN") && current.stream().noneMatch(x -> STARTS.contains(upper(sql, x)))) {
            return false;
        }
        // ALTER TABLE t DROP COLUMN c, ALTER TABLE t ALTER COLUMN c …
        if (first.isWord(sql, "ALTER") && (word.equals("DROP") || word.equals("ALTER"))) {
            return false;
        }
        // WITH cte AS (…) SELECT | INSERT | UPDATE | DELETE: the statement the CTE is for
        if (first.isWord(sql, "WITH") && !topLevel(sql, current, "SELECT") && !topLevel(sql, current, "INSERT")
                && !topLevel(sql, current, "UPDATE") && !topLevel(sql, current, "DELETE")) {
            return false;
        }
        switch (word) {
            case "SELECT" -> {
                if (SELECT_CONTINUES.contains(upper(sql, previous))) {
                    return false;
                }
                // INSERT INTO t SELECT …, WITH cte AS (…) SELECT …: the statement's own SELECT
                boolean awaitsSelect = (first.isWord(sql, "INSERT") || first.isWord(sql, "WITH"))
                        && !topLevel(sql, current, "SELECT") && !topLevel(sql, current, "VALUES");
                return !awaitsSelect;
            }
            case "SET" -> {
                return !(first.isWord(sql, "UPDATE") && !topLevel(sql, current, "SET"));
            }
            default -> {
                return true;
            }
        }
    }

    private static String upper(String sql, Tok t) {
        return t.kind() == 'w' ? t.text(sql).toUpperCase(java.util.Locale.ROOT) : "";
    }

    /** Whether a word occurs outside parentheses among the tokens. */
    private static boolean topLevel(String sql, List<Tok> toks, String word) {
        int depth = 0;
        for (Tok t : toks) {
            depth += t.is(sql, "(") ? 1 : t.is(sql, ")") ? -1 : 0;
            if (depth == 0 && t.isWord(sql, word)) {
                return true;
            }
        }
        return false;
    }

    static boolean aloneOnLine(String sql, Tok t) {
        int before = sql.lastIndexOf('\n', t.start() - 1) + 1;
        int after = sql.indexOf('\n', t.end());
        return sql.substring(before, t.start()).isBlank()
                && sql.substring(t.end(), after < 0 ? sql.length() : after).isBlank();
    }
}
