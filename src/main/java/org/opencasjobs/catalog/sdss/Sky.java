package org.opencasjobs.catalog.sdss;

/**
 * Positions on the sky as SDSS stores them: the unit vector {@code (cx, cy, cz)} of (ra, dec),
 * the 20-deep HTM id, galactic coordinates, and great-circle distances. StrictMath only, so the
 * catalog is the same on every JVM.
 */
final class Sky {
    /** SDSS's htmID depth. */
    static final int HTM_DEPTH = 20;

    /** J2000 equatorial to galactic (rows: galactic x, y, z in equatorial components). */
    private static final double[][] TO_GALACTIC = {
        {-0.0548755604, -0.8734370902, -0.4838350155},
        {0.4941094279, -0.4448296300, 0.7469822445},
        {-0.8676661490, -0.1980763734, 0.4559837762}};

    /** HTM's eight root triangles (S0…S3, N0…N3 = ids 8…15), corners counter-clockwise from outside. */
    private static final double[][][] ROOTS;

    static {
        double[] v0 = {0, 0, 1};
        double[] v1 = {1, 0, 0};
        double[] v2 = {0, 1, 0};
        double[] v3 = {-1, 0, 0};
        double[] v4 = {0, -1, 0};
        double[] v5 = {0, 0, -1};
        ROOTS = new double[][][] {
            {v1, v5, v2}, {v2, v5, v3}, {v3, v5, v4}, {v4, v5, v1},
            {v1, v0, v4}, {v4, v0, v3}, {v3, v0, v2}, {v2, v0, v1}};
    }

    private Sky() {
    }

    static double[] xyz(double ra, double dec) {
        double a = StrictMath.toRadians(ra);
        double d = StrictMath.toRadians(dec);
        double cd = StrictMath.cos(d);
        return new double[] {cd * StrictMath.cos(a), cd * StrictMath.sin(a), StrictMath.sin(d)};
    }

    /** Galactic longitude and latitude, degrees, of (ra, dec) J2000. */
    static double[] galactic(double ra, double dec) {
        double[] e = xyz(ra, dec);
        double[] g = new double[3];
        for (int k = 0; k < 3; k++) {
            g[k] = TO_GALACTIC[k][0] * e[0] + TO_GALACTIC[k][1] * e[1] + TO_GALACTIC[k][2] * e[2];
        }
        double l = StrictMath.toDegrees(StrictMath.atan2(g[1], g[0]));
        double b = StrictMath.toDegrees(StrictMath.asin(Math.max(-1, Math.min(1, g[2]))));
        return new double[] {l < 0 ? l + 360 : l, b};
    }

    /** Great-circle distance in arcminutes (the haversine form: exact at small separations). */
    static double distanceArcMin(double ra1, double dec1, double ra2, double dec2) {
        double d1 = StrictMath.toRadians(dec1);
        double d2 = StrictMath.toRadians(dec2);
        double sd = StrictMath.sin((d2 - d1) / 2);
        double sa = StrictMath.sin(StrictMath.toRadians(ra2 - ra1) / 2);
        double h = sd * sd + StrictMath.cos(d1) * StrictMath.cos(d2) * sa * sa;
        return StrictMath.toDegrees(2 * StrictMath.asin(Math.min(1, StrictMath.sqrt(h)))) * 60;
    }

    /** ra in [0, 360). */
    static double wrapRa(double ra) {
        double r = ra % 360.0;
        return r < 0 ? r + 360.0 : r;
    }

    /**
     * The Hierarchical Triangular Mesh id of a unit vector at {@link #HTM_DEPTH}: the root
     * triangle's id (8…15) followed by two bits per level for the child (0…3) that holds the
     * point, children numbered as in the HTM reference code (corner 0, corner 1, corner 2, centre).
     */
    static long htmId(double[] p) {
        int root = -1;
        for (int k = 0; k < 8 && root < 0; k++) {
            if (inside(p, ROOTS[k][0], ROOTS[k][1], ROOTS[k][2])) {
                root = k;
            }
        }
        if (root < 0) {
            root = 0; // only possible through rounding on a root edge; any neighbour is as good
        }
        double[] a = ROOTS[root][0];
        double[] b = ROOTS[root][1];
        double[] c = ROOTS[root][2];
        long id = 8 + root;
        for (int level = 0; level < HTM_DEPTH; level++) {
            double[] w0 = midpoint(b, c);
            double[] w1 = midpoint(a, c);
            double[] w2 = midpoint(a, b);
            if (inside(p, a, w2, w1)) {
                id = id * 4;
                b = w2;
                c = w1;
            } else if (inside(p, b, w0, w2)) {
                id = id * 4 + 1;
                a = b;
                b = w0;
                c = w2;
            } else if (inside(p, c, w1, w0)) {
                id = id * 4 + 2;
                a = c;
                b = w1;
                c = w0;
            } else {
                id = id * 4 + 3;
                a = w0;
                b = w1;
                c = w2;
            }
        }
        return id;
    }

    private static boolean inside(double[] p, double[] a, double[] b, double[] c) {
        return side(a, b, p) >= -1e-15 && side(b, c, p) >= -1e-15 && side(c, a, p) >= -1e-15;
    }

    /** (a × b) · p: positive when p lies left of the great circle from a to b. */
    private static double side(double[] a, double[] b, double[] p) {
        return (a[1] * b[2] - a[2] * b[1]) * p[0] + (a[2] * b[0] - a[0] * b[2]) * p[1] + (a[0] * b[1] - a[1] * b[0]) * p[2];
    }

    private static double[] midpoint(double[] a, double[] b) {
        double x = a[0] + b[0];
        double y = a[1] + b[1];
        double z = a[2] + b[2];
        double n = StrictMath.sqrt(x * x + y * y + z * z);
        return new double[] {x / n, y / n, z / n};
    }
}
