package org.opencasjobs.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code version}, and {@code --version}: {@code OpenCasJobs <version>}. */
@Command(name = "version", mixinStandardHelpOptions = true, description = "Print the version.")
public final class VersionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        TextOutput.print(spec, line());
        return 0;
    }

    /** {@code OpenCasJobs <version>}, the version taken from the build (Maven's project version). */
    static String line() {
        Properties p = new Properties();
        try (InputStream in = VersionCommand.class.getResourceAsStream("/opencasjobs-version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // reported as unknown below
        }
        String v = p.getProperty("version", "");
        return "OpenCasJobs " + (v.isEmpty() || v.startsWith("${") ? "(unknown version)" : v);
    }

    /** For {@code opencasjobs --version}: the same line as {@code opencasjobs version}. */
    public static final class Provider implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {line()};
        }
    }
}
