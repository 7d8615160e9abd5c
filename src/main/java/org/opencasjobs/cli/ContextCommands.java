package org.opencasjobs.cli;

import static org.opencasjobs.cli.DataFolder.inDataFolder;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.opencasjobs.catalog.ContextAdmin;
import org.opencasjobs.config.ServerConfig;
import org.opencasjobs.jobs.MyDb;
import picocli.CommandLine.Command;

/** {@code context list}: where each context lives, its tables with row counts, and its queues. */
@Command(name = "context", mixinStandardHelpOptions = true, description = "Inspect the catalog contexts.",
        subcommands = {ContextCommands.ListContexts.class})
public final class ContextCommands {
    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the contexts: where each lives, its tables with row counts, and its queues.")
    static final class ListContexts extends DataFolderCommand {
        @Override
        public Integer call() throws Exception {
            ServerConfig config = config();
            return inDataFolder(config, () -> {
                StringBuilder out = new StringBuilder();
                for (ContextAdmin.ContextInfo c : ContextAdmin.describe(config)) {
                    out.append(c.name()).append(": ").append(c.external() ? "external database " : "H2 file ")
                            .append(c.location()).append('\n');
                    if (c.problem() != null) {
                        out.append("  ").append(c.problem()).append('\n');
                    } else if (c.rowCounts().isEmpty()) {
                        out.append("  no tables\n");
                    } else {
                        int digits = c.rowCounts().values().stream().mapToInt(n -> String.valueOf(n).length()).max().orElse(1);
                        List<String[]> rows = new ArrayList<>();
                        c.rowCounts().forEach((t, n) -> rows.add(new String[] {"  table " + t,
                            String.format("%" + digits + "d %s", n, n == 1 ? "row" : "rows")}));
                        out.append(TextOutput.table(rows)).append('\n');
                    }
                    out.append(queues(config, c.name())).append('\n');
                }
                out.append(MyDb.NAME).append(": one H2 file per account, ")
                        .append(config.dataDir().resolve("catalog").resolve("mydb").resolve("U<wsid>.mv.db")).append('\n')
                        .append(queues(config, MyDb.NAME));
                print(out.toString());
                return 0;
            });
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
    }
}
