package org.opencasjobs.catalog;

import java.sql.SQLException;

/** Database error messages as users should read them: the first line, without engine codes. */
public final class SqlErrors {
    private SqlErrors() {
    }

    public static String message(SQLException e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        m = m.lines().findFirst().orElse(m);
        m = m.replaceFirst(";? ?SQL statement:.*$", "").replaceFirst("\\s*\\[\\d{5}-\\d+]\\s*$", "").trim();
        if (m.startsWith("Admin rights are required")) {
            return "This statement is not allowed: it needs administrator rights on the database.";
        }
        java.util.regex.Matcher exists = java.util.regex.Pattern.compile("^Table \"(.*)\" already exists$").matcher(m);
        if (exists.matches()) {
            return "There is already an object named '" + exists.group(1) + "' in the database.";
        }
        if (m.startsWith("Column alias is not specified")) {
            return "Every column of a result saved to a table needs a name: add AS name to expressions"
                    + " such as COUNT(*).";
        }
        if (m.startsWith("Not enough rights for object")) {
            return m + ": you may read the catalog contexts and change only your own MyDB.";
        }
        return m;
    }

    /** The table a statement did not find, as the statement named it, if that is why it failed. */
    public static java.util.Optional<String> missingTable(SQLException e) {
        if (e.getErrorCode() != org.h2.api.ErrorCode.TABLE_OR_VIEW_NOT_FOUND_1
                && e.getErrorCode() != org.h2.api.ErrorCode.TABLE_OR_VIEW_NOT_FOUND_WITH_CANDIDATES_2
                && e.getErrorCode() != org.h2.api.ErrorCode.TABLE_OR_VIEW_NOT_FOUND_DATABASE_EMPTY_1) {
            return java.util.Optional.empty();
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^Table \"([^\"]+)\" not found").matcher(message(e));
        return m.find() ? java.util.Optional.of(m.group(1)) : java.util.Optional.empty();
    }

    /** True when the database stopped the statement (timeout or Statement.cancel()). */
    public static boolean wasCanceled(SQLException e) {
        return "57014".equals(e.getSQLState());
    }
}
