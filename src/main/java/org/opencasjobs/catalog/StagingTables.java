package org.opencasjobs.catalog;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.opencasjobs.jobs.MyDb;

/**
 * MyDB tables being written, under a name of their own until they are complete: an upload or a
 * job writes {@code MyDB."~kind~{process}~{n}"} and renames it to the user's name in one step
 * once it is whole, so no one ever reads a half-written table under that name, and a killed
 * process leaves nothing under it to block a retry. Such names start with {@code ~}, which no
 * user table name may ({@link MyDb}'s names are letters, digits and underscores), and the browsing
 * views do not list them.
 */
public final class StagingTables {
    /** This process's part of staging names: a process drops only other processes' leftovers. */
    private static final String PROCESS = HexFormat.of().formatHex(
            ByteBuffer.allocate(8).putLong(new SecureRandom().nextLong()).array());
    private static final Pattern STAGING = Pattern.compile("~([a-z]+)~([0-9a-f]{16})~[0-9]+");
    private static final AtomicLong STAGED = new AtomicLong();

    private StagingTables() {
    }

    /** A new staging name, e.g. {@code ~upload~0123456789abcdef~7}. */
    public static String newName(String kind) {
        return "~" + kind + "~" + PROCESS + "~" + STAGED.incrementAndGet();
    }

    /**
     * Drops from MyDB the staging tables an earlier process did not finish (it was killed while
     * writing them); those of this process's running uploads and jobs are kept. Returns their names.
     */
    public static List<String> dropLeftovers(Connection c) throws SQLException {
        return dropLeftovers(c, MyDb.NAME);
    }

    /**
     * Drops from {@code schema} the staging tables of earlier processes: of a MyDB, or of a
     * context a killed {@code context load} was filling ({@link H2LoadTarget}).
     */
    static List<String> dropLeftovers(Connection c, String schema) throws SQLException {
        List<String> leftovers = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES"
                + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME LIKE '~%'")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Matcher m = STAGING.matcher(rs.getString(1));
                    if (m.matches() && !m.group(2).equals(PROCESS)) {
                        leftovers.add(rs.getString(1));
                    }
                }
            }
        }
        try (Statement st = c.createStatement()) {
            for (String t : leftovers) {
                st.execute("DROP TABLE IF EXISTS " + H2Catalog.quote(schema) + "." + H2Catalog.quote(t));
            }
        }
        return leftovers;
    }
}
