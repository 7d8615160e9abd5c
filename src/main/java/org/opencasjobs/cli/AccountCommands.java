package org.opencasjobs.cli;

import static org.opencasjobs.cli.DataFolder.inDataFolder;
import static org.opencasjobs.cli.DataFolder.inJobStore;

import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.opencasjobs.auth.Accounts;
import org.opencasjobs.config.PrivateFiles;
import org.opencasjobs.config.ServerConfig;
import org.opencasjobs.http.AdminEndpoint;
import org.opencasjobs.jobs.Account;
import org.opencasjobs.store.AccountStore;
import org.opencasjobs.store.JdbcAccountStore;
import org.opencasjobs.store.JobStoreDatabase;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code account add|list|passwd|set-admin|disable|enable}. With a server running on the data
 * folder, each is done by that server (through its admin endpoint, {@link RunningServer}), so it
 * takes effect at once and needs no restart; else on the job store directly.
 */
@Command(name = "account", mixinStandardHelpOptions = true, description = "Manage accounts.",
        subcommands = {AccountCommands.Add.class, AccountCommands.ListAccounts.class, AccountCommands.Passwd.class,
            AccountCommands.SetAdmin.class, AccountCommands.Disable.class, AccountCommands.Enable.class})
public final class AccountCommands {
    /** How a change done by a running server is told: "… on the running server". */
    static final String ON_THE_SERVER = " on the running server";

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Add an account and print its new WebServicesID (wsid).")
    static final class Add extends DataFolderCommand {
        @Option(names = "--username", required = true, description = "User name")
        String username;

        @Option(names = "--password", required = true, description = "Password")
        String password;

        @Option(names = "--admin", description = "Give the account administrator rights")
        boolean admin;

        @Override
        public Integer call() throws Exception {
            ServerConfig config = config();
            Optional<RunningServer> server = RunningServer.find(config);
            if (server.isPresent()) {
                Account a = server.get().account(AdminEndpoint.ACCOUNT_ADD, "username", username, "password", password,
                        "admin", String.valueOf(admin));
                print(String.valueOf(a.wsid()));
                return 0;
            }
            PrivateFiles.folder(config.dataDir());
            return inDataFolder(config, DataFolder.NOT_SERVING_YET, () -> {
                try (JobStoreDatabase db = JobStoreDatabase.open(config)) {
                    Account a = accounts(new JdbcAccountStore(db.dataSource())).create(username, password, admin);
                    print(String.valueOf(a.wsid()));
                }
                return 0;
            });
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the accounts: wsid, user name, administrator, disabled, created.")
    static final class ListAccounts extends DataFolderCommand {
        @Override
        public Integer call() throws Exception {
            ServerConfig config = config();
            Optional<RunningServer> server = RunningServer.find(config);
            if (server.isPresent()) {
                print(table(server.get().accounts(AdminEndpoint.ACCOUNT_LIST)));
                return 0;
            }
            return inJobStore(config, db -> {
                print(table(new JdbcAccountStore(db.dataSource()).list()));
                return 0;
            });
        }

        /** Always with seconds: {@code LocalDateTime.toString()} leaves {@code :00} out. */
        private static final DateTimeFormatter CREATED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

        private static String table(List<Account> accounts) {
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"WSID", "USERNAME", "ADMIN", "DISABLED", "CREATED"});
            for (Account a : accounts) {
                rows.add(new String[] {String.valueOf(a.wsid()), a.username(), yesNo(a.admin()), yesNo(a.disabled()),
                    CREATED.format(a.created())});
            }
            return TextOutput.table(rows);
        }

        private static String yesNo(boolean b) {
            return b ? "yes" : "no";
        }
    }

    /** Which account a command is about: exactly one of --wsid and --username. */
    static final class AccountRef {
        @Option(names = "--wsid", required = true, description = "The account's WebServicesID")
        Long wsid;

        @Option(names = "--username", required = true, description = "The account's user name")
        String username;
    }

    /**
     * A change to one existing account: done by the running server if there is one (which also
     * forgets the account's remembered logins), else on the job store; then one line that says
     * what changed, and where.
     */
    abstract static class AccountChange extends DataFolderCommand {
        @ArgGroup(exclusive = true, multiplicity = "1")
        AccountRef account;

        /** The admin endpoint's operation. */
        abstract String operation();

        /** The operation's form fields besides the account (name, value, …). */
        String[] fields() {
            return new String[0];
        }

        /** Changes account {@code a} on the job store. */
        abstract void change(Accounts accounts, Account a);

        /** The line that says what changed; {@code where} is empty, or {@link #ON_THE_SERVER}. */
        abstract String said(Account a, String where);

        @Override
        public Integer call() throws Exception {
            ServerConfig config = config();
            Optional<RunningServer> server = RunningServer.find(config);
            if (server.isPresent()) {
                String[] ref = {"wsid", account.wsid == null ? null : account.wsid.toString(), "username", account.username};
                Account a = server.get().account(operation(),
                        Stream.concat(Stream.of(ref), Stream.of(fields())).toArray(String[]::new));
                print(said(a, ON_THE_SERVER));
                return 0;
            }
            return inJobStore(config, db -> {
                Accounts accounts = accounts(new JdbcAccountStore(db.dataSource()));
                Account a = accounts.find(account.wsid, account.username);
                change(accounts, a);
                print(said(a, ""));
                return 0;
            });
        }

        /** {@code <wsid> (<user name>)}. */
        static String named(Account a) {
            return a.wsid() + " (" + a.username() + ")";
        }
    }

    @Command(name = "passwd", mixinStandardHelpOptions = true,
            description = {"Set a new password for an account.",
                "Give --password alone to be asked for it (not echoed, and kept out of the shell history)."})
    static final class Passwd extends AccountChange {
        @Option(names = "--password", required = true, interactive = true, arity = "0..1",
                prompt = "New password: ", description = "The new password; without a value it is asked for")
        char[] password;

        private String password() {
            return password == null ? "" : new String(password);
        }

        @Override
        String operation() {
            return AdminEndpoint.ACCOUNT_PASSWD;
        }

        @Override
        String[] fields() {
            return new String[] {"password", password()};
        }

        @Override
        void change(Accounts accounts, Account a) {
            accounts.setPassword(a.wsid(), password());
        }

        @Override
        String said(Account a, String where) {
            return "Changed the password of account " + named(a) + where
                    + (where.isEmpty() ? "." : ": the old password no longer works.");
        }
    }

    @Command(name = "set-admin", mixinStandardHelpOptions = true,
            description = "Give an account administrator rights, or take them away with --revoke.")
    static final class SetAdmin extends AccountChange {
        @Option(names = "--revoke", description = "Take administrator rights away instead")
        boolean revoke;

        @Override
        String operation() {
            return AdminEndpoint.ACCOUNT_SET_ADMIN;
        }

        @Override
        String[] fields() {
            return new String[] {"admin", String.valueOf(!revoke)};
        }

        @Override
        void change(Accounts accounts, Account a) {
            accounts.setAdmin(a.wsid(), !revoke);
        }

        @Override
        String said(Account a, String where) {
            return "Account " + named(a) + (revoke ? " is not an administrator" : " is an administrator") + where + ".";
        }
    }

    /** {@code disable} and {@code enable}: one switch under two names. */
    abstract static class SetDisabled extends AccountChange {
        private final boolean disabled;

        SetDisabled(boolean disabled) {
            this.disabled = disabled;
        }

        @Override
        String operation() {
            return disabled ? AdminEndpoint.ACCOUNT_DISABLE : AdminEndpoint.ACCOUNT_ENABLE;
        }

        @Override
        void change(Accounts accounts, Account a) {
            accounts.setDisabled(a.wsid(), disabled);
        }

        @Override
        String said(Account a, String where) {
            return "Account " + named(a) + (disabled ? " is disabled" + where + ": its logins are refused."
                    : " is enabled" + where + ".");
        }
    }

    @Command(name = "disable", mixinStandardHelpOptions = true,
            description = "Disable an account: its logins are refused until `account enable`.")
    static final class Disable extends SetDisabled {
        Disable() {
            super(true);
        }
    }

    @Command(name = "enable", mixinStandardHelpOptions = true, description = "Enable a disabled account again.")
    static final class Enable extends SetDisabled {
        Enable() {
            super(false);
        }
    }

    private static Accounts accounts(AccountStore store) {
        return new Accounts(store, Clock.systemDefaultZone(), 1, 1, 0);
    }
}
