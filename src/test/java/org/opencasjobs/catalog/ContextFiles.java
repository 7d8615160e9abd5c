package org.opencasjobs.catalog;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;

/** For tests outside this package: a managed context's own database, as its admin, with no server running. */
public final class ContextFiles {
    private ContextFiles() {
    }

    /** The admin connection to an existing managed context of the data folder {@code dataDir}; the caller closes it. */
    public static Connection openAsAdmin(Path dataDir, String context) throws IOException, SQLException {
        return new H2Catalog(dataDir.resolve("catalog")).openManaged(context, ";IFEXISTS=TRUE");
    }
}
