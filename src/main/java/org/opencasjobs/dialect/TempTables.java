package org.opencasjobs.dialect;

import java.util.List;

/**
 * {@code #temp} tables live for the job, as in SQL Server they live for the session: each becomes
 * a LOCAL TEMPORARY table {@code MyDB."#name"}, which only the job's own connection sees and which
 * the engine drops when that connection closes at the job's end (or at a restart after a crash);
 * on PostgreSQL a TEMPORARY table {@code pg_temp."#name"}, alike.
 * {@code ##global} tables are the job's own too: no job shares a session with another.
 */
final class TempTables {
    private TempTables() {
    }

    /**
     * The engine's name of a temporary table the user calls {@code #name}: on PostgreSQL in the
     * session's own temporary schema, pg_temp (lower case, as every name there, see {@link Labels}).
     */
    static String name(String userName, Engine engine) {
        return (engine == Engine.POSTGRESQL ? "pg_temp" : "MyDB") + ".\"" + userName.replace("\"", "\"\"") + "\"";
    }

    static boolean isTemp(String sql, Tok t) {
        String text = t.text(sql);
        return (t.kind() == 'w' && text.startsWith("#") && text.length() > 1)
                || (t.kind() == 'q' && text.length() > 3 && text.charAt(1) == '#');
    }

    private static String unquoted(String sql, Tok t) {
        String text = t.text(sql);
        return t.kind() == 'q' ? text.substring(1, text.length() - 1) : text;
    }

    /** Every reference to a temporary table named in the engine's terms; CREATE TABLE #t made temporary. */
    static String apply(String sql, Engine engine) {
        List<Tok> t = Lexer.tokens(sql);
        StringBuilder out = new StringBuilder();
        int copied = 0;
        for (int i = 0; i < t.size(); i++) {
            if (!isTemp(sql, t.get(i))) {
                continue;
            }
            int from = i;
            if (i >= 3 && t.get(i - 1).is(sql, ".") && t.get(i - 2).is(sql, ".") && t.get(i - 3).isWord(sql, "tempdb")) {
                from = i - 3; // tempdb..#t is #t
            }
            boolean create = from >= 2 && t.get(from - 1).isWord(sql, "TABLE") && t.get(from - 2).isWord(sql, "CREATE");
            int editStart = create ? t.get(from - 2).start() : t.get(from).start();
            if (editStart < copied) {
                continue;
            }
            out.append(sql, copied, editStart).append(create ? "CREATE LOCAL TEMPORARY TABLE " : "")
                    .append(name(unquoted(sql, t.get(i)), engine));
            copied = t.get(i).end();
        }
        return out.append(sql.substring(copied)).toString();
    }
}
