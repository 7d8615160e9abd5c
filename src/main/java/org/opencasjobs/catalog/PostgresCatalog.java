package org.opencasjobs.catalog;

import java.io.IOException;
import java.sql.SQLException;
import org.opencasjobs.config.ServerConfig;

/** The catalog in one PostgreSQL database (issue 12): the next commit; until then the embedded one. */
public final class PostgresCatalog {
    private PostgresCatalog() {
    }

    public static Catalog open(ServerConfig config) throws IOException, SQLException {
        return H2Catalog.open(config);
    }
}
