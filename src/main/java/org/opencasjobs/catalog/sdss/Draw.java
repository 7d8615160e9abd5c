package org.opencasjobs.catalog.sdss;

import java.util.SplittableRandom;

/**
 * The one random stream of a generation run, with the few distributions the catalog needs.
 * Every table draws from it in a fixed order and with {@link StrictMath} only, so the same
 * (rows, seed) gives the same catalog on every machine.
 */
final class Draw {
    private final SplittableRandom rnd;

    Draw(long seed) {
        rnd = new SplittableRandom(seed);
    }

    /** Uniform in [0, 1). */
    double u() {
        return rnd.nextDouble();
    }

    double uniform(double lo, double hi) {
        return lo + (hi - lo) * rnd.nextDouble();
    }

    int nextInt(int bound) {
        return rnd.nextInt(bound);
    }

    boolean chance(double p) {
        return rnd.nextDouble() < p;
    }

    /** Box–Muller with StrictMath, so every JVM draws the same numbers. */
    double gauss(double mean, double sigma) {
        double u1 = 1.0 - rnd.nextDouble(); // (0, 1]
        double u2 = rnd.nextDouble();
        return mean + sigma * StrictMath.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2.0 * StrictMath.PI * u2);
    }

    /** A value whose log10 is normal around log10(median) with the given width (dex). */
    double logNormal(double median, double dex) {
        return median * StrictMath.pow(10, gauss(0, dex));
    }

    /**
     * A magnitude in [lo, hi] drawn from number counts rising as 10^(slope·m), as source counts
     * do: many more faint objects than bright ones.
     */
    double counts(double lo, double hi, double slope) {
        double a = StrictMath.pow(10, slope * lo);
        double b = StrictMath.pow(10, slope * hi);
        return StrictMath.log10(a + rnd.nextDouble() * (b - a)) / slope;
    }

    double clamp(double v, double lo, double hi) {
        return v < lo ? lo : v > hi ? hi : v;
    }
}
