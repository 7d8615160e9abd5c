package org.opencasjobs.catalog.postgres;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The names of the catalog's objects in its PostgreSQL database. Schemas are the database's
 * own: a context {@code NAME} is schema {@code lower(NAME)}, an account's MyDB is
 * {@code mydb_<wsid>}, SkyServer's functions are in {@code dbo} and the T-SQL compatibility
 * functions in {@code tsql}. Roles are the whole cluster's, shared by every database in it, so
 * theirs start with a prefix made from the database's name: two services on one cluster (or
 * the tests' many databases) never share an account's role.
 *
 * @param prefix what every role of this database's catalog starts with, e.g. {@code cj_casjobs}
 */
public record PostgresNames(String prefix) {
    /** PostgreSQL's longest identifier, in bytes. */
    static final int MAX_IDENTIFIER = 63;
    /** Room for the database's part of a role name: the prefix, "_u" and a wsid of 19 digits fit in 63. */
    private static final int MAX_DATABASE_PART = 30;
    public static final String DBO = "dbo";
    public static final String TSQL = "tsql";

    /** The names for the catalog in database {@code database}. */
    public static PostgresNames forDatabase(String database) {
        String plain = database.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        if (plain.length() > MAX_DATABASE_PART || !plain.equals(database)) {
            // shortened or changed: a hash of the real name keeps two such databases apart
            String hash = sha256(database).substring(0, 8);
            plain = plain.substring(0, Math.min(plain.length(), MAX_DATABASE_PART - 9)) + "_" + hash;
        }
        return new PostgresNames("cj_" + plain);
    }

    /** The role every account's role is a member of: it holds what all accounts may do. */
    public String group() {
        return prefix + "_users";
    }

    /** The login role of account {@code wsid}. */
    public String account(long wsid) {
        return prefix + "_u" + Long.toUnsignedString(wsid);
    }

    /** The schema of account {@code wsid}'s MyDB. */
    public static String myDb(long wsid) {
        return "mydb_" + Long.toUnsignedString(wsid);
    }

    /** The schema of context {@code name}. */
    public static String context(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    /** An identifier in double quotes, for names made from settings. */
    public static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
