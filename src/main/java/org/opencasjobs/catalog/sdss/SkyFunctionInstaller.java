package org.opencasjobs.catalog.sdss;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Declares the SkyServer functions of {@link SkyFunctionContracts} in a MyDB database, in schema
 * {@code dbo} as on SkyServer. Only an admin may declare Java functions in H2, so users can call
 * these but neither change them nor add their own. Unqualified calls ({@code fPhotoFlags(…)},
 * {@code FROM fGetNearbyObjEq(…)}) resolve when the session's schema search path names
 * {@value #SCHEMA} (Catalog sets it on every user connection).
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
}
