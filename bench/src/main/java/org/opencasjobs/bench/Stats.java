package org.opencasjobs.bench;

import java.util.Arrays;
import java.util.List;

/** Medians and percentiles (nearest rank) of measured values. */
final class Stats {
    private Stats() {
    }

    static double median(List<Double> values) {
        return percentile(values, 50);
    }

    static double percentile(List<Double> values, double p) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(v);
        int rank = (int) Math.ceil(p / 100.0 * v.length);
        return v[Math.max(0, Math.min(v.length - 1, rank - 1))];
    }
}
