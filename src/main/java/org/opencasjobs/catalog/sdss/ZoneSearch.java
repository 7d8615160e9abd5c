package org.opencasjobs.catalog.sdss;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Cone and rectangle searches over a context's {@link ZoneIndex Zone} table, run on the user's
 * own connection in their MyDB database, where the context is a schema of read-only linked
 * tables. Each zone the search touches is one {@code zoneID = ? AND ra BETWEEN ? AND ?} query;
 * H2 hands such a range on a linked table's index to the context database as a WHERE clause
 * (its {@code LinkedIndex}), where the (zoneID, ra) B-tree answers it, so only the rows of
 * those ranges cross over. The exact distance test is then made here.
 */
final class ZoneSearch {
    /** Past this many zones a search reads whole zones, in one range, rather than a query per zone. */
    static final int MAX_ZONE_QUERIES = 2000;
    /** Widens the ranges read by far more than rounding, so no object at the edge is missed. */
    private static final double PAD_DEG = 1e-9;
    private static final String COLUMNS = "objID, run, camcol, field, rerun, type, mode, cx, cy, cz, htmID, ra, dec";

    /** A row of the Zone table that matched, with its distance from the centre in arcmin (0 for rectangles). */
    record Hit(long objID, Integer run, Integer camcol, Integer field, Integer rerun, int type, int mode, double cx,
            double cy, double cz, Long htmID, double ra, double dec, double distance) {
    }

    private ZoneSearch() {
    }

    /** A unit vector of (ra, dec) in degrees. */
    static double[] unit(double raDeg, double decDeg) {
        double ra = Math.toRadians(raDeg);
        double dec = Math.toRadians(decDeg);
        return new double[] {Math.cos(dec) * Math.cos(ra), Math.cos(dec) * Math.sin(ra), Math.sin(dec)};
    }

    /** The angle between two unit vectors in arcmin, from their chord as SkyServer computes it. */
    static double distanceArcmin(double x1, double y1, double z1, double x2, double y2, double z2) {
        double chord = Math.sqrt((x1 - x2) * (x1 - x2) + (y1 - y2) * (y1 - y2) + (z1 - z2) * (z1 - z2));
        return 2 * Math.toDegrees(Math.asin(Math.min(1.0, chord / 2))) * 60;
    }

    /** ra in [0, 360). */
    static double normalizeRa(double ra) {
        double r = ra % 360.0;
        return r < 0 ? r + 360.0 : r;
    }

    /**
     * The half-width in ra of a circle of radius {@code rDeg} about declination {@code decDeg}:
     * the widest ra offset any of its points has, asin(sin r / cos dec); 180 if it reaches a pole.
     */
    static double alpha(double decDeg, double rDeg) {
        if (rDeg <= 0) {
            return 0;
        }
        if (Math.abs(decDeg) + rDeg >= 90 - 1e-6) {
            return 180;
        }
        double s = Math.sin(Math.toRadians(rDeg)) / Math.cos(Math.toRadians(decDeg));
        return s >= 1 ? 180 : Math.toDegrees(Math.asin(s));
    }

    /** One ra range of one or more zones to read. */
    private record Range(int zoneFrom, int zoneTo, double raFrom, double raTo) {
    }

    /**
     * The objects strictly within {@code rArcmin} of (ra, dec), nearest first.
     *
     * @param primaryOnly only mode 1 (PhotoPrimary), as the functions without "All" in their name
     */
    static List<Hit> cone(Connection c, double ra, double dec, double rArcmin, boolean primaryOnly) throws SQLException {
        List<Hit> out = new ArrayList<>();
        if (!(rArcmin > 0) || Double.isNaN(ra) || Double.isNaN(dec)) {
            return out; // nothing is closer than 0, or than NaN
        }
        double rDeg = rArcmin / 60.0;
        double[] n = unit(ra, dec);
        int zFrom = ZoneIndex.zoneOf(Math.max(-90, dec - rDeg - PAD_DEG));
        int zTo = ZoneIndex.zoneOf(Math.min(90, dec + rDeg + PAD_DEG));
        double a = alpha(dec, rDeg);
        List<Range> ranges = new ArrayList<>();
        for (double[] span : raSpans(normalizeRa(ra), a == 180 ? 180 : a * (1 + 1e-9) + PAD_DEG)) {
            addRanges(ranges, zFrom, zTo, span[0], span[1]);
        }
        read(c, ranges, h -> {
            if (primaryOnly && h.mode() != 1) {
                return;
            }
            double d = distanceArcmin(n[0], n[1], n[2], h.cx(), h.cy(), h.cz());
            if (d < rArcmin) {
                out.add(new Hit(h.objID(), h.run(), h.camcol(), h.field(), h.rerun(), h.type(), h.mode(), h.cx(), h.cy(),
                        h.cz(), h.htmID(), h.ra(), h.dec(), d));
            }
        });
        out.sort(Comparator.comparingDouble(Hit::distance).thenComparingLong(Hit::objID));
        return out;
    }

    /**
     * The primary objects with dec1 &lt; dec &lt; dec2 whose ra lies strictly east of ra1 and
     * west of ra2 (so ra1 = 350, ra2 = 10 is the 20 degrees across ra 0).
     */
    static List<Hit> rect(Connection c, double ra1, double dec1, double ra2, double dec2) throws SQLException {
        List<Hit> out = new ArrayList<>();
        if (!(dec1 < dec2) || Double.isNaN(ra1) || Double.isNaN(ra2)) {
            return out;
        }
        double from = normalizeRa(ra1);
        double width = normalizeRa(ra2 - ra1);
        List<Range> ranges = new ArrayList<>();
        int zFrom = ZoneIndex.zoneOf(Math.max(-90, dec1 - PAD_DEG));
        int zTo = ZoneIndex.zoneOf(Math.min(90, dec2 + PAD_DEG));
        if (from + width <= 360) {
            addRanges(ranges, zFrom, zTo, from, from + width);
        } else {
            addRanges(ranges, zFrom, zTo, from, 360);
            addRanges(ranges, zFrom, zTo, 0, from + width - 360);
        }
        read(c, ranges, h -> {
            double east = normalizeRa(h.ra() - from);
            if (h.mode() == 1 && h.dec() > dec1 && h.dec() < dec2 && east > 0 && east < width) {
                out.add(h);
            }
        });
        out.sort(Comparator.comparingDouble(Hit::ra).thenComparingLong(Hit::objID));
        return out;
    }

    /** The ra spans of [ra - halfWidth, ra + halfWidth] within [0, 360]. */
    private static List<double[]> raSpans(double ra, double halfWidth) {
        if (halfWidth >= 180) {
            return List.of(new double[] {0, 360});
        }
        double lo = ra - halfWidth;
        double hi = ra + halfWidth;
        if (lo < 0) {
            return List.of(new double[] {0, hi}, new double[] {lo + 360, 360});
        }
        if (hi > 360) {
            return List.of(new double[] {lo, 360}, new double[] {0, hi - 360});
        }
        return List.of(new double[] {lo, hi});
    }

    /** One range per zone, or, for very many zones or the whole ra circle, one range of whole zones. */
    private static void addRanges(List<Range> ranges, int zFrom, int zTo, double raFrom, double raTo) {
        if (zTo - zFrom + 1 > MAX_ZONE_QUERIES || (raFrom <= 0 && raTo >= 360)) {
            Range whole = new Range(zFrom, zTo, Double.NaN, Double.NaN);
            if (!ranges.contains(whole)) { // both ra spans of one search: read the zones once
                ranges.add(whole);
            }
            return;
        }
        for (int z = zFrom; z <= zTo; z++) {
            ranges.add(new Range(z, z, raFrom, raTo));
        }
    }

    private interface Sink {
        void accept(Hit h);
    }

    private static void read(Connection c, List<Range> ranges, Sink sink) throws SQLException {
        String zone = ContextTables.zoneTable(c);
        try (PreparedStatement inZone = c.prepareStatement("SELECT " + COLUMNS + " FROM " + zone
                + " WHERE zoneID = ? AND ra BETWEEN ? AND ?");
             PreparedStatement zones = c.prepareStatement("SELECT " + COLUMNS + " FROM " + zone
                + " WHERE zoneID BETWEEN ? AND ?")) {
            for (Range r : ranges) {
                PreparedStatement ps;
                if (Double.isNaN(r.raFrom())) {
                    ps = zones;
                    ps.setInt(1, r.zoneFrom());
                    ps.setInt(2, r.zoneTo());
                } else {
                    ps = inZone;
                    ps.setInt(1, r.zoneFrom());
                    ps.setDouble(2, r.raFrom());
                    ps.setDouble(3, r.raTo());
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        sink.accept(new Hit(rs.getLong(1), integer(rs, 2), integer(rs, 3), integer(rs, 4), integer(rs, 5),
                                rs.getInt(6), rs.getInt(7), rs.getDouble(8), rs.getDouble(9), rs.getDouble(10),
                                bigint(rs, 11), rs.getDouble(12), rs.getDouble(13), 0));
                    }
                }
            }
        }
    }

    private static Integer integer(ResultSet rs, int i) throws SQLException {
        int v = rs.getInt(i);
        return rs.wasNull() ? null : v;
    }

    private static Long bigint(ResultSet rs, int i) throws SQLException {
        long v = rs.getLong(i);
        return rs.wasNull() ? null : v;
    }
}
