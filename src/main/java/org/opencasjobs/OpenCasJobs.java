package org.opencasjobs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import org.opencasjobs.auth.Account;
import org.opencasjobs.auth.Accounts;
import org.opencasjobs.catalog.Catalog;
import org.opencasjobs.config.ServerConfig;
import org.opencasjobs.exec.QueryRunner;
import org.opencasjobs.exec.RunningStatements;
import org.opencasjobs.exec.Scheduler;
import org.opencasjobs.http.WebServer;
import org.opencasjobs.jobs.Queues;
import org.opencasjobs.output.Outputs;
import org.opencasjobs.service.JobsService;
import org.opencasjobs.soap.JobsEndpoint;
import org.opencasjobs.store.AccountStore;
import org.opencasjobs.store.JobStore;
import org.opencasjobs.store.JobStoreDatabase;

/** One running service: the job store, the scheduler and the web server, wired together. */
public final class OpenCasJobs implements AutoCloseable {
    /** The demo account created on the first start of an empty data folder. */
    public record DemoAccount(long wsid, String password) {
    }

    private final JobStoreDatabase database;
    private final Catalog catalog;
    private final Scheduler scheduler;
    private final WebServer web;
    private final Accounts accounts;
    private final JobStore jobStore;
    private final DemoAccount demo;

    private OpenCasJobs(ServerConfig config, Clock clock) throws Exception {
        Files.createDirectories(config.dataDir());
        database = JobStoreDatabase.open(config);
        try {
            catalog = Catalog.open(config);
            AccountStore accountStore = new AccountStore(database.dataSource());
            accounts = new Accounts(accountStore, clock, config.loginMaxFailures(), config.loginWindowSeconds(),
                    config.loginCacheSeconds());
            demo = config.demoAccount() && accountStore.isEmpty() ? createDemo(config.dataDir()) : null;
            jobStore = new JobStore(database.dataSource());
            Queues queues = new Queues(config);
            QueryRunner runner = new QueryRunner(catalog, new RunningStatements());
            Outputs outputs = new Outputs(config.dataDir().resolve("outputs"), config.outputRetention(), clock);
            scheduler = new Scheduler(jobStore, queues, catalog, runner, outputs, clock, 200,
                    config::batchConcurrency, config.secondsPerMinute());
            JobsService service = new JobsService(accounts, jobStore, queues, catalog, runner, config, clock,
                    scheduler::wake);
            scheduler.start();
            web = new WebServer(config.bindAddress(), config.port(), config.requestMaxBytes(),
                    config.publicBaseUrl(), new JobsEndpoint(service), outputs.dir());
            web.start();
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    public static OpenCasJobs start(ServerConfig config, Clock clock) throws Exception {
        return new OpenCasJobs(config, clock);
    }

    private DemoAccount createDemo(Path dataDir) throws IOException {
        byte[] random = new byte[9];
        new SecureRandom().nextBytes(random);
        String password = HexFormat.of().formatHex(random);
        Account a = accounts.create("demo", password, false);
        // Kept beside the data so scripts (and the README's examples) can read it back.
        Files.writeString(dataDir.resolve("demo-account.properties"),
                "wsid=" + a.wsid() + "\npassword=" + password + "\n", StandardCharsets.UTF_8);
        return new DemoAccount(a.wsid(), password);
    }

    /** The demo account if this start created it, else null. */
    public DemoAccount demoAccount() {
        return demo;
    }

    public int port() {
        return web.port();
    }

    public Accounts accounts() {
        return accounts;
    }

    public JobStore jobStore() {
        return jobStore;
    }

    @Override
    public void close() throws Exception {
        if (web != null) {
            web.close();
        }
        if (scheduler != null) {
            scheduler.close();
        }
        if (catalog != null) {
            catalog.close();
        }
        if (database != null) {
            database.close();
        }
    }
}
