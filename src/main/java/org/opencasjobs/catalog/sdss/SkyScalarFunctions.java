package org.opencasjobs.catalog.sdss;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;

/**
 * The H2 bodies of SkyServer's scalar functions; their contracts are in
 * {@link SkyFunctionContracts}. Those declared deterministic read no table, so H2 evaluates
 * {@code dbo.fPhotoFlags('SATURATED')} once per statement, not once per row. NULL in gives
 * NULL out (boxed arguments), as in SQL Server.
 */
public final class SkyScalarFunctions {
    /** The objID bit of an object in the first field of its run. */
    static final long FIRST_FIELD_BIT = 0x10000000L;

    private SkyScalarFunctions() {
    }

    // ------------------------------------------------------------------ distances

    public static Double fDistanceArcMinEq(Double ra1, Double dec1, Double ra2, Double dec2) {
        if (ra1 == null || dec1 == null || ra2 == null || dec2 == null) {
            return null;
        }
        double[] a = ZoneSearch.unit(ra1, dec1);
        double[] b = ZoneSearch.unit(ra2, dec2);
        return ZoneSearch.distanceArcmin(a[0], a[1], a[2], b[0], b[1], b[2]);
    }

    public static Double fDistanceEq(Double ra1, Double dec1, Double ra2, Double dec2) {
        return fDistanceArcMinEq(ra1, dec1, ra2, dec2);
    }

    public static Double fDistanceArcMinXYZ(Double nx1, Double ny1, Double nz1, Double nx2, Double ny2, Double nz2) {
        if (nx1 == null || ny1 == null || nz1 == null || nx2 == null || ny2 == null || nz2 == null) {
            return null;
        }
        return ZoneSearch.distanceArcmin(nx1, ny1, nz1, nx2, ny2, nz2);
    }

    /**
     * SkyServer's zone "expansion" of a radius theta at declination dec (degrees): the ra
     * half-width of the circle, 180 once |dec| + theta passes 89.9.
     */
    public static Double fGetAlpha(Double theta, Double dec) {
        if (theta == null || dec == null) {
            return null;
        }
        if (Math.abs(dec) + theta > 89.9) {
            return 180.0;
        }
        double t = Math.toRadians(theta);
        double d = Math.toRadians(dec);
        return Math.toDegrees(Math.atan(Math.abs(Math.sin(t) / Math.sqrt(Math.cos(d - t) * Math.cos(d + t)))));
    }

    public static Long fGetNearestObjIdEq(Connection c, Double ra, Double dec, Double r) throws SQLException {
        return nearest(c, ra, dec, r, true);
    }

    public static Long fGetNearestObjIdAllEq(Connection c, Double ra, Double dec, Double r) throws SQLException {
        return nearest(c, ra, dec, r, false);
    }

    private static Long nearest(Connection c, Double ra, Double dec, Double r, boolean primaryOnly) throws SQLException {
        if (ra == null || dec == null || r == null) {
            return null;
        }
        List<ZoneSearch.Hit> hits = ZoneSearch.cone(c, ra, dec, r, primaryOnly);
        return hits.isEmpty() ? null : hits.get(0).objID();
    }

    // ------------------------------------------------------------------ flags and types

    public static Long fPhotoFlags(String name) {
        return SdssConstants.PHOTO_FLAGS.value(name);
    }

    public static String fPhotoFlagsN(Long value) {
        return value == null ? null : SdssConstants.PHOTO_FLAGS.bitNames(value, 63);
    }

    public static Integer fPhotoStatus(String name) {
        return asInt(SdssConstants.PHOTO_STATUS.value(name));
    }

    public static String fPhotoStatusN(Integer value) {
        return value == null ? null : SdssConstants.PHOTO_STATUS.bitNames(value & 0xFFFFFFFFL, 32);
    }

    public static Integer fPhotoType(String name) {
        return asInt(SdssConstants.PHOTO_TYPE.value(name));
    }

    public static String fPhotoTypeN(Integer value) {
        return value == null ? null : SdssConstants.PHOTO_TYPE.name(value);
    }

    public static Integer fPhotoMode(String name) {
        return asInt(SdssConstants.PHOTO_MODE.value(name));
    }

    public static String fPhotoModeN(Integer value) {
        return value == null ? null : SdssConstants.PHOTO_MODE.name(value);
    }

    public static Integer fSpecClass(String name) {
        return asInt(SdssConstants.SPEC_CLASS.value(name));
    }

    public static String fSpecClassN(Integer value) {
        return value == null ? null : SdssConstants.SPEC_CLASS.name(value);
    }

    public static Integer fSpecZWarning(String name) {
        return asInt(SdssConstants.SPEC_ZWARNING.value(name));
    }

    /** 'OK' for 0, as SkyServer; 'NULL' for NULL, as SkyServer too. */
    public static String fSpecZWarningN(Integer value) {
        if (value == null) {
            return "NULL";
        }
        return value == 0 ? "OK" : SdssConstants.SPEC_ZWARNING.bitNames(value & 0xFFFFFFFFL, 32);
    }

    public static Long fApogeeStarFlag(String name) {
        return SdssConstants.APOGEE_STAR_FLAG.value(name);
    }

    public static String fApogeeStarFlagN(Long value) {
        return value == null ? null : SdssConstants.APOGEE_STAR_FLAG.bitNames(value, 32);
    }

    public static Long fApogeeAspcapFlag(String name) {
        return SdssConstants.APOGEE_ASPCAP_FLAG.value(name);
    }

    public static String fApogeeAspcapFlagN(Long value) {
        return value == null ? null : SdssConstants.APOGEE_ASPCAP_FLAG.bitNames(value, 32);
    }

    public static Long fApogeeTarget1(String name) {
        return SdssConstants.APOGEE_TARGET1.value(name);
    }

    public static String fApogeeTarget1N(Long value) {
        return value == null ? null : SdssConstants.APOGEE_TARGET1.bitNames(value, 32);
    }

    private static Integer asInt(Long v) {
        return v == null ? null : (int) (long) v;
    }

    // ------------------------------------------------------------------ objIDs
    // The bits of an objID, high to low: skyVersion[5] rerun[11] run[16] camcol[3] firstField[1]
    // field[12] obj[16] (SkyServer reads 4 bits of skyVersion).

    public static Integer fSkyVersion(Long objID) {
        return bits(objID, 59, 0xF);
    }

    public static Integer fRerun(Long objID) {
        return bits(objID, 48, 0x7FF);
    }

    public static Integer fRun(Long objID) {
        return bits(objID, 32, 0xFFFF);
    }

    public static Integer fCamcol(Long objID) {
        return bits(objID, 29, 0x7);
    }

    public static Integer fField(Long objID) {
        return bits(objID, 16, 0xFFF);
    }

    public static Integer fObj(Long objID) {
        return bits(objID, 0, 0xFFFF);
    }

    private static Integer bits(Long objID, int shift, int mask) {
        return objID == null ? null : (int) ((objID >>> shift) & mask);
    }

    public static long fFirstFieldBit() {
        return FIRST_FIELD_BIT;
    }

    /** Sky version -1 stands for 15, as in SkyServer. */
    public static Long fObjidFromSDSS(Integer skyVersion, Integer run, Integer rerun, Integer camcol, Integer field,
            Integer obj) {
        return fObjidFromSDSSWithFF(skyVersion, run, rerun, camcol, field, obj, 0);
    }

    public static Long fObjidFromSDSSWithFF(Integer skyVersion, Integer run, Integer rerun, Integer camcol,
            Integer field, Integer obj, Integer firstField) {
        if (skyVersion == null || run == null || rerun == null || camcol == null || field == null || obj == null
                || firstField == null) {
            return null;
        }
        long sky = skyVersion == -1 ? 15 : skyVersion;
        return (sky << 59) + ((long) rerun << 48) + ((long) run << 32) + ((long) camcol << 29)
                + ((long) firstField << 28) + ((long) field << 16) + obj;
    }

    public static String fSDSS(Long objID) {
        if (objID == null) {
            return null;
        }
        return fSkyVersion(objID) + "-" + fRun(objID) + "-" + fRerun(objID) + "-" + fCamcol(objID) + "-"
                + fField(objID) + "-" + fObj(objID);
    }

    /** The objID of the primary object with the same SDSS numbers, whichever its first-field bit; 0 if none. */
    public static Long fPrimaryObjID(Connection c, Long objID) throws SQLException {
        return withFirstFieldBit(c, objID, " AND mode = 1");
    }

    /** The objID of the object with the same SDSS numbers, whichever its first-field bit; 0 if none. */
    public static Long fObjID(Connection c, Long objID) throws SQLException {
        return withFirstFieldBit(c, objID, "");
    }

    private static Long withFirstFieldBit(Connection c, Long objID, String condition) throws SQLException {
        if (objID == null) {
            return null;
        }
        String table = ContextTables.table(c, ZoneIndex.SOURCE);
        long without = objID & ~FIRST_FIELD_BIT;
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + table + " WHERE objID = ?" + condition)) {
            for (long candidate : new long[] {without, without | FIRST_FIELD_BIT}) {
                ps.setLong(1, candidate);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) > 0) {
                        return candidate;
                    }
                }
            }
        }
        return 0L;
    }

    // ------------------------------------------------------------------ times and angles

    /** The date of MJD 0. */
    private static final LocalDate MJD_EPOCH = LocalDate.of(1858, 11, 17);

    /** yyyy-mm-dd hh:mm:ss.sss, the time of day truncated to whole hours and minutes as SkyServer does. */
    public static String fMJDToGMT(Double mjd) {
        if (mjd == null) {
            return null;
        }
        double day = Math.floor(mjd);
        LocalDate date = MJD_EPOCH.plusDays((long) day);
        double hours = 24 * (mjd - day);
        int hr = (int) hours;
        int min = (int) (60 * (hours - hr));
        double sec = 60 * (60 * (hours - hr) - min);
        return String.format(Locale.ROOT, "%04d-%02d-%02d %02d:%02d:%06.3f", date.getYear(), date.getMonthValue(),
                date.getDayOfMonth(), hr, min, sec);
    }

    public static String fHMS(Double deg) {
        return fHMSbase(deg, 0, 2);
    }

    public static String fDMS(Double deg) {
        return fDMSbase(deg, 0, 2);
    }

    /** Right ascension in hours, minutes and seconds: hh:mm:ss.ss (no sign). */
    public static String fHMSbase(Double deg, Integer truncate, Integer precision) {
        return deg == null ? null : sexagesimal(Math.abs(deg / 15.0), truncate, precision);
    }

    /** Declination in degrees, minutes and seconds, signed: +dd:mm:ss.ss. */
    public static String fDMSbase(Double deg, Integer truncate, Integer precision) {
        return deg == null ? null : (deg < 0 ? "-" : "+") + sexagesimal(Math.abs(deg), truncate, precision);
    }

    /**
     * aa:mm:ss.s…: whole units and minutes cut, seconds rounded to {@code precision} decimals (1 to
     * 10, default 2) or cut if {@code truncate} is 1. Like SkyServer, seconds that round up to 60
     * are written as 60.
     */
    private static String sexagesimal(double value, Integer truncate, Integer precision) {
        int p = precision == null ? 2 : Math.max(1, Math.min(10, precision));
        boolean cut = truncate != null && truncate != 0;
        long whole = (long) Math.floor(value);
        double rest = 60.0 * (value - whole);
        long minutes = (long) Math.floor(rest);
        BigDecimal seconds = BigDecimal.valueOf(60.0 * (rest - minutes))
                .setScale(p, cut ? RoundingMode.DOWN : RoundingMode.HALF_UP);
        String s = seconds.toPlainString();
        String padded = s.indexOf('.') == 1 ? "0" + s : s;
        return String.format(Locale.ROOT, "%02d:%02d:%s", whole, minutes, padded);
    }
}
