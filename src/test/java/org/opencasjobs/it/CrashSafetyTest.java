package org.opencasjobs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opencasjobs.it.TestServer.form;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.opencasjobs.app.OpenCasJobs;
import org.opencasjobs.catalog.Catalog;
import org.opencasjobs.catalog.H2Catalog;
import org.opencasjobs.config.ServerConfig;
import org.opencasjobs.jobs.Job;
import org.opencasjobs.jobs.JobStatus;
import org.opencasjobs.jobs.MyDb;
import org.opencasjobs.store.JdbcJobStore;
import org.opencasjobs.store.JobStore;
import org.opencasjobs.store.JobStoreDatabase;

/**
 * Issue 15, "what to build 6": {@code kill -9} at random moments under a mixed load loses nothing
 * that was acknowledged, runs nothing twice and leaves nothing half-written. A real server runs in
 * a child JVM on one data folder; client threads send quick queries, batch jobs, SELECT … INTO
 * jobs (some writing 100,000s of rows), CSV uploads (some large), extracts of uploaded tables and
 * cancels, until the child is killed with SIGKILL after a random delay; then the next child starts
 * on the same folder and first retries the uploads the kill interrupted. After the last kill the
 * service starts in this JVM, runs what is still waiting, and the data folder is checked:
 * <ul>
 * <li>every acknowledged job is there and final: finished, cancelled (only if a cancel was sent),
 *     or failed saying the server restarted; no job is active;</li>
 * <li>no job started twice (at most one 0 > 1 in the job store's transitions);</li>
 * <li>an INTO table exists with all its rows if its job finished, and not at all otherwise;</li>
 * <li>an acknowledged upload's table has all its rows, an interrupted one all or none, and no
 *     retry was refused; no staging table is left;</li>
 * <li>a finished extract's file parses and has every row; a job that did not finish has no file;
 *     no other file or folder is in the outputs folder than those of finished extracts (some the
 *     client never saw acknowledged: a kill between recording a job and answering loses the answer,
 *     not the job).</li>
 * </ul>
 * Nothing is asserted on timing. It runs when asked, {@code -Dcrashsafety.rounds=N} (kills),
 * with {@code -Dcrashsafety.seed}, {@code -Dcrashsafety.max.ms} (longest load before a kill,
 * default 2500) and {@code -Dcrashsafety.threads} (default 3): not in every build, because it is
 * long and because H2 2.5.252 sometimes finds, after several kills, a page of a user's MyDB file it
 * cannot read ({@code MVStoreException: Unable to read the page …}); that cause is not found. When
 * the page was in the undo log of a transaction the kill left open, every later write given that
 * transaction's slot failed with "The database has been closed" until the next start (about one
 * run in three at 10 kills); the catalog now clears such a slot when it opens a MyDB
 * ({@code catalog.UndoLogs}, {@code UnreadableUndoLogTest}). A job failing with the database's own
 * error ("General error: …") logs its cause under the job's id; so the "General error" of finished
 * INTO jobs was found: H2's quick COUNT(*) walked an undo log holding a record of a dropped table
 * (a NullPointerException in H2's {@code Record$Type.read}); the runner now counts by a scan. The children's log of the last run
 * is kept as {@code target/crashsafety-child-stderr.log}; the last start's is this JVM's.
 */
class CrashSafetyTest {
    private static final int SAMPLE_ROWS = 2000;
    private static final String CROSS = " FROM PhotoObj a, PhotoObj b";
    private static final CSVFormat CSV = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get();

    @TempDir
    Path dataDir;

    private Process child;
    private final List<String> problems = new CopyOnWriteArrayList<>();

    /** An INTO job: its table and how many rows it has when the job finishes. */
    private record IntoJob(String table, long rows) {
    }

    /** An extract job: the uploaded table it writes and that table's rows. */
    private record ExtractJob(String table, long rows) {
    }

    /** Every acknowledged job id, with what it should have produced (null for plain batch jobs). */
    private final Map<Long, Object> acked = new ConcurrentHashMap<>();
    private final Set<Long> cancelSent = ConcurrentHashMap.newKeySet();
    /** Uploads acknowledged (table → rows) and those the kill interrupted (table → rows sent). */
    private final Map<String, Long> uploads = new ConcurrentHashMap<>();
    private final Map<String, Long> interruptedUploads = new ConcurrentHashMap<>();
    private final AtomicInteger names = new AtomicInteger();
    private final AtomicInteger quickAnswers = new AtomicInteger();

    @AfterEach
    void killChild() throws Exception {
        if (child != null && child.isAlive()) {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
        // The children's log goes with the temporary folder: keep the last run's beside the build's reports.
        Path log = dataDir.resolve("child-stderr.log");
        if (Files.exists(log)) {
            Files.copy(log, Path.of("target", "crashsafety-child-stderr.log"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Test
    @EnabledIfSystemProperty(named = "crashsafety.rounds", matches = "[0-9]+")
    void killMinusNineAtRandomMomentsLosesNothingAcknowledgedAndLeavesNothingHalfWritten() throws Exception {
        int rounds = Integer.getInteger("crashsafety.rounds");
        long seed = Long.getLong("crashsafety.seed", System.nanoTime());
        int maxMs = Integer.getInteger("crashsafety.max.ms", 2500);
        int threads = Integer.getInteger("crashsafety.threads", 3);
        Random random = new Random(seed);
        System.out.println("[CrashSafetyTest] seed " + seed + ", rounds " + rounds);
        int kills = 0;
        for (int round = 1; round <= rounds; round++) {
            Client ws = startChild();
            retryInterruptedUploads(ws);
            List<Thread> load = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long threadSeed = random.nextLong();
                Thread th = new Thread(() -> load(ws, new Random(threadSeed)), "load-" + round + "-" + t);
                th.setDaemon(true);
                th.start();
                load.add(th);
            }
            Thread.sleep(200 + random.nextInt(Math.max(1, maxMs - 200)));
            child.destroyForcibly(); // SIGKILL
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child exits after SIGKILL");
            kills++;
            for (Thread th : load) {
                th.join(TimeUnit.SECONDS.toMillis(60));
            }
        }

        // The last start: recovery, then everything still waiting runs to its end.
        Properties demo = ChildServer.demoAccount(dataDir);
        long wsid = Long.parseLong(demo.getProperty("wsid"));
        ServerConfig config = ServerConfig.of(Map.of("casjobs.data.dir", dataDir.toString(), "casjobs.port", "0",
                "casjobs.bind.address", "127.0.0.1"));
        try (OpenCasJobs again = OpenCasJobs.start(config, Clock.systemDefaultZone())) {
            Client ws = new Client("http://127.0.0.1:" + again.port() + "/services/jobs.asmx", wsid,
                    demo.getProperty("password"));
            retryInterruptedUploads(ws);
            JobStore store = again.jobStore();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (active(store) > 0 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            if (active(store) > 0) {
                for (JobStatus s : List.of(JobStatus.READY, JobStatus.STARTED, JobStatus.CANCELING)) {
                    for (long id : store.idsWithStatus(s, false)) {
                        problems.add("job " + id + " still " + s + " 2 minutes after the last start: "
                                + store.find(id).map(j -> (j.quick() ? "quick " : "batch ") + j.type()).orElse(""));
                    }
                }
            }
        }
        try (JobStoreDatabase db = JobStoreDatabase.open(config); Catalog catalog = Catalog.open(config);
             Connection c = catalog.connect(wsid, MyDb.NAME)) {
            check(new JdbcJobStore(db.dataSource()), c);
        }
        System.out.println("[CrashSafetyTest] kills " + kills + ", jobs acknowledged " + acked.size()
                + " (" + count(IntoJob.class) + " INTO, " + count(ExtractJob.class) + " extracts, "
                + cancelSent.size() + " cancels sent), uploads acknowledged " + uploads.size()
                + ", quick answers " + quickAnswers.get() + ", problems " + problems.size());
        assertEquals(List.of(), problems, "seed " + seed);
    }

    private long count(Class<?> kind) {
        return acked.values().stream().filter(kind::isInstance).count();
    }

    private static long active(JobStore store) {
        return Stream.of(JobStatus.READY, JobStatus.STARTED, JobStatus.CANCELING)
                .mapToLong(s -> store.idsWithStatus(s, false).size()).sum();
    }

    // ------------------------------------------------------------------ the load

    /** One client thread: random calls until the server is gone. */
    private void load(Client ws, Random r) {
        while (true) {
            String name = "T" + names.incrementAndGet();
            try {
                switch (r.nextInt(7)) {
                    case 0 -> {
                        ws.quick("SELECT TOP 5 objID, ra FROM PhotoObj ORDER BY objID", "Sample");
                        quickAnswers.incrementAndGet();
                    }
                    case 1 -> acked.put(ws.submit("SELECT TOP 10 objID, ra FROM PhotoObj"), "batch");
                    case 2 -> {
                        // Long enough that a kill often lands while its table is being written.
                        long rows = r.nextBoolean() ? 50 : 100_000 + r.nextInt(300_000);
                        long id = ws.submit("SELECT TOP " + rows + " a.objID AS id, b.ra AS ra INTO mydb." + name
                                + CROSS);
                        acked.put(id, new IntoJob(name, rows));
                    }
                    case 3 -> {
                        long rows = r.nextBoolean() ? 20 : 20_000 + r.nextInt(60_000);
                        String csv = uploadCsv(rows);
                        interruptedUploads.put(name, rows);
                        ws.upload(name, csv);
                        uploads.put(name, rows);
                        interruptedUploads.remove(name);
                    }
                    case 4, 5 -> {
                        List<Map.Entry<String, Long>> sources = new ArrayList<>(uploads.entrySet());
                        if (!sources.isEmpty()) {
                            Map.Entry<String, Long> src = sources.get(r.nextInt(sources.size()));
                            acked.put(ws.extract(src.getKey()), new ExtractJob(src.getKey(), src.getValue()));
                        }
                    }
                    default -> {
                        List<Long> ids = new ArrayList<>(acked.keySet());
                        if (!ids.isEmpty()) {
                            long id = ids.get(r.nextInt(ids.size()));
                            cancelSent.add(id); // sent: it may take effect even if the answer is lost
                            ws.cancel(id);
                        }
                    }
                }
            } catch (Fault f) {
                problems.add("the live server refused a call: " + f.getMessage());
            } catch (IOException | InterruptedException gone) {
                return; // killed: this call was not acknowledged
            }
        }
    }

    private static String uploadCsv(long rows) {
        StringBuilder sb = new StringBuilder("id,v\n");
        for (long i = 1; i <= rows; i++) {
            sb.append(i).append(',').append(i * 0.5).append('\n');
        }
        return sb.toString();
    }

    /** After a kill the user retries the uploads that got no answer: a table that is not there must not block it. */
    private void retryInterruptedUploads(Client ws) throws Exception {
        for (String table : List.copyOf(interruptedUploads.keySet())) {
            long rows = interruptedUploads.get(table);
            boolean exists = ws.count("SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = 'dbo'"
                    + " AND table_name = '" + table + "'") == 1;
            if (!exists) {
                try {
                    ws.upload(table, uploadCsv(rows));
                } catch (Fault f) {
                    problems.add("retrying the interrupted upload of " + table + " was refused: " + f.getMessage());
                    continue;
                }
            }
            // Either way the table is now the user's, and must be complete (checked at the end).
            uploads.put(table, rows);
            interruptedUploads.remove(table);
        }
    }

    // ------------------------------------------------------------------ the checks

    private void check(JobStore store, Connection c) throws Exception {
        // Every finished extract's folder, acknowledged or not: a SubmitExtractJob whose answer the
        // kill cut off (the job recorded, the reply lost) still runs and finishes at a later start.
        Set<String> expectedFolders = new HashSet<>();
        for (String loc : store.outputLocations(java.time.LocalDateTime.of(2000, 1, 1, 0, 0))) {
            Matcher m = java.util.regex.Pattern.compile("/CasJobsOutput/([^/]+)/([^/]+)$").matcher(loc);
            if (m.find()) {
                expectedFolders.add(m.group(1));
            }
        }
        int unacknowledged = expectedFolders.size();
        for (Map.Entry<Long, Object> e : acked.entrySet()) {
            long id = e.getKey();
            Job j = store.find(id).orElse(null);
            if (j == null) {
                problems.add("job " + id + " was acknowledged and is lost");
                continue;
            }
            List<String> steps = store.transitions(id).stream().map(t -> t.from().code + ">" + t.to().code).toList();
            if (steps.stream().filter("0>1"::equals).count() > 1) {
                problems.add("job " + id + " started more than once: " + steps);
            }
            JobStatus st = j.status();
            if (!st.isFinal()) {
                problems.add("job " + id + " is not final: " + st);
            } else if (st == JobStatus.CANCELLED && !cancelSent.contains(id)) {
                problems.add("job " + id + " was cancelled without a cancel: " + steps);
            } else if (st == JobStatus.FAILED && (j.error() == null || !j.error().contains("restarted"))) {
                problems.add("job " + id + " failed: " + j.error());
            }
            if (e.getValue() instanceof IntoJob into) {
                Long rows = rows(c, into.table());
                if (st == JobStatus.FINISHED && (rows == null || rows != into.rows())) {
                    problems.add("INTO job " + id + " finished but MyDB." + into.table() + " has " + rows
                            + " rows, not " + into.rows());
                } else if (st != JobStatus.FINISHED && rows != null) {
                    problems.add("INTO job " + id + " ended " + st + " but left MyDB." + into.table() + " ("
                            + rows + " rows)");
                }
            } else if (e.getValue() instanceof ExtractJob ex) {
                if (st == JobStatus.FINISHED) {
                    Matcher m = java.util.regex.Pattern.compile("/CasJobsOutput/([^/]+)/([^/]+)$")
                            .matcher(String.valueOf(j.outputLoc()));
                    if (!m.find()) {
                        problems.add("extract " + id + " finished without an OutputLoc: " + j.outputLoc());
                        continue;
                    }
                    unacknowledged--;
                    checkExtract(id, dataDir.resolve("outputs").resolve(m.group(1)).resolve(m.group(2)), ex.rows());
                } else if (j.outputLoc() != null) {
                    problems.add("extract " + id + " ended " + st + " but has an OutputLoc " + j.outputLoc());
                }
            }
        }
        for (Map.Entry<String, Long> u : uploads.entrySet()) {
            Long rows = rows(c, u.getKey());
            if (rows == null || rows.longValue() != u.getValue()) {
                problems.add("upload MyDB." + u.getKey() + " has " + rows + " rows, not " + u.getValue());
            }
        }
        for (Map.Entry<String, Long> u : interruptedUploads.entrySet()) { // none: all retried
            problems.add("interrupted upload " + u.getKey() + " never retried");
        }
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT TABLE_NAME FROM"
                + " INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'MyDB' AND TABLE_NAME LIKE '~upload~%'")) {
            while (rs.next()) {
                problems.add("staging table left: " + rs.getString(1));
            }
        }
        try (Stream<Path> folders = Files.list(dataDir.resolve("outputs"))) {
            for (Path f : (Iterable<Path>) folders::iterator) {
                if (!expectedFolders.contains(f.getFileName().toString())) {
                    problems.add("stray output " + f.getFileName() + " no finished extract points to");
                }
            }
        }
        System.out.println("[CrashSafetyTest] finished extracts whose submission the client never saw answered: "
                + unacknowledged);
    }

    private void checkExtract(long id, Path file, long rows) {
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            List<CSVRecord> records = CSV.parse(in).getRecords();
            long last = records.isEmpty() ? 0 : Long.parseLong(records.get(records.size() - 1).get("id"));
            if (records.size() != rows || last != rows) {
                problems.add("extract " + id + " finished but " + file + " has " + records.size() + " rows (last id "
                        + last + "), not " + rows);
            }
        } catch (IOException | RuntimeException e) {
            problems.add("extract " + id + " finished but " + file + " cannot be read: " + e);
        }
    }

    /** Rows of a MyDB table, null if there is no such table. */
    private static Long rows(Connection c, String table) throws SQLException {
        if (!H2Catalog.myDbTableExists(c, table)) {
            return null;
        }
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM MyDB.\"" + table + "\"")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    // ------------------------------------------------------------------ the child

    private Client startChild() throws Exception {
        ChildServer started = ChildServer.start(dataDir, Map.of("CASJOBS_SAMPLE_ROWS", String.valueOf(SAMPLE_ROWS)));
        child = started.process;
        return new Client(started.url, started.wsid, started.password);
    }

    /** The live server answered with a fault. */
    private static final class Fault extends Exception {
        Fault(String message) {
            super(message);
        }
    }

    /** The demo user's calls over HTTP GET and POST. */
    private static final class Client {
        private static final java.util.regex.Pattern FAULT =
                java.util.regex.Pattern.compile("System.Exception: *(.*?) *--->", java.util.regex.Pattern.DOTALL);
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        private final String base;
        private final long wsid;
        private final String pw;

        Client(String base, long wsid, String pw) {
            this.base = base;
            this.wsid = wsid;
            this.pw = pw;
        }

        private String call(String op, Object... pairs) throws IOException, InterruptedException, Fault {
            HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/" + op))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .timeout(Duration.ofSeconds(120))
                    .POST(HttpRequest.BodyPublishers.ofString(form(pairs))).build();
            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                Matcher m = FAULT.matcher(r.body());
                throw new Fault(op + ": " + r.statusCode() + " " + (m.find() ? m.group(1) : r.body()));
            }
            if (r.body().isBlank()) {
                return ""; // a void operation
            }
            try {
                return TestServer.xml(r.body()).getDocumentElement().getTextContent().trim();
            } catch (Exception e) {
                throw new IOException("unreadable answer to " + op, e);
            }
        }

        long submit(String qry) throws IOException, InterruptedException, Fault {
            return Long.parseLong(call("SubmitJob", "wsid", wsid, "pw", pw, "qry", qry, "context", "Sample",
                    "taskname", "crash", "estimate", 500));
        }

        long extract(String table) throws IOException, InterruptedException, Fault {
            return Long.parseLong(call("SubmitExtractJob", "wsid", wsid, "pw", pw, "tableName", table, "type", "CSV"));
        }

        void upload(String table, String csv) throws IOException, InterruptedException, Fault {
            call("UploadData", "wsid", wsid, "pw", pw, "tableName", table, "data", csv, "tableExists", "false");
        }

        void cancel(long id) throws IOException, InterruptedException, Fault {
            call("CancelJob", "wsId", wsid, "pw", pw, "jobId", id);
        }

        String quick(String qry, String context) throws IOException, InterruptedException, Fault {
            return call("ExecuteQuickJob", "wsid", wsid, "pw", pw, "qry", qry, "context", context, "taskname", "q",
                    "isSystem", "false");
        }

        long count(String qry) throws IOException, InterruptedException, Fault {
            List<String> lines = quick(qry, "MyDB").lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
            return Long.parseLong(lines.get(lines.size() - 1));
        }
    }
}
