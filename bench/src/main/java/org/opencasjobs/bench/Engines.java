package org.opencasjobs.bench;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The engines benchmark (issue 12, point 9): the same generated N-row Sample in a service on H2
 * and in a service on PostgreSQL (a throw-away cluster), the same queries as quick jobs through
 * each, and on PostgreSQL the reference: the SQL the service runs (the product's own translation)
 * by direct JDBC as the database's owner, with the service's search path. Per query: a warm-up,
 * then rounds, each running H2 service, PostgreSQL service and PostgreSQL direct in a rotating
 * order; the medians, and the median of the per-round ratios service / direct on PostgreSQL.
 */
final class Engines {
    /** The queries of the issue; the cone is 1′ around a point of the Sample's equatorial stripe. */
    static final List<String> QUERIES = List.of(
            "SELECT type, COUNT(*) AS n, AVG(r) AS r FROM PhotoObj GROUP BY type",
            "SELECT COUNT(*) AS n FROM PhotoObj p JOIN SpecObj s ON s.bestObjID = p.objID",
            "SELECT COUNT(*) AS n FROM PhotoObj WHERE r < 18.1",
            "SELECT COUNT(*) AS n FROM dbo.fGetNearbyObjEq(180, 0, 1)",
            "SELECT TOP 10 objID, ra, dec, r FROM PhotoObj WHERE r < 20");
    static final int CONE = 3;
    /**
     * A batch job writing a MyDB table (SELECT … INTO): on PostgreSQL a CREATE TABLE … AS that runs
     * wholly in the database; its reference is that statement run directly.
     */
    static final String INTO = "SELECT objID, ra, dec, r INTO mydb.%s FROM PhotoObj WHERE r < 21";
    /** Queries over this long on PostgreSQL direct carry the target (service ≤ 1.2× direct). */
    private static final double LONG_MS = 500;
    /** A cone search answered "in milliseconds": from an index, where a scan of 2,000,000 rows takes seconds. */
    private static final double CONE_MS = 100;
    private static final String CONTEXT = "Sample";

    private final Path work;
    private final Path productJar;
    private final String jfr;
    private final int rows;
    private final int rounds;

    /** Whether the service on H2 runs too: without it, a larger Sample fits in a short run (H2 generates slowly). */
    private final boolean withH2;

    /** {@code rows} 0: the default size, 200,000 rows with {@code quick}, else 2,000,000. */
    Engines(Path work, Path productJar, String jfr, boolean quick, int rows, boolean withH2) {
        this.work = work.resolve("engines");
        this.productJar = productJar;
        this.jfr = jfr;
        this.rows = rows > 0 ? rows : quick ? 200_000 : 2_000_000;
        this.rounds = quick ? 3 : 5;
        this.withH2 = withH2;
    }

    /** One query's medians (ms) and the median of its per-round ratios. */
    record Line(String query, double h2, double pg, double direct, double ratio, double login, double cursor) {
    }

    /** Runs the benchmark; the table in Markdown (null when PostgreSQL is not installed, saying so). */
    String run() throws Exception {
        String missing = PgCluster.missing();
        if (missing != null) {
            System.out.println("bench: engines skipped: " + missing);
            return null;
        }
        Bench.deleteTree(work);
        Files.createDirectories(work);
        String loadBefore = Files.readString(Path.of("/proc/loadavg")).trim();
        try (PgCluster cluster = PgCluster.start(work.resolve("pg"))) {
            PgCluster.Database db = cluster.newDatabase("casjobs");
            long t0 = System.nanoTime();
            // Both start (and generate their Sample) at once: the wait is the longer of the two.
            try (ChildJvm h2 = withH2 ? serve("h2", Map.of(), null) : null;
                 ChildJvm pg = serve("postgresql", Map.of("CASJOBS_ENGINE", "postgresql",
                         "CASJOBS_POSTGRESQL_URL", db.url(), "CASJOBS_POSTGRESQL_USER", db.owner(),
                         "CASJOBS_POSTGRESQL_PASSWORD", db.password()), jfr)) {
                int h2Port = withH2 ? port(h2) : 0;
                int pgPort = port(pg);
                System.out.printf(Locale.ROOT, "bench: engines: the services serve a %,d-row Sample after %.0f s%n",
                        rows, (System.nanoTime() - t0) / 1e9);
                List<Line> lines = measure(h2Port, withH2 ? demo("h2") : new Account(0, ""), pgPort,
                        demo("postgresql"), db);
                String loadAfter = Files.readString(Path.of("/proc/loadavg")).trim();
                return markdown(lines, loadBefore, loadAfter);
            }
        }
    }

    private ChildJvm serve(String name, Map<String, String> engine, String jfrFile) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        if (jfrFile != null) {
            cmd.add("-XX:StartFlightRecording=filename=" + jfrFile + ",settings=profile");
        }
        cmd.addAll(List.of("-jar", productJar.toString(), "serve", "--port", "0", "--data-dir",
                work.resolve(name).toString()));
        Map<String, String> env = new java.util.HashMap<>(engine);
        env.put("CASJOBS_BIND_ADDRESS", "127.0.0.1");
        env.put("CASJOBS_SAMPLE_ROWS", Integer.toString(rows));
        // A 2,000,000-row join on a busy machine may pass the default minute of a quick job.
        env.put("CASJOBS_QUEUE_QUICK_MINUTES", "10");
        return new ChildJvm("engines-" + name, cmd, env, work.resolve(name + "-stderr.log"));
    }

    private int port(ChildJvm service) throws Exception {
        Matcher m = service.await(Pattern.compile("OpenCasJobs is serving http://localhost:(\\d+)/"), 3600,
                work.resolve(service.name.substring("engines-".length()) + "-stderr.log"));
        return Integer.parseInt(m.group(1));
    }

    /** An account: the demo account each service's first start made. */
    record Account(long wsid, String pw) {
    }

    private Account demo(String name) throws IOException {
        Properties p = new Properties();
        p.load(new StringReader(Files.readString(work.resolve(name).resolve("demo-account.properties"))));
        return new Account(Long.parseLong(p.getProperty("wsid")), p.getProperty("password"));
    }

    private List<Line> measure(int h2Port, Account h2Demo, int pgPort, Account pgDemo, PgCluster.Database db)
            throws Exception {
        List<List<String>> direct = translate(pgDemo.wsid, QUERIES);
        List<Line> lines = new ArrayList<>();
        try (Casjobs h2 = new Casjobs(h2Port, h2Demo.wsid, h2Demo.pw);
             Casjobs pg = new Casjobs(pgPort, pgDemo.wsid, pgDemo.pw);
             Connection owner = db.connect()) {
            try (Statement st = owner.createStatement()) {
                // what PostgresCatalog.connect sets for a job in the Sample context
                st.execute("SET search_path = sample, dbo, tsql, public");
            }
            for (int q = 0; q < QUERIES.size(); q++) {
                String sql = QUERIES.get(q);
                List<Double> th2 = new ArrayList<>();
                List<Double> tpg = new ArrayList<>();
                List<Double> tdirect = new ArrayList<>();
                List<Double> ratios = new ArrayList<>();
                List<Double> tlogin = new ArrayList<>();
                List<Double> tcursor = new ArrayList<>();
                for (int round = -1; round < rounds; round++) {
                    double[] t = new double[5];
                    String[] answers = new String[5];
                    for (int k = 0; k < 5; k++) {
                        int which = Math.floorMod(k + round, 5); // rotate who goes first
                        long t0 = System.nanoTime();
                        answers[which] = switch (which) {
                            case 0 -> withH2 ? h2.quick(sql, CONTEXT) : "";
                            case 1 -> pg.quick(sql, CONTEXT);
                            case 2 -> runDirect(owner, direct.get(q));
                            case 3 -> {
                                // as a quick job reads: a cursor of 1,000 rows at a time inside a
                                // transaction (PostgresCatalog.streamRows), which PostgreSQL runs without parallel workers
                                owner.setAutoCommit(false);
                                try {
                                    yield runDirect(owner, direct.get(q), 1000);
                                } finally {
                                    owner.commit();
                                    owner.setAutoCommit(true);
                                }
                            }
                            default -> {
                                // as a job connects: a new login (SCRAM), the search path, the query
                                try (Connection fresh = db.connect()) {
                                    try (Statement st = fresh.createStatement()) {
                                        st.execute("SET search_path = sample, dbo, tsql, public");
                                    }
                                    yield runDirect(fresh, direct.get(q));
                                }
                            }
                        };
                        t[which] = (System.nanoTime() - t0) / 1e6;
                    }
                    if (round < 0) {
                        System.out.printf(Locale.ROOT, "  %s%n    H2: %s%n    PG: %s%n    direct: %s%n", sql,
                                firstRow(answers[0]), firstRow(answers[1]), answers[2]);
                        continue;
                    }
                    th2.add(withH2 ? t[0] : Double.NaN);
                    tpg.add(t[1]);
                    tdirect.add(t[2]);
                    ratios.add(t[1] / t[2]);
                    tcursor.add(t[3]);
                    tlogin.add(t[4]);
                }
                Line line = new Line(sql, Stats.median(th2), Stats.median(tpg), Stats.median(tdirect),
                        Stats.median(ratios), Stats.median(tlogin), Stats.median(tcursor));
                System.out.printf(Locale.ROOT, "  H2 %10.1f ms  PG %10.1f ms  direct %10.1f ms  PG/direct %.2f"
                        + "  direct with a new login %10.1f ms  direct through a 1000-row cursor %10.1f ms%n", line.h2(),
                        line.pg(), line.direct(), line.ratio(), line.login(), line.cursor());
                lines.add(line);
            }
            lines.add(measureInto(h2, pg, owner, pgDemo.wsid));
        }
        return lines;
    }

    /**
     * The INTO row: a batch job (SubmitJob, polled every 20 ms until it ends) writing a new MyDB
     * table on each service, and the same CREATE TABLE … AS run directly as the owner (the
     * translator's statement, into the account's schema); each round writes tables of new names,
     * dropped afterwards, outside the timing.
     */
    private Line measureInto(Casjobs h2, Casjobs pg, Connection owner, long pgWsid) throws Exception {
        List<String> names = new ArrayList<>();
        for (int round = -1; round < rounds; round++) {
            names.add("BenchInto" + (round + 1));
        }
        List<String> sqls = names.stream().map(n -> String.format(Locale.ROOT, INTO, n)).toList();
        List<List<String>> direct = translate(pgWsid, sqls.stream().map(q -> q.replace("INTO mydb.", "INTO mydb.D"))
                .toList());
        List<Double> th2 = new ArrayList<>();
        List<Double> tpg = new ArrayList<>();
        List<Double> tdirect = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        for (int round = -1; round < rounds; round++) {
            int i = round + 1;
            double[] t = new double[3];
            for (int k = 0; k < 3; k++) {
                int which = Math.floorMod(k + round, 3);
                long t0 = System.nanoTime();
                switch (which) {
                    case 0 -> {
                        if (withH2) {
                            requireDone(h2, h2.awaitEnd(h2.submitJob(sqls.get(i), CONTEXT), 20), sqls.get(i));
                        }
                    }
                    case 1 -> requireDone(pg, pg.awaitEnd(pg.submitJob(sqls.get(i), CONTEXT), 20), sqls.get(i));
                    default -> runDirect(owner, direct.get(i));
                }
                t[which] = (System.nanoTime() - t0) / 1e6;
            }
            try (Statement st = owner.createStatement()) {
                st.execute("DROP TABLE IF EXISTS mydb_" + pgWsid + ".d" + names.get(i).toLowerCase(Locale.ROOT));
            }
            pg.quick("DROP TABLE mydb." + names.get(i), CONTEXT);
            if (withH2) {
                h2.quick("DROP TABLE mydb." + names.get(i), CONTEXT);
            }
            if (round < 0) {
                continue;
            }
            th2.add(withH2 ? t[0] : Double.NaN);
            tpg.add(t[1]);
            tdirect.add(t[2]);
            ratios.add(t[1] / t[2]);
        }
        Line line = new Line(String.format(Locale.ROOT, INTO, "T") + " (batch job)", Stats.median(th2),
                Stats.median(tpg), Stats.median(tdirect), Stats.median(ratios), Double.NaN, Double.NaN);
        System.out.printf(Locale.ROOT, "  INTO: H2 %10.1f ms  PG %10.1f ms  direct CTAS %10.1f ms  PG/direct %.2f%n",
                line.h2(), line.pg(), line.direct(), line.ratio());
        return line;
    }

    private static void requireDone(Casjobs service, int status, String sql) {
        if (status != 5) {
            throw new IllegalStateException("the batch job ended with status " + status + ": " + sql);
        }
    }

    /** The first data line of a quick job's CSV answer (after the header line), for the log. */
    private static String firstRow(String answer) {
        List<String> l = answer.lines().toList();
        // line 0 is the XML declaration, line 1 the string element opening with the header
        return l.size() > 2 ? l.get(2) : answer;
    }

    /** Runs the statements, reads every row of the last; its first row as text, for the log. */
    private static String runDirect(Connection c, List<String> statements) throws SQLException {
        return runDirect(c, statements, 0);
    }

    private static String runDirect(Connection c, List<String> statements, int fetchSize) throws SQLException {
        StringBuilder first = new StringBuilder();
        try (Statement st = c.createStatement()) {
            st.setFetchSize(fetchSize);
            for (int i = 0; i < statements.size() - 1; i++) {
                st.execute(statements.get(i));
            }
            if (!st.execute(statements.get(statements.size() - 1))) {
                return "(" + st.getUpdateCount() + " rows written)";
            }
            try (ResultSet rs = st.getResultSet()) {
                int cols = rs.getMetaData().getColumnCount();
                boolean firstRow = true;
                while (rs.next()) {
                    for (int i = 1; i <= cols; i++) {
                        Object v = rs.getObject(i);
                        if (firstRow) {
                            first.append(i > 1 ? "," : "").append(v);
                        }
                    }
                    firstRow = false;
                }
            }
        }
        return first.toString();
    }

    /** What the service runs for each query on PostgreSQL: the product's translator, in a child JVM. */
    private List<List<String>> translate(long wsid, List<String> queries) throws Exception {
        Base64.Encoder enc = Base64.getEncoder();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", productJar + java.io.File.pathSeparator + Bench.ownClasses(), Translate.class.getName(),
                Long.toString(wsid), CONTEXT));
        for (String q : queries) {
            cmd.add(enc.encodeToString(q.getBytes(StandardCharsets.UTF_8)));
        }
        Path log = work.resolve("translate.log");
        Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("Translate failed: " + Files.readString(log));
        }
        List<List<String>> out = new ArrayList<>();
        for (int i = 0; i < queries.size(); i++) {
            out.add(new ArrayList<>());
        }
        for (String line : text.lines().toList()) {
            String[] parts = line.split("\t");
            out.get(Integer.parseInt(parts[0])).add(new String(Base64.getDecoder().decode(parts[1]),
                    StandardCharsets.UTF_8));
        }
        for (int i = 0; i < queries.size(); i++) {
            System.out.println("  translated: " + queries.get(i) + "  →  " + String.join("; ", out.get(i)));
        }
        return out;
    }

    private String markdown(List<Line> lines, String loadBefore, String loadAfter) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "Sample of %,d PhotoObjAll rows on each engine; median of %d rounds after"
                + " a warm-up. Load average before `%s`, after `%s`.%n%n", rows, rounds, loadBefore, loadAfter));
        s.append("| query | service on H2 | service on PostgreSQL | PostgreSQL direct | PG service / direct"
                + " | direct with a new login per query | direct through a 1,000-row cursor | target | met |\n");
        s.append("|---|---:|---:|---:|---:|---:|---:|---|---|\n");
        for (int i = 0; i < lines.size(); i++) {
            Line l = lines.get(i);
            String target = "";
            String met = "";
            if (i == CONE) {
                target = "< " + (int) CONE_MS + " ms on PostgreSQL (index)";
                met = l.pg() < CONE_MS ? "yes" : "**no**";
            } else if (l.direct() > LONG_MS) {
                target = "≤ 1.2× direct";
                met = l.ratio() <= 1.2 ? "yes" : "**no**";
            }
            s.append("| `").append(l.query()).append("` | ").append(ms(l.h2())).append(" | ").append(ms(l.pg()))
                    .append(" | ").append(ms(l.direct())).append(" | ").append(Report.fmt(l.ratio())).append("× | ")
                    .append(Double.isNaN(l.login()) ? "—" : ms(l.login())).append(" | ")
                    .append(Double.isNaN(l.cursor()) ? "—" : ms(l.cursor())).append(" | ")
                    .append(target).append(" | ").append(met).append(" |\n");
        }
        return s.toString();
    }

    private static String ms(double v) {
        return Double.isNaN(v) ? "— (not run)" : Report.fmt(v) + " ms";
    }
}
