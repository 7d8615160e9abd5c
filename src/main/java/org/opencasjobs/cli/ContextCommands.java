package org.opencasjobs.cli;

import static org.opencasjobs.cli.DataFolder.inDataFolder;

import java.util.Optional;
import org.opencasjobs.catalog.ContextAdmin;
import org.opencasjobs.config.ServerConfig;
import org.opencasjobs.http.AdminEndpoint;
import picocli.CommandLine.Command;

/**
 * {@code context list}: where each context lives, its tables with row counts, and its queues; told
 * by the running server (its own settings) when there is one, else read from the files.
 */
@Command(name = "context", mixinStandardHelpOptions = true, description = "Inspect the catalog contexts.",
        subcommands = {ContextCommands.ListContexts.class})
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
}
