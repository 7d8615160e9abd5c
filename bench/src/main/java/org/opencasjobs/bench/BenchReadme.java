package org.opencasjobs.bench;

/** bench/README.md: how the figures were made, and the last table. */
final class BenchReadme {
    private BenchReadme() {
    }

    static String render(String command, String date, String cpu, String loadBefore, String loadAfter, boolean quick,
                         String table) {
        return """
                # Benchmarks

                One command builds the product jar and this module, runs every benchmark of issue 14 on
                this machine and rewrites this page (`--quick` for a shorter run, about 2 minutes; the full
                run takes about 10):

                ```sh
                bench/run            # or: bench/run --quick
                ```

                Every figure stands beside a reference measured **in the same run**, on the same machine,
                as a ratio (product / reference), so a busy machine moves both. The product runs as a child
                JVM (`java -jar target/opencasjobs.jar serve`, defaults, an extra external context `Bench`
                holding a 100,000-row `PhotoObj`); the references are:

                - **bare CXF endpoint**: CXF on Jetty 12, the versions of the product's pom, the interface
                  generated from the same `wsdl/jobs.wsdl`, published as the product publishes its own, with
                  GetJobStatus returning a constant and nothing else (no filters, logs, metrics or login);
                - **plain Jetty handler**: answers any GET with the bytes the product answers
                  `GET …/jobs.asmx/GetJobStatus?…` with;
                - **direct JDBC**: the same query on a byte-for-byte copy of the `Bench` context's H2 file,
                  embedded in the benchmark's JVM; `Statement.cancel` for the cancel figure;
                - **H2 `CSVREAD` / `CSVWRITE`**: the engine's own import and export of the same CSV and table.

                Load is wrk when the machine has it (`apt-get install wrk`; C, so the client takes little of
                the CPU it shares with the servers), else a closed loop of kept-alive connections on plain
                sockets in Java (`Load`); a sample answer is checked for the expected status and any answer
                that is not a 200 fails the run.
                Each benchmark warms up first, then alternates product and reference; the table gives the
                median of the rounds (and the median of the per-round ratios).
                Charts: `getjobstatus.png`, `quick-latency.png`, `cancel-latency.png`.

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
