package org.opencasjobs.bench;

import java.util.List;

/** bench/README.md: how the figures were made, and the last table. */
final class BenchReadme {
    /**
     * The engines tables have sections of their own, {@code --only engines} rewrites just its one:
     * {@code engines} (H2 and PostgreSQL) or {@code engines-postgresql} ({@code --no-h2}, a larger Sample).
     */
    /**
     * Sections a full run keeps from the page as they were, unless it made them: "memory",
     * "getjobstatus" and "upload" are written by hand.
     */
    static final List<String> ENGINE_SECTIONS = List.of("memory", "getjobstatus", "upload", "engines", "engines-postgresql");

    private static String begin(String key) {
        return "<!-- " + key + " -->";
    }

    private static String end(String key) {
        return "<!-- /" + key + " -->";
    }

    private BenchReadme() {
    }

    /** The engines section: how it is made, the command and the table. */
    static String engines(String key, String command, String date, String table) {
        String heading = key.equals("engines") ? "## Engines: the same catalog on H2 and on PostgreSQL (issue 12)"
                : "## Engines: PostgreSQL only (`--no-h2`), a larger Sample";
        return begin(key) + "\n" + heading + "\n" + """

                `bench/run --only engines` (with `--quick`: 200,000 rows instead of 2,000,000; `--rows N`:
                N rows; `--no-h2`: the service on PostgreSQL and its reference only) starts a
                throw-away PostgreSQL 15 cluster (initdb under `bench/target/work`, a free port on
                127.0.0.1, q3c; the installed binaries of `/usr/lib/postgresql/15/bin`), then two services
                from the product jar, one on H2 (the default) and one with `casjobs.engine=postgresql`,
                each generating the same Sample (`casjobs.sample.rows`, the same seed) on its first
                start. Each query runs as a quick job (ExecuteQuickJob, HTTP POST) of each service's
                demo account in context Sample; the reference is **PostgreSQL direct**: the SQL the
                service runs there (the product's own translator, `Translate`), by JDBC on one open
                connection as the database's owner with the search path a job gets (`sample, dbo, tsql,
                public`); and two more columns of it, direct with a new login per query (as a job connects)
                and direct through a 1,000-row cursor (as a quick job read before `PostgresQuickReads`, and
                still reads a result too wide to hold whole). The last row is a batch job writing a MyDB
                table (SubmitJob with SELECT … INTO, polled every 20 ms until it ends), its reference the
                translator's CREATE TABLE … AS run directly. After a warm-up, each round runs
                them all in a rotating order; the table has
                the medians and the median of the per-round ratios. Targets (issue 12): through the
                service on PostgreSQL within 1.2× of direct for queries over 0.5 s; the 1′ cone search
                in milliseconds (q3c index, not a scan). `--jfr FILE` records the PostgreSQL service.

                Last run: `%s` on %s.

                %s""".formatted(command, date, table) + end(key) + "\n";
    }

    /** The cluster section: how it is made, the command, the table and the chart. */
    static String cluster(String command, String date, String table) {
        return begin("cluster") + "\n" + """
                ## Cluster: 1, 2 and 3 nodes on one PostgreSQL (issue 13)

                `bench/run --only cluster` (`--cluster-jobs N`: N measured jobs per node count, default 600;
                `--cluster-nodes 1,2,3`; `--cluster-clients N`: client threads, default 4) starts a
                throw-away PostgreSQL 15 cluster (as the engines benchmark does), and for each node count a
                fresh database and that many services from the product jar with `casjobs.engine=postgresql`,
                each a child JVM with its own data folder, their `outputs/` one shared folder. The first
                node prepares the database; `account add` makes one account per client. Each client thread
                submits its share of trivial batch jobs (`SELECT 1 AS x`, SubmitJob over HTTP POST) round-robin
                to all nodes, as fast as the nodes answer; **end to end** runs from the first submission until
                the job store shows every job ended, after a warm-up whose jobs have ended. Every job must have
                run exactly once: its transitions exactly `0>1 1>5` (**not exactly once** counts the others,
                **missing** the ids with no job). The **claim latency** is a job's claim (its `0>1`
                transition) minus its submission, both written by the nodes in the job store: under the load
                (mostly the wait for one of the batch queue's slots, which hold on all nodes together), and
                for %d jobs submitted one at a time to the idle cluster (the node that took the
                submission wakes its scheduler; the claim is one transaction). All nodes, PostgreSQL and the
                clients share this machine's cores: more nodes add claimers, not CPU.

                Last run: `%s` on %s.

                %s
                ![jobs/s against nodes](cluster.png)
                """.formatted(Cluster.IDLE_JOBS, command, date, table) + end("cluster") + "\n";
    }

    /** The engines section of a README page, or null when it has none. */
    static String enginesSection(String page, String key) {
        int b = page.indexOf(begin(key));
        int e = page.indexOf(end(key));
        return b >= 0 && e > b ? page.substring(b, e + end(key).length()) + "\n" : null;
    }

    /** The page with its engines section replaced by {@code section} (appended if it had none; kept if null). */
    static String withEngines(String page, String key, String section) {
        if (section == null) {
            return page;
        }
        String old = enginesSection(page, key);
        if (old != null) {
            return page.replace(old, section);
        }
        return page + (page.endsWith("\n") ? "\n" : "\n\n") + section;
    }

    static String render(String command, String date, String cpu, String loadBefore, String loadAfter, boolean quick,
                         String table) {
        return """
                # Benchmarks

                One command builds the product jar and this module, runs every benchmark of issue 14 on
                this machine and rewrites this page (`--quick` for a shorter run, a few minutes; the full
                run about 10 minutes on a quiet machine). The table is written as soon as it is measured.
                The engines benchmark (H2 against PostgreSQL on a generated 2,000,000-row Sample, far longer
                than the rest) runs only when asked: `--with-engines` after the table is written, or
                `--only engines` alone; the cluster benchmark only with `--only cluster`:

                ```sh
                bench/run            # or: bench/run --quick, bench/run --with-engines
                ```

                Every figure stands beside a reference measured **in the same run**, on the same machine,
                as a ratio (product / reference), so a busy machine moves both. The product runs as a child
                JVM (`java -jar target/opencasjobs.jar serve`, defaults, an extra external context `Bench`
                holding a 100,000-row `PhotoObj`); the references are:

                - **bare CXF endpoint**: CXF on Jetty 12, the versions of the product's pom, the interface
                  generated from the same `wsdl/jobs.wsdl`, published as the product publishes its own, with
                  GetJobStatus returning a constant and nothing else (no filters, logs, metrics or login);
                - **plain Jetty handler**: answers any GET with the bytes the product answers
                  `GET …/jobs.asmx/GetJobStatus?…` with; and a POST of `…/ExecuteQuickJob` (`PlainQuick`) by
                  opening a new JDBC session on a held-open copy of the `Bench` H2 file, running the form's query
                  and answering its rows as CSV in an XML string: the least a web service answering a quick query
                  does (no login, job record, translation, limits or metrics). The quick-query target (≤ 2×) is
                  read against it: no HTTP service answers in the 0.1 ms a query takes on an open connection in
                  the caller's own JVM, which stays in the table as the second reference;
                - **direct JDBC**: the same query on a byte-for-byte copy of the `Bench` context's H2 file,
                  embedded in the benchmark's JVM; `Statement.cancel` for the cancel figure;
                - **H2 `CSVREAD` / `CSVWRITE`**: the engine's own import and export of the same CSV and table.

                Load is wrk when the machine has it (`apt-get install wrk`; C, so the client takes little of
                the CPU it shares with the servers), else a closed loop of kept-alive connections on plain
                sockets in Java (`Load`); a sample answer is checked for the expected status and any answer
                that is not a 200 fails that round.
                Each benchmark warms up first (GetJobStatus: every call on both servers once, before any
                is measured, then each call in turns of a round's length until each server's last two
                turns agree within 10 %%, at least 9 s and at most 30 s each, with `--quick` 6 and 20 s;
                uploads: a tenth of the rows each way), then alternates product and
                reference; the table gives the median of the rounds (and the median of the per-round
                ratios). An UploadData request is made (escaped, encoded) before its clock starts, as the
                CSV file `CSVREAD` reads is written before its clock starts. A benchmark that fails (a job
                that never ends, a server that stops answering) is a line of the table, **failed** with
                its reason, and the run goes on; a GetJobStatus round that fails (wrk gives up on an
                answer after 10 s) is counted on its line, and its figures are those of the other rounds.
                Beside each GetJobStatus
                figure, the CPU time (user and system, from `/proc`) each server spent per call in the same
                rounds: on a shared, busy machine calls/s follow the other work's load, CPU per call less so.
                Likewise beside the trivial jobs' rate: the server's CPU per job and this load driver's (its
                20 clients submit, then poll each job every 10 ms; their polls per job are in the table),
                after two whole rounds of warm-up.
                Charts: `getjobstatus.png`, `quick-latency.png`, `cancel-latency.png`. The engines
                benchmark (H2 against PostgreSQL) and the cluster benchmark (nodes on one PostgreSQL,
                `cluster.png`) have sections of their own below.

                ## Last run

                `%s` on %s, %s (%s run). Load average before the run `%s`, after `%s` (other
                builds share this machine: read the ratios, not the absolute figures).

                %s
                ![GetJobStatus calls/s](getjobstatus.png)
                ![Quick query latency](quick-latency.png)
                ![Cancel latency](cancel-latency.png)
                """.formatted(command, date, cpu, quick ? "quick" : "full", loadBefore, loadAfter, table);
    }
}
