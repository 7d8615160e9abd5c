package org.opencasjobs.bench;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cluster benchmark (issue 13, point 10): 1, 2 and 3 nodes, each a child JVM from the product
 * jar with its own data folder (their {@code outputs} one shared folder), on one throw-away
 * PostgreSQL, a fresh database per node count. A few client threads, each with an account of its
 * own, submit trivial batch jobs round-robin to all nodes, then wait until all have ended: the end-
 * to-end jobs/s. Every job must have run exactly once ({@code 0>1 1>5} in the transitions table,
 * none missing); the claim latency is the time from a job's submission to its claim (0 → 1), both
 * recorded in the job store, once under that load and once for jobs submitted one at a time to an
 * idle cluster.
 */
final class Cluster {
    private static final String QUERY = "SELECT 1 AS x";
    private static final String PASSWORD = "Cluster-pass-1";
    /** The batch queue's concurrency, which holds on all nodes together (and each node has as many workers). */
    private static final int CONCURRENCY = 8;
    static final int IDLE_JOBS = 20;

    private final Path work;
    private final Path productJar;
    private final List<Integer> nodeCounts;
    private final int jobs;
    private final int clients;

    /** One node count's figures. */
    record Line(int nodes, int jobs, double seconds, double submitSeconds, Map<Integer, Integer> byNode,
                int notOnce, int missing, double loadMs, double loadP99Ms, double idleMs, double idleP99Ms) {
        double jobsPerSecond() {
            return jobs / seconds;
        }
    }

    Cluster(Path work, Path productJar, List<Integer> nodeCounts, int jobs, int clients) {
        this.work = work.resolve("cluster");
        this.productJar = productJar;
        this.nodeCounts = nodeCounts;
        this.jobs = jobs;
        this.clients = clients;
    }

    /** Runs the benchmark; the lines (null when PostgreSQL is not installed, saying so). */
    List<Line> run() throws Exception {
        String missing = PgCluster.missing();
        if (missing != null) {
            System.out.println("bench: cluster skipped: " + missing);
            return null;
        }
        Bench.deleteTree(work);
        Files.createDirectories(work);
        List<Line> lines = new ArrayList<>();
        try (PgCluster pg = PgCluster.start(work.resolve("pg"))) {
            for (int n : nodeCounts) {
                Line line = measure(pg, n);
                lines.add(line);
                System.out.printf(Locale.ROOT, "bench: cluster: %d node(s): %d jobs in %.1f s, %.1f jobs/s; run by %s;"
                        + " not run exactly once: %d, missing: %d; claim latency under load %.0f ms (p99 %.0f),"
                        + " idle %.1f ms (p99 %.1f)%n", n, line.jobs, line.seconds, line.jobsPerSecond(), line.byNode,
                        line.notOnce, line.missing, line.loadMs, line.loadP99Ms, line.idleMs, line.idleP99Ms);
            }
        }
        return lines;
    }

    private Line measure(PgCluster pg, int n) throws Exception {
        PgCluster.Database db = pg.newDatabase("cluster" + n);
        Path dir = work.resolve(n + "-nodes");
        Path outputs = dir.resolve("outputs");
        Files.createDirectories(outputs);
        List<ChildJvm> nodes = new ArrayList<>();
        try {
            // The first node prepares the database (schemas, roles, the demo account); the others then join it.
            nodes.add(node(dir, outputs, db, 1));
            List<Integer> ports = new ArrayList<>(List.of(port(nodes.get(0), dir, 1)));
            for (int i = 2; i <= n; i++) {
                nodes.add(node(dir, outputs, db, i));
            }
            for (int i = 2; i <= n; i++) {
                ports.add(port(nodes.get(i - 1), dir, i));
            }
            List<Long> accounts = accounts(dir.resolve("node1"), db);
            // Warm-up: the JIT, the pools, each account's role and MyDB; ended before the measured jobs start.
            long warmFrom = maxJobId(db);
            int warm = Math.max(clients * 4, jobs / 20);
            run(ports, accounts, warm);
            awaitAllEnded(db, warmFrom, warm);
            long before = maxJobId(db);
            long t0 = System.nanoTime();
            double submitSeconds = run(ports, accounts, jobs);
            awaitAllEnded(db, before, jobs);
            double seconds = (System.nanoTime() - t0) / 1e9;
            List<Double> underLoad = claimMillis(db, before);
            long idleFrom = maxJobId(db);
            idle(ports, accounts.get(0));
            List<Double> idle = claimMillis(db, idleFrom);
            int[] once = exactlyOnce(db, before, idleFrom);
            return new Line(n, jobs, seconds, submitSeconds, byNode(db, before, idleFrom), once[0], once[1],
                    mean(underLoad), Stats.percentile(underLoad, 99), mean(idle), Stats.percentile(idle, 99));
        } finally {
            for (ChildJvm c : nodes) {
                c.close();
            }
        }
    }

    private ChildJvm node(Path dir, Path outputs, PgCluster.Database db, int i) throws IOException {
        Path data = dir.resolve("node" + i);
        Files.createDirectories(data);
        // Extract files go to one folder all nodes share, as an operator mounts it.
        Files.createSymbolicLink(data.resolve("outputs"), outputs.toAbsolutePath());
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                productJar.toString(), "serve", "--port", "0", "--data-dir", data.toString());
        return new ChildJvm("node" + i, cmd, Map.ofEntries(Map.entry("CASJOBS_ENGINE", "postgresql"),
                Map.entry("CASJOBS_POSTGRESQL_URL", db.url()), Map.entry("CASJOBS_POSTGRESQL_USER", db.owner()),
                Map.entry("CASJOBS_POSTGRESQL_PASSWORD", db.password()), Map.entry("CASJOBS_NODE_ID", "node" + i),
                Map.entry("CASJOBS_BIND_ADDRESS", "127.0.0.1"), Map.entry("CASJOBS_SAMPLE_ROWS", "0"),
                Map.entry("CASJOBS_QUEUE_BATCH_CONCURRENCY", String.valueOf(CONCURRENCY)),
                Map.entry("CASJOBS_QUEUE_BATCH_PER_USER", String.valueOf(CONCURRENCY)),
                Map.entry("CASJOBS_QUEUE_BATCH_WAITING_PER_USER", "1000000")),
                dir.resolve("node" + i + "-stderr.log"));
    }

    private int port(ChildJvm node, Path dir, int i) throws Exception {
        Matcher m = node.await(Pattern.compile("OpenCasJobs is serving http://localhost:(\\d+)/"), 600,
                dir.resolve("node" + i + "-stderr.log"));
        return Integer.parseInt(m.group(1));
    }

    /**
     * One account per client: the demo account, and more made by the {@code account add} command
     * (which reaches the running node through its admin endpoint). Each batch job leaves a table
     * in its owner's MyDB, and how long a job takes to measure its MyDB grows with the tables there.
     */
    private List<Long> accounts(Path node1, PgCluster.Database db) throws Exception {
        Properties demo = new Properties();
        demo.load(new StringReader(Files.readString(node1.resolve("demo-account.properties"))));
        List<Long> out = new ArrayList<>(List.of(Long.parseLong(demo.getProperty("wsid"))));
        passwords.put(out.get(0), demo.getProperty("password"));
        for (int i = 1; i < clients; i++) {
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar", productJar.toString(), "account", "add", "--data-dir", node1.toString(),
                    "--username", "client" + i, "--password", PASSWORD);
            pb.environment().putAll(Map.of("CASJOBS_ENGINE", "postgresql", "CASJOBS_POSTGRESQL_URL", db.url(),
                    "CASJOBS_POSTGRESQL_USER", db.owner(), "CASJOBS_POSTGRESQL_PASSWORD", db.password()));
            pb.redirectErrorStream(true);
            Process p = pb.start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException("account add failed: " + text);
            }
            Matcher m = Pattern.compile("(\\d{3,})").matcher(text);
            if (!m.find()) {
                throw new IllegalStateException("account add printed no wsid: " + text);
            }
            long wsid = Long.parseLong(m.group(1));
            out.add(wsid);
            passwords.put(wsid, PASSWORD);
        }
        return out;
    }

    private final Map<Long, String> passwords = new TreeMap<>();

    /**
     * Each client (one per account) submits its share of {@code count} jobs, the k-th of client c
     * to node (c + k) mod n; returns how long submitting took.
     */
    private double run(List<Integer> ports, List<Long> accounts, int count) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(accounts.size());
        long t0 = System.nanoTime();
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < accounts.size(); c++) {
                int client = c;
                int share = count / accounts.size() + (c < count % accounts.size() ? 1 : 0);
                done.add(pool.submit(() -> {
                    long wsid = accounts.get(client);
                    List<Casjobs> to = new ArrayList<>();
                    try {
                        for (int port : ports) {
                            to.add(new Casjobs(port, wsid, passwords.get(wsid)));
                        }
                        for (int k = 0; k < share; k++) {
                            to.get((client + k) % to.size()).submitJob(QUERY, "Sample");
                        }
                    } finally {
                        to.forEach(Casjobs::close);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Jobs submitted one at a time to an idle cluster, each waited for before the next: the claim latency alone. */
    private void idle(List<Integer> ports, long wsid) throws Exception {
        for (int k = 0; k < IDLE_JOBS; k++) {
            try (Casjobs c = new Casjobs(ports.get(k % ports.size()), wsid, passwords.get(wsid))) {
                long job = c.submitJob(QUERY, "Sample");
                if (c.awaitEnd(job, 5) != 5) {
                    throw new IllegalStateException("job " + job + " did not finish");
                }
            }
        }
    }

    private static long maxJobId(PgCluster.Database db) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT COALESCE(MAX(jobid), 0) FROM casjobs.jobs"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Waits until every job after {@code before} has ended (none left waiting or running); at least {@code count} of them. */
    private static void awaitAllEnded(PgCluster.Database db, long before, int count) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.HOURS.toNanos(2);
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT COUNT(*),"
                + " COUNT(CASE WHEN status >= 3 THEN 1 END) FROM casjobs.jobs WHERE jobid > ?")) {
            ps.setLong(1, before);
            while (System.nanoTime() < deadline) {
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) >= count && rs.getInt(2) == rs.getInt(1)) {
                        return;
                    }
                }
                Thread.sleep(20);
            }
        }
        throw new IllegalStateException("the jobs did not all end within 2 hours");
    }

    /** Per job after {@code after}: its claim's time minus its submission's, in ms (both written by the nodes). */
    private static List<Double> claimMillis(PgCluster.Database db, long after) throws SQLException {
        List<Double> out = new ArrayList<>();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT EXTRACT(EPOCH FROM"
                + " (t.changed_at - j.time_submit)) * 1000 FROM casjobs.jobs j JOIN casjobs.job_transitions t"
                + " ON t.jobid = j.jobid AND t.from_status = 0 AND t.to_status = 1 WHERE j.jobid > ?")) {
            ps.setLong(1, after);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(Math.max(0, rs.getDouble(1)));
                }
            }
        }
        return out;
    }

    /**
     * Of the jobs in ({@code after}, {@code upTo}]: how many have a history other than exactly
     * {@code 0>1 1>5}, and how many ids in the range have no job row or no transitions at all.
     */
    private static int[] exactlyOnce(PgCluster.Database db, long after, long upTo) throws SQLException {
        int notOnce = 0;
        int seen = 0;
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT j.jobid,"
                + " STRING_AGG(t.from_status || '>' || t.to_status, ' ' ORDER BY t.id) FROM casjobs.jobs j"
                + " LEFT JOIN casjobs.job_transitions t ON t.jobid = j.jobid WHERE j.jobid > ? AND j.jobid <= ?"
                + " GROUP BY j.jobid")) {
            ps.setLong(1, after);
            ps.setLong(2, upTo);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    seen++;
                    if (!"0>1 1>5".equals(rs.getString(2))) {
                        notOnce++;
                        System.out.println("bench: cluster: job " + rs.getLong(1) + " history " + rs.getString(2));
                    }
                }
            }
        }
        return new int[] {notOnce, (int) (upTo - after) - seen};
    }

    private static Map<Integer, Integer> byNode(PgCluster.Database db, long after, long upTo) throws SQLException {
        Map<Integer, Integer> out = new TreeMap<>();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT node_id, COUNT(*)"
                + " FROM casjobs.jobs WHERE jobid > ? AND jobid <= ? GROUP BY node_id")) {
            ps.setLong(1, after);
            ps.setLong(2, upTo);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(Integer.parseInt(rs.getString(1).substring("node".length())), rs.getInt(2));
                }
            }
        }
        return out;
    }

    private static double mean(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    /** The table in Markdown. */
    static String markdown(List<Line> lines, String loadBefore, String loadAfter, int clients) {
        StringBuilder t = new StringBuilder("| nodes | jobs | end to end | jobs/s | vs 1 node | submitting took"
                + " | run per node | not exactly once | missing | claim latency under load: mean / p99"
                + " | claim latency, idle: mean / p99 |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
        double one = lines.isEmpty() ? Double.NaN : lines.get(0).jobsPerSecond();
        for (Line l : lines) {
            t.append(String.format(Locale.ROOT, "| %d | %,d | %.1f s | %.1f | %.2f× | %.1f s | %s | %d | %d"
                    + " | %.0f / %.0f ms | %.1f / %.1f ms |%n", l.nodes, l.jobs, l.seconds, l.jobsPerSecond(),
                    l.jobsPerSecond() / one, l.submitSeconds, l.byNode, l.notOnce, l.missing, l.loadMs, l.loadP99Ms,
                    l.idleMs, l.idleP99Ms));
        }
        t.append(String.format(Locale.ROOT, "%n%d client threads, batch concurrency %d on all nodes together."
                + " Load average before `%s`, after `%s`.%n", clients, CONCURRENCY, loadBefore, loadAfter));
        return t.toString();
    }

    /** The jobs/s against the node count, as a PNG bar chart. */
    static void chart(Path file, List<Line> lines) throws IOException {
        List<String> labels = new ArrayList<>();
        List<double[]> pairs = new ArrayList<>();
        double one = lines.get(0).jobsPerSecond();
        for (Line l : lines) {
            labels.add(l.nodes + (l.nodes == 1 ? " node" : " nodes"));
            pairs.add(new double[] {l.jobsPerSecond(), one, l.jobsPerSecond() / one});
        }
        Charts.bars(file, "Trivial batch jobs end to end on one PostgreSQL: jobs/s against nodes", "jobs/s", labels,
                pairs, "this many nodes", "1 node");
    }
}
