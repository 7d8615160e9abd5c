package org.opencasjobs.catalog.sdss;

import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;

/**
 * Writes {@code Neighbors}: every pair of PhotoObj objects (mode 1 or 2) within
 * {@link #RADIUS_ARCMIN} of each other, both ways round, with the great-circle distance in
 * arcminutes. Found with declination zones one radius high, each sorted by ra, so each object
 * is compared only with the objects of its own and the two adjacent zones within the ra window
 * the radius spans at its declination (and across ra = 0/360).
 */
final class Neighbors {
    static final double RADIUS_ARCMIN = 0.5;

    private static final List<String> COLUMNS = List.of("objID BIGINT NOT NULL", "neighborObjID BIGINT NOT NULL", "distance FLOAT",
            "type SMALLINT", "neighborType SMALLINT", "mode TINYINT", "neighborMode TINYINT");

    private Neighbors() {
    }

    static long write(SampleDatabase db, String note, PhotoIndex p) throws SQLException {
        double h = RADIUS_ARCMIN / 60;
        int n = 0;
        int[] rows = new int[p.size];
        for (int k = 0; k < p.size; k++) {
            if (p.mode[k] == 1 || p.mode[k] == 2) {
                rows[n++] = k;
            }
        }
        // sort by (zone, ra): a long key per row keeps the sort primitive
        long[] keys = new long[n];
        for (int j = 0; j < n; j++) {
            int k = rows[j];
            long zone = (long) StrictMath.floor((p.dec[k] + 90) / h);
            long raKey = (long) (p.ra[k] / 360 * (1L << 30));
            keys[j] = zone << 31 | raKey;
        }
        Integer[] order = new Integer[n];
        for (int j = 0; j < n; j++) {
            order[j] = j;
        }
        Arrays.sort(order, (a, b) -> Long.compare(keys[a], keys[b]));
        int[] sorted = new int[n];
        long[] sortedKeys = new long[n];
        for (int j = 0; j < n; j++) {
            sorted[j] = rows[order[j]];
            sortedKeys[j] = keys[order[j]];
        }
        try (TableWriter w = new TableWriter(db, "Neighbors", COLUMNS, note,
                "Pairs of PhotoObj objects within 0.5 arcmin of each other (both ways); distance in arcmin.")) {
            for (int j = 0; j < n; j++) {
                int k = sorted[j];
                long zone = sortedKeys[j] >>> 31;
                double window = h / Math.max(1e-6, StrictMath.cos(StrictMath.toRadians(Math.min(89.9, Math.abs(p.dec[k]) + h))));
                for (long z = zone - 1; z <= zone + 1; z++) {
                    if (window >= 180) { // near a pole: the whole zone
                        scan(w, p, sorted, sortedKeys, k, z, 0, 360);
                        continue;
                    }
                    scan(w, p, sorted, sortedKeys, k, z, p.ra[k] - window, p.ra[k] + window);
                    if (p.ra[k] - window < 0) {
                        scan(w, p, sorted, sortedKeys, k, z, p.ra[k] - window + 360, 360);
                    }
                    if (p.ra[k] + window >= 360) {
                        scan(w, p, sorted, sortedKeys, k, z, 0, p.ra[k] + window - 360);
                    }
                }
            }
            return w.rows();
        }
    }

    /** Writes the pairs of object k with the objects of zone z whose ra lies in [lo, hi]. */
    private static void scan(TableWriter w, PhotoIndex p, int[] sorted, long[] keys, int k, long z, double lo, double hi)
            throws SQLException {
        if (z < 0) {
            return;
        }
        long from = z << 31 | (long) (Math.max(0, lo) / 360 * (1L << 30));
        int j = lowerBound(keys, from);
        while (j < sorted.length && (keys[j] >>> 31) == z) {
            int m = sorted[j++];
            if (p.ra[m] > hi) {
                break;
            }
            if (m == k || p.ra[m] < lo) {
                continue;
            }
            double dist = Sky.distanceArcMin(p.ra[k], p.dec[k], p.ra[m], p.dec[m]);
            if (dist <= RADIUS_ARCMIN) {
                w.l(p.objID[k]).l(p.objID[m]).d(dist).i(p.type[k]).i(p.type[m]).i(p.mode[k]).i(p.mode[m]).end();
            }
        }
    }

    private static int lowerBound(long[] keys, long key) {
        int lo = 0;
        int hi = keys.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (keys[mid] < key) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** The primary key, added after the rows (faster than maintaining it while inserting). */
    static String primaryKey(String schema) {
        return "ALTER TABLE " + schema + ".Neighbors ADD PRIMARY KEY (objID, neighborObjID)";
    }
}
