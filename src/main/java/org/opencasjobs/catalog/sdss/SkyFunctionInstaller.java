package org.opencasjobs.catalog.sdss;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

/**
 * Declares the SkyServer functions of {@link SkyFunctionContracts} in a MyDB database, in schema
 * {@code dbo} as on SkyServer. Only an admin may declare Java functions in H2, so users can call
 * these but neither change them nor add their own. Unqualified calls ({@code fPhotoFlags(…)},
 * {@code FROM fGetNearbyObjEq(…)}) resolve when the session's schema search path names
 * {@value #SCHEMA} (Catalog sets it on every user connection).
 *
 * <p>On PostgreSQL ({@link #installPostgres}) the same functions are SQL functions in the one
 * schema {@code dbo} of the database, over q3c; see {@link PostgresSkyFunctions} for which
 * context they read and why.
 */
public final class SkyFunctionInstaller {
    public static final String SCHEMA = "dbo";

    private SkyFunctionInstaller() {
    }

    /**
     * Creates schema dbo and every function missing from it (a function already there is kept:
     * a user's view may use it).
     *
     * @param admin an admin connection to the MyDB database
     */
    public static void install(Connection admin) throws SQLException {
        try (Statement s = admin.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS " + SCHEMA);
            for (SkyFunctionContracts.Contract f : SkyFunctionContracts.ALL) {
                s.execute("CREATE ALIAS IF NOT EXISTS " + SCHEMA + "." + ZoneIndex.quote(f.name())
                        + (f.deterministic() ? " DETERMINISTIC" : "") + " FOR '"
                        + SkyFunctionInstaller.class.getPackageName() + "." + f.body() + "'");
            }
        }
    }

    /**
     * Creates (or replaces, keeping what depends on them) every SkyServer function in schema
     * {@code dbo} of a PostgreSQL database, created if missing; and, if {@code defaultContext}'s
     * schema has a {@code photoobjall}, the view {@code dbo.photoobjall} of it (SELECT granted to
     * PUBLIC), which the functions read when called from a schema that has no {@code photoobjall}
     * of its own (MyDB). One transaction. Run at start-up as the database's owner, after the
     * contexts are generated or loaded. USAGE on {@code dbo} is granted to PUBLIC (EXECUTE on
     * functions is PUBLIC's by default); SELECT on the context schemas stays the caller's to grant.
     *
     * @param owner          a connection as the database's owner
     * @param defaultContext the context MyDB queries read, e.g. "Sample" (its schema: lower case)
     * @throws SQLException q3c is not installed (the message names the superuser's command), or a
     *                      function of another shape is in the way
     */
    public static void installPostgres(Connection owner, String defaultContext) throws SQLException {
        PostgresSkyFunctions functions = new PostgresSkyFunctions(PostgresSampleDatabase.q3cSchema(owner));
        String context = defaultContext.toLowerCase(Locale.ROOT);
        String source = ZoneIndex.SOURCE.toLowerCase(Locale.ROOT);
        boolean autoCommit = owner.getAutoCommit();
        owner.setAutoCommit(false);
        try (Statement s = owner.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS " + SCHEMA);
            // Every user may call them (USAGE, not CREATE): what a function reads is still only what
            // the caller may read, as they run with the caller's rights.
            s.execute("GRANT USAGE ON SCHEMA " + SCHEMA + " TO PUBLIC");
            // photoobjall in a body resolves only when called, on the caller's search_path
            s.execute("SET LOCAL check_function_bodies = off");
            for (String sql : functions.statements()) {
                s.execute(sql);
            }
            if (hasTable(owner, context, source)) {
                String view = SCHEMA + "." + source;
                s.execute("CREATE OR REPLACE VIEW " + view + " AS SELECT * FROM " + SampleDatabase.quote(context) + "." + source);
                s.execute("COMMENT ON VIEW " + view + " IS " + SampleDatabase.literal("The " + defaultContext
                        + " context's PhotoObjAll: what the SkyServer functions read when called from MyDB."));
                s.execute("GRANT SELECT ON " + view + " TO PUBLIC");
            }
            owner.commit();
        } catch (SQLException | RuntimeException e) {
            owner.rollback();
            throw e;
        } finally {
            owner.setAutoCommit(autoCommit);
        }
    }

    private static boolean hasTable(Connection c, String schema, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM pg_tables WHERE schemaname = ? AND tablename = ?")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }
}
