package org.opencasjobs.catalog.sdss;

import java.sql.Types;
import java.util.List;
import java.util.Locale;

/**
 * What each SkyServer function is, apart from how it is computed: its name, arguments, result
 * type or result columns, and units, as SkyServer documents them. The H2 bodies
 * ({@link SkyScalarFunctions}, {@link SkyTableFunctions}) build their results from these
 * columns, {@link SkyFunctionInstaller} declares the functions from this list, and the
 * PostgreSQL bodies ({@link PostgresSkyFunctions}, over q3c) are written from the same list.
 *
 * <p>Angles: ra and dec in degrees; search radii and the {@code distance} column in arcminutes;
 * {@code cx, cy, cz} a unit vector. The cone searches return objects strictly closer than the
 * radius (so radius 0 returns nothing), nearest first.
 *
 * <p><b>CROSS APPLY.</b> H2 cannot pass a preceding table's columns to a table function (it has
 * no LATERAL), so the cross-match idiom {@code FROM MyDB.t q CROSS APPLY dbo.fGetNearbyObjEq(q.ra,
 * q.dec, R) n} must be rewritten (by the dialect) into a join on the context's {@code Zone} table,
 * for a constant R in arcmin, with K = ceiling(2 R) + 1 (zones are 0.5' high, see {@link ZoneIndex}):
 * <pre>
 * FROM MyDB.t q
 * JOIN SYSTEM_RANGE(-K, K) dz ON 1 = 1
 * JOIN (VALUES (-360.0), (0.0), (360.0)) w(shift)
 *   ON q.ra + w.shift - dbo.fGetAlpha(R / 60.0, q.dec) &lt; 360 AND q.ra + w.shift + dbo.fGetAlpha(R / 60.0, q.dec) &gt;= 0
 * LEFT JOIN Zone n ON n.zoneID = CAST(FLOOR((q.dec + 90) * 120) + dz.X AS INT)
 *   AND n.ra &gt;= q.ra + w.shift - dbo.fGetAlpha(R / 60.0, q.dec) AND n.ra &lt; q.ra + w.shift + dbo.fGetAlpha(R / 60.0, q.dec)
 * WHERE n.mode = 1                                   -- not for the …All… functions
 *   AND dbo.fDistanceArcMinXYZ(n.cx, n.cy, n.cz, COS(RADIANS(q.dec)) * COS(RADIANS(q.ra)),
 *       COS(RADIANS(q.dec)) * SIN(RADIANS(q.ra)), SIN(RADIANS(q.dec))) &lt; R
 * </pre>
 * with {@code n.distance} written as that same fDistanceArcMinXYZ, and n's other columns read
 * from Zone (objID, run, camcol, field, rerun, type, mode, cx, cy, cz, htmID). The ra shifts
 * cover the wrap at 0/360 with half-open ranges, so no object is matched twice even when the
 * circle reaches a pole (alpha 180). The LEFT JOIN is there only to keep H2 from reordering the
 * join (it has no FORCE ORDER): Zone is then read last, one index range per target, zone and
 * shift, which H2 hands to the context database (see ZoneSearch). The dialect's rule
 * {@code cone-apply} writes this join; OUTER APPLY of these functions is refused there (only
 * fGetNearestObjEq may be OUTER APPLYed: a LEFT JOIN on fGetNearestObjIdEq).
 * {@code SkyFunctionsCatalogTest} and {@code ConeApplyCatalogTest} check that it gives exactly the function's rows.
 */
public final class SkyFunctionContracts {
    private SkyFunctionContracts() {
    }

    /** An argument or a result column: its SQL type as SkyServer declares it, and its unit (or ""). */
    public record Column(String name, String type, String unit) {
        /** The length of a varchar, 0 for other types. */
        public int length() {
            int open = type.indexOf('(');
            return open < 0 ? 0 : Integer.parseInt(type.substring(open + 1, type.length() - 1));
        }

        /** The JDBC type of {@link #type()}. */
        public int jdbcType() {
            String t = type.toLowerCase(Locale.ROOT);
            if (t.startsWith("varchar")) {
                return Types.VARCHAR;
            }
            return switch (t) {
                case "bigint" -> Types.BIGINT;
                case "int" -> Types.INTEGER;
                case "tinyint" -> Types.TINYINT;
                case "float" -> Types.DOUBLE;
                default -> throw new IllegalStateException("no JDBC type for " + type);
            };
        }
    }

    /**
     * One function.
     *
     * @param returns the scalar result type, or {@code "table"} for a table-valued function
     * @param columns a table-valued function's result columns, in order (empty for a scalar)
     * @param body    the H2 body: {@code Class.method} in this package
     * @param deterministic the same arguments always give the same result and it reads no table,
     *                so H2 may evaluate it once per statement for constant arguments
     */
    public record Contract(String name, List<Column> args, String returns, List<Column> columns, String body,
            boolean deterministic, String summary) {

        public boolean tableValued() {
            return returns.equals("table");
        }
    }

    private static Column c(String name, String type, String unit) {
        return new Column(name, type, unit);
    }

    private static Column c(String name, String type) {
        return new Column(name, type, "");
    }

    private static final Column RA = c("ra", "float", "deg");
    private static final Column DEC = c("dec", "float", "deg");
    private static final Column R = c("r", "float", "arcmin");
    private static final List<Column> EQ_CONE = List.of(RA, DEC, R);
    private static final List<Column> XYZ_CONE = List.of(c("nx", "float"), c("ny", "float"), c("nz", "float"), R);
    private static final List<Column> NAME = List.of(c("name", "varchar(40)"));
    private static final List<Column> OBJID = List.of(c("objID", "bigint"));

    /** The photometric objects near a point, primary ones only: fGetNearbyObjEq and kin. */
    public static final List<Column> NEARBY_PRIMARY = List.of(c("objID", "bigint"), c("run", "int"),
            c("camcol", "int"), c("field", "int"), c("rerun", "int"), c("type", "int"), c("cx", "float"),
            c("cy", "float"), c("cz", "float"), c("htmID", "bigint"), c("distance", "float", "arcmin"));

    /** The same of every mode, with the mode (fGetNearbyObjAllEq declares it tinyint). */
    public static final List<Column> NEARBY_ALL = List.of(c("objID", "bigint"), c("run", "int"),
            c("camcol", "int"), c("field", "int"), c("rerun", "int"), c("type", "int"), c("mode", "tinyint"),
            c("cx", "float"), c("cy", "float"), c("cz", "float"), c("htmID", "bigint"),
            c("distance", "float", "arcmin"));

    /** fGetNearestObjAllEq and the …AllXYZ function declare mode as int. */
    private static final List<Column> NEARBY_ALL_INT_MODE = NEARBY_ALL.stream()
            .map(col -> col.name().equals("mode") ? c("mode", "int") : col).toList();

    /** The primary objects inside a rectangle (no distance). */
    public static final List<Column> RECT = NEARBY_PRIMARY.subList(0, NEARBY_PRIMARY.size() - 1);

    private static Contract table(String name, List<Column> args, List<Column> columns, String body, String summary) {
        return new Contract(name, args, "table", columns, body, false, summary);
    }

    private static Contract scalar(String name, List<Column> args, String returns, String body, String summary) {
        return new Contract(name, args, returns, List.of(), body, true, summary);
    }

    /** A scalar that reads the context's tables: evaluated every time. */
    private static Contract reading(String name, List<Column> args, String returns, String body, String summary) {
        return new Contract(name, args, returns, List.of(), body, false, summary);
    }

    private static final String T = "SkyTableFunctions.";
    private static final String S = "SkyScalarFunctions.";

    /** Every function installed in schema dbo of each MyDB database (on PostgreSQL: of the database). */
    public static final List<Contract> ALL = List.of(
            table("fGetNearbyObjEq", EQ_CONE, NEARBY_PRIMARY, T + "fGetNearbyObjEq",
                    "primary objects within r arcmin of (ra, dec), nearest first"),
            table("fGetNearbyObjAllEq", EQ_CONE, NEARBY_ALL, T + "fGetNearbyObjAllEq",
                    "objects of every mode within r arcmin of (ra, dec), nearest first"),
            table("fGetNearestObjEq", EQ_CONE, NEARBY_PRIMARY, T + "fGetNearestObjEq",
                    "the nearest primary object within r arcmin of (ra, dec)"),
            table("fGetNearestObjAllEq", EQ_CONE, NEARBY_ALL_INT_MODE, T + "fGetNearestObjAllEq",
                    "the nearest object of any mode within r arcmin of (ra, dec)"),
            table("fGetNearbyObjXYZ", XYZ_CONE, NEARBY_PRIMARY, T + "fGetNearbyObjXYZ",
                    "primary objects within r arcmin of the unit vector (nx, ny, nz)"),
            table("fGetNearbyObjAllXYZ", XYZ_CONE, NEARBY_ALL_INT_MODE, T + "fGetNearbyObjAllXYZ",
                    "objects of every mode within r arcmin of the unit vector (nx, ny, nz)"),
            table("fGetNearestObjXYZ", XYZ_CONE, NEARBY_PRIMARY, T + "fGetNearestObjXYZ",
                    "the nearest primary object within r arcmin of the unit vector (nx, ny, nz)"),
            table("fGetObjFromRectEq", List.of(c("ra1", "float", "deg"), c("dec1", "float", "deg"),
                    c("ra2", "float", "deg"), c("dec2", "float", "deg")), RECT, T + "fGetObjFromRectEq",
                    "primary objects with dec1 < dec < dec2 and ra east of ra1 and west of ra2"),
            table("fGetObjFromRect", List.of(c("ra1", "float", "deg"), c("ra2", "float", "deg"),
                    c("dec1", "float", "deg"), c("dec2", "float", "deg")), RECT, T + "fGetObjFromRect",
                    "fGetObjFromRectEq with the arguments in the order ra1, ra2, dec1, dec2"),
            table("fFootprintEq", List.of(RA, DEC, c("radius_arcmin", "float", "arcmin")),
                    List.of(c("Type", "varchar(16)")), T + "fFootprintEq",
                    "one row 'POLYGON' if the circle touches the survey's footprint, none otherwise"),

            scalar("fGetAlpha", List.of(c("theta", "float", "deg"), DEC), "float", S + "fGetAlpha",
                    "the ra half-width of a circle of radius theta about dec (180 when it nears a pole)"),
            scalar("fDistanceArcMinEq", List.of(c("ra1", "float", "deg"), c("dec1", "float", "deg"),
                    c("ra2", "float", "deg"), c("dec2", "float", "deg")), "float", S + "fDistanceArcMinEq",
                    "great-circle distance between two points, in arcmin"),
            scalar("fDistanceEq", List.of(c("ra1", "float", "deg"), c("dec1", "float", "deg"),
                    c("ra2", "float", "deg"), c("dec2", "float", "deg")), "float", S + "fDistanceEq",
                    "great-circle distance between two points, in arcmin"),
            scalar("fDistanceArcMinXYZ", List.of(c("nx1", "float"), c("ny1", "float"), c("nz1", "float"),
                    c("nx2", "float"), c("ny2", "float"), c("nz2", "float")), "float", S + "fDistanceArcMinXYZ",
                    "great-circle distance between two unit vectors, in arcmin"),
            reading("fGetNearestObjIdEq", EQ_CONE, "bigint", S + "fGetNearestObjIdEq",
                    "objID of the nearest primary object within r arcmin, or NULL"),
            reading("fGetNearestObjIdAllEq", EQ_CONE, "bigint", S + "fGetNearestObjIdAllEq",
                    "objID of the nearest object of any mode within r arcmin, or NULL"),

            scalar("fPhotoFlags", NAME, "bigint", S + "fPhotoFlags", "the PhotoFlags bit of a name"),
            scalar("fPhotoFlagsN", List.of(c("value", "bigint")), "varchar(1000)", S + "fPhotoFlagsN",
                    "the names of the PhotoFlags bits set"),
            scalar("fPhotoStatus", NAME, "int", S + "fPhotoStatus", "the PhotoStatus bit of a name"),
            scalar("fPhotoStatusN", List.of(c("value", "int")), "varchar(1000)", S + "fPhotoStatusN",
                    "the names of the PhotoStatus bits set"),
            scalar("fPhotoType", NAME, "int", S + "fPhotoType", "the PhotoType of a name (GALAXY: 3, STAR: 6)"),
            scalar("fPhotoTypeN", List.of(c("value", "int")), "varchar(40)", S + "fPhotoTypeN",
                    "the name of a PhotoType"),
            scalar("fPhotoMode", NAME, "int", S + "fPhotoMode", "the PhotoMode of a name (PRIMARY: 1)"),
            scalar("fPhotoModeN", List.of(c("value", "int")), "varchar(40)", S + "fPhotoModeN",
                    "the name of a PhotoMode"),
            scalar("fSpecClass", NAME, "int", S + "fSpecClass", "the SDSS-I/II SpecClass of a name"),
            scalar("fSpecClassN", List.of(c("value", "int")), "varchar(40)", S + "fSpecClassN",
                    "the name of an SDSS-I/II SpecClass"),
            scalar("fSpecZWarning", NAME, "int", S + "fSpecZWarning", "the zWarning bit of a name"),
            scalar("fSpecZWarningN", List.of(c("value", "int")), "varchar(1000)", S + "fSpecZWarningN",
                    "the names of the zWarning bits set ('OK' for 0)"),
            scalar("fApogeeStarFlag", NAME, "bigint", S + "fApogeeStarFlag", "the APOGEE STARFLAG bit of a name"),
            scalar("fApogeeStarFlagN", List.of(c("value", "bigint")), "varchar(1000)", S + "fApogeeStarFlagN",
                    "the names of the APOGEE STARFLAG bits set"),
            scalar("fApogeeAspcapFlag", NAME, "bigint", S + "fApogeeAspcapFlag",
                    "the APOGEE ASPCAPFLAG bit of a name"),
            scalar("fApogeeAspcapFlagN", List.of(c("value", "bigint")), "varchar(1000)",
                    S + "fApogeeAspcapFlagN", "the names of the APOGEE ASPCAPFLAG bits set"),
            scalar("fApogeeTarget1", NAME, "bigint", S + "fApogeeTarget1", "the APOGEE_TARGET1 bit of a name"),
            scalar("fApogeeTarget1N", List.of(c("value", "bigint")), "varchar(1000)", S + "fApogeeTarget1N",
                    "the names of the APOGEE_TARGET1 bits set"),

            reading("fPrimaryObjID", OBJID, "bigint", S + "fPrimaryObjID",
                    "the objID of the primary object with these run, rerun, camcol, field and obj, or 0"),
            reading("fObjID", OBJID, "bigint", S + "fObjID",
                    "the objID of the object with these run, rerun, camcol, field and obj, or 0"),
            scalar("fObjidFromSDSS", List.of(c("skyversion", "int"), c("run", "int"), c("rerun", "int"),
                    c("camcol", "int"), c("field", "int"), c("obj", "int")), "bigint", S + "fObjidFromSDSS",
                    "the objID of the SDSS numbers (first-field bit 0)"),
            scalar("fObjidFromSDSSWithFF", List.of(c("skyversion", "int"), c("run", "int"), c("rerun", "int"),
                    c("camcol", "int"), c("field", "int"), c("obj", "int"), c("firstfield", "int")), "bigint",
                    S + "fObjidFromSDSSWithFF", "the objID of the SDSS numbers and first-field bit"),
            scalar("fSDSS", OBJID, "varchar(64)", S + "fSDSS", "skyversion-run-rerun-camcol-field-obj of an objID"),
            scalar("fSkyVersion", OBJID, "int", S + "fSkyVersion", "the sky version bits of an objID"),
            scalar("fRerun", OBJID, "int", S + "fRerun", "the rerun bits of an objID"),
            scalar("fRun", OBJID, "int", S + "fRun", "the run bits of an objID"),
            scalar("fCamcol", OBJID, "int", S + "fCamcol", "the camcol bits of an objID"),
            scalar("fField", OBJID, "int", S + "fField", "the field bits of an objID"),
            scalar("fObj", OBJID, "int", S + "fObj", "the obj bits of an objID"),
            scalar("fFirstFieldBit", List.of(), "bigint", S + "fFirstFieldBit",
                    "the objID bit of an object in the first field of a run"),

            scalar("fMJDToGMT", List.of(c("mjd", "float", "d")), "varchar(32)", S + "fMJDToGMT",
                    "a Modified Julian Date as yyyy-mm-dd hh:mm:ss.sss"),
            scalar("fHMS", List.of(c("deg", "float", "deg")), "varchar(32)", S + "fHMS",
                    "right ascension as hh:mm:ss.ss"),
            scalar("fDMS", List.of(c("deg", "float", "deg")), "varchar(32)", S + "fDMS",
                    "declination as +dd:mm:ss.ss"),
            scalar("fHMSbase", List.of(c("deg", "float", "deg"), c("truncate", "int"), c("precision", "int")),
                    "varchar(32)", S + "fHMSbase",
                    "right ascension as hh:mm:ss with precision decimals, rounded (truncate 0) or cut (1)"),
            scalar("fDMSbase", List.of(c("deg", "float", "deg"), c("truncate", "int"), c("precision", "int")),
                    "varchar(32)", S + "fDMSbase",
                    "declination as +dd:mm:ss with precision decimals, rounded (truncate 0) or cut (1)"));

    /** The contract of a function, by name in any case. */
    public static Contract named(String name) {
        for (Contract c : ALL) {
            if (c.name().equalsIgnoreCase(name)) {
                return c;
            }
        }
        throw new IllegalArgumentException("no SkyServer function " + name);
    }
}
