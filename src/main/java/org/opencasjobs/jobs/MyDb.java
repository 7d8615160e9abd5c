package org.opencasjobs.jobs;

import java.util.Locale;

/** Each user's own database, as users name it and as the engines spell its schema. */
public final class MyDb {
    /** The context and schema name, always written this way (quoted where the engine folds case). */
    public static final String NAME = "MyDB";
    /**
     * The schema of views over INFORMATION_SCHEMA.TABLES and COLUMNS limited to MyDB: as in SQL
     * Server, where a database's TABLES lists its own tables only.
     */
    public static final String INFO_SCHEMA = "MyDB_Information";

    private MyDb() {
    }

    /** Whether a context or schema name means MyDB (in any case). */
    public static boolean is(String name) {
        return NAME.equalsIgnoreCase(name);
    }

    /**
     * The bare table name a user means: {@code T}, {@code [T]}, {@code mydb.T}, {@code [MyDB].[T]}
     * all give {@code T}. Whether it is a valid or existing name is for the caller to check.
     */
    public static String tableName(String text) {
        String t = text == null ? "" : text.strip();
        String lower = t.toLowerCase(Locale.ROOT);
        if (lower.startsWith("mydb.")) {
            t = t.substring(5);
        } else if (lower.startsWith("[mydb].")) {
            t = t.substring(7);
        }
        t = t.strip();
        return t.length() >= 2 && t.startsWith("[") && t.endsWith("]") ? t.substring(1, t.length() - 1).strip() : t;
    }
}
