package org.opencasjobs.testing;

import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDateTime;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.opencasjobs.auth.Accounts;
import org.opencasjobs.catalog.Catalog;
import org.opencasjobs.config.ServerConfig;
import org.opencasjobs.exec.JobExecutor;
import org.opencasjobs.exec.Leases;
import org.opencasjobs.jobs.Account;
import org.opencasjobs.jobs.JobType;
import org.opencasjobs.jobs.NewJob;
import org.opencasjobs.jobs.Queue;
import org.opencasjobs.jobs.Queues;
import org.opencasjobs.ops.Metrics;
import org.opencasjobs.output.Outputs;
import org.opencasjobs.service.Credentials;
import org.opencasjobs.service.JobsService;
import org.opencasjobs.store.JdbcAccountStore;
import org.opencasjobs.store.JdbcJobStore;
import org.opencasjobs.store.JobStore;
import org.opencasjobs.store.JobStoreDatabase;
import org.opencasjobs.store.Nodes;

/**
 * The service without a web server or a scheduler loop: the job store in an in-memory H2, the
 * catalog (a small Sample and the MyDBs) in {@code dir}, the executor and the use cases, wired as
 * the running service wires them. Tests below HTTP drive the executor and the service directly.
 * Queue limits are counted in seconds (a "minute" lasts one second).
 */
public final class Core implements AutoCloseable {
    public static final String PASSWORD = "right-password";

    public final ServerConfig config;
    public final JobStoreDatabase database;
    public final JobStore jobs;
    public final Accounts accounts;
    public final Catalog catalog;
    public final Queues queues;
    public final JobExecutor executor;
    public final Leases leases;
    public final JobsService service;
    public final Account alice;
    public final Account bob;
    public final Account admin;
    private final Clock clock = Clock.systemDefaultZone();
    /** How many times the service told the (absent) scheduler that jobs changed. */
    public int wakes;

    public Core(Path dir) throws Exception {
        this(dir, Map.of());
    }

    public Core(Path dir, Map<String, String> settings) throws Exception {
        Map<String, String> s = new HashMap<>(Map.of(
                "casjobs.data.dir", dir.toString(),
                "casjobs.jobstore.url", "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
                "casjobs.sample.rows", "200",
                "casjobs.queue.seconds.per.minute", "1"));
        s.putAll(settings);
        config = ServerConfig.of(s);
        database = JobStoreDatabase.open(config);
        jobs = new JdbcJobStore(database.dataSource());
        accounts = new Accounts(new JdbcAccountStore(database.dataSource()), clock, 100, 60, 60);
        catalog = Catalog.open(config);
        leases = Leases.join(new Nodes(database.dataSource()), "core", config.nodeLease(), true, clock);
        queues = new Queues(config);
        Outputs outputs = new Outputs(dir.resolve("outputs"), config.outputRetention(), clock);
        executor = new JobExecutor(jobs, catalog, outputs, clock, queues.catalogs(), config.secondsPerMinute(),
                config::quickConcurrency, config.quickPerUser(), new Metrics(), leases);
        service = new JobsService(accounts, jobs, queues, catalog, executor, config, clock, () -> wakes++);
        alice = accounts.create("alice", PASSWORD, false);
        bob = accounts.create("bob", PASSWORD, false);
        admin = accounts.create("admin", PASSWORD, true);
    }

    public static Credentials as(Account a) {
        return new Credentials(a.wsid(), PASSWORD, "127.0.0.1");
    }

    /** Records a waiting batch query of {@code who} in {@code context}'s first batch queue, as SubmitJob does. */
    public long queued(Account who, String context, String query, String intoTable) {
        Queue q = queues.batchFor(context, 0);
        return jobs.insert(new NewJob(who.wsid(), q, false, JobType.QUERY, "test", query, intoTable, q.context(), 0,
                "127.0.0.1", null), LocalDateTime.now(clock));
    }

    @Override
    public void close() {
        leases.close();
        catalog.close();
        database.close();
    }
}
