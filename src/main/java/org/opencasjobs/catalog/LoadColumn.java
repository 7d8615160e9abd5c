package org.opencasjobs.catalog;

import java.util.Locale;

/**
 * One column of a table being loaded ({@link ContextLoader}): its name as the file spells it, and
 * the SQL type its values need, from the class of the values STIL reads. Integer and floating
 * types of different files widen to the wider one, so that CSV files whose columns STIL guessed
 * apart ({@code SMALLINT} in one, {@code INT} in the next) still load into one table.
 */
record LoadColumn(String name, Kind kind, int length) {
    /** No length: a string column whose file does not say how long its values are. */
    static final int UNKNOWN_LENGTH = -1;

    /** The SQL types a column may have; an integer or floating kind's rank orders its width. */
    enum Kind {
        TINYINT(Byte.class, 1), SMALLINT(Short.class, 2), INT(Integer.class, 3), BIGINT(Long.class, 4),
        REAL(Float.class, 1), FLOAT(Double.class, 2), BOOLEAN(Boolean.class, 0), VARCHAR(String.class, 0);

        final Class<?> javaClass;
        final int rank;

        Kind(Class<?> javaClass, int rank) {
            this.javaClass = javaClass;
            this.rank = rank;
        }

        boolean integer() {
            return this == TINYINT || this == SMALLINT || this == INT || this == BIGINT;
        }

        boolean floating() {
            return this == REAL || this == FLOAT;
        }

        /** The kind for values of {@code c}, or null when a table column cannot hold them (arrays, dates). */
        static Kind of(Class<?> c) {
            if (c == Character.class) {
                return VARCHAR;
            }
            for (Kind k : values()) {
                if (k.javaClass == c) {
                    return k;
                }
            }
            return null;
        }
    }

    /** The column's type in SQL (H2's FLOAT is a double, as SQL Server's float). */
    String sqlType() {
        return kind == Kind.VARCHAR && length > 0 ? "VARCHAR(" + length + ")" : kind.name();
    }

    /**
     * This column widened to hold {@code other}'s values too (the same name, from another file),
     * or null if no one type holds both (a number and a string, a 64-bit integer and a float).
     */
    LoadColumn widen(LoadColumn other) {
        Kind a = kind;
        Kind b = other.kind;
        if (a == b) {
            boolean bothKnown = length > 0 && other.length > 0;
            return new LoadColumn(name, a, a == Kind.VARCHAR && bothKnown ? Math.max(length, other.length) : UNKNOWN_LENGTH);
        }
        if ((a.integer() && b.integer()) || (a.floating() && b.floating())) {
            return new LoadColumn(name, a.rank >= b.rank ? a : b, UNKNOWN_LENGTH);
        }
        // INT and narrower are exact in a double; BIGINT is not, so that mix is refused.
        if ((a.integer() && b.floating() && a != Kind.BIGINT) || (b.integer() && a.floating() && b != Kind.BIGINT)) {
            return new LoadColumn(name, Kind.FLOAT, UNKNOWN_LENGTH);
        }
        return null;
    }

    /** The name as H2 compares identifiers here (CASE_INSENSITIVE_IDENTIFIERS). */
    String key() {
        return name.toLowerCase(Locale.ROOT);
    }
}
