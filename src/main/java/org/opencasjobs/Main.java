package org.opencasjobs;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import org.opencasjobs.auth.Account;
import org.opencasjobs.auth.Accounts;
import org.opencasjobs.catalog.Catalog;
import org.opencasjobs.config.ServerConfig;
import org.opencasjobs.jobs.Queues;
import org.opencasjobs.store.AccountStore;
import org.opencasjobs.store.JobStoreDatabase;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The command line: {@code serve}, {@code account add|list|passwd|set-admin|disable|enable},
 * {@code context list}, {@code sample generate} and {@code version}. Errors are one line on stderr.
 */
@Command(name = "opencasjobs", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "A CasJobs-compatible batch query service (jobs.asmx).",
        subcommands = {Main.Serve.class, Main.AccountCommand.class, Main.ContextCommand.class,
            Main.SampleCommand.class, Main.VersionCommand.class})
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
            OpenCasJobs server = inDataFolder(config, () -> OpenCasJobs.start(config, Clock.systemDefaultZone()));
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
            subcommands = {AccountAdd.class, AccountList.class, AccountPasswd.class, AccountSetAdmin.class,
                AccountDisable.class, AccountEnable.class})
    static final class AccountCommand {
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Add an account and print its new WebServicesID (wsid).")
    static final class AccountAdd implements Callable<Integer> {
        @CommandLine.Mixin
        Common common = new Common();

        @Spec
        CommandSpec spec;

        @Option(names = "--username", required = true, description = "User name")
        String username;

        @Option(names = "--password", required = true, description = "Password")
        String password;

        @Option(names = "--admin", description = "Give the account administrator rights")
        boolean admin;

        @Override
        public Integer call() throws Exception {
            ServerConfig config = common.config(Map.of());
            Files.createDirectories(config.dataDir());
            return inDataFolder(config, () -> {
                try (JobStoreDatabase db = JobStoreDatabase.open(config)) {
                    Account a = accounts(db).create(username, password, admin);
                    print(spec, String.valueOf(a.wsid()));
                }
                return 0;
            });
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the accounts: wsid, user name, administrator, disabled, created.")
    static final class AccountList implements Callable<Integer> {
        @CommandLine.Mixin
        Common common = new Common();

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            ServerConfig config = common.config(Map.of());
            return inJobStore(config, db -> {
                List<String[]> rows = new ArrayList<>();
                rows.add(new String[] {"WSID", "USERNAME", "ADMIN", "DISABLED", "CREATED"});
                for (Account a : new AccountStore(db.dataSource()).list()) {
                    rows.add(new String[] {String.valueOf(a.wsid()), a.username(), yesNo(a.admin()), yesNo(a.disabled()),
                        a.created().truncatedTo(ChronoUnit.SECONDS).toString().replace('T', ' ')});
                }
                print(spec, table(rows));
                return 0;
            });
        }
    }

    /** Which account a command is about: exactly one of --wsid and --username. */
    static final class AccountRef {
        @Option(names = "--wsid", required = true, description = "The account's WebServicesID")
        Long wsid;

        @Option(names = "--username", required = true, description = "The account's user name")
        String username;

        /** The account, or an error naming what was not found. */
        Account find(AccountStore store) {
            return (wsid != null ? store.find(wsid) : store.findByName(username))
                    .map(AccountStore.StoredAccount::account)
                    .orElseThrow(() -> new IllegalArgumentException(wsid != null
                            ? "There is no account with wsid " + wsid + "."
                            : "There is no account named '" + username + "'."));
        }
    }

    @Command(name = "passwd", mixinStandardHelpOptions = true,
            description = {"Set a new password for an account.",
                "Give --password alone to be asked for it (not echoed, and kept out of the shell history)."})
    static final class AccountPasswd implements Callable<Integer> {
        @CommandLine.Mixin
        Common common = new Common();

        @Spec
        CommandSpec spec;

        @ArgGroup(exclusive = true, multiplicity = "1")
        AccountRef account;

        @Option(names = "--password", required = true, interactive = true, arity = "0..1",
                prompt = "New password: ", description = "The new password; without a value it is asked for")
        char[] password;

        @Override
        public Integer call() throws Exception {
            ServerConfig config = common.config(Map.of());
            return inJobStore(config, db -> {
                Account a = account.find(new AccountStore(db.dataSource()));
                accounts(db).setPassword(a.wsid(), password == null ? "" : new String(password));
                print(spec, "Changed the password of account " + a.wsid() + " (" + a.username() + ").");
                return 0;
            });
        }
    }

    @Command(name = "set-admin", mixinStandardHelpOptions = true,
            description = "Give an account administrator rights, or take them away with --revoke.")
    static final class AccountSetAdmin implements Callable<Integer> {
        @CommandLine.Mixin
        Common common = new Common();

        @Spec
        CommandSpec spec;

        @ArgGroup(exclusive = true, multiplicity = "1")
        AccountRef account;

        @Option(names = "--revoke", description = "Take administrator rights away instead")
        boolean revoke;

        @Override
        public Integer call() throws Exception {
            ServerConfig config = common.config(Map.of());
            return inJobStore(config, db -> {
                AccountStore store = new AccountStore(db.dataSource());
                Account a = account.find(store);
                store.setAdmin(a.wsid(), !revoke);
                print(spec, "Account " + a.wsid() + " (" + a.username() + ") "
                        + (revoke ? "is not an administrator." : "is an administrator."));
                return 0;
            });
        }
    }

    @Command(name = "disable", mixinStandardHelpOptions = true,
            description = "Disable an account: its logins are refused until `account enable`.")
    static final class AccountDisable implements Callable<Integer> {
        @CommandLine.Mixin
        Common common = new Common();

        @Spec
        CommandSpec spec;

        @ArgGroup(exclusive = true, multiplicity = "1")
        AccountRef account;

        @Override
        public Integer call() throws Exception {
            return setDisabled(common, spec, account, true);
        }
    }

    @Command(name = "enable", mixinStandardHelpOptions = true, description = "Enable a disabled account again.")
    static final class AccountEnable implements Callable<Integer> {
        @CommandLine.Mixin
        Common common = new Common();

        @Spec
        CommandSpec spec;

        @ArgGroup(exclusive = true, multiplicity = "1")
        AccountRef account;

        @Override
        public Integer call() throws Exception {
            return setDisabled(common, spec, account, false);
        }
    }

    private static int setDisabled(Common common, CommandSpec spec, AccountRef account, boolean disabled)
            throws Exception {
        ServerConfig config = common.config(Map.of());
        return inJobStore(config, db -> {
            AccountStore store = new AccountStore(db.dataSource());
            Account a = account.find(store);
            store.setDisabled(a.wsid(), disabled);
            print(spec, "Account " + a.wsid() + " (" + a.username() + ") is "
                    + (disabled ? "disabled: its logins are refused." : "enabled."));
            return 0;
        });
    }

    @Command(name = "context", mixinStandardHelpOptions = true, description = "Inspect the catalog contexts.",
            subcommands = {ContextList.class})
    static final class ContextCommand {
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the contexts: where each lives, its tables with row counts, and its queues.")
    static final class ContextList implements Callable<Integer> {
        @CommandLine.Mixin
        Common common = new Common();

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            ServerConfig config = common.config(Map.of());
            return inDataFolder(config, () -> {
                StringBuilder out = new StringBuilder();
                for (Catalog.ContextInfo c : Catalog.describe(config)) {
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
                        out.append(table(rows)).append('\n');
                    }
                    out.append(queues(config, c.name())).append('\n');
                }
                out.append(Queues.MYDB).append(": one H2 file per account, ")
                        .append(config.dataDir().resolve("catalog").resolve("mydb").resolve("U<wsid>.mv.db")).append('\n')
                        .append(queues(config, Queues.MYDB));
                print(spec, out.toString());
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

    @Command(name = "sample", mixinStandardHelpOptions = true, description = "The synthetic Sample context.",
            subcommands = {SampleGenerate.class})
    static final class SampleCommand {
    }

    @Command(name = "generate", mixinStandardHelpOptions = true,
            description = "Drop the Sample context's tables and generate them again with N PhotoObj rows"
                    + " (the same data on every machine for the same N).")
    static final class SampleGenerate implements Callable<Integer> {
        @CommandLine.Mixin
        Common common = new Common();

        @Spec
        CommandSpec spec;

        @Option(names = "--rows", required = true, paramLabel = "N", description = "Rows of PhotoObj (0 or more)")
        int rows;

        @Override
        public Integer call() throws Exception {
            if (rows < 0) {
                throw new ParameterException(spec.commandLine(), "--rows must be 0 or more, not " + rows + ".");
            }
            ServerConfig config = common.config(Map.of());
            Files.createDirectories(config.dataDir());
            return inDataFolder(config, () -> {
                Map<String, Long> counts = Catalog.regenerateSample(config, rows);
                print(spec, "Generated the Sample context: " + counts.entrySet().stream()
                        .map(e -> e.getKey() + " " + e.getValue() + (e.getValue() == 1 ? " row" : " rows"))
                        .collect(Collectors.joining(", ")) + ".");
                return 0;
            });
        }
    }

    @Command(name = "version", mixinStandardHelpOptions = true, description = "Print the version.")
    static final class VersionCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            print(spec, version());
            return 0;
        }
    }

    /** {@code OpenCasJobs <version>}, the version taken from the build (Maven's project version). */
    static String version() {
        Properties p = new Properties();
        try (InputStream in = Main.class.getResourceAsStream("/opencasjobs-version.properties")) {
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
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {version()};
        }
    }

    /** H2's error when a database file is held by another process. */
    private static final int DATABASE_IN_USE = 90020;

    /** Runs {@code work}; a data folder held by a running server becomes one clear error. */
    static <T> T inDataFolder(ServerConfig config, Callable<T> work) throws Exception {
        try {
            return work.call();
        } catch (Exception e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof SQLException sql && sql.getErrorCode() == DATABASE_IN_USE) {
                    throw new IllegalStateException("The data folder " + config.dataDir()
                            + " is in use by a running server; stop it first, then run this command again.");
                }
            }
            throw e;
        }
    }

    interface StoreWork {
        int run(JobStoreDatabase db) throws Exception;
    }

    /** Runs {@code work} on the existing job store (refusing to create one in a wrong --data-dir). */
    static int inJobStore(ServerConfig config, StoreWork work) throws Exception {
        if (config.jobStoreUrl().startsWith("jdbc:h2:file:" + config.dataDir().resolve("jobstore") + ";")
                && !Files.exists(config.dataDir().resolve("jobstore.mv.db"))) {
            throw new IllegalArgumentException("There is no job store in " + config.dataDir()
                    + ": is --data-dir (or CASJOBS_DATA_DIR) right?");
        }
        return inDataFolder(config, () -> {
            try (JobStoreDatabase db = JobStoreDatabase.open(config)) {
                return work.run(db);
            }
        });
    }

    private static Accounts accounts(JobStoreDatabase db) {
        return new Accounts(new AccountStore(db.dataSource()), Clock.systemDefaultZone(), 1, 1, 0);
    }

    private static String yesNo(boolean b) {
        return b ? "yes" : "no";
    }

    /** Rows as left-aligned columns (the last column unpadded), one line per row, no trailing newline. */
    static String table(List<String[]> rows) {
        int[] width = new int[rows.get(0).length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] r : rows) {
            if (sb.length() > 0) {
                sb.append('\n');
            }
            for (int i = 0; i < r.length; i++) {
                sb.append(i == r.length - 1 ? r[i] : String.format("%-" + width[i] + "s  ", r[i]));
            }
        }
        return sb.toString();
    }

    private static void print(CommandSpec spec, String text) {
        PrintWriter out = spec.commandLine().getOut();
        out.println(text);
        out.flush();
    }

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
