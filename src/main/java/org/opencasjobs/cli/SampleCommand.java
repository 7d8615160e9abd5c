package org.opencasjobs.cli;

import static org.opencasjobs.cli.DataFolder.inDataFolder;

import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.opencasjobs.catalog.ContextAdmin;
import org.opencasjobs.config.PrivateFiles;
import org.opencasjobs.config.ServerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code sample generate}: the synthetic Sample context, made again with N rows. */
@Command(name = "sample", mixinStandardHelpOptions = true, description = "The synthetic Sample context.",
        subcommands = {SampleCommand.Generate.class})
public final class SampleCommand {
    @Command(name = "generate", mixinStandardHelpOptions = true,
            description = "Drop the Sample context's tables and generate them again with N PhotoObjAll rows"
                    + " (the same data on every machine for the same N). The server must be stopped.")
    static final class Generate extends DataFolderCommand {
        @Option(names = "--rows", required = true, paramLabel = "N", description = "Rows of PhotoObjAll (0 or more)")
        int rows;

        @Override
        public Integer call() throws Exception {
            if (rows < 0) {
                throw new ParameterException(spec.commandLine(), "--rows must be 0 or more, not " + rows + ".");
            }
            ServerConfig config = config();
            if (RunningServer.find(config).isPresent()) {
                // (Its H2 files are locked to other processes anyway; this also covers a server in this JVM.)
                throw new IllegalStateException("The data folder " + config.dataDir() + " is in use by a running server,"
                        + " and sample generate rewrites a context it serves: stop the server first, then run this"
                        + " command again.");
            }
            PrivateFiles.folder(config.dataDir());
            return inDataFolder(config, () -> {
                Map<String, Long> counts = ContextAdmin.regenerateSample(config, rows);
                // the two tables people count; context list shows every table and view
                // PostgreSQL names them in lower case: matched in any case, shown as SDSS spells them
                print("Generated the Sample context: " + Stream.of("PhotoObjAll", "SpecObjAll")
                        .flatMap(t -> counts.keySet().stream().filter(t::equalsIgnoreCase).map(k -> Map.entry(t, counts.get(k))))
                        .map(e -> e.getKey() + " " + e.getValue() + (e.getValue() == 1 ? " row" : " rows"))
                        .collect(Collectors.joining(", ")) + " (" + counts.size()
                        + " tables and views; context list shows them all).");
                return 0;
            });
        }
    }
}
