package org.opencasjobs.catalog.sdss;

import java.util.List;

/**
 * Where the synthetic imaging lies: a few SDSS-like stripes, each 2.5° wide and scanned by two
 * runs (the north and south strips), each strip by 6 camera columns, each column cut into
 * fields along the scan, plus a repeat run over each strip whose detections are the secondary
 * observations. As in SDSS, a stripe's 12 lanes (2 strips × 6 camcols) tile its width.
 *
 * <p>Simplification, said plainly: real stripes follow great circles of the survey coordinate
 * system; here a stripe is a band of constant declination (exactly what Stripe 82, on the
 * equator, is) centred on a given ra, and it grows along ra with the number of rows asked for,
 * so that the density of objects stays SDSS-like (a few thousand per square degree) whatever
 * the size: cone searches and neighbours find what they would find in SDSS.
 */
final class Footprint {
    /** Primary objects per square degree the generator aims at. */
    static final double DENSITY = 3000;
    /** A field along the scan: 1361 rows of 0.396″ pixels (its overlap left out). */
    static final double FIELD_LENGTH = 1361 * 0.396 / 3600;
    /** A stripe's width in declination; 12 lanes of camcol width tile it. */
    static final double STRIPE_WIDTH = 2.5;
    static final double LANE_WIDTH = STRIPE_WIDTH / 12;
    static final int FIRST_FIELD = 11;

    /**
     * One stripe: its SDSS stripe number, centre, the runs of its north and south strips and of
     * their repeat scans, the imaging MJD of the first run, and its share of the objects.
     */
    record Stripe(int number, double raCentre, double decCentre, int runNorth, int runSouth,
            int repeatNorth, int repeatSouth, int mjd, double share) {
        double decMin() {
            return decCentre - STRIPE_WIDTH / 2;
        }
    }

    /**
     * The Sample (DR-like) footprint: the equatorial stripe 10 around ra 180 (where most sample
     * queries point), Stripe 82 across ra 0 (so searches cross ra = 0/360), and two northern
     * bands. Runs 752/756 (stripe 10) and 94/125 (stripe 82) are real SDSS scans of those
     * stripes; the other stripe numbers, runs and MJDs are made up, only shaped like SDSS's.
     */
    static final List<Stripe> SAMPLE = List.of(
            new Stripe(10, 180, 0, 752, 756, 1140, 1231, 51259, 0.50),
            new Stripe(82, 0, 0, 94, 125, 4203, 4207, 51075, 0.20),
            new Stripe(23, 150, 32.5, 3903, 3910, 4851, 4858, 53043, 0.15),
            new Stripe(35, 250, 62.5, 1336, 1339, 2964, 2968, 51997, 0.15));

    /**
     * The Stripe82 context: the deep co-add of Stripe 82, whose two "runs" are 106 (north) and
     * 206 (south) in SDSS; its repeat runs stand for single-epoch scans.
     */
    static final List<Stripe> STRIPE82 = List.of(new Stripe(82, 0, 0, 106, 206, 94, 125, 52522, 1.0));

    private Footprint() {
    }

    /** How many fields along ra a stripe needs to hold {@code rows} objects at {@link #DENSITY}. */
    static int fieldsFor(Stripe s, long rows) {
        double cellArea = LANE_WIDTH * FIELD_LENGTH; // square degrees: ra step is scaled by cos(dec)
        return (int) Math.max(1, Math.ceil(rows / (DENSITY * cellArea * 12)));
    }

    /** The ra span of one field at the stripe's declination. */
    static double fieldRaLength(Stripe s) {
        return FIELD_LENGTH / StrictMath.cos(StrictMath.toRadians(s.decCentre()));
    }
}
