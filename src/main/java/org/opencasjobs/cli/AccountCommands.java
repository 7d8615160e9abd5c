package org.opencasjobs.cli;

import static org.opencasjobs.cli.DataFolder.inDataFolder;
import static org.opencasjobs.cli.DataFolder.inJobStore;

import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.opencasjobs.auth.Accounts;
import org.opencasjobs.config.PrivateFiles;
import org.opencasjobs.config.ServerConfig;
import org.opencasjobs.jobs.Account;
import org.opencasjobs.store.AccountStore;
import org.opencasjobs.store.JdbcAccountStore;
import org.opencasjobs.store.JobStoreDatabase;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code account add|list|passwd|set-admin|disable|enable}. */
@Command(name = "account", mixinStandardHelpOptions = true, description = "Manage accounts.",
        subcommands = {AccountCommands.Add.class, AccountCommands.ListAccounts.class, AccountCommands.Passwd.class,
            AccountCommands.SetAdmin.class, AccountCommands.Disable.class, AccountCommands.Enable.class})
public final class AccountCommands {
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
            PrivateFiles.folder(config.dataDir());
            return inDataFolder(config, () -> {
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
            return inJobStore(config(), db -> {
                List<String[]> rows = new ArrayList<>();
                rows.add(new String[] {"WSID", "USERNAME", "ADMIN", "DISABLED", "CREATED"});
                for (Account a : new JdbcAccountStore(db.dataSource()).list()) {
                    rows.add(new String[] {String.valueOf(a.wsid()), a.username(), yesNo(a.admin()), yesNo(a.disabled()),
                        a.created().truncatedTo(ChronoUnit.SECONDS).toString().replace('T', ' ')});
                }
                print(TextOutput.table(rows));
                return 0;
            });
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

        /** The account, or an error naming what was not found. */
        Account find(AccountStore store) {
            return (wsid != null ? store.find(wsid) : store.findByName(username))
                    .map(AccountStore.StoredAccount::account)
                    .orElseThrow(() -> new IllegalArgumentException(wsid != null
                            ? "There is no account with wsid " + wsid + "."
                            : "There is no account named '" + username + "'."));
        }
    }

    /** A change to one existing account: open the job store, find the account, change it, print one line. */
    abstract static class AccountChange extends DataFolderCommand {
        @ArgGroup(exclusive = true, multiplicity = "1")
        AccountRef account;

        /** Changes account {@code a}; returns the line that says what changed. */
        abstract String change(AccountStore store, Account a);

        @Override
        public Integer call() throws Exception {
            return inJobStore(config(), db -> {
                AccountStore store = new JdbcAccountStore(db.dataSource());
                print(change(store, account.find(store)));
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

        @Override
        String change(AccountStore store, Account a) {
            accounts(store).setPassword(a.wsid(), password == null ? "" : new String(password));
            return "Changed the password of account " + named(a) + ".";
        }
    }

    @Command(name = "set-admin", mixinStandardHelpOptions = true,
            description = "Give an account administrator rights, or take them away with --revoke.")
    static final class SetAdmin extends AccountChange {
        @Option(names = "--revoke", description = "Take administrator rights away instead")
        boolean revoke;

        @Override
        String change(AccountStore store, Account a) {
            store.setAdmin(a.wsid(), !revoke);
            return "Account " + named(a) + (revoke ? " is not an administrator." : " is an administrator.");
        }
    }

    /** {@code disable} and {@code enable}: one switch under two names. */
    abstract static class SetDisabled extends AccountChange {
        private final boolean disabled;

        SetDisabled(boolean disabled) {
            this.disabled = disabled;
        }

        @Override
        String change(AccountStore store, Account a) {
            store.setDisabled(a.wsid(), disabled);
            return "Account " + named(a) + (disabled ? " is disabled: its logins are refused." : " is enabled.");
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
