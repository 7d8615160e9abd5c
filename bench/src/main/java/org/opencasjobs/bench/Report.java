package org.opencasjobs.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The one table: each figure beside its reference from the same run, the ratio, and the target. */
final class Report {
    /**
     * One line. {@code ratio} is product / reference; {@code higherIsBetter} says which way the
     * target bound goes (calls/s: at least; latency: at most). A NaN reference means none.
     */
    record Row(String benchmark, double product, double reference, String unit, String referenceName,
               double ratio, String target, Boolean met, String failure) {
        Row(String benchmark, double product, double reference, String unit, String referenceName, double ratio,
            String target, Boolean met) {
            this(benchmark, product, reference, unit, referenceName, ratio, target, met, null);
        }
    }

    final List<Row> rows = new ArrayList<>();
    final List<String> notes = new ArrayList<>();

    void add(String benchmark, double product, double reference, String unit, String referenceName,
             String target, Boolean met) {
        double ratio = Double.isNaN(reference) || reference == 0 ? Double.NaN : product / reference;
        rows.add(new Row(benchmark, product, reference, unit, referenceName, ratio, target, met));
        System.out.printf(Locale.ROOT, "  %-46s %12s %-8s ref %12s %s%n", benchmark, fmt(product), unit,
                fmt(reference), Double.isNaN(ratio) ? "" : "ratio " + fmt(ratio));
    }

    /**
     * A benchmark that failed (a wrk timeout, a job that did not end, a server that stopped
     * answering): a line of the table saying so and why, so that the run goes on to the others.
     */
    void failed(String benchmark, String target, Throwable e) {
        String reason = String.valueOf(e.getMessage() == null ? e.toString() : e.getMessage())
                .replaceAll("\\s+", " ").replace("|", "/");
        if (reason.length() > 200) {
            reason = reason.substring(0, 197) + "...";
        }
        rows.add(new Row(benchmark, Double.NaN, Double.NaN, "", "", Double.NaN, target, null, reason));
        System.out.printf(Locale.ROOT, "  %-46s FAILED: %s%n", benchmark, reason);
    }

    static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "—";
        }
        double a = Math.abs(v);
        if (a >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    /**
     * A ratio with three decimals below 10: with two, 0.7996 printed as 0.80 beside a target of
     * 0.8 marked not met.
     */
    static String ratio(double v) {
        return Math.abs(v) < 10 ? String.format(Locale.ROOT, "%.3f", v) : fmt(v);
    }

    String markdown() {
        StringBuilder s = new StringBuilder();
        s.append("| benchmark | product | reference (same run) | ratio | target | met |\n");
        s.append("|---|---:|---:|---:|---|---|\n");
        for (Row r : rows) {
            if (r.failure() != null) {
                s.append("| ").append(r.benchmark()).append(" | failed: ").append(r.failure()).append(" | — | — | ")
                        .append(r.target() == null ? "" : r.target()).append(" | **failed** |\n");
                continue;
            }
            s.append("| ").append(r.benchmark()).append(" | ").append(fmt(r.product())).append(' ').append(r.unit())
                    .append(" | ").append(Double.isNaN(r.reference()) ? "—"
                            : fmt(r.reference()) + " " + r.unit() + " (" + r.referenceName() + ")")
                    .append(" | ").append(Double.isNaN(r.ratio()) ? "—" : ratio(r.ratio()) + "×")
                    .append(" | ").append(r.target() == null ? "" : r.target())
                    .append(" | ").append(r.met() == null ? "" : r.met() ? "yes" : "**no**").append(" |\n");
        }
        return s.toString();
    }
}
