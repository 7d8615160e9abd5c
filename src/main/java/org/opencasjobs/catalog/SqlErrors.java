package org.opencasjobs.catalog;

import java.sql.SQLException;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.opencasjobs.dialect.Where;
import org.postgresql.util.PSQLException;

/**
 * Database error messages as users should read them: in SQL Server's words where it has them,
 * pointing at the user's own text (line, column and the text there), never at the statement the
 * engine was given, its markers or its grammar lists.
 */
public final class SqlErrors {
    private SqlErrors() {
    }

    /** A double-quoted part, "" inside it a quote; loops without backtracking (errors may quote 5000 characters). */
    private static final Pattern QUOTED = Pattern.compile("\"([^\"]*+(?:\"\"[^\"]*+)*+)\"");
    private static final Set<String> BITWISE = Set.of("&", "|", "^", "~");
    private static final Set<String> DIVISION = Set.of("/", "%");

    /** The message without the user's text to point into (uploads, extracts). */
    public static String message(SQLException e) {
        return known(e, null, 0);
    }

    /**
     * The message of an error in a statement that came from the user's text {@code source}, at
     * {@code origin} in it: what was wrong, and where.
     */
    public static String message(SQLException e, String source, int origin) {
        return known(e, source, origin);
    }

    private static String known(SQLException e, String source, int origin) {
        String m = firstLine(e);
        String q1 = quoted(m, 0);
        String q2 = quoted(m, 1);
        Located r = e instanceof PSQLException ? postgres(e.getSQLState(), m, source, origin) : switch (e.getErrorCode()) {
            case 42122 -> new Located("Invalid column name '" + q1 + "': not found in the query's tables.",
                    name(source, origin, q1));
            case 42102, 42103, 42104 -> new Located("Invalid object name '" + q1 + "': table or view not found.",
                    name(source, origin, q1));
            case 90079 -> new Located("Invalid object name: schema or context '" + q1 + "' not found.",
                    name(source, origin, q1));
            case 90022 -> new Located("'" + q1 + "' is not a recognized function name (not found).",
                    name(source, origin, q1));
            case 90059 -> new Located("Ambiguous column name '" + q1 + "': name its table, e.g. p." + q1 + ".",
                    name(source, origin, q1));
            case 90008 -> m.contains("bit function")
                    ? new Located("Bitwise operators (& | ^ ~) work on integer values only; here one was applied to a "
                    + q1 + " value.", op(source, origin, BITWISE))
                    : new Located(clean(m), -1);
            case 22012 -> new Located("Divide by zero error encountered.", op(source, origin, DIVISION));
            case 22018 -> q1.matches("[A-Z_ ]+ to [A-Z_ ]+") // a column's values, not one literal
                    ? new Located("Conversion failed: a value of type " + sqlServerType(q1.replaceFirst(" to .*", ""))
                    + " could not be converted to a number.", -1)
                    : new Located("Conversion failed when converting the value '" + q1 + "'.",
                    source == null ? -1 : Where.literal(source, origin, q1));
            case 22007 -> new Located("Conversion failed when converting '" + q2 + "' to " + q1 + ".",
                    source == null ? -1 : Where.literal(source, origin, q2));
            case 22003 -> new Located("Arithmetic overflow: the value " + q1 + " does not fit its type.", -1);
            case 90015 -> new Located("SUM and AVG need numbers: " + q1 + ".", -1);
            case 90068 -> new Located("ORDER BY " + q1 + ": the number of a column that is not in the select list.", -1);
            case 21002 -> new Located("All queries combined using a UNION, INTERSECT or EXCEPT operator must have an"
                    + " equal number of expressions in their target lists.", -1);
            case 42101 -> new Located("There is already an object named '" + q1 + "' in the database.",
                    name(source, origin, q1));
            case 42000, 42001 -> syntax(m, source, origin);
            default -> new Located(clean(m), -1);
        };
        String text = r.text();
        if (text.startsWith("Admin rights are required")) {
            text = "This statement is not allowed: it needs administrator rights on the database.";
        } else if (text.startsWith("Column alias is not specified")) {
            text = "Every column of a result saved to a table needs a name: add AS name to expressions"
                    + " such as COUNT(*).";
        } else if (text.startsWith("Not enough rights for object")) {
            text = text.replaceFirst("\\.$", "") + ": you may read the catalog contexts and change only your own MyDB.";
        }
        if (source == null || source.isBlank()) {
            return text;
        }
        int at = r.at() >= 0 ? r.at() : origin;
        return text.replaceFirst("\\.$", "") + " (" + Where.at(source, at) + ").";
    }

    private record Located(String text, int at) {
    }

    /** PostgreSQL's "column x does not exist" names a qualified column without quotes. */
    private static final Pattern PG_COLUMN = Pattern.compile("column \"?([^\" ]+)\"? does not exist");
    private static final Pattern PG_FUNCTION = Pattern.compile("function ([^(\\s]+)\\(");
    private static final Pattern PG_SYNTAX = Pattern.compile("syntax error at or near \"([^\"]*)\"");

    /**
     * PostgreSQL's errors (by SQLSTATE) in SQL Server's words where it has them, pointing at the
     * name in the user's text; others as PostgreSQL says them, without its "ERROR:" prefix.
     */
    private static Located postgres(String state, String message, String source, int origin) {
        // the account's own schema is MyDB to the user; another's (refused) is as the user wrote it
        String m = "42501".equals(state) ? message : message.replaceAll("\\bmydb_[0-9]+\\b", "MyDB");
        String q1 = quoted(m, 0);
        String state5 = state == null ? "" : state;
        switch (state5) {
            case "42703" -> {
                Matcher c = PG_COLUMN.matcher(m);
                String column = c.find() ? c.group(1) : q1;
                String last = column.substring(column.lastIndexOf('.') + 1);
                return new Located("Invalid column name '" + column + "': not found in the query's tables.",
                        name(source, origin, last));
            }
            case "42P01" -> {
                String table = q1.substring(q1.lastIndexOf('.') + 1);
                return new Located("Invalid object name '" + q1 + "': table or view not found.", name(source, origin, table));
            }
            case "3F000" -> {
                return new Located("Invalid object name: schema or context '" + q1 + "' not found.",
                        name(source, origin, q1));
            }
            case "42883" -> {
                Matcher f = PG_FUNCTION.matcher(m);
                if (f.find()) {
                    String fn = f.group(1).replace("\"", "");
                    String last = fn.substring(fn.lastIndexOf('.') + 1);
                    return new Located("'" + fn + "' is not a recognized function name (not found) for these argument"
                            + " types.", name(source, origin, last));
                }
                return new Located(pgClean(m), -1);
            }
            case "42702" -> {
                return new Located("Ambiguous column name '" + q1 + "': name its table, e.g. p." + q1 + ".",
                        name(source, origin, q1));
            }
            case "42P07" -> {
                return new Located("There is already an object named '" + q1 + "' in the database.",
                        name(source, origin, q1));
            }
            case "22012" -> {
                return new Located("Divide by zero error encountered.", op(source, origin, DIVISION));
            }
            case "22P02" -> {
                String value = m.replaceFirst("^.*: \"(.*)\"$", "$1");
                return new Located("Conversion failed when converting the value '" + value + "'.",
                        source == null ? -1 : Where.literal(source, origin, value));
            }
            case "42501" -> {
                return new Located(pgClean(m).replaceFirst("\\.$", "")
                        + ": you may read the catalog contexts and change only your own MyDB.", -1);
            }
            case "08001" -> {
                // postgres_fdw could not reach a context attached from another server (ctx_<context>)
                if (q1.startsWith("ctx_")) {
                    return new Located("The context " + q1.substring("ctx_".length()) + " lives on another database"
                            + " server, which cannot be reached now: try again later, or tell the site's operators.", -1);
                }
                return new Located(pgClean(m), -1);
            }
            case "42601" -> {
                Matcher near = PG_SYNTAX.matcher(m);
                if (near.find() && !near.group(1).isEmpty() && source != null) {
                    int at = Where.name(source, origin, near.group(1));
                    if (at < 0) {
                        at = source.indexOf(near.group(1), origin);
                    }
                    if (at >= 0) {
                        return new Located("Syntax error near '" + near.group(1) + "'.", at);
                    }
                }
                return new Located("Syntax error in the query.", -1);
            }
            default -> {
                return new Located(pgClean(m), -1);
            }
        }
    }

    /** A PostgreSQL message without its severity prefix, starting with a capital, ending with a period. */
    private static String pgClean(String m) {
        String c = m.replaceFirst("^(ERROR|FATAL|PANIC):\\s+", "").trim();
        if (c.isEmpty()) {
            return "The database could not run the query.";
        }
        c = Character.toUpperCase(c.charAt(0)) + c.substring(1);
        return c.endsWith(".") ? c : c + ".";
    }

    /** H2's name of a text type as SQL Server users know it (varchar); others as they are. */
    private static String sqlServerType(String h2) {
        return h2.startsWith("CHARACTER VARYING") || h2.startsWith("VARCHAR") ? "varchar" : h2;
    }

    /**
     * SQL Server's message for a table a statement would create that exists already, pointing at
     * its name in the user's text: for a check made before the engine is asked.
     */
    public static String alreadyExists(String table, String source, int origin) {
        String text = "There is already an object named '" + table + "' in the database.";
        if (source == null || source.isBlank()) {
            return text;
        }
        int at = name(source, origin, table);
        return text.replaceFirst("\\.$", "") + " (" + Where.at(source, at >= 0 ? at : origin) + ").";
    }

    /** H2's syntax error: the text after its marker, found again in the user's text. */
    private static Located syntax(String m, String source, int origin) {
        Matcher marker = Pattern.compile("\\[\\*]([^\"]{0,40})").matcher(m);
        String near = marker.find() ? marker.group(1).strip().split("\\s+")[0] : "";
        int at = -1;
        if (source != null && !near.isEmpty()) {
            at = Where.name(source, origin, near);
            if (at < 0) {
                at = source.indexOf(near, origin);
            }
        }
        return new Located(near.isEmpty() || at < 0 ? "Syntax error in the query." : "Syntax error near '" + near + "'.", at);
    }

    private static int name(String source, int origin, String name) {
        return source == null || name.isEmpty() ? -1 : Where.name(source, origin, name);
    }

    private static int op(String source, int origin, Set<String> ops) {
        return source == null ? -1 : Where.operator(source, origin, ops);
    }

    private static String firstLine(SQLException e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        return m.lines().findFirst().orElse(m).replaceFirst(";? ?SQL statement:.*$", "")
                .replaceFirst("\\s*\\[\\d{5}-\\d+]\\s*$", "").trim();
    }

    /** The n-th double-quoted part of H2's message, unescaped ("" if there is none). */
    private static String quoted(String m, int n) {
        Matcher q = QUOTED.matcher(m);
        for (int i = 0; q.find(); i++) {
            if (i == n) {
                return q.group(1).replace("\"\"", "\"");
            }
        }
        return "";
    }

    /** Any other message, without the engine's statement text, markers, grammar lists or escapes. */
    static String clean(String m) {
        String c = m.replaceAll(" in SQL statement " + QUOTED.pattern(), "")
                .replaceAll(";? ?expected " + QUOTED.pattern(), "")
                .replace("[*]", "")
                .replaceAll("\\\\[0-9a-fA-F]{4}", " ")
                .trim();
        return c.isEmpty() ? "The database could not run the query." : c;
    }

    /** The table a statement did not find, as the statement named it, if that is why it failed. */
    public static java.util.Optional<String> missingTable(SQLException e) {
        if (e instanceof PSQLException) {
            String table = "42P01".equals(e.getSQLState()) ? quoted(firstLine(e), 0) : "";
            return table.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(table);
        }
        if (e.getErrorCode() != org.h2.api.ErrorCode.TABLE_OR_VIEW_NOT_FOUND_1
                && e.getErrorCode() != org.h2.api.ErrorCode.TABLE_OR_VIEW_NOT_FOUND_WITH_CANDIDATES_2
                && e.getErrorCode() != org.h2.api.ErrorCode.TABLE_OR_VIEW_NOT_FOUND_DATABASE_EMPTY_1) {
            return java.util.Optional.empty();
        }
        String table = quoted(firstLine(e), 0);
        return table.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(table);
    }

    /**
     * H2's errors that say the database itself failed (its storage, its memory, an exception inside
     * it), not that the user's SQL was wrong: their text names Java classes and files.
     */
    private static final Set<Integer> H2_INTERNAL = Set.of(org.h2.api.ErrorCode.GENERAL_ERROR_1,
            org.h2.api.ErrorCode.DATABASE_IS_CLOSED, org.h2.api.ErrorCode.FILE_CORRUPTED_1,
            org.h2.api.ErrorCode.IO_EXCEPTION_1, org.h2.api.ErrorCode.IO_EXCEPTION_2,
            org.h2.api.ErrorCode.OUT_OF_MEMORY, org.h2.api.ErrorCode.ERROR_OPENING_DATABASE_1);

    /**
     * The first database error in {@code t}'s causes that is the database's own failure rather than
     * the user's (H2's general, storage and memory errors; PostgreSQL's internal and system errors,
     * SQLSTATE classes XX and 58): the operators need its stack, the user a message without it.
     */
    public static java.util.Optional<SQLException> internal(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SQLException e && isInternal(e)) {
                return java.util.Optional.of(e);
            }
        }
        return java.util.Optional.empty();
    }

    private static boolean isInternal(SQLException e) {
        if (e instanceof PSQLException) {
            String state = e.getSQLState() == null ? "" : e.getSQLState();
            return state.startsWith("XX") || state.startsWith("58");
        }
        return H2_INTERNAL.contains(e.getErrorCode());
    }

    /** True when the database stopped the statement (timeout or Statement.cancel()). */
    public static boolean wasCanceled(SQLException e) {
        return "57014".equals(e.getSQLState());
    }
}
