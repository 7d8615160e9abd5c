package org.opencasjobs.catalog.sdss;

/**
 * One astronomical source before it is observed: what it is, its redshift, its magnitudes
 * above the atmosphere but before Galactic extinction, and its shape. Every observation of it
 * (primary, secondary, deblend parent) is drawn from this.
 *
 * <p>The recipes are simple but keep what queries rely on: stars follow the stellar locus in
 * colour–colour space, quasars have the UV excess (u−g ≈ 0.2) below z ≈ 2.2, galaxies are red or
 * blue with colours reddening with redshift, and galaxy redshift grows with magnitude.
 */
final class Source {
    /** What a source is; photo type follows from it (quasars look like stars). */
    enum Kind { STAR, GALAXY, QSO, SKY, UNKNOWN }

    /** SDSS photo types (PhotoType): the values of {@code type}. */
    static final int TYPE_UNKNOWN = 0;
    static final int TYPE_GALAXY = 3;
    static final int TYPE_STAR = 6;
    static final int TYPE_SKY = 8;

    final Kind kind;
    /** Redshift: cosmological for galaxies and quasars, ~0 for stars. */
    final double z;
    /** u g r i z, unreddened. */
    final double[] mag = new double[5];
    /** Half-light radius in arcsec (the seeing for point sources). */
    final double r50;
    /** petroR90 / petroR50. */
    final double concentration;
    final double fracDeV;
    final double axisRatio;
    /** An early-type (red, bulge-dominated) galaxy. */
    final boolean early;

    private Source(Kind kind, double z, double r50, double concentration, double fracDeV, double axisRatio, boolean early) {
        this.kind = kind;
        this.z = z;
        this.r50 = r50;
        this.concentration = concentration;
        this.fracDeV = fracDeV;
        this.axisRatio = axisRatio;
        this.early = early;
    }

    int photoType() {
        return switch (kind) {
            case GALAXY -> TYPE_GALAXY;
            case STAR, QSO -> TYPE_STAR;
            case SKY -> TYPE_SKY;
            case UNKNOWN -> TYPE_UNKNOWN;
        };
    }

    /** A source of a kind drawn with SDSS-like proportions; {@code depth} shifts the faint limit (deeper co-adds). */
    static Source draw(Draw d, double depth) {
        double pick = d.u();
        if (pick < 0.40) {
            return star(d, depth);
        } else if (pick < 0.935) {
            return galaxy(d, depth);
        } else if (pick < 0.975) {
            return qso(d, depth);
        } else if (pick < 0.99) {
            return blank(d, Kind.SKY, depth);
        }
        return blank(d, Kind.UNKNOWN, depth);
    }

    /** A second galaxy or star close to this one: the other child of a deblended pair. */
    static Source companion(Draw d, double depth) {
        return d.chance(0.8) ? galaxy(d, depth) : star(d, depth);
    }

    private static Source star(Draw d, double depth) {
        Source s = new Source(Kind.STAR, d.gauss(0, 0.0001), d.uniform(0.55, 0.8), d.gauss(2.05, 0.08),
                d.clamp(d.gauss(0.4, 0.3), 0, 1), d.uniform(0.85, 1), false);
        double r = d.counts(14, 23 + depth, 0.2);
        double gr;
        double ug;
        double ri;
        if (d.chance(0.72)) { // the F/G turn-off of the halo and disc
            gr = d.clamp(d.gauss(0.42, 0.16), -0.3, 1.2);
            ug = 0.75 + 1.15 * gr + d.gauss(0, 0.08);
            ri = 0.36 * gr - 0.03 + d.gauss(0, 0.04);
        } else { // K and M dwarfs: u−g saturates near 2.5, r−i grows
            gr = d.clamp(d.gauss(1.35, 0.15), 1.0, 1.7);
            ug = d.clamp(2.45 + d.gauss(0, 0.15), 2.0, 3.2);
            ri = 0.35 + 2.2 * (gr - 1.0) + d.gauss(0, 0.15);
        }
        double iz = 0.53 * ri + d.gauss(0, 0.04);
        s.set(r, ug, gr, ri, iz);
        return s;
    }

    private static Source galaxy(Draw d, double depth) {
        boolean early = d.chance(0.4);
        double r = d.counts(14, 23 + depth, 0.3);
        // median z grows with magnitude: about 0.1 at r = 17.7 (the main sample), 0.5 at r ≈ 21
        double z = d.clamp(0.1 * StrictMath.pow(10, 0.2 * (r - 17.7)) * StrictMath.pow(10, d.gauss(0, 0.12)), 0.005, 1.2);
        double r50 = d.clamp(2.5 * StrictMath.pow(10, -0.15 * (r - 17)) * StrictMath.pow(10, d.gauss(0, 0.15)), 0.4, 40);
        Source s = new Source(Kind.GALAXY, z, r50,
                early ? d.gauss(2.95, 0.18) : d.gauss(2.3, 0.18),
                early ? d.uniform(0.75, 1.0) : d.uniform(0, 0.4),
                d.uniform(early ? 0.5 : 0.15, 1), early);
        double zz = Math.min(z, 0.8);
        double gr = early ? 0.72 + 1.05 * zz + d.gauss(0, 0.05) : 0.38 + 0.7 * zz + d.gauss(0, 0.1);
        double ug = early ? 1.78 + 0.5 * zz + d.gauss(0, 0.12) : 1.15 + 0.3 * zz + d.gauss(0, 0.18);
        double ri = early ? 0.40 + 0.55 * zz + d.gauss(0, 0.04) : 0.30 + 0.3 * zz + d.gauss(0, 0.07);
        double iz = early ? 0.33 + 0.2 * zz + d.gauss(0, 0.05) : 0.22 + 0.1 * zz + d.gauss(0, 0.07);
        s.set(r, ug, gr, ri, iz);
        return s;
    }

    private static Source qso(Draw d, double depth) {
        double z = d.clamp(0.3 + StrictMath.abs(d.gauss(1.2, 0.9)), 0.3, 5);
        Source s = new Source(Kind.QSO, z, d.uniform(0.55, 0.8), d.gauss(2.05, 0.08), d.clamp(d.gauss(0.3, 0.2), 0, 1),
                d.uniform(0.85, 1), false);
        double r = d.counts(16.5, 23 + depth, 0.3);
        double ug;
        double gr;
        if (z < 2.2) { // the UV excess that colour selection uses
            ug = d.gauss(0.2, 0.12);
            gr = d.gauss(0.15, 0.1);
        } else { // the Lyman forest moves into u, then g
            ug = 0.6 + 1.2 * (z - 2.2) + d.gauss(0, 0.2);
            gr = 0.15 + 0.3 * Math.max(0, z - 3.0) + d.gauss(0, 0.1);
        }
        s.set(r, ug, gr, d.gauss(0.12, 0.08), d.gauss(0.08, 0.08));
        return s;
    }

    /** Sky and unknown objects: faint, colourless measurements of nothing in particular. */
    private static Source blank(Draw d, Kind kind, double depth) {
        Source s = new Source(kind, 0, d.uniform(0.5, 1.5), d.gauss(2.2, 0.3), d.u(), d.u(), false);
        double r = d.uniform(22.5, 24.5) + depth;
        s.set(r, d.gauss(0, 0.8), d.gauss(0, 0.5), d.gauss(0, 0.5), d.gauss(0, 0.6));
        return s;
    }

    private void set(double r, double ug, double gr, double ri, double iz) {
        mag[2] = r;
        mag[1] = r + gr;
        mag[0] = mag[1] + ug;
        mag[3] = r - ri;
        mag[4] = mag[3] - iz;
    }
}
