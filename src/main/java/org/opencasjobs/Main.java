package org.opencasjobs;

import org.opencasjobs.cli.AccountCommands;
import org.opencasjobs.cli.ContextCommands;
import org.opencasjobs.cli.SampleCommand;
import org.opencasjobs.cli.ServeCommand;
import org.opencasjobs.cli.VersionCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The command line: {@code serve}, {@code account add|list|passwd|set-admin|disable|enable},
 * {@code context list}, {@code sample generate} and {@code version} (the commands are in
 * {@link org.opencasjobs.cli}). Errors are one line on stderr.
 */
@Command(name = "opencasjobs", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
        description = "A CasJobs-compatible batch query service (jobs.asmx).",
        subcommands = {ServeCommand.class, AccountCommands.class, ContextCommands.class,
            SampleCommand.class, VersionCommand.class})
public final class Main {
    private Main() {
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        // Expected failures (bad settings, a name taken) are one clear line, not a stack trace.
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("Error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            cmd.getErr().flush();
            return 1;
        });
        // Usage errors too: the problem, and where to read more (not the whole usage text).
        cl.setParameterExceptionHandler((e, args) -> {
            CommandLine cmd = e.getCommandLine();
            // Some of picocli's own messages start with "Error: " already.
            cmd.getErr().println("Error: " + String.valueOf(e.getMessage()).replaceFirst("^Error: ", ""));
            cmd.getErr().println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
            cmd.getErr().flush();
            return cmd.getCommandSpec().exitCodeOnInvalidInput();
        });
        return cl;
    }

    public static void main(String[] args) {
        if (!isServe(args)) {
            // Library logging (pools, migrations) would bury a command's one line of output or error.
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "off");
        }
        int code = commandLine().execute(args);
        if (code != 0 || !isServe(args)) {
            System.exit(code);
        }
    }

    private static boolean isServe(String[] args) {
        return args.length > 0 && args[0].equals("serve");
    }
}
