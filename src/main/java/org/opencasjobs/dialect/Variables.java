package org.opencasjobs.dialect;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.opencasjobs.jobs.CasJobsException;

/**
 * T-SQL variables: {@code DECLARE @v type [= value]}, {@code SET @v = …}, {@code SELECT @v = …}.
 * Both engines keep session variables for the job's one connection ({@code SET @v = …} in H2);
 * every assignment is cast to the declared type, as SQL Server converts it
 * ({@code DECLARE @n int = 2.7} holds 2).
 */
final class Variables {
    private Variables() {
    }

    /** SET options of SQL Server's that change nothing a query here returns: accepted, not run. */
    private static final Set<String> SESSION_OPTIONS = Set.of("NOCOUNT", "ANSI_NULLS", "QUOTED_IDENTIFIER",
            "ARITHABORT", "ANSI_WARNINGS", "ANSI_PADDING", "CONCAT_NULL_YIELDS_NULL", "XACT_ABORT", "DATEFORMAT",
            "NUMERIC_ROUNDABORT", "TRANSACTION");

    /**
     * On PostgreSQL, a SET that is neither a variable's assignment nor one of SQL Server's options
     * accepted above (SET ROWCOUNT, SET LANGUAGE, or PostgreSQL's own settings such as SET
     * search_path), and RESET, are refused by name: PostgreSQL would run its own settings, which
     * are no T-SQL and may change how the job's later statements read. (Not a security measure:
     * what a job's role may do is the database's to decide.)
     */
    static void checkSettings(String sql, List<Tok> piece) {
        Tok first = piece.get(0);
        boolean reset = first.isWord(sql, "RESET");
        boolean set = first.isWord(sql, "SET") && piece.size() > 1 && !piece.get(1).text(sql).startsWith("@")
                && !(piece.get(1).kind() == 'w' && SESSION_OPTIONS.contains(piece.get(1).text(sql).toUpperCase(Locale.ROOT)));
        if (reset || set) {
            throw new CasJobsException(first.text(sql).toUpperCase(Locale.ROOT) + " " + (piece.size() > 1 ? piece.get(1).text(sql) : "")
                    + " (" + Where.at(sql, first.start()) + ") is not supported: SET here assigns variables (SET @n = …);"
                    + " of SQL Server's options only those that change no answer (SET NOCOUNT ON, …) are accepted.");
        }
    }

    /**
     * Checks one statement of the user's (its tokens in the whole script) and records what it
     * declares: a DECLARE without a type, a variable used before its DECLARE, or declared twice,
     * are errors named in the user's terms.
     */
    static void check(String sql, List<Tok> piece, Batch batch) {
        boolean declare = piece.get(0).isWord(sql, "DECLARE");
        int i = declare ? 1 : 0;
        if (declare) {
            for (int[] item : items(sql, piece, 1)) {
                Tok name = piece.get(item[0]);
                if (!name.text(sql).startsWith("@")) {
                    throw new CasJobsException("DECLARE needs a variable name starting with @ ("
                            + Where.at(sql, name.start()) + "), e.g. DECLARE @n int = 5.");
                }
                int typeAt = item[0] + 1 < piece.size() && piece.get(item[0] + 1).isWord(sql, "AS") ? item[0] + 2 : item[0] + 1;
                if (typeAt > item[1] || piece.get(typeAt).is(sql, "=")) {
                    throw new CasJobsException("DECLARE " + name.text(sql) + " needs a type ("
                            + Where.at(sql, name.start()) + "), e.g. DECLARE " + name.text(sql) + " int = 5.");
                }
                String type = piece.get(typeAt).text(sql).toUpperCase(Locale.ROOT);
                if (type.equals("TABLE") || type.equals("CURSOR")) {
                    throw new CasJobsException("DECLARE " + name.text(sql) + " " + type + " ("
                            + Where.at(sql, name.start()) + ") is not supported: "
                            + (type.equals("TABLE") ? "use a MyDB table, e.g. SELECT … INTO mydb.MyTable." : "write one query over the whole table."));
                }
                if (batch.typeOf(name.text(sql)) != null) {
                    throw new CasJobsException("The variable name '" + name.text(sql) + "' has already been declared ("
                            + Where.at(sql, name.start()) + "). Variable names must be unique within a query batch.");
                }
                checkUses(sql, piece, typeAt, item[1], batch);
                batch.declare(name.text(sql), typeText(sql, piece, typeAt, item[1]));
            }
            return;
        }
        checkUses(sql, piece, i, piece.size() - 1, batch);
        if (piece.get(0).isWord(sql, "SELECT")) {
            List<int[]> items = SelectList.items(sql, piece, 0);
            boolean first = !items.isEmpty() && piece.get(items.get(0)[0]).text(sql).startsWith("@")
                    && isAssignment(sql, piece, items.get(0)[0] + 1);
            for (int[] item : items) {
                boolean assigns = piece.get(item[0]).text(sql).startsWith("@") && isAssignment(sql, piece, item[0] + 1);
                if (first != assigns) {
                    throw new CasJobsException("A SELECT statement that assigns a value to a variable must not be"
                            + " combined with data-retrieval operations (" + Where.at(sql, piece.get(item[0]).start()) + ").");
                }
            }
        }
    }

    private static void checkUses(String sql, List<Tok> piece, int from, int to, Batch batch) {
        for (int k = from; k <= to; k++) {
            Tok t = piece.get(k);
            String text = t.text(sql);
            if (t.kind() == 'w' && text.startsWith("@") && !text.startsWith("@@") && text.length() > 1
                    && batch.typeOf(text) == null) {
                throw new CasJobsException("Must declare the scalar variable \"" + text + "\" ("
                        + Where.at(sql, t.start()) + "): add DECLARE " + text + " type before it, in the same query.");
            }
        }
    }

    /** The type's text: the tokens after the name up to '=' or the end of the item. */
    private static String typeText(String sql, List<Tok> t, int from, int to) {
        int end = from;
        while (end + 1 <= to && !t.get(end + 1).is(sql, "=")) {
            end++;
        }
        return Expr.text(sql, t, from, end);
    }

    /** The comma-separated items at the top level from token {@code from}. */
    private static List<int[]> items(String sql, List<Tok> t, int from) {
        List<int[]> out = new ArrayList<>();
        int depth = 0;
        int start = from;
        for (int k = from; k < t.size(); k++) {
            depth += t.get(k).is(sql, "(") ? 1 : t.get(k).is(sql, ")") ? -1 : 0;
            if (depth == 0 && t.get(k).is(sql, ",")) {
                out.add(new int[] {start, k - 1});
                start = k + 1;
            }
        }
        if (start < t.size()) {
            out.add(new int[] {start, t.size() - 1});
        }
        return out;
    }

    /** Whether the statement assigns variables ({@code SELECT @v = …}) rather than returning rows. */
    static boolean assigns(String sql) {
        List<Tok> t = Lexer.tokens(sql);
        if (t.isEmpty() || !t.get(0).isWord(sql, "SELECT")) {
            return false;
        }
        List<int[]> items = SelectList.items(sql, t, 0);
        return !items.isEmpty() && items.get(0)[1] > items.get(0)[0] && t.get(items.get(0)[0]).text(sql).startsWith("@")
                && isAssignment(sql, t, items.get(0)[0] + 1);
    }

    private static boolean isAssignment(String sql, List<Tok> t, int k) {
        return k < t.size() && (t.get(k).is(sql, "=")
                || (k + 1 < t.size() && "+-*/%&|^".contains(t.get(k).text(sql)) && t.get(k).kind() == 'c'
                && t.get(k + 1).is(sql, "=") && t.get(k + 1).start() == t.get(k).end()));
    }

    /**
     * The statement's rendering: DECLARE becomes one SET per variable (NULL where no value is
     * given), SET and SELECT assignments cast to the declared type, SET options vanish (an empty
     * list). Null when the statement is not about variables.
     */
    static List<String> render(String sql, Batch batch, Engine engine) {
        List<Tok> t = Lexer.tokens(sql);
        boolean pg = engine == Engine.POSTGRESQL;
        if (t.isEmpty()) {
            return null;
        }
        if (t.get(0).isWord(sql, "DECLARE")) {
            List<String> out = new ArrayList<>();
            for (int[] item : items(sql, t, 1)) {
                String name = t.get(item[0]).text(sql);
                int eq = -1;
                for (int k = item[0]; k <= item[1] && eq < 0; k++) {
                    eq = t.get(k).is(sql, "=") ? k : -1;
                }
                String value = eq < 0 ? "NULL" : Expr.text(sql, t, eq + 1, item[1]);
                out.add(pg ? setting(name, typed(value, batch.typeOf(name)))
                        : "SET " + name + " = " + typed(value, batch.typeOf(name)));
            }
            return out;
        }
        if (t.get(0).isWord(sql, "SET") && t.size() > 1) {
            String first = t.get(1).text(sql);
            if (first.startsWith("@") && isAssignment(sql, t, 2)) {
                String value = assigned(sql, t, 2, t.size() - 1, first, batch);
                return List.of(pg ? setting(first, value) : "SET " + first + " = " + value);
            }
            if (t.get(1).kind() == 'w' && SESSION_OPTIONS.contains(first.toUpperCase(Locale.ROOT))) {
                return List.of();
            }
            return null;
        }
        if (assigns(sql)) {
            // SQL Server assigns from the rows in the query's order, so the last row's values stay
            // (TOP 1 … ORDER BY gives the first in that order). H2 would evaluate an assignment in
            // the select list for every row it scans, before sorting: the query runs as a derived
            // table first, and the assignments read its rows.
            List<int[]> items = SelectList.items(sql, t, 0);
            StringBuilder inner = new StringBuilder(sql.substring(0, t.get(items.get(0)[0]).start()));
            StringBuilder outer = new StringBuilder("SELECT ");
            for (int i = 0; i < items.size(); i++) {
                int[] item = items.get(i);
                String name = t.get(item[0]).text(sql);
                int op = item[0] + 1;
                boolean compound = !t.get(op).is(sql, "=");
                String column = "assigned_.v" + i;
                inner.append(i == 0 ? "" : ", ").append(Expr.text(sql, t, compound ? op + 2 : op + 1, item[1]))
                        .append(" AS v").append(i);
                String value = compound ? name + " " + t.get(op).text(sql) + " (" + column + ")" : column;
                // on PostgreSQL each row's assignment is an aggregate's argument: every row is
                // evaluated, in the query's order, and one row (the count) comes back, not all of them
                outer.append(i == 0 ? "" : ", ").append(pg ? "COUNT(set_config('casjobs.v_" + settingName(name) + "', "
                        + settingValue(typed(value, batch.typeOf(name))) + ", false))"
                        : name + " := " + typed(value, batch.typeOf(name)));
            }
            inner.append(sql.substring(t.get(items.get(items.size() - 1)[1]).end()));
            return List.of(outer.append(" FROM (").append(inner).append(") assigned_").toString());
        }
        return null;
    }

    /**
     * PostgreSQL has no session variables in SQL: a variable is the custom setting
     * {@code casjobs.v_<name>} of the job's session, written here with set_config (SET and DECLARE
     * through {@code CALL tsql.discard(…)}, which returns nothing) and read by {@code tsql.var}
     * (rule variables, {@link PostgresText#variables}). A setting holds text, ''
     * when never set, so a value is stored as 'v' and its text, and NULL as ''.
     */
    private static String setting(String name, String value) {
        // CALL returns no rows, as SQL Server's SET (and H2's) does not
        return "CALL tsql.discard(set_config('casjobs.v_" + settingName(name) + "', " + settingValue(value) + ", false))";
    }

    private static String settingValue(String value) {
        return "COALESCE('v' || CAST(" + value + " AS TEXT), '')";
    }

    /** A variable's name as part of a setting's name: lower case (T-SQL's are not case-sensitive), a-z, 0-9. */
    static String settingName(String variable) {
        StringBuilder out = new StringBuilder();
        for (char c : variable.substring(1).toLowerCase(Locale.ROOT).toCharArray()) {
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                out.append(c);
            } else {
                out.append(String.format("_%04x", (int) c));
            }
        }
        return out.toString();
    }

    /** The value of {@code @v = x} or {@code @v += x} (operator at {@code op}), cast to @v's type. */
    private static String assigned(String sql, List<Tok> t, int op, int end, String name, Batch batch) {
        boolean compound = !t.get(op).is(sql, "=");
        int valueAt = compound ? op + 2 : op + 1;
        String value = Expr.text(sql, t, valueAt, end);
        if (compound) {
            value = name + " " + t.get(op).text(sql) + " (" + value + ")";
        }
        return typed(value, batch.typeOf(name));
    }

    private static String typed(String value, String type) {
        return type == null ? value : "CAST((" + value + ") AS " + type + ")";
    }
}
