package org.opencasjobs.catalog.sdss;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import org.h2.tools.SimpleResultSet;
import org.opencasjobs.catalog.sdss.SkyFunctionContracts.Column;

/**
 * The H2 bodies of SkyServer's table-valued functions ({@code CREATE ALIAS … FOR}); their
 * result columns come from {@link SkyFunctionContracts}. H2 passes the calling session's
 * connection first, so a function reads the context's Zone table as the user. While it
 * compiles a statement H2 calls each function once or twice only to learn its columns, on a
 * connection whose URL is {@code jdbc:columnlist:connection} and with NULL for arguments that
 * are not constants: those calls return the columns and read nothing. A NULL argument at run
 * time gives no rows, as in SQL Server.
 */
public final class SkyTableFunctions {
    private static final String COLUMN_LIST_URL = "jdbc:columnlist:connection";
    /** fFootprintEq: the survey covers a point if an object lies within this of it (a field is 13.5' by 9.8'). */
    static final double FOOTPRINT_REACH_ARCMIN = 3.0;

    private SkyTableFunctions() {
    }

    public static ResultSet fGetNearbyObjEq(Connection c, Double ra, Double dec, Double r) throws SQLException {
        return cone(c, "fGetNearbyObjEq", ra, dec, r, true, false);
    }

    public static ResultSet fGetNearbyObjAllEq(Connection c, Double ra, Double dec, Double r) throws SQLException {
        return cone(c, "fGetNearbyObjAllEq", ra, dec, r, false, false);
    }

    public static ResultSet fGetNearestObjEq(Connection c, Double ra, Double dec, Double r) throws SQLException {
        return cone(c, "fGetNearestObjEq", ra, dec, r, true, true);
    }

    public static ResultSet fGetNearestObjAllEq(Connection c, Double ra, Double dec, Double r) throws SQLException {
        return cone(c, "fGetNearestObjAllEq", ra, dec, r, false, true);
    }

    public static ResultSet fGetNearbyObjXYZ(Connection c, Double nx, Double ny, Double nz, Double r) throws SQLException {
        return xyzCone(c, "fGetNearbyObjXYZ", nx, ny, nz, r, true, false);
    }

    public static ResultSet fGetNearbyObjAllXYZ(Connection c, Double nx, Double ny, Double nz, Double r)
            throws SQLException {
        return xyzCone(c, "fGetNearbyObjAllXYZ", nx, ny, nz, r, false, false);
    }

    public static ResultSet fGetNearestObjXYZ(Connection c, Double nx, Double ny, Double nz, Double r)
            throws SQLException {
        return xyzCone(c, "fGetNearestObjXYZ", nx, ny, nz, r, true, true);
    }

    public static ResultSet fGetObjFromRectEq(Connection c, Double ra1, Double dec1, Double ra2, Double dec2)
            throws SQLException {
        SimpleResultSet out = empty("fGetObjFromRectEq");
        if (columnListOnly(c) || ra1 == null || dec1 == null || ra2 == null || dec2 == null) {
            return out;
        }
        return fill(out, "fGetObjFromRectEq", ZoneSearch.rect(c, ra1, dec1, ra2, dec2));
    }

    public static ResultSet fGetObjFromRect(Connection c, Double ra1, Double ra2, Double dec1, Double dec2)
            throws SQLException {
        SimpleResultSet out = empty("fGetObjFromRect");
        if (columnListOnly(c) || ra1 == null || dec1 == null || ra2 == null || dec2 == null) {
            return out;
        }
        return fill(out, "fGetObjFromRect", ZoneSearch.rect(c, ra1, dec1, ra2, dec2));
    }

    /**
     * One row, Type 'POLYGON', if the circle touches the footprint. The sample catalog has no
     * survey polygons, so the footprint is where the catalog has objects: within the radius
     * plus {@link #FOOTPRINT_REACH_ARCMIN} of the point.
     */
    public static ResultSet fFootprintEq(Connection c, Double ra, Double dec, Double radiusArcmin) throws SQLException {
        SimpleResultSet out = empty("fFootprintEq");
        if (columnListOnly(c) || ra == null || dec == null || radiusArcmin == null || radiusArcmin < 0) {
            return out;
        }
        if (!ZoneSearch.cone(c, ra, dec, radiusArcmin + FOOTPRINT_REACH_ARCMIN, false).isEmpty()) {
            out.addRow("POLYGON");
        }
        return out;
    }

    private static ResultSet xyzCone(Connection c, String name, Double nx, Double ny, Double nz, Double r,
            boolean primaryOnly, boolean nearestOnly) throws SQLException {
        if (nx == null || ny == null || nz == null) {
            return cone(c, name, null, null, r, primaryOnly, nearestOnly);
        }
        double norm = Math.sqrt(nx * nx + ny * ny + nz * nz);
        if (norm == 0) {
            return cone(c, name, null, null, r, primaryOnly, nearestOnly);
        }
        double dec = Math.toDegrees(Math.asin(Math.max(-1, Math.min(1, nz / norm))));
        double ra = ZoneSearch.normalizeRa(Math.toDegrees(Math.atan2(ny, nx)));
        return cone(c, name, ra, dec, r, primaryOnly, nearestOnly);
    }

    private static ResultSet cone(Connection c, String name, Double ra, Double dec, Double r, boolean primaryOnly,
            boolean nearestOnly) throws SQLException {
        SimpleResultSet out = empty(name);
        if (columnListOnly(c) || ra == null || dec == null || r == null) {
            return out;
        }
        List<ZoneSearch.Hit> hits = ZoneSearch.cone(c, ra, dec, r, primaryOnly);
        return fill(out, name, nearestOnly && hits.size() > 1 ? hits.subList(0, 1) : hits);
    }

    private static boolean columnListOnly(Connection c) throws SQLException {
        return COLUMN_LIST_URL.equals(c.getMetaData().getURL());
    }

    private static SimpleResultSet empty(String function) {
        SimpleResultSet rs = new SimpleResultSet();
        for (Column col : SkyFunctionContracts.named(function).columns()) {
            rs.addColumn(col.name(), col.jdbcType(), col.length(), 0);
        }
        return rs;
    }

    private static ResultSet fill(SimpleResultSet out, String function, List<ZoneSearch.Hit> hits) {
        List<Column> cols = SkyFunctionContracts.named(function).columns();
        for (ZoneSearch.Hit h : hits) {
            Object[] row = new Object[cols.size()];
            for (int i = 0; i < row.length; i++) {
                row[i] = value(h, cols.get(i).name());
            }
            out.addRow(row);
        }
        return out;
    }

    private static Object value(ZoneSearch.Hit h, String column) {
        return switch (column) {
            case "objID" -> h.objID();
            case "run" -> h.run();
            case "camcol" -> h.camcol();
            case "field" -> h.field();
            case "rerun" -> h.rerun();
            case "type" -> h.type();
            case "mode" -> h.mode();
            case "cx" -> h.cx();
            case "cy" -> h.cy();
            case "cz" -> h.cz();
            case "htmID" -> h.htmID();
            case "distance" -> h.distance();
            default -> throw new IllegalStateException("no value for column " + column);
        };
    }
}
