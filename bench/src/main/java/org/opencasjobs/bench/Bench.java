package org.opencasjobs.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Every benchmark of issue 14 in one run: the product (a child JVM, {@code serve}) beside its
 * reference measured in the same run (a bare CXF endpoint and a plain Jetty handler in another
 * child JVM; H2 by direct JDBC in this one), alternating product and reference after a warm-up,
 * the median of several rounds. Prints the table and writes it, with charts, to the output folder.
 *
 * <p>Arguments: {@code --jar PRODUCT_JAR --out FOLDER [--quick] [--jfr FILE] [--only PARTS] [--command TEXT]
 * [--with-engines] [--rows N] [--no-h2] [--cluster-jobs N] [--cluster-nodes 1,2,3] [--cluster-clients N]} (the engines
 * benchmark's Sample size, and PostgreSQL only; the cluster benchmark's jobs per node count, node counts and
 * client threads);
 * with {@code --only} (to profile one part) the README is not rewritten, but for {@code --only engines} and
 * {@code --only cluster}, which rewrite their own sections. {@code --with-engines}: after a full run has
 * written its table, the engines benchmark too (not part of a full run: it generates a 2,000,000-row
 * Sample on both engines, far longer than the rest). A benchmark that fails is a line of the table.
 */
public final class Bench {
    static final String PASSWORD = "Bench-pass-1";
    static final String CONTEXT = "Bench";
    /** The long statement that cancel waits on: 10^10 pairs, far longer than any wait here. */
    static final String LONG_QUERY = "SELECT COUNT(*) AS n FROM PhotoObj a, PhotoObj b WHERE a.ra < b.ra";
    static final String QUICK_QUERY = "SELECT TOP 10 objID, ra, dec, r FROM PhotoObj WHERE r < 20";
    private static final String H2_MODE = ";MODE=MSSQLServer;DATABASE_TO_UPPER=FALSE;CASE_INSENSITIVE_IDENTIFIERS=TRUE";

    private final Settings s;
    private final Path out;
    private final Path work;
    private final Path productJar;
    private final String jfr;
    private final Report report = new Report();
    private ChildJvm product;
    private ChildJvm bare;
    private int port;
    private int barePort;
    private int plainPort;
    private List<Long> wsids;
    private Connection direct;

    /** How much of everything: the full run (~10 min) or --quick (~2 min). */
    record Settings(boolean quick, double warmSeconds, double warmMaxSeconds, double roundSeconds, int rounds,
                    int connections, int quickCalls, int jobsPerRound, int jobAccounts, int claimJobs, int cancels,
                    int rows, int ioRounds, int accounts) {
        static Settings of(boolean quick) {
            return quick
                    ? new Settings(true, 6, 20, 2, 3, 8, 100, 200, 10, 10, 6, 200_000, 2, 100)
                    : new Settings(false, 9, 30, 3, 5, 8, 300, 500, 20, 30, 20, 1_000_000, 3, 1000);
        }
    }

    /** --only status,quick,accounts,jobs,cancel,io: a part of the run, to profile one benchmark. */
    private java.util.Set<String> only = java.util.Set.of();

    /** Where a chart goes: beside the README, or in the work folder for a partial run. */
    private Path chart(String name) {
        return (only.isEmpty() ? out : work).resolve(name);
    }

    /** The engines benchmark's Sample size (0: its default) and whether it runs the service on H2 too. */
    private int engineRows;
    private boolean engineH2 = true;
    /** Whether a full run goes on to the engines benchmark once its table is written (it takes far longer). */
    private boolean withEngines;

    private boolean wanted(String part) {
        return only.isEmpty() || only.contains(part);
    }

    private Bench(Settings s, Path productJar, Path out, String jfr) {
        this.s = s;
        this.productJar = productJar.toAbsolutePath();
        this.out = out;
        this.work = out.toAbsolutePath().resolve("target/work");
        this.jfr = jfr;
    }

    public static void main(String[] args) throws Exception {
        boolean quick = false;
        Path jar = null;
        Path out = Path.of("bench");
        String jfr = null;
        String command = "bench/run";
        java.util.Set<String> only = java.util.Set.of();
        int engineRows = 0;
        boolean engineH2 = true;
        boolean withEngines = false;
        int clusterJobs = 600;
        int clusterClients = 4;
        List<Integer> clusterNodes = List.of(1, 2, 3);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--jar" -> jar = Path.of(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--jfr" -> jfr = args[++i];
                case "--command" -> command = args[++i];
                case "--only" -> only = java.util.Set.of(args[++i].split(","));
                case "--rows" -> engineRows = Integer.parseInt(args[++i]);
                case "--no-h2" -> engineH2 = false;
                case "--with-engines" -> withEngines = true;
                case "--cluster-jobs" -> clusterJobs = Integer.parseInt(args[++i]);
                case "--cluster-clients" -> clusterClients = Integer.parseInt(args[++i]);
                case "--cluster-nodes" -> clusterNodes = java.util.Arrays.stream(args[++i].split(","))
                        .map(Integer::valueOf).toList();
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (jar == null) {
            throw new IllegalArgumentException("--jar PRODUCT_JAR is required");
        }
        Bench bench = new Bench(Settings.of(quick), jar, out, jfr);
        bench.only = only;
        bench.engineRows = engineRows;
        bench.engineH2 = engineH2;
        bench.withEngines = withEngines;
        if (only.equals(java.util.Set.of("engines"))) {
            bench.engines(command);
        } else if (only.equals(java.util.Set.of("cluster"))) {
            bench.cluster(command, new Cluster(bench.work, bench.productJar, clusterNodes, clusterJobs, clusterClients),
                    clusterClients);
        } else {
            bench.run(command);
        }
        System.exit(0);
    }

    private void run(String command) throws Exception {
        Instant started = Instant.now();
        String load = Files.readString(Path.of("/proc/loadavg")).trim();
        deleteTree(work);
        Files.createDirectories(work);
        System.out.println("bench: " + (s.quick() ? "quick" : "full") + " run, work folder " + work + ", load by "
                + Load.driver());
        Path refDir = work.resolve("ref");
        makeReferenceCatalog(refDir);
        Path data = work.resolve("data");
        wsids = makeAccounts(data, s.accounts() + s.jobAccounts() + 1);
        startServers(data, refDir);
        try {
            direct = DriverManager.getConnection("jdbc:h2:file:" + refDir.resolve("direct") + H2_MODE, "loader", "bench");
            part("memory idle", null, () -> memory("idle"));
            if (wanted("status")) {
                part("GetJobStatus", "≥ 0.8×", this::getJobStatus);
            }
            if (wanted("quick")) {
                part("quick SELECT TOP 10", "≤ 2×", this::quickLatency);
            }
            if (wanted("accounts")) {
                part(s.accounts() + " new accounts' first quick query", "flat in accounts", this::manyAccounts);
            }
            if (wanted("jobs")) {
                part("SubmitJob → finished, trivial jobs", "≥ 1,000 jobs/s", this::jobsPerSecond);
            }
            if (wanted("cancel")) {
                part("CancelJob → 3 of a running statement", "≤ 1,000 ms", this::cancelLatency);
            }
            if (wanted("io")) {
                part("UploadData and SubmitExtractJob", "≥ 0.8×", this::uploadAndExtract);
            }
            part("memory at the end", null, () -> memory("at the end"));
        } finally {
            if (direct != null) {
                direct.close();
            }
            product.close();
            bare.close();
        }
        String table = report.markdown();
        System.out.println();
        System.out.println(table);
        if (only.isEmpty()) {
            // the main table is kept before anything longer runs: a run stopped later loses nothing
            writeReadme(command, started, load, table);
        }
        if (withEngines || only.contains("engines")) {
            engines(command);
        }
    }

    /** A benchmark's code; it may throw. */
    private interface Part {
        void run() throws Exception;
    }

    /**
     * Runs one benchmark; if it fails (a wrk timeout, a job that never ends, a server that died),
     * the table gets a line saying so and why, and the run goes on with the next one.
     */
    private void part(String name, String target, Part part) {
        try {
            part.run();
        } catch (Exception | Error e) {
            report.failed(name, target, e);
            e.printStackTrace(System.out);
        }
    }

    /**
     * {@code --only engines}: the engines benchmark alone (its own services and PostgreSQL), the
     * product profiled on PostgreSQL with {@code --jfr}; its section of the README is rewritten.
     */
    private void engines(String command) throws Exception {
        Files.createDirectories(work);
        Instant started = Instant.now();
        String table = new Engines(work, productJar, jfr, s.quick(), engineRows, engineH2).run();
        if (table == null) {
            return;
        }
        System.out.println();
        System.out.println(table);
        Path readme = out.resolve("README.md");
        String old = Files.exists(readme) ? Files.readString(readme) : "";
        String key = engineH2 ? "engines" : "engines-postgresql";
        Files.writeString(readme, BenchReadme.withEngines(old, key, BenchReadme.engines(key, command,
                started.truncatedTo(ChronoUnit.SECONDS).toString(), table)));
        System.out.println("bench: wrote the engines section of " + readme);
    }

    /**
     * {@code --only cluster}: the cluster benchmark alone (its own PostgreSQL and nodes); its section
     * of the README and its chart are rewritten.
     */
    private void cluster(String command, Cluster cluster, int clients) throws Exception {
        Files.createDirectories(work);
        Instant started = Instant.now();
        String loadBefore = Files.readString(Path.of("/proc/loadavg")).trim();
        List<Cluster.Line> lines = cluster.run();
        if (lines == null) {
            return;
        }
        String table = Cluster.markdown(lines, loadBefore, Files.readString(Path.of("/proc/loadavg")).trim(), clients);
        System.out.println();
        System.out.println(table);
        Cluster.chart(out.resolve("cluster.png"), lines);
        Path readme = out.resolve("README.md");
        String old = Files.exists(readme) ? Files.readString(readme) : "";
        Files.writeString(readme, BenchReadme.withEngines(old, "cluster", BenchReadme.cluster(command,
                started.truncatedTo(ChronoUnit.SECONDS).toString(), table)));
        System.out.println("bench: wrote the cluster section of " + readme + " and cluster.png");
    }

    // ---- set-up ---------------------------------------------------------------------------

    /**
     * The context the quick, cancel and memory benchmarks query: a PhotoObj of 100,000 rows in an
     * H2 file the product serves as an external context, and a byte-for-byte copy that direct
     * JDBC opens here (one H2 file cannot be open in two processes). Made as the README loads a
     * catalog: H2's own defaults, so its names are in upper case.
     */
    private void makeReferenceCatalog(Path dir) throws Exception {
        Files.createDirectories(dir);
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("bench"), "loader", "bench"); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE PhotoObj (objID BIGINT PRIMARY KEY, ra DOUBLE PRECISION, dec DOUBLE PRECISION,"
                    + " r REAL, type INT)");
            st.execute("INSERT INTO PhotoObj SELECT X, MOD(X * 7919, 360000) / 1000.0, MOD(X * 104729, 180000) / 1000.0"
                    + " - 90, 14 + MOD(X * 31, 1000) / 100.0, CASE WHEN MOD(X, 3) = 0 THEN 6 ELSE 3 END"
                    + " FROM SYSTEM_RANGE(1, 100000)");
            st.execute("SHUTDOWN COMPACT");
        }
        Files.copy(dir.resolve("bench.mv.db"), dir.resolve("direct.mv.db"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(dir.resolve("bench.mv.db"), dir.resolve("plain.mv.db"), StandardCopyOption.REPLACE_EXISTING);
    }

    private List<Long> makeAccounts(Path data, int count) throws Exception {
        long t0 = System.nanoTime();
        String cp = productJar + java.io.File.pathSeparator + ownClasses();
        Process p = new ProcessBuilder(java(), "-cp", cp, MakeAccounts.class.getName(), data.toString(),
                String.valueOf(count), PASSWORD).redirectError(work.resolve("make-accounts.log").toFile()).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("MakeAccounts failed: " + Files.readString(work.resolve("make-accounts.log")));
        }
        List<Long> ids = text.lines().map(Long::parseLong).toList();
        System.out.printf(Locale.ROOT, "bench: %d accounts made in %.1f s%n", ids.size(), (System.nanoTime() - t0) / 1e9);
        return ids;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** This program's own jar (or classes folder). */
    static String ownClasses() throws Exception {
        return Path.of(Bench.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    private void startServers(Path data, Path refDir) throws Exception {
        Path bareErr = work.resolve("bare-stderr.log");
        bare = new ChildJvm("bare", List.of(java(), "-cp", ownClasses(), BareServers.class.getName(),
                refDir.resolve("plain").toAbsolutePath().toString()),
                Map.of("org.slf4j.simpleLogger.defaultLogLevel", "warn"), bareErr);
        Matcher b = bare.await(Pattern.compile("^BARE (\\d+) (\\d+)"), 120, bareErr);
        barePort = Integer.parseInt(b.group(1));
        plainPort = Integer.parseInt(b.group(2));

        List<String> cmd = new ArrayList<>(List.of(java()));
        if (jfr != null) {
            cmd.add("-XX:StartFlightRecording=filename=" + jfr + ",settings=profile");
        }
        cmd.addAll(List.of("-jar", productJar.toString(), "serve", "--port", "0", "--data-dir", data.toString()));
        Path err = work.resolve("product-stderr.log");
        long t0 = System.nanoTime();
        product = new ChildJvm("product", cmd, Map.of(
                "CASJOBS_BIND_ADDRESS", "127.0.0.1",
                "CASJOBS_CONTEXTS", "Sample," + CONTEXT,
                "CASJOBS_CONTEXT_BENCH_URL", "jdbc:h2:file:" + refDir.resolve("bench").toAbsolutePath(),
                "CASJOBS_CONTEXT_BENCH_USER", "loader",
                "CASJOBS_CONTEXT_BENCH_PASSWORD", "bench"), err);
        Matcher m = product.await(Pattern.compile("OpenCasJobs is serving http://localhost:(\\d+)/"), 600, err);
        port = Integer.parseInt(m.group(1));
        System.out.printf(Locale.ROOT, "bench: product serving on %d after %.1f s (first start: Sample generated); "
                + "bare CXF on %d, plain Jetty on %d%n", port, (System.nanoTime() - t0) / 1e9, barePort, plainPort);
    }

    private Casjobs client(long wsid) {
        return new Casjobs(port, wsid, PASSWORD);
    }

    // ---- memory ---------------------------------------------------------------------------

    private void memory(String when) throws Exception {
        Thread.sleep(1000);
        double rss = product.rssMb();
        double heap = product.liveHeapMb();
        if (when.equals("idle")) {
            double bareRss = bare.rssMb();
            double bareHeap = bare.liveHeapMb();
            report.add("memory idle: RSS", rss, bareRss, "MB", "bare CXF JVM", null, null);
            report.add("memory idle: live heap", heap, bareHeap, "MB", "bare CXF JVM", null, null);
            idleRss = rss;
            idleHeap = heap;
        } else {
            report.add("memory " + when + ": RSS", rss, idleRss, "MB", "product idle", null, null);
            report.add("memory " + when + ": live heap", heap, idleHeap, "MB", "product idle",
                    "flat in accounts", null);
            // The histogram's full collection lets G1 shrink the heap (product: HeapReturn); it
            // gives the memory back on a thread of its own, within a moment.
            Thread.sleep(3000);
            report.add("memory " + when + ": RSS after that full collection", product.rssMb(), idleRss, "MB",
                    "product idle", null, null);
        }
    }

    private double idleRss;
    private double idleHeap;

    // ---- GetJobStatus ---------------------------------------------------------------------

    private void getJobStatus() throws Exception {
        long wsid = wsids.get(0);
        long job;
        try (Casjobs c = client(wsid)) {
            job = c.submitJob("SELECT 1 AS x", CONTEXT);
            if (c.awaitEnd(job, 20) != 5) {
                throw new IllegalStateException("the polled job did not finish");
            }
        }
        String status = ">5<";
        List<String> names = List.of("SOAP 1.1", "SOAP 1.2", "HTTP GET");
        List<byte[]> product = List.of(Casjobs.getStatusSoap(Casjobs.BASE, false, wsid, PASSWORD, job),
                Casjobs.getStatusSoap(Casjobs.BASE, true, wsid, PASSWORD, job), Casjobs.getStatusGet(wsid, PASSWORD, job));
        List<byte[]> reference = List.of(Casjobs.getStatusSoap(Casjobs.BASE, false, wsid, PASSWORD, job),
                Casjobs.getStatusSoap(Casjobs.BASE, true, wsid, PASSWORD, job), RawHttp.request("GET", "/x", null, null, null));
        int[] refPorts = {barePort, barePort, plainPort};
        // Every protocol warms both servers before any is measured: the JIT compiles CXF's path
        // shared by both SOAP versions while the first is loaded, and its compiler threads' CPU
        // counts in the CPU per call. Measured first after a warm-up of its own, SOAP 1.1 read
        // 2-4x the CPU of SOAP 1.2; measured after it, the same (a child JVM on this machine,
        // 115 against 117 us per call).
        for (int cycle = 0; cycle < WARM_CYCLES; cycle++) {
            for (int i = 0; i < names.size(); i++) {
                Load.callsPerSecond(port, product.get(i), status, s.connections(), s.warmSeconds());
                Load.callsPerSecond(refPorts[i], reference.get(i), status, s.connections(), s.warmSeconds());
            }
        }
        List<double[]> pairs = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            pairs.add(alternate(names.get(i) + " GetJobStatus", port, product.get(i), refPorts[i], reference.get(i),
                    status, i < 2 ? "bare CXF" : "plain Jetty"));
        }
        Charts.bars(chart("getjobstatus.png"), "GetJobStatus calls/s, " + s.connections() + " connections, " + Load.driver(),
                "calls/s", names, pairs, "OpenCasJobs", "bare CXF endpoint / plain Jetty handler");
    }

    /**
     * How many times every GetJobStatus call warms both servers before any call's own warm-up
     * (which goes on until its figures settle) and rounds.
     */
    private static final int WARM_CYCLES = 1;

    /**
     * Warm-up, then rounds alternating product and reference; medians of the figures and of the
     * ratios. A round that fails (a wrk timeout under a burst of other load) is counted and named
     * in the table; the figures are those of the rounds that did not fail.
     */
    private double[] alternate(String name, int portA, byte[] a, int portB, byte[] b, String expect, String refName)
            throws Exception {
        warmUp(name, portA, a, portB, b, expect);
        List<Double> pa = new ArrayList<>();
        List<Double> pb = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        // The servers' CPU per call too (both references live in the `bare` JVM, one idle while
        // the other is measured): calls/s on a busy shared machine follow the others' load.
        List<Double> cpuA = new ArrayList<>();
        List<Double> cpuB = new ArrayList<>();
        int failed = 0;
        String firstFailure = null;
        for (int i = 0; i < s.rounds(); i++) {
            try {
                double a0 = product.cpuSeconds();
                double x = Load.callsPerSecond(portA, a, expect, s.connections(), s.roundSeconds());
                double b0 = bare.cpuSeconds();
                double a1 = product.cpuSeconds();
                double y = Load.callsPerSecond(portB, b, expect, s.connections(), s.roundSeconds());
                double b1 = bare.cpuSeconds();
                pa.add(x);
                pb.add(y);
                ratios.add(x / y);
                cpuA.add((a1 - a0) * 1e6 / (x * Math.round(s.roundSeconds())));
                cpuB.add((b1 - b0) * 1e6 / (y * Math.round(s.roundSeconds())));
            } catch (Exception e) {
                failed++;
                firstFailure = firstFailure != null ? firstFailure : String.valueOf(e.getMessage());
                System.out.printf(Locale.ROOT, "  %s: round %d failed: %s%n", name, i + 1, e.getMessage());
            }
        }
        if (ratios.isEmpty()) {
            throw new IllegalStateException("every round failed, the first: " + firstFailure);
        }
        String label = failed == 0 ? name : name + " (" + failed + " of " + s.rounds() + " rounds failed: "
                + firstFailure.replaceAll("\\s+", " ").replace("|", "/") + ")";
        double ratio = Stats.median(ratios);
        report.rows.add(new Report.Row(label, Stats.median(pa), Stats.median(pb), "calls/s", refName, ratio,
                "≥ 0.8×", ratio >= 0.8));
        report.add(name + ": server CPU per call", Stats.median(cpuA), Stats.median(cpuB), "µs", refName, null, null);
        System.out.printf(Locale.ROOT, "  %-46s %,10.0f calls/s  ref %,10.0f  ratio %.2f (rounds %s)%n", name,
                Stats.median(pa), Stats.median(pb), ratio, ratios.stream().map(r -> String.format(Locale.ROOT, "%.2f", r)).toList());
        System.out.printf(Locale.ROOT, "  %-46s %,10.1f µs CPU per call  ref %,8.1f (rounds %s / %s)%n", name,
                Stats.median(cpuA), Stats.median(cpuB), cpuA.stream().map(r -> String.format(Locale.ROOT, "%.0f", r)).toList(),
                cpuB.stream().map(r -> String.format(Locale.ROOT, "%.0f", r)).toList());
        return new double[] {Stats.median(pa), Stats.median(pb), ratio};
    }

    /**
     * Load on product and reference, in turns of a round's length, until each server's last two
     * turns agree within 10 % (its JIT has compiled the path), for at least {@code warmSeconds} and
     * at most {@code warmMaxSeconds} each. A fixed warm-up was too short: the product still sped
     * up through the measured rounds (per-round ratios 0.59, 0.79, 0.77, 0.80, 0.82).
     */
    private void warmUp(String name, int portA, byte[] a, int portB, byte[] b, String expect) throws Exception {
        List<Double> ta = new ArrayList<>();
        List<Double> tb = new ArrayList<>();
        double spent = 0;
        while (spent < s.warmSeconds() || (spent < s.warmMaxSeconds() && !(settled(ta) && settled(tb)))) {
            ta.add(Load.callsPerSecond(portA, a, expect, s.connections(), s.roundSeconds()));
            tb.add(Load.callsPerSecond(portB, b, expect, s.connections(), s.roundSeconds()));
            spent += s.roundSeconds();
        }
        System.out.printf(Locale.ROOT, "  %s: warmed up %.0f s each: product %s, reference %s calls/s%n", name, spent,
                ta.stream().map(r -> String.format(Locale.ROOT, "%.0f", r)).toList(),
                tb.stream().map(r -> String.format(Locale.ROOT, "%.0f", r)).toList());
    }

    /** Whether the last two figures are within 10 % of each other. */
    private static boolean settled(List<Double> turns) {
        int n = turns.size();
        return n >= 2 && Math.abs(turns.get(n - 1) - turns.get(n - 2)) <= 0.1 * Math.max(turns.get(n - 1), turns.get(n - 2));
    }

    // ---- quick query ----------------------------------------------------------------------

    private void quickLatency() throws Exception {
        List<Double> pa = new ArrayList<>();
        List<Double> pb = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        List<Double> allA = new ArrayList<>();
        List<Double> allB = new ArrayList<>();
        List<Double> pc = new ArrayList<>();
        List<Double> ratiosC = new ArrayList<>();
        List<Double> allC = new ArrayList<>();
        try (Casjobs c = client(wsids.get(0)); Casjobs plain = new Casjobs(plainPort, wsids.get(0), PASSWORD)) {
            for (int round = -1; round < s.rounds(); round++) {
                List<Double> la = new ArrayList<>();
                List<Double> lb = new ArrayList<>();
                List<Double> lc = new ArrayList<>();
                for (int i = 0; i < s.quickCalls(); i++) {
                    long t0 = System.nanoTime();
                    String csv = c.quick(QUICK_QUERY, CONTEXT);
                    la.add((System.nanoTime() - t0) / 1e6);
                    if (csv.lines().count() < 11) {
                        throw new IllegalStateException("the quick query answered " + csv);
                    }
                    t0 = System.nanoTime();
                    int n = directRows(QUICK_QUERY);
                    lb.add((System.nanoTime() - t0) / 1e6);
                    if (n != 10) {
                        throw new IllegalStateException("direct JDBC read " + n + " rows");
                    }
                    t0 = System.nanoTime();
                    String ref = plain.quick(QUICK_QUERY, CONTEXT);
                    lc.add((System.nanoTime() - t0) / 1e6);
                    if (ref.lines().count() < 11) {
                        throw new IllegalStateException("the plain reference answered " + ref);
                    }
                }
                if (round >= 0) { // round -1 is the warm-up
                    pa.add(Stats.median(la));
                    pb.add(Stats.median(lb));
                    pc.add(Stats.median(lc));
                    ratios.add(Stats.median(la) / Stats.median(lb));
                    ratiosC.add(Stats.median(la) / Stats.median(lc));
                    allA.addAll(la);
                    allB.addAll(lb);
                    allC.addAll(lc);
                }
            }
        }
        double ratio = Stats.median(ratios);
        double ratioC = Stats.median(ratiosC);
        // The target is read against the round trip: no web service answers in the 0.1 ms of a
        // query on an open connection in the caller's own JVM (see the README).
        report.rows.add(new Report.Row("quick SELECT TOP 10: p50 latency", Stats.median(pa), Stats.median(pc), "ms",
                "HTTP POST + JDBC session (plain Jetty)", ratioC, "≤ 2×", ratioC <= 2));
        report.rows.add(new Report.Row("quick SELECT TOP 10: p50 latency", Stats.median(pa), Stats.median(pb), "ms",
                "direct JDBC, open connection", ratio, null, null));
        report.add("quick SELECT TOP 10: p99 latency", Stats.percentile(allA, 99), Stats.percentile(allC, 99), "ms",
                "HTTP POST + JDBC session (plain Jetty)", null, null);
        System.out.printf(Locale.ROOT, "  quick p50 %.2f ms vs HTTP+JDBC %.3f ms (ratio %.1f), vs JDBC %.3f ms (ratio %.1f)%n",
                Stats.median(pa), Stats.median(pc), ratioC, Stats.median(pb), ratio);
        Charts.cdf(chart("quick-latency.png"), "Quick SELECT TOP 10: latency distribution", "ms",
                List.of(new Charts.Series("ExecuteQuickJob (HTTP POST)", allA),
                        new Charts.Series("HTTP POST + JDBC session (plain Jetty)", allC),
                        new Charts.Series("direct JDBC", allB)));
    }

    private int directRows(String sql) throws SQLException {
        try (Statement st = direct.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            int n = 0;
            int cols = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                for (int i = 1; i <= cols; i++) {
                    rs.getObject(i);
                }
                n++;
            }
            return n;
        }
    }

    // ---- many accounts --------------------------------------------------------------------

    /** Each of many accounts runs one quick query (its first: its MyDB is made), four at a time. */
    private void manyAccounts() throws Exception {
        List<Long> ids = wsids.subList(1 + s.jobAccounts(), wsids.size());
        ConcurrentLinkedQueue<Long> todo = new ConcurrentLinkedQueue<>(ids);
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        long t0 = System.nanoTime();
        for (int t = 0; t < 4; t++) {
            pool.submit(() -> {
                for (Long w; (w = todo.poll()) != null; ) {
                    try (Casjobs c = client(w)) {
                        c.quick("SELECT TOP 1 objID FROM PhotoObj", CONTEXT);
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }
            });
        }
        pool.shutdown();
        pool.awaitTermination(1, TimeUnit.HOURS);
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (!failures.isEmpty()) {
            throw new IllegalStateException(failures.size() + " accounts' first queries failed", failures.get(0));
        }
        report.add(ids.size() + " new accounts' first quick query", ids.size() / seconds, Double.NaN, "accounts/s",
                "", null, null);
        memory("after " + ids.size() + " accounts each ran a query");
    }

    // ---- jobs/s and claim latency ---------------------------------------------------------

    private void jobsPerSecond() throws Exception {
        List<Long> accounts = wsids.subList(1, 1 + s.jobAccounts());
        List<Double> rates = new ArrayList<>();
        // CPU per job, of the server and of this load driver (its submissions and 10 ms polls): on
        // a shared machine jobs/s follow everyone's load, CPU per job much less so; and the two
        // share the machine's cores, so their sum bounds jobs/s here.
        List<Double> serverCpu = new ArrayList<>();
        List<Double> driverCpu = new ArrayList<>();
        List<Double> polls = new ArrayList<>();
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        // Two whole rounds of warm-up: after a quarter of one the JIT was still compiling the job's
        // path through the measured rounds (a JFR profile: compilations for 11 s of their 18 s).
        for (int round = -2; round < s.ioRounds(); round++) {
            int perAccount = Math.max(1, s.jobsPerRound() / accounts.size());
            ExecutorService pool = Executors.newFixedThreadPool(accounts.size());
            AtomicInteger bad = new AtomicInteger();
            double server0 = product.cpuSeconds();
            long driver0 = os.getProcessCpuTime();
            long polls0 = Casjobs.STATUS_CALLS.get();
            long t0 = System.nanoTime();
            List<Future<?>> done = new ArrayList<>();
            for (long w : accounts) {
                done.add(pool.submit(() -> {
                    try (Casjobs c = client(w)) {
                        List<Long> jobs = new ArrayList<>();
                        for (int i = 0; i < perAccount; i++) {
                            jobs.add(c.submitJob("SELECT 1 AS x", CONTEXT));
                        }
                        for (long j : jobs) {
                            if (c.awaitEnd(j, 10) != 5) {
                                bad.incrementAndGet();
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            pool.shutdown();
            int count = perAccount * accounts.size();
            double rate = count / ((System.nanoTime() - t0) / 1e9);
            double serverMs = (product.cpuSeconds() - server0) * 1e3 / count;
            double driverMs = (os.getProcessCpuTime() - driver0) / 1e6 / count;
            if (bad.get() > 0) {
                throw new IllegalStateException(bad.get() + " trivial jobs did not finish");
            }
            if (round >= 0) {
                rates.add(rate);
                serverCpu.add(serverMs);
                driverCpu.add(driverMs);
                polls.add((Casjobs.STATUS_CALLS.get() - polls0) / (double) count);
            }
        }
        double rate = Stats.median(rates);
        report.rows.add(new Report.Row("SubmitJob → finished, trivial jobs (" + s.jobsPerRound() + " from "
                + accounts.size() + " users)", rate, 1000, "jobs/s", "target", rate / 1000, "≥ 1,000 jobs/s",
                rate >= 1000));
        System.out.printf(Locale.ROOT, "  jobs/s %.0f (rounds %s)%n", rate, rates);
        report.add("trivial jobs: server CPU per job", Stats.median(serverCpu), Stats.median(driverCpu), "ms",
                "load driver's CPU per job", null, null);
        report.add("trivial jobs: GetJobStatus polls per job (every 10 ms)", Stats.median(polls), Double.NaN, "",
                "", null, null);
        System.out.printf(Locale.ROOT, "  CPU ms per job: server %s, load driver %s; polls per job %s%n",
                serverCpu.stream().map(r -> String.format(Locale.ROOT, "%.2f", r)).toList(),
                driverCpu.stream().map(r -> String.format(Locale.ROOT, "%.2f", r)).toList(),
                polls.stream().map(r -> String.format(Locale.ROOT, "%.1f", r)).toList());

        // Claim latency: one job at a time, so nothing waits but for the scheduler; the service's
        // own histogram (job_wait_seconds) says how long each job waited between 0 and 1.
        double[] before = waitMetric();
        List<Double> endToEnd = new ArrayList<>();
        try (Casjobs c = client(wsids.get(0))) {
            for (int i = 0; i < s.claimJobs(); i++) {
                long t0 = System.nanoTime();
                long j = c.submitJob("SELECT 1 AS x", CONTEXT);
                c.awaitEnd(j, 2);
                endToEnd.add((System.nanoTime() - t0) / 1e6);
            }
        }
        double[] after = waitMetric();
        double claimMs = (after[0] - before[0]) / (after[1] - before[1]) * 1000;
        report.add("scheduler claim latency (mean of " + s.claimJobs() + ", idle queue)", claimMs, Double.NaN, "ms", "",
                null, null);
        report.add("one trivial job, SubmitJob → seen finished, p50", Stats.median(endToEnd), Double.NaN, "ms", "",
                null, null);
    }

    /** The sum and count of opencasjobs_job_wait_seconds over all queues. */
    private double[] waitMetric() throws IOException {
        String text;
        try (RawHttp h = new RawHttp("127.0.0.1", port)) {
            text = h.send(RawHttp.request("GET", "/metrics", null, null, null)).text();
        }
        double sum = 0;
        double count = 0;
        for (String line : text.lines().toList()) {
            if (line.startsWith("opencasjobs_job_wait_seconds_sum")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            } else if (line.startsWith("opencasjobs_job_wait_seconds_count")) {
                count += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return new double[] {sum, count};
    }

    // ---- cancel ---------------------------------------------------------------------------

    private void cancelLatency() throws Exception {
        List<Double> product = new ArrayList<>();
        List<Double> jdbc = new ArrayList<>();
        try (Casjobs c = client(wsids.get(0))) {
            for (int i = 0; i < s.cancels(); i++) {
                long job = c.submitJob(LONG_QUERY, CONTEXT);
                c.awaitAtLeast(job, 1, 10);
                Thread.sleep(200); // well into the statement, not between statements
                long t0 = System.nanoTime();
                c.cancel(job);
                int end = c.awaitEnd(job, 5);
                product.add((System.nanoTime() - t0) / 1e6);
                if (end != 3) {
                    throw new IllegalStateException("a cancelled job ended " + end);
                }
                jdbc.add(directCancel());
            }
        }
        double p50 = Stats.percentile(product, 50);
        double p99 = Stats.percentile(product, 99);
        report.add("CancelJob → 3 of a running statement: p50", p50, Stats.percentile(jdbc, 50), "ms",
                "JDBC Statement.cancel", null, null);
        report.rows.add(new Report.Row("CancelJob → 3 of a running statement: p99 (n=" + product.size() + ")", p99,
                Stats.percentile(jdbc, 99), "ms", "JDBC Statement.cancel", p99 / Stats.percentile(jdbc, 99),
                "≤ 1,000 ms", p99 <= 1000));
        System.out.printf(Locale.ROOT, "  cancel p50 %.0f ms p99 %.0f ms%n", p50, p99);
        Charts.cdf(chart("cancel-latency.png"), "Cancel of a running statement: latency distribution", "ms",
                List.of(new Charts.Series("CancelJob → status 3 (polled every 5 ms)", product),
                        new Charts.Series("JDBC Statement.cancel → execute throws", jdbc)));
    }

    /** The same long statement by direct JDBC, cancelled 200 ms in: ms until its execute throws. */
    private double directCancel() throws Exception {
        try (Statement st = direct.createStatement()) {
            long[] thrown = new long[1];
            Thread runner = new Thread(() -> {
                try (ResultSet rs = st.executeQuery(LONG_QUERY)) {
                    rs.next();
                } catch (SQLException e) {
                    // cancelled, as meant
                }
                thrown[0] = System.nanoTime();
            });
            runner.start();
            Thread.sleep(200);
            long t0 = System.nanoTime();
            st.cancel();
            runner.join();
            return (thrown[0] - t0) / 1e6;
        }
    }

    // ---- upload and extract ---------------------------------------------------------------

    private void uploadAndExtract() throws Exception {
        Path csvFile = work.resolve("upload.csv");
        String csv = makeCsv(s.rows());
        Files.writeString(csvFile, csv);
        String rows = String.format(Locale.ROOT, "%,d rows", s.rows());
        List<Double> upA = new ArrayList<>();
        List<Double> upB = new ArrayList<>();
        Map<String, List<Double>> exA = Map.of("CSV", new ArrayList<>(), "FITS", new ArrayList<>(),
                "VOTable", new ArrayList<>());
        List<Double> exB = new ArrayList<>();
        try (Connection ref = DriverManager.getConnection("jdbc:h2:file:" + work.resolve("ref/io") + H2_MODE, "sa", "");
             Casjobs c = client(wsids.get(0))) {
            // warm-up: a tenth of the rows each way, not measured (the first round paid the JIT)
            Path warmFile = work.resolve("upload-warm.csv");
            String warm = makeCsv(s.rows() / 10);
            Files.writeString(warmFile, warm);
            c.upload("UpWarm", warm, false);
            csvRead(ref, "UpWarm", warmFile);
            for (int round = 0; round < s.ioRounds(); round++) {
                String table = "Up" + round;
                byte[] request = c.uploadRequest(table, csv, false);
                long t0 = System.nanoTime();
                c.send(request);
                upA.add(s.rows() / ((System.nanoTime() - t0) / 1e9));
                request = null; // 60 MB: not held through the extracts
                t0 = System.nanoTime();
                csvRead(ref, table, csvFile);
                upB.add(s.rows() / ((System.nanoTime() - t0) / 1e9));
                System.out.printf(Locale.ROOT, "  upload round %d: %.0f rows/s, CSVREAD %.0f rows/s, ratio %.2f%n",
                        round + 1, upA.get(round), upB.get(round), upA.get(round) / upB.get(round));
                for (String format : List.of("CSV", "FITS", "VOTable")) {
                    t0 = System.nanoTime();
                    long job = c.submitExtract(table, format);
                    int end = c.awaitEnd(job, 20);
                    if (end != 5) {
                        throw new IllegalStateException("the " + format + " extract ended " + end);
                    }
                    exA.get(format).add(s.rows() / ((System.nanoTime() - t0) / 1e9));
                }
                try (Statement st = ref.createStatement()) {
                    Path outFile = work.resolve("csvwrite-" + round + ".csv");
                    t0 = System.nanoTime();
                    st.execute("CALL CSVWRITE('" + outFile.toAbsolutePath() + "', 'SELECT * FROM " + table + "')");
                    exB.add(s.rows() / ((System.nanoTime() - t0) / 1e9));
                }
            }
        }
        double up = Stats.median(upA);
        double upRef = Stats.median(upB);
        List<Double> upRatios = new ArrayList<>();
        for (int i = 0; i < upA.size(); i++) {
            upRatios.add(upA.get(i) / upB.get(i));
        }
        double upRatio = Stats.median(upRatios);
        report.rows.add(new Report.Row("UploadData, " + rows + " (SOAP 1.1)", up, upRef, "rows/s", "H2 CSVREAD",
                upRatio, "≥ 0.8×", upRatio >= 0.8));
        double ref = Stats.median(exB);
        for (String format : List.of("CSV", "FITS", "VOTable")) {
            double v = Stats.median(exA.get(format));
            report.rows.add(new Report.Row("SubmitExtractJob " + format + ", " + rows + " (→ status 5)", v, ref,
                    "rows/s", "H2 CSVWRITE", v / ref, "≥ 0.8×", v / ref >= 0.8));
        }
        System.out.printf(Locale.ROOT, "  upload %.0f rows/s (CSVREAD %.0f); extract CSV %.0f FITS %.0f VOTable %.0f"
                + " (CSVWRITE %.0f)%n", up, upRef, Stats.median(exA.get("CSV")), Stats.median(exA.get("FITS")),
                Stats.median(exA.get("VOTable")), ref);
    }

    /** The reference: H2's own import of the CSV file into a table of the same types. */
    private static void csvRead(Connection ref, String table, Path csvFile) throws SQLException {
        try (Statement st = ref.createStatement()) {
            st.execute("CREATE TABLE " + table + " (objid BIGINT, ra DOUBLE PRECISION, dec DOUBLE PRECISION,"
                    + " mag DOUBLE PRECISION, flags BIGINT, name VARCHAR)");
            st.execute("INSERT INTO " + table + " SELECT * FROM CSVREAD('" + csvFile.toAbsolutePath() + "')");
        }
    }

    /** A catalogue-like CSV: an id, three floating-point columns, an integer and a short name. */
    static String makeCsv(int rows) {
        Random r = new Random(42);
        StringBuilder b = new StringBuilder(rows * 64);
        b.append("objid,ra,dec,mag,flags,name\n");
        for (int i = 1; i <= rows; i++) {
            b.append(1237645879551000000L + i).append(',')
                    .append(String.format(Locale.ROOT, "%.6f", r.nextDouble() * 360)).append(',')
                    .append(String.format(Locale.ROOT, "%.6f", r.nextDouble() * 180 - 90)).append(',')
                    .append(String.format(Locale.ROOT, "%.3f", 14 + r.nextDouble() * 10)).append(',')
                    .append(r.nextInt(1 << 20)).append(",obj").append(i % 1000).append('\n');
        }
        return b.toString();
    }

    // ---- output ---------------------------------------------------------------------------

    private void writeReadme(String command, Instant started, String load, String table)
            throws IOException {
        String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
        String text = BenchReadme.render(command, started.truncatedTo(ChronoUnit.SECONDS).toString(),
                Runtime.getRuntime().availableProcessors() + " × " + cpu, load,
                Files.readString(Path.of("/proc/loadavg")).trim(), s.quick(), table);
        Path readme = out.resolve("README.md");
        String old = Files.exists(readme) ? Files.readString(readme) : "";
        // the sections this run does not make are kept from the runs that did (--with-engines
        // rewrites its own afterwards, as --only engines does)
        for (String key : BenchReadme.ENGINE_SECTIONS) {
            text = BenchReadme.withEngines(text, key, BenchReadme.enginesSection(old, key));
        }
        // so is the cluster table (--only cluster: its own PostgreSQL and nodes, not part of a full run)
        text = BenchReadme.withEngines(text, "cluster", BenchReadme.enginesSection(old, "cluster"));
        Files.writeString(readme, text);
        System.out.println("bench: wrote " + out.resolve("README.md") + " and the charts beside it");
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.delete(p);
            }
        }
    }
}
