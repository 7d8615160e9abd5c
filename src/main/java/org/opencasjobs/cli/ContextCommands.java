package org.opencasjobs.cli;

import static org.opencasjobs.cli.DataFolder.inDataFolder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.opencasjobs.catalog.ContextAdmin;
import org.opencasjobs.catalog.ContextLoader;
import org.opencasjobs.catalog.PostgresForeignContexts;
import org.opencasjobs.catalog.postgres.ForeignContext;
import org.opencasjobs.catalog.postgres.PostgresNames;
import org.opencasjobs.config.PrivateFiles;
import org.opencasjobs.config.ServerConfig;
import org.opencasjobs.http.AdminEndpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code context list}: where each context lives, its tables with row counts, and its queues; told
 * by the running server (its own settings) when there is one, else read from the files.
 * {@code context load}: a table loaded from FITS, VOTable or CSV files, with the server stopped.
 * {@code context attach}: on PostgreSQL, a context's tables on another PostgreSQL server, through postgres_fdw.
 */
@Command(name = "context", mixinStandardHelpOptions = true, description = "Inspect the catalog contexts; load a table; attach one from another PostgreSQL server.",
        subcommands = {ContextCommands.ListContexts.class, ContextCommands.Load.class, ContextCommands.Attach.class})
public final class ContextCommands {
    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the contexts: where each lives, its tables with row counts, and its queues.")
    static final class ListContexts extends DataFolderCommand {
        @Override
        public Integer call() throws Exception {
            ServerConfig config = config();
            Optional<RunningServer> server = RunningServer.find(config);
            if (server.isPresent()) {
                print(server.get().call(AdminEndpoint.CONTEXT_LIST).stripTrailing());
                return 0;
            }
            return inDataFolder(config, DataFolder.NOT_SERVING_YET, () -> {
                print(ContextAdmin.report(config));
                return 0;
            });
        }
    }

    @Command(name = "load", mixinStandardHelpOptions = true,
            description = "Load FITS, VOTable or CSV/ECSV files (the same columns in each) into a new table of a"
                    + " context listed in casjobs.contexts, all or nothing. The server must be stopped.")
    static final class Load extends DataFolderCommand {
        /** The least time between two progress lines. */
        private static final long PROGRESS_NANOS = 2_000_000_000L;

        @Parameters(index = "0", paramLabel = "NAME", description = "The context (as in casjobs.contexts)")
        String context;

        @Parameters(index = "1..*", arity = "1..*", paramLabel = "FILE",
                description = "Files to load: .fits/.fit/.fts, .vot/.xml, .csv, .ecsv (also gzipped)")
        List<Path> files;

        @Option(names = "--table", paramLabel = "T", description = "The new table's name (default: the first file's"
                + " name up to its first dot)")
        String table;

        @Option(names = "--key", paramLabel = "COL", description = "Make COL the primary key (each value once)")
        String key;

        @Option(names = "--ra", paramLabel = "COL", description = "Right ascension column, in degrees (with --dec)")
        String ra;

        @Option(names = "--dec", paramLabel = "COL", description = "Declination column, in degrees: PhotoObjAll gets"
                + " the zone index of the cone functions, another table an index on it")
        String dec;

        private long lastPrint = System.nanoTime();

        @Override
        public Integer call() throws Exception {
            ServerConfig config = config();
            if (RunningServer.find(config).isPresent()) {
                // A load takes minutes to hours and writes the context's file, which the server holds open.
                throw new IllegalStateException("The data folder " + config.dataDir() + " is in use by a running server,"
                        + " and context load writes a context it serves: stop the server first, then run this command again.");
            }
            PrivateFiles.folder(config.dataDir());
            return inDataFolder(config, () -> {
                ContextLoader.Result r = ContextLoader.load(config,
                        new ContextLoader.Request(context, table, files, key, ra, dec), new ContextLoader.Progress() {
                            @Override
                            public void rows(Path file, long fileRows, long fileRowCount, long totalRows, long nanos) {
                                long now = System.nanoTime();
                                if (now - lastPrint >= PROGRESS_NANOS) {
                                    lastPrint = now;
                                    print("  " + file.getFileName() + ": " + String.format("%,d", fileRows)
                                            + (fileRowCount > 0 ? " of " + String.format("%,d", fileRowCount) : "")
                                            + " rows; " + String.format("%,d", totalRows) + " in all, "
                                            + ContextLoader.rate(totalRows, nanos / 1e9) + " rows/s");
                                }
                            }

                            @Override
                            public void step(String what) {
                                print("  " + what + "…");
                            }
                        });
                print("Loaded " + r.context() + "." + r.table() + ": " + String.format("%,d", r.rows())
                        + (r.rows() == 1 ? " row" : " rows") + " from " + files.size() + (files.size() == 1 ? " file" : " files")
                        + " in " + String.format(java.util.Locale.ROOT, "%.1f", r.loadSeconds()) + " s ("
                        + ContextLoader.rate(r.rows(), r.loadSeconds()) + " rows/s); " + r.columns().size() + " columns: "
                        + String.join(", ", r.columns()) + "; "
                        + (r.key() == null ? "no primary key" : "primary key " + r.key()) + "; "
                        + (r.skyIndex() == null ? "no sky index" : r.skyIndex()) + "; analysed; "
                        + String.format(java.util.Locale.ROOT, "%.1f", r.totalSeconds()) + " s in all.");
                return 0;
            });
        }
    }

    @Command(name = "attach", mixinStandardHelpOptions = true,
            description = "With casjobs.engine=postgresql: attach the tables of a schema on another PostgreSQL server"
                    + " as context NAME (postgres_fdw), or bring an attachment up to date. Each option defaults to the"
                    + " context's setting (casjobs.context.NAME.url, .schema, .user, .password). May run while the"
                    + " server runs: users see the tables at once.")
    static final class Attach extends DataFolderCommand {
        @Parameters(index = "0", paramLabel = "NAME", description = "The context (as in casjobs.contexts)")
        String context;

        @Option(names = "--url", paramLabel = "URL", description = "jdbc:postgresql://HOST:PORT/DATABASE, as the"
                + " catalog's database server reaches it")
        String url;

        @Option(names = "--schema", paramLabel = "S", description = "The remote schema (default public)")
        String schema;

        @Option(names = "--user", paramLabel = "U", description = "The remote login (read-only there is best)")
        String user;

        @Option(names = "--password-file", paramLabel = "F", description = "A file holding the remote password"
                + " (its first line)")
        Path passwordFile;

        @Override
        public Integer call() throws Exception {
            ServerConfig config = config();
            PostgresForeignContexts.checkAttachable(config, context);
            String password = passwordFile == null ? config.contextPassword(context) : firstLine(passwordFile);
            ForeignContext.Remote remote = PostgresForeignContexts.remote(context,
                    url != null ? url : config.contextUrl(context),
                    schema != null ? schema : config.contextUrl(context).isEmpty() ? "" : config.contextSchema(context),
                    user != null ? user : config.contextUser(context), password);
            ForeignContext.Attached a = PostgresForeignContexts.attach(config, context, remote);
            print("Attached " + context + ": schema " + PostgresNames.context(context) + " reads " + remote
                    + " through postgres_fdw server " + a.server() + "; " + a.tables().size() + " foreign "
                    + (a.tables().size() == 1 ? "table" : "tables") + ": " + String.join(", ", a.tables()) + "; "
                    + (a.shipped().contains("q3c") ? "q3c conditions run on the remote server."
                    : "q3c is not installed there (in the same schema as here): cone conditions run here, after the"
                    + " rows come over."));
            if (!config.contextUrl(context).isEmpty() && (url != null || schema != null || user != null || passwordFile != null)) {
                print("casjobs.context." + context.toLowerCase(java.util.Locale.ROOT) + ".url is set: each start of"
                        + " the service attaches the context again as its settings say.");
            }
            return 0;
        }

        private static String firstLine(Path file) throws java.io.IOException {
            String line = Files.readAllLines(file).stream().findFirst().orElse("");
            if (line.isEmpty()) {
                throw new IllegalArgumentException("The password file " + file + " is empty: its first line is the"
                        + " remote password.");
            }
            return line;
        }
    }
}
