package org.opencasjobs.cli;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.opencasjobs.config.ServerConfig;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * A command that works on a data folder: the options every such command shares (where the data
 * lives, which settings file to read), and a place to print its result.
 */
abstract class DataFolderCommand implements Callable<Integer> {
    @Option(names = "--data-dir", description = "Data folder (default ./data; env CASJOBS_DATA_DIR)")
    Path dataDir;

    @Option(names = "--config", description = "A properties file of settings")
    Path configFile;

    @Spec
    CommandSpec spec;

    /** The settings: defaults, then the --config file, the environment, {@code more}, and --data-dir. */
    ServerConfig config(Map<String, String> more) {
        Map<String, String> overrides = new HashMap<>(more);
        if (dataDir != null) {
            overrides.put("casjobs.data.dir", dataDir.toString());
        }
        return ServerConfig.load(configFile, System.getenv(), overrides);
    }

    ServerConfig config() {
        return config(Map.of());
    }

    /** Prints {@code text} and a line end on the command's output. */
    void print(String text) {
        TextOutput.print(spec, text);
    }
}
