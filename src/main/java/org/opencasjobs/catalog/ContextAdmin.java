package org.opencasjobs.catalog;

import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.opencasjobs.catalog.postgres.PostgresNames;
import org.opencasjobs.catalog.sdss.SdssSample;
import org.opencasjobs.config.ServerConfig;
import org.opencasjobs.jobs.MyDb;

/**
 * What operators do to contexts (the {@code context list} and {@code sample generate} commands):
 * read what each context holds, in the command's process or in a running server's (its admin
 * endpoint), and make the Sample again with the server stopped.
 */
public final class ContextAdmin {
    /** H2's error for a database that does not exist, opened with IFEXISTS=TRUE. */
    private static final int DATABASE_NOT_FOUND = 90146;

    private ContextAdmin() {
    }

    /** What {@link #describe} tells of a context: where it lives, its tables and their rows. */
    public record ContextInfo(String name, boolean external, String location, Map<String, Long> rowCounts,
            String problem) {
    }

    /**
     * Every configured context as it is now, for operators: the database it lives in (an H2 file,
     * or an external URL without its password), its tables with row counts, or why they cannot be
     * read. Creates nothing in the contexts; a managed context never opened is reported as such.
     *
     * @throws SQLException a managed context's database could not be opened (e.g. a server
     *                      holds it), with H2's error code
     */
    public static List<ContextInfo> describe(ServerConfig config) throws IOException, SQLException {
        if (config.engine() == ServerConfig.Engine.POSTGRESQL) {
            List<ContextInfo> out = new ArrayList<>();
            for (String name : config.contexts()) {
                boolean attached = !config.contextUrl(name).isEmpty();
                String location = "schema " + PostgresNames.context(name) + " of "
                        + Catalog.withoutPassword(config.jobStoreUrl()) + (attached ? ", foreign tables of schema "
                        + config.contextSchema(name).toLowerCase(java.util.Locale.ROOT) + " at "
                        + Catalog.withoutPassword(config.contextUrl(name)) + " (postgres_fdw)" : "");
                try {
                    out.add(new ContextInfo(name, false, location, PostgresCatalog.rowCounts(config, name), null));
                } catch (SQLException e) {
                    // an attached context's remote server (by the settings or by context attach, 08001)
                    // is down or refuses: the other contexts are still worth listing
                    if (!attached && !"08001".equals(e.getSQLState())) {
                        throw e;
                    }
                    out.add(new ContextInfo(name, false, location, Map.of(), "cannot be read: "
                            + e.getMessage().lines().findFirst().orElse("")));
                }
            }
            return out;
        }
        H2Catalog c = new H2Catalog(config.dataDir().resolve("catalog"));
        List<ContextInfo> out = new ArrayList<>();
        try {
            for (String name : config.contexts()) {
                boolean external = !config.contextUrl(name).isEmpty();
                String location;
                try {
                    if (external) {
                        location = Catalog.withoutPassword(config.contextUrl(name)) + " (user '" + config.contextUser(name)
                                + "', schema " + config.contextSchema(name) + ")";
                        c.openExternal(name, config);
                    } else {
                        location = c.contextsDir.resolve(name + ".mv.db").toString();
                        c.contextAdmins.put(name, c.openManaged(name, ";IFEXISTS=TRUE"));
                        c.sources.put(name, new H2Catalog.Source("org.h2.Driver", c.contextUrl(name), H2Catalog.READER, "", name, false));
                    }
                } catch (SQLException e) {
                    if (!external && e.getErrorCode() != DATABASE_NOT_FOUND) {
                        throw e;
                    }
                    out.add(new ContextInfo(name, external, external ? Catalog.withoutPassword(config.contextUrl(name))
                            : c.contextsDir.resolve(name + ".mv.db").toString(), Map.of(), external
                            ? "cannot be read: " + e.getMessage().lines().findFirst().orElse("")
                            : "not created yet (the server creates it on its first start)"));
                    continue;
                }
                Connection conn = c.contextAdmins.get(name);
                H2Catalog.Source src = c.sources.get(name);
                String q = conn.getMetaData().getIdentifierQuoteString().trim();
                Map<String, Long> rows = new LinkedHashMap<>();
                for (String table : H2Catalog.tables(conn, src)) {
                    try (Statement st = conn.createStatement();
                         ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + q + src.schema() + q + "." + q
                                 + table.replace(q, q + q) + q)) {
                        rs.next();
                        rows.put(table, rs.getLong(1));
                    }
                }
                out.add(new ContextInfo(name, external, location, rows, null));
            }
        } finally {
            c.disconnect(); // in a running server, its own connections keep the contexts open
        }
        return out;
    }

    /**
     * The text of {@code context list}: each context, where it lives, its tables with row counts
     * (or why they cannot be read), and its queues; then MyDB and its queues.
     */
    public static String report(ServerConfig config) throws IOException, SQLException {
        StringBuilder out = new StringBuilder();
        for (ContextInfo c : describe(config)) {
            out.append(c.name()).append(": ").append(c.external() ? "external database "
                            : config.engine() == ServerConfig.Engine.POSTGRESQL ? "PostgreSQL " : "H2 file ")
                    .append(c.location()).append('\n');
            if (c.problem() != null) {
                out.append("  ").append(c.problem()).append('\n');
            } else if (c.rowCounts().isEmpty()) {
                out.append("  no tables\n");
            } else {
                int names = c.rowCounts().keySet().stream().mapToInt(String::length).max().orElse(0);
                int digits = c.rowCounts().values().stream().mapToInt(n -> String.valueOf(n).length()).max().orElse(1);
                c.rowCounts().forEach((t, n) -> out.append(String.format("  table %-" + names + "s  %" + digits + "d %s\n",
                        t, n, n == 1 ? "row" : "rows")));
            }
            out.append(queues(config, c.name())).append('\n');
        }
        out.append(MyDb.NAME).append(config.engine() == ServerConfig.Engine.POSTGRESQL
                        ? ": one schema per account, mydb_<wsid> of " + Catalog.withoutPassword(config.jobStoreUrl())
                        : ": one H2 file per account, " + config.dataDir().resolve("catalog").resolve("mydb").resolve("U<wsid>.mv.db"))
                .append('\n')
                .append(queues(config, MyDb.NAME));
        return out.toString();
    }

    private static String queues(ServerConfig config, String context) {
        List<Integer> batch = config.batchQueueMinutes(context);
        return "  quick queue: " + minutes(config.quickQueueMinutes()) + ", " + config.quickConcurrency(context)
                + " at once\n  batch " + (batch.size() == 1 ? "queue: " : "queues: ")
                + batch.stream().map(String::valueOf).collect(Collectors.joining(", "))
                + (batch.size() == 1 && batch.get(0) == 1 ? " minute, " : " minutes, ")
                + config.batchConcurrency(context) + " at once" + (batch.size() == 1 ? "" : " in each");
    }

    private static String minutes(int m) {
        return m + (m == 1 ? " minute" : " minutes");
    }

    /**
     * Drops the tables and views of the managed Sample context and generates {@code rows} PhotoObjAll rows
     * afresh with the fixed seed (creating the context if it was never opened).
     *
     * @return the tables and their row counts afterwards
     * @throws IllegalArgumentException Sample is not configured, or lives in an external database
     */
    public static Map<String, Long> regenerateSample(ServerConfig config, int rows) throws IOException, SQLException {
        String name = config.contexts().stream().filter(x -> x.equalsIgnoreCase("Sample")).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("Sample is not a configured context (casjobs.contexts = "
                        + String.join(",", config.contexts()) + "): there is nothing to generate."));
        if (!config.contextUrl(name).isEmpty()) {
            throw new IllegalArgumentException("The Sample context is an external database ("
                    + Catalog.withoutPassword(config.contextUrl(name)) + "): OpenCasJobs generates only a Sample it manages itself.");
        }
        if (config.engine() == ServerConfig.Engine.POSTGRESQL) {
            return PostgresCatalog.regenerateSample(config, name, rows);
        }
        H2Catalog c = new H2Catalog(config.dataDir().resolve("catalog"));
        try {
            c.openContext(name, 0);
            Connection admin = c.contextAdmins.get(name);
            try (Statement st = admin.createStatement()) {
                for (String table : c.tables(name)) {
                    // views go with their tables (CASCADE); one left over is dropped as a view
                    for (String kind : List.of("TABLE", "VIEW")) {
                        try {
                            st.execute("DROP " + kind + " IF EXISTS " + H2Catalog.quote(name) + "." + H2Catalog.quote(table) + " CASCADE");
                        } catch (SQLException otherKind) {
                            // the name is the other kind of object
                        }
                    }
                }
            }
            SdssSample.generate(admin, name, SdssSample.SAMPLE, rows, H2Catalog.SAMPLE_SEED);
            Map<String, Long> counts = new LinkedHashMap<>();
            for (String table : c.tables(name)) {
                try (Statement st = admin.createStatement();
                     ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + H2Catalog.quote(name) + "." + H2Catalog.quote(table))) {
                    rs.next();
                    counts.put(table, rs.getLong(1));
                }
            }
            return counts;
        } finally {
            c.close();
        }
    }

}
