package org.opencasjobs.cli;

import java.nio.file.Files;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import org.opencasjobs.config.ServerConfig;
import org.opencasjobs.store.JobStoreDatabase;

/** Running a command's work on the data folder, with one clear error when it cannot be used. */
final class DataFolder {
    /** H2's error when a database file is held by another process. */
    private static final int DATABASE_IN_USE = 90020;

    private DataFolder() {
    }

    /** Runs {@code work}; a data folder held by a running server becomes one clear error. */
    static <T> T inDataFolder(ServerConfig config, Callable<T> work) throws Exception {
        return inDataFolder(config, "stop it first, then run this command again.", work);
    }

    /**
     * Runs {@code work}; a data folder held by a server becomes one error: that it is in use, then
     * {@code whatToDo}.
     */
    static <T> T inDataFolder(ServerConfig config, String whatToDo, Callable<T> work) throws Exception {
        try {
            return work.call();
        } catch (Exception e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof SQLException sql && sql.getErrorCode() == DATABASE_IN_USE) {
                    throw new IllegalStateException("The data folder " + config.dataDir()
                            + " is in use by a running server; " + whatToDo);
                }
            }
            throw e;
        }
    }

    interface StoreWork {
        int run(JobStoreDatabase db) throws Exception;
    }

    /**
     * What the account and context commands say when the data folder is held by a server they
     * could not reach through its admin endpoint: it is starting (a first start generates the
     * Sample) or stopping.
     */
    static final String NOT_SERVING_YET = "it does not answer admin commands yet (is it starting or stopping?):"
            + " run this command again once it serves.";

    /** Runs {@code work} on the existing job store (refusing to create one in a wrong --data-dir). */
    static int inJobStore(ServerConfig config, StoreWork work) throws Exception {
        if (config.jobStoreUrl().startsWith("jdbc:h2:file:" + config.dataDir().resolve("jobstore") + ";")
                && !Files.exists(config.dataDir().resolve("jobstore.mv.db"))) {
            throw new IllegalArgumentException("There is no job store in " + config.dataDir()
                    + ": is --data-dir (or CASJOBS_DATA_DIR) right?");
        }
        return inDataFolder(config, NOT_SERVING_YET, () -> {
            try (JobStoreDatabase db = JobStoreDatabase.open(config)) {
                return work.run(db);
            }
        });
    }
}
