package org.opencasjobs.dialect;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Rules of T-SQL's surface that only PostgreSQL needs rewritten (H2 in MSSQLServer mode reads them
 * as SQL Server does): N'…' strings, table hints, SQL Server's type
 * names and reading a variable. Each leaves the text as it is for H2.
 */
final class PostgresText {
    private PostgresText() {
    }

    /** {@code N'…'} is Unicode text in SQL Server; PostgreSQL would read it as blank-padded char. */
    static String nationalStrings(String sql, Engine engine) {
        if (engine != Engine.POSTGRESQL) {
            return sql;
        }
        List<Tok> t = Lexer.tokens(sql);
        StringBuilder out = new StringBuilder();
        int copied = 0;
        for (int i = 0; i + 1 < t.size(); i++) {
            Tok n = t.get(i);
            Tok s = t.get(i + 1);
            if (n.isWord(sql, "N") && s.kind() == 's' && s.start() == n.end() && sql.charAt(s.start()) == '\''
                    && !(i > 0 && t.get(i - 1).is(sql, "."))) {
                out.append(sql, copied, n.start());
                copied = s.start();
            }
        }
        return out.append(sql.substring(copied)).toString();
    }

    /** Table hints (locking and index choices) and query hints, which change no answer. */
    private static final Set<String> HINTS = Set.of("NOLOCK", "READUNCOMMITTED", "READCOMMITTED", "REPEATABLEREAD",
            "SERIALIZABLE", "HOLDLOCK", "NOWAIT", "ROWLOCK", "PAGLOCK", "TABLOCK", "TABLOCKX", "UPDLOCK", "XLOCK",
            "READPAST", "INDEX", "FORCESEEK", "FORCESCAN", "NOEXPAND", "SNAPSHOT", "KEEPIDENTITY");

    /**
     * {@code FROM t WITH (NOLOCK)}: PostgreSQL reads no table hints (and takes no read locks), so
     * they go. A WITH opening a common table expression stays.
     */
    static String hints(String sql, Engine engine) {
        if (engine != Engine.POSTGRESQL) {
            return sql;
        }
        while (true) {
            List<Tok> t = Lexer.tokens(sql);
            int at = -1;
            int close = -1;
            for (int i = 1; i + 2 < t.size() && at < 0; i++) {
                boolean with = t.get(i).isWord(sql, "WITH") && (t.get(i - 1).isName() || t.get(i - 1).is(sql, ")"));
                if (with && t.get(i + 1).is(sql, "(") && t.get(i + 2).kind() == 'w'
                        && HINTS.contains(t.get(i + 2).text(sql).toUpperCase(Locale.ROOT))) {
                    at = i;
                    close = Expr.closing(sql, t, i + 1);
                }
            }
            if (at < 0) {
                return sql;
            }
            sql = sql.substring(0, t.get(at).start()).stripTrailing() + sql.substring(t.get(close).end());
        }
    }

    /** SQL Server's type names PostgreSQL lacks, and what holds the same values there. */
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("DATETIME", "TIMESTAMP(3)"), Map.entry("DATETIME2", "TIMESTAMP"),
            Map.entry("SMALLDATETIME", "TIMESTAMP(0)"), Map.entry("DATETIMEOFFSET", "TIMESTAMPTZ"),
            Map.entry("TINYINT", "SMALLINT"), Map.entry("BIT", "SMALLINT"),
            Map.entry("NVARCHAR", "VARCHAR"), Map.entry("NCHAR", "CHAR"), Map.entry("NTEXT", "TEXT"),
            Map.entry("MONEY", "NUMERIC(19, 4)"), Map.entry("SMALLMONEY", "NUMERIC(10, 4)"),
            Map.entry("UNIQUEIDENTIFIER", "UUID"), Map.entry("VARBINARY", "BYTEA"), Map.entry("BINARY", "BYTEA"),
            Map.entry("IMAGE", "BYTEA"), Map.entry("SQL_VARIANT", "TEXT"), Map.entry("SYSNAME", "VARCHAR(128)"));
    /** Types whose length PostgreSQL has no use for once renamed. */
    private static final Set<String> LENGTH_DROPPED = Set.of("DATETIME2", "VARBINARY", "BINARY", "MONEY", "SMALLMONEY",
            "DATETIME", "SMALLDATETIME");

    /**
     * Type names where a type is written: after AS in CAST (and the CASTs other rules make of
     * CONVERT and of variables), and after a column's name in CREATE TABLE. {@code varchar(max)}
     * is TEXT.
     */
    static String types(String sql, Engine engine) {
        if (engine != Engine.POSTGRESQL) {
            return sql;
        }
        List<Tok> t = Lexer.tokens(sql);
        boolean create = false; // CREATE [LOCAL TEMPORARY] TABLE
        for (int i = 1; i < Math.min(4, t.size()); i++) {
            create |= t.get(0).isWord(sql, "CREATE") && t.get(i).isWord(sql, "TABLE");
        }
        StringBuilder out = new StringBuilder();
        int copied = 0;
        for (int i = 1; i < t.size(); i++) {
            Tok x = t.get(i);
            if (x.kind() != 'w') {
                continue;
            }
            String word = x.text(sql).toUpperCase(Locale.ROOT);
            boolean max = i + 3 < t.size() && t.get(i + 1).is(sql, "(") && t.get(i + 2).isWord(sql, "MAX")
                    && t.get(i + 3).is(sql, ")");
            if (!TYPES.containsKey(word) && !max) {
                continue;
            }
            int last = i + 1 < t.size() && t.get(i + 1).is(sql, "(") ? Expr.closing(sql, t, i + 1) : i;
            boolean inCast = t.get(i - 1).isWord(sql, "AS") && last + 1 < t.size() && t.get(last + 1).is(sql, ")");
            boolean inColumn = create && i >= 2 && t.get(i - 1).isName()
                    && (t.get(i - 2).is(sql, "(") || t.get(i - 2).is(sql, ","));
            if (!inCast && !inColumn) {
                continue;
            }
            String type;
            if (max) {
                type = "TEXT";
            } else if (last > i && !LENGTH_DROPPED.contains(word)) {
                type = TYPES.get(word).replaceAll("\\(.*", "") + Expr.text(sql, t, i + 1, last);
            } else {
                type = TYPES.get(word);
            }
            out.append(sql, copied, x.start()).append(type);
            copied = t.get(last).end();
            i = last;
        }
        return out.append(sql.substring(copied)).toString();
    }

    /**
     * A variable read, {@code @n}, is its session setting cast to the declared type (see
     * {@link Variables}); assignments were rendered as set_config calls already.
     */
    static String variables(String sql, Engine engine, Batch batch) {
        if (engine != Engine.POSTGRESQL) {
            return sql;
        }
        List<Tok> t = Lexer.tokens(sql);
        StringBuilder out = new StringBuilder();
        int copied = 0;
        for (Tok x : t) {
            String text = x.text(sql);
            if (x.kind() == 'w' && text.startsWith("@") && !text.startsWith("@@") && text.length() > 1) {
                String type = batch.typeOf(text);
                String read = "tsql.var('" + Variables.settingName(text) + "')";
                out.append(sql, copied, x.start()).append(type == null ? read : "CAST(" + read + " AS " + type + ")");
                copied = x.end();
            }
        }
        return out.append(sql.substring(copied)).toString();
    }
}
