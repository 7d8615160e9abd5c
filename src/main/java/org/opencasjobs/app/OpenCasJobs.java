package org.opencasjobs.app;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Tags;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.opencasjobs.auth.Accounts;
import org.opencasjobs.catalog.Catalog;
import org.opencasjobs.config.PrivateFiles;
import org.opencasjobs.config.ServerConfig;
import org.opencasjobs.exec.JobExecutor;
import org.opencasjobs.exec.Leases;
import org.opencasjobs.exec.Scheduler;
import org.opencasjobs.http.AdminEndpoint;
import org.opencasjobs.http.WebServer;
import org.opencasjobs.jobs.Account;
import org.opencasjobs.jobs.JobStatus;
import org.opencasjobs.jobs.Queue;
import org.opencasjobs.jobs.Queues;
import org.opencasjobs.ops.Health;
import org.opencasjobs.ops.Metrics;
import org.opencasjobs.output.Outputs;
import org.opencasjobs.service.JobsService;
import org.opencasjobs.soap.JobsEndpoint;
import org.opencasjobs.store.AccountStore;
import org.opencasjobs.store.JdbcAccountStore;
import org.opencasjobs.store.JdbcJobStore;
import org.opencasjobs.store.JobStore;
import org.opencasjobs.store.JobStoreDatabase;
import org.opencasjobs.store.Nodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One running service: the job store, the scheduler and the web server, wired together. */
public final class OpenCasJobs implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OpenCasJobs.class);

    /** The demo account created on the first start of an empty data folder. */
    public record DemoAccount(long wsid, String password) {
    }

    private final JobStoreDatabase database;
    private final Catalog catalog;
    private final Scheduler scheduler;
    private final Leases leases;
    private final WebServer web;
    private final AdminEndpoint admin;
    private final Accounts accounts;
    private final JobStore jobStore;
    private final DemoAccount demo;
    private final Metrics metrics = new Metrics();
    private final Health health = new Health();
    private final Duration shutdownGrace;

    private OpenCasJobs(ServerConfig config, Clock clock) throws Exception {
        shutdownGrace = config.shutdownGrace();
        WebServer.checkPortFree(config);
        if (PrivateFiles.folder(config.dataDir())) {
            LOG.info("made the data folder {} readable by its owner only", config.dataDir());
        }
        database = JobStoreDatabase.open(config, metrics.registry());
        if (config.engine() == ServerConfig.Engine.POSTGRESQL) {
            // Users' SQL runs there too, each job logged in as its account's own role (PostgresCatalog).
            LOG.info("job store and accounts: PostgreSQL {} as role '{}', schema {}; contexts and MyDBs: schemas of"
                            + " the same database", Catalog.withoutPassword(config.jobStoreUrl()), config.jobStoreUser(),
                    JobStoreDatabase.POSTGRESQL_SCHEMA);
        }
        try {
            HeapReturn.apply();
            catalog = Catalog.open(config);
            AccountStore accountStore = new JdbcAccountStore(database.dataSource());
            accounts = new Accounts(accountStore, clock, config.loginMaxFailures(), config.loginWindowSeconds(),
                    config.loginCacheSeconds());
            demo = config.demoAccount() && accountStore.isEmpty() ? createDemo(config.dataDir()) : null;
            jobStore = new JdbcJobStore(database.dataSource());
            leases = joinNodes(config, clock);
            Queues queues = new Queues(config);
            Outputs outputs = new Outputs(config.dataDir().resolve("outputs"), config.outputRetention(), clock);
            JobExecutor executor = new JobExecutor(jobStore, catalog, outputs, clock, queues.catalogs(),
                    config.secondsPerMinute(), config::quickConcurrency, config.quickPerUser(), metrics, leases);
            scheduler = new Scheduler(jobStore, queues, executor, outputs, 200, config::batchConcurrency, config.batchPerUser(),
                    metrics);
            metrics.countJobsWith(() -> activeJobCounts(queues));
            health.add("jobstore", Health.database(database.dataSource())).add("catalog", catalog::check);
            metrics.registry().gauge("opencasjobs.mydb.open", catalog, Catalog::openMyDbCount);
            JobsService service = new JobsService(accounts, jobStore, queues, catalog, executor, config, clock,
                    scheduler::wake);
            scheduler.start();
            web = new WebServer(config, new JobsEndpoint(service), accounts, outputs.dir(), metrics, health);
            web.start();
            // Last: the command line finds the endpoint only once the server serves.
            admin = AdminEndpoint.start(config, accounts);
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    /**
     * Joins the nodes sharing the job store. On H2 the store is this process's file: it is the
     * only node. On PostgreSQL other nodes may share it.
     */
    private Leases joinNodes(ServerConfig config, Clock clock) {
        Leases joined = Leases.join(new Nodes(database.dataSource()), config.nodeId(), config.nodeLease(),
                config.engine() != ServerConfig.Engine.POSTGRESQL, clock);
        Tags node = Tags.of("node", joined.nodeId());
        FunctionCounter.builder("opencasjobs.node.lease.losses", joined, Leases::leaseLosses).tags(node)
                .description("times this node found its lease taken (it was taken as lost) and joined again")
                .register(metrics.registry());
        FunctionCounter.builder("opencasjobs.node.lost.jobs", joined, Leases::lostNodesJobs).tags(node)
                .description("running jobs of lost nodes that this node ended").register(metrics.registry());
        FunctionCounter.builder("opencasjobs.node.claims", joined, Leases::claims).tags(node)
                .description("jobs, quick and batch, this node claimed to run").register(metrics.registry());
        return joined;
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
        PrivateFiles.write(dataDir.resolve("demo-account.properties"),
                "wsid=" + a.wsid() + "\npassword=" + password + "\n");
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

    /**
     * Every queue's active job counts, zeros included, for the {@code opencasjobs_jobs} gauge.
     */
    private List<Metrics.JobCount> activeJobCounts(Queues queues) {
        Map<Map.Entry<String, JobStatus>, Long> counts = new LinkedHashMap<>();
        for (Queue q : queues.all()) {
            for (JobStatus st : List.of(JobStatus.READY, JobStatus.STARTED, JobStatus.CANCELING)) {
                counts.put(Map.entry(q.serviceName(), st), 0L);
            }
        }
        for (JobStore.ActiveCount c : jobStore.activeCounts()) {
            counts.merge(Map.entry(c.context() + "/" + c.queueMinutes(), c.status()), c.count(), Long::sum);
        }
        List<Metrics.JobCount> out = new ArrayList<>();
        counts.forEach((k, n) -> out.add(new Metrics.JobCount(k.getKey(), k.getValue().name().toLowerCase(Locale.ROOT), n)));
        return out;
    }

    /**
     * Stops gracefully: reports unhealthy, stops starting jobs and re-queues the running ones
     * while the web server refuses new connections and lets requests in flight finish (each
     * bounded by the shutdown grace period), then closes the catalog and the job store.
     */
    @Override
    public void close() throws Exception {
        LOG.info("stopping: no new jobs start; running jobs are re-queued; requests in flight may finish"
                + " (at most {} s)", shutdownGrace.toSeconds());
        health.stopping();
        if (admin != null) {
            admin.close(); // the command line no longer finds this server; the files say they are in use until it stops
        }
        Thread webStop = null;
        if (web != null) {
            webStop = new Thread(() -> {
                try {
                    web.close();
                } catch (Exception e) {
                    LOG.warn("stopping the web server: {}", e.toString());
                }
            }, "web-stop");
            webStop.start();
        }
        if (scheduler != null) {
            scheduler.stop(shutdownGrace);
        }
        if (webStop != null) {
            webStop.join();
        }
        if (leases != null) {
            leases.close(); // after the scheduler handed its jobs back: the other nodes take them
        }
        if (catalog != null) {
            catalog.close();
        }
        if (database != null) {
            database.close();
        }
        LOG.info("stopped");
    }
}
