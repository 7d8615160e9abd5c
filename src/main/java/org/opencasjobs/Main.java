package org.opencasjobs;

import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.opencasjobs.auth.Account;
import org.opencasjobs.auth.Accounts;
import org.opencasjobs.config.ServerConfig;
import org.opencasjobs.store.AccountStore;
import org.opencasjobs.store.JobStoreDatabase;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The command line: {@code serve} and {@code account add}. */
@Command(name = "opencasjobs", mixinStandardHelpOptions = true, version = "OpenCasJobs 0.1.0",
        description = "A CasJobs-compatible batch query service (jobs.asmx).",
        subcommands = {Main.Serve.class, Main.AccountCommand.class})
public final class Main {
    /** Options every command shares: where the data lives and which settings file to read. */
    static class Common {
        @Option(names = "--data-dir", description = "Data folder (default ./data; env CASJOBS_DATA_DIR)")
        Path dataDir;

        @Option(names = "--config", description = "A properties file of settings")
        Path configFile;

        ServerConfig config(Map<String, String> more) {
            Map<String, String> overrides = new HashMap<>(more);
            if (dataDir != null) {
                overrides.put("casjobs.data.dir", dataDir.toString());
            }
            return ServerConfig.load(configFile, System.getenv(), overrides);
        }
    }

    @Command(name = "serve", mixinStandardHelpOptions = true, description = "Start the service.")
    static final class Serve implements Callable<Integer> {
        @CommandLine.Mixin
        Common common = new Common();

        @Option(names = "--port", description = "HTTP port (default 8080; env CASJOBS_PORT)")
        Integer port;

        @Override
        public Integer call() throws Exception {
            ServerConfig config = common.config(port == null ? Map.of() : Map.of("casjobs.port", port.toString()));
            OpenCasJobs server = OpenCasJobs.start(config, Clock.systemDefaultZone());
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    server.close();
                } catch (Exception e) {
                    System.err.println("Error while stopping: " + e.getMessage());
                }
                stopped.countDown();
            }));
            System.out.println("OpenCasJobs is serving http://localhost:" + server.port() + "/services/jobs.asmx"
                    + " (data in " + config.dataDir() + ")");
            if (server.demoAccount() != null) {
                System.out.println("Created the demo account: wsid " + server.demoAccount().wsid()
                        + ", password " + server.demoAccount().password()
                        + " (also in " + config.dataDir().resolve("demo-account.properties") + ")");
            }
            stopped.await();
            return 0;
        }
    }

    @Command(name = "account", mixinStandardHelpOptions = true, description = "Manage accounts.",
            subcommands = {AccountAdd.class})
    static final class AccountCommand {
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Add an account and print its new WebServicesID (wsid).")
    static final class AccountAdd implements Callable<Integer> {
        @CommandLine.Mixin
        Common common = new Common();

        @Option(names = "--username", required = true, description = "User name")
        String username;

        @Option(names = "--password", required = true, description = "Password")
        String password;

        @Option(names = "--admin", description = "Give the account administrator rights")
        boolean admin;

        @Override
        public Integer call() throws Exception {
            ServerConfig config = common.config(Map.of());
            java.nio.file.Files.createDirectories(config.dataDir());
            try (JobStoreDatabase db = JobStoreDatabase.open(config)) {
                Accounts accounts = new Accounts(new AccountStore(db.dataSource()), Clock.systemDefaultZone(), 1, 1, 0);
                Account a = accounts.create(username, password, admin);
                System.out.println(a.wsid());
            }
            return 0;
        }
    }

    private Main() {
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        // Expected failures (bad settings, a name taken) are one clear line, not a stack trace.
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("Error: " + e.getMessage());
            cmd.getErr().flush();
            return 1;
        });
        return cl;
    }

    public static void main(String[] args) {
        int code = commandLine().execute(args);
        if (code != 0 || !isServe(args)) {
            System.exit(code);
        }
    }

    private static boolean isServe(String[] args) {
        return args.length > 0 && args[0].equals("serve");
    }
}
