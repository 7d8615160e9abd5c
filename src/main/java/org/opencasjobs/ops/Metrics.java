package org.opencasjobs.ops;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The service's meters, exposed at {@code /metrics} in Prometheus text format: requests by
 * operation, protocol and outcome; jobs waiting and running by queue and status; how long batch
 * jobs waited and ran; worker and connection-pool usage; and the JVM's own.
 */
public final class Metrics {
    /** Histogram buckets of request latency: from a status call to a minute-long quick query. */
    private static final Duration[] REQUEST_BUCKETS = seconds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
            30, 60);
    /** Histogram buckets of job waits and run times: seconds to the longest batch queue's hours. */
    private static final Duration[] JOB_BUCKETS = seconds(0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600, 4 * 3600,
            12 * 3600, 24 * 3600);

    /** A count of active jobs of one queue in one status. */
    public record JobCount(String queue, String status, long count) {
    }

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final MultiGauge activeJobs;
    private volatile Supplier<List<JobCount>> jobCounts = List::of;
    private final Map<String, Timer> requestTimers = new ConcurrentHashMap<>();

    public Metrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        activeJobs = MultiGauge.builder("opencasjobs.jobs")
                .description("Jobs now waiting (ready), started or canceling, by queue").register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Where the active job counts come from: read afresh at each scrape. */
    public void countJobsWith(Supplier<List<JobCount>> counts) {
        this.jobCounts = counts;
    }

    /** One request served. */
    public void request(String protocol, String operation, String outcome, long nanos) {
        // Built once per label set: building a timer with its buckets on every request was a hot-path cost.
        requestTimers.computeIfAbsent(protocol + "\u0000" + operation + "\u0000" + outcome, k ->
                Timer.builder("opencasjobs.requests").description("Requests served, by operation, protocol and outcome")
                        .tags("protocol", protocol, "operation", operation, "outcome", outcome)
                        .serviceLevelObjectives(REQUEST_BUCKETS).register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    /** A batch job left its queue after waiting {@code waited} since submission. */
    public void jobStarted(String queue, Duration waited) {
        Timer.builder("opencasjobs.job.wait").description("Time batch jobs waited in their queue before starting")
                .tags("queue", queue).serviceLevelObjectives(JOB_BUCKETS).register(registry).record(waited);
    }

    /** A batch job ended in {@code status} after running for {@code ran}. */
    public void jobEnded(String queue, String status, Duration ran) {
        Timer.builder("opencasjobs.job.run").description("Run time of batch jobs, by queue and final status")
                .tags("queue", queue, "status", status).serviceLevelObjectives(JOB_BUCKETS).register(registry)
                .record(ran);
    }

    /** The Prometheus text exposition of every meter. */
    public String scrape() {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        for (JobCount c : jobCounts.get()) {
            rows.add(MultiGauge.Row.of(Tags.of("queue", c.queue(), "status", c.status()), c.count()));
        }
        activeJobs.register(rows, true);
        return registry.scrape();
    }

    private static Duration[] seconds(double... values) {
        Duration[] out = new Duration[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Duration.ofNanos((long) (values[i] * 1e9));
        }
        return out;
    }
}
