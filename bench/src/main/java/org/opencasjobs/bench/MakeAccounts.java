package org.opencasjobs.bench;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.Map;
import org.opencasjobs.auth.PasswordHasher;
import org.opencasjobs.config.PrivateFiles;
import org.opencasjobs.config.ServerConfig;
import org.opencasjobs.jobs.Account;
import org.opencasjobs.store.JdbcAccountStore;
import org.opencasjobs.store.JobStoreDatabase;

/**
 * Creates many accounts in a data folder before the server starts, with the product's own job
 * store and password hashing (run with the product jar on the class path). One hash serves them
 * all: {@code account add} would spend a JVM start and a slow hash on each, minutes for 1,000,
 * while the server still checks each login against its stored hash as usual.
 * Arguments: data folder, how many, password. Prints each new wsid on a line.
 */
public final class MakeAccounts {
    private MakeAccounts() {
    }

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        int count = Integer.parseInt(args[1]);
        String hash = PasswordHasher.hash(args[2]);
        PrivateFiles.folder(dataDir);
        ServerConfig config = ServerConfig.of(Map.of("casjobs.data.dir", dataDir.toString()));
        StringBuilder out = new StringBuilder();
        try (JobStoreDatabase db = JobStoreDatabase.open(config)) {
            JdbcAccountStore store = new JdbcAccountStore(db.dataSource());
            for (int i = 0; i < count; i++) {
                Account a = store.create("bench" + i, hash, false, LocalDateTime.now());
                out.append(a.wsid()).append('\n');
            }
        }
        System.out.print(out);
        System.out.flush();
        System.exit(0);
    }
}
