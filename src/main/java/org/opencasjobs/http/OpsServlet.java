package org.opencasjobs.http;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.opencasjobs.ops.Health;
import org.opencasjobs.ops.Metrics;

/** {@code /metrics} (Prometheus text format) and {@code /health} (200 when every part answers, else 503). */
final class OpsServlet extends HttpServlet {
    static final String METRICS = "/metrics";
    static final String HEALTH = "/health";
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final transient Metrics metrics;
    private final transient Health health;

    OpsServlet(Metrics metrics, Health health) {
        this.metrics = metrics;
        this.health = health;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getRequestURI().substring(req.getContextPath().length());
        resp.setHeader("Cache-Control", "no-store");
        if (path.equals(METRICS)) {
            AsmxFilter.send(resp, 200, PROMETHEUS_TEXT, metrics.scrape());
        } else {
            Health.Report report = health.check();
            AsmxFilter.send(resp, report.healthy() ? 200 : 503, "application/json", report.json());
        }
    }
}
