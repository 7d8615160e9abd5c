package org.opencasjobs.catalog.sdss;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The SDSS enumerations and bit masks behind the SkyServer flag and type functions, in one
 * place: the functions ({@link SkyScalarFunctions}) read them from here, and
 * {@link LookupTables} writes them into a context as the small tables SkyServer users query
 * ({@code SELECT * FROM PhotoFlags}). Names and values are SDSS's (the SkyServer schema
 * browser's "enumerated values" pages, DataConstants); the descriptions are our own summaries.
 */
public final class SdssConstants {
    private SdssConstants() {
    }

    /** One named value: a bit of a mask, or a member of an enumeration. */
    public record Constant(String name, long value, String description) {
    }

    /**
     * A SkyServer enumeration or bit mask, named as its lookup table is.
     *
     * @param bits whether the values are bits of a mask (the …N function then lists every set bit)
     *             or plain codes (the …N function names the one value)
     */
    public record Enumeration(String table, boolean bits, List<Constant> values) {

        /** The value of a name, in any case; null for a name that is not there (as SkyServer). */
        public Long value(String name) {
            if (name == null) {
                return null;
            }
            String wanted = name.trim().toUpperCase(Locale.ROOT);
            for (Constant c : values) {
                if (c.name().equals(wanted)) {
                    return c.value();
                }
            }
            return null;
        }

        /** The name of a code; null if none has it. */
        public String name(long value) {
            for (Constant c : values) {
                if (c.value() == value) {
                    return c.name();
                }
            }
            return null;
        }

        /**
         * The names of the bits set in {@code mask}, highest bit first, each followed by a space,
         * as SkyServer's …N functions write them; bits of {@code highestBit} and above are not
         * looked at (SkyServer reads 63 bits of PhotoFlags and 32 of the others).
         */
        public String bitNames(long mask, int highestBit) {
            StringBuilder out = new StringBuilder();
            for (int bit = highestBit - 1; bit >= 0; bit--) {
                long b = 1L << bit;
                if ((mask & b) != 0) {
                    String n = name(b);
                    if (n != null) {
                        out.append(n).append(' ');
                    }
                }
            }
            return out.toString();
        }
    }

    private static final class Builder {
        private final List<Constant> values = new ArrayList<>();

        Builder add(String name, long value, String description) {
            values.add(new Constant(name, value, description));
            return this;
        }

        Builder bit(int bit, String name, String description) {
            return add(name, 1L << bit, description);
        }

        Enumeration codes(String table) {
            return new Enumeration(table, false, List.copyOf(values));
        }

        Enumeration bits(String table) {
            return new Enumeration(table, true, List.copyOf(values));
        }
    }

    /** PhotoObj.type: the photometric classification. */
    public static final Enumeration PHOTO_TYPE = new Builder()
            .add("UNKNOWN", 0, "type not known")
            .add("COSMIC_RAY", 1, "cosmic-ray track (not used)")
            .add("DEFECT", 2, "caused by a telescope or pipeline defect (not used)")
            .add("GALAXY", 3, "extended object: a galaxy")
            .add("GHOST", 4, "reflected or refracted light (not used)")
            .add("KNOWNOBJ", 5, "object from another catalogue (not used)")
            .add("STAR", 6, "point source: a star")
            .add("TRAIL", 7, "satellite, asteroid or meteor trail (not used)")
            .add("SKY", 8, "blank sky")
            .add("NOTATYPE", 9, "not a type")
            .codes("PhotoType");

    /** PhotoObj.mode: which of the duplicate detections of an object is the survey's. */
    public static final Enumeration PHOTO_MODE = new Builder()
            .add("PRIMARY", 1, "the primary detection of the object")
            .add("SECONDARY", 2, "another detection of a primary object")
            .add("FAMILY", 3, "a member of a deblending family that is neither primary nor secondary")
            .add("OUTSIDE", 4, "outside the chunk boundary")
            .add("HOLE", 5, "in a hole of the survey (field quality 5)")
            .codes("PhotoMode");

    /** PhotoObj.flags: 64 bits, objc_flags (bits 0-31) and objc_flags2 (32-63) together. */
    public static final Enumeration PHOTO_FLAGS = new Builder()
            .bit(0, "CANONICAL_CENTER", "measured at the r-band centre, not the local one")
            .bit(1, "BRIGHT", "found in the first, bright object detection pass")
            .bit(2, "EDGE", "too close to the edge of the frame")
            .bit(3, "BLENDED", "several peaks: a candidate deblending parent")
            .bit(4, "CHILD", "a product of deblending a BLENDED object")
            .bit(5, "PEAKCENTER", "centre is the peak pixel, not the fitted centre")
            .bit(6, "NODEBLEND", "BLENDED, but no deblending was attempted")
            .bit(7, "NOPROFILE", "too small or too near an edge for a radial profile")
            .bit(8, "NOPETRO", "no valid Petrosian radius")
            .bit(9, "MANYPETRO", "more than one Petrosian radius")
            .bit(10, "NOPETRO_BIG", "Petrosian radius beyond the last profile point")
            .bit(11, "DEBLEND_TOO_MANY_PEAKS", "more than 25 peaks; only the brightest 25 deblended")
            .bit(12, "COSMIC_RAY", "contains a pixel taken for a cosmic ray")
            .bit(13, "MANYR50", "more than one 50% light radius")
            .bit(14, "MANYR90", "more than one 90% light radius")
            .bit(15, "BAD_RADIAL", "radial profile points with negative signal-to-noise")
            .bit(16, "INCOMPLETE_PROFILE", "Petrosian radius crosses the frame edge")
            .bit(17, "INTERP", "contains interpolated pixels")
            .bit(18, "SATURATED", "contains saturated pixels")
            .bit(19, "NOTCHECKED", "contains pixels not checked for peaks")
            .bit(20, "SUBTRACTED", "a BRIGHT object whose wings were subtracted")
            .bit(21, "NOSTOKES", "no Stokes parameters measured")
            .bit(22, "BADSKY", "sky level so bad the object was not analysed")
            .bit(23, "PETROFAINT", "a Petrosian radius was rejected as too faint")
            .bit(24, "TOO_LARGE", "too large to measure its profile")
            .bit(25, "DEBLENDED_AS_PSF", "deblended as a point source")
            .bit(26, "DEBLEND_PRUNED", "a child too like another was removed")
            .bit(27, "ELLIPFAINT", "centre fainter than the isophote measured")
            .bit(28, "BINNED1", "detected in the 1x1 binned image")
            .bit(29, "BINNED2", "detected in the 2x2 binned image")
            .bit(30, "BINNED4", "detected in the 4x4 binned image")
            .bit(31, "MOVED", "possibly moving, by the deblender")
            .bit(32, "DEBLENDED_AS_MOVING", "a MOVED object deblended as moving")
            .bit(33, "NODEBLEND_MOVING", "a MOVED object not deblended as moving")
            .bit(34, "TOO_FEW_DETECTIONS", "a child seen in too few bands to deblend as moving")
            .bit(35, "BAD_MOVING_FIT", "moving fit too poor to believe")
            .bit(36, "STATIONARY", "consistent with being stationary")
            .bit(37, "PEAKS_TOO_CLOSE", "peaks too close to deblend were merged")
            .bit(38, "MEDIAN_CENTER", "centre of the median-smoothed image")
            .bit(39, "LOCAL_EDGE", "centre too close to an edge in some band")
            .bit(40, "BAD_COUNTS_ERROR", "too few good pixels for a reliable error")
            .bit(41, "BAD_MOVING_FIT_CHILD", "a moving child's fit was too poor")
            .bit(42, "DEBLEND_UNASSIGNED_FLUX", "much flux left unassigned by the deblender")
            .bit(43, "SATUR_CENTER", "centre close to a saturated pixel")
            .bit(44, "INTERP_CENTER", "centre close to an interpolated pixel")
            .bit(45, "DEBLENDED_AT_EDGE", "deblended although near the frame edge")
            .bit(46, "DEBLEND_NOPEAK", "no detected peak in this child in some band")
            .bit(47, "PSF_FLUX_INTERP", "over 20% of the PSF flux is interpolated")
            .bit(48, "TOO_FEW_GOOD_DETECTIONS", "a child had too few good detections to deblend as moving")
            .bit(49, "CENTER_OFF_AIMAGE", "a peak centre lies off the atlas image")
            .bit(50, "DEBLEND_DEGENERATE", "near-identical candidate children; one kept")
            .bit(51, "BRIGHTEST_GALAXY_CHILD", "brightest galaxy child of its family")
            .bit(52, "CANONICAL_BAND", "the canonical band (r unless undetected there)")
            .bit(53, "AMOMENT_FAINT", "too faint for weighted moments")
            .bit(54, "AMOMENT_SHIFT", "centroid shift too large for adaptive moments")
            .bit(55, "AMOMENT_MAXITER", "adaptive moments did not converge")
            .bit(56, "MAYBE_CR", "perhaps a cosmic ray")
            .bit(57, "MAYBE_EGHOST", "perhaps an electronics ghost")
            .bit(58, "NOTCHECKED_CENTER", "centre in a region not searched for objects")
            .bit(59, "OBJECT2_HAS_SATUR_DN", "bleed-trail electrons included in the flux")
            .bit(60, "OBJECT2_DEBLEND_PEEPHOLE", "deblend changed by the peephole optimiser")
            .bit(61, "GROWN_MERGED", "growing led to a merger")
            .bit(62, "HAS_CENTER", "has a canonical centre")
            .bit(63, "RESERVED", "not used")
            .bits("PhotoFlags");

    /** PhotoObj.status (SDSS-I/II): how the object stands in the survey. */
    public static final Enumeration PHOTO_STATUS = new Builder()
            .bit(0, "SET", "status set with reference to its own run")
            .bit(1, "GOOD", "good by its object flags")
            .bit(2, "DUPLICATE", "detected again in an adjacent field of the same run")
            .bit(4, "OK_RUN", "within the primary rows of its field")
            .bit(5, "RESOLVED", "resolved against other runs")
            .bit(6, "PSEGMENT", "in a primary segment")
            .bit(8, "FIRST_FIELD", "in the first field of its segment")
            .bit(9, "OK_SCANLINE", "within the valid nu range of its scanline")
            .bit(10, "OK_STRIPE", "within the valid eta range of its stripe")
            .bit(12, "SECONDARY", "a secondary survey object")
            .bit(13, "PRIMARY", "a primary survey object")
            .bit(14, "TARGET", "a spectroscopic target")
            .bits("PhotoStatus");

    /** SpecObj.zWarning: problems of the redshift fit; 0 is OK. */
    public static final Enumeration SPEC_ZWARNING = new Builder()
            .add("OK", 0, "no warnings")
            .bit(0, "SKY", "sky fibre")
            .bit(1, "LITTLE_COVERAGE", "too little wavelength coverage")
            .bit(2, "SMALL_DELTA_CHI2", "best fit barely better than the second best")
            .bit(3, "NEGATIVE_MODEL", "synthetic spectrum is negative")
            .bit(4, "MANY_OUTLIERS", "too many points far from the best model")
            .bit(5, "Z_FITLIMIT", "chi-squared minimum at the edge of the fitted range")
            .bit(6, "NEGATIVE_EMISSION", "a QSO line shows negative emission")
            .bit(7, "UNPLUGGED", "fibre unplugged: no spectrum")
            .bits("SpecZWarning");

    /** SpecObj.specClass of SDSS-I/II (DR7 and before): the spectroscopic class as a code. */
    public static final Enumeration SPEC_CLASS = new Builder()
            .add("UNKNOWN", 0, "not classified")
            .add("STAR", 1, "a star")
            .add("GALAXY", 2, "a galaxy")
            .add("QSO", 3, "a quasar")
            .add("HIZ_QSO", 4, "a quasar at redshift above 2.3")
            .add("SKY", 5, "a sky fibre")
            .add("STAR_LATE", 6, "a late-type star, dominated by molecular bands")
            .add("GAL_EM", 7, "an emission-line galaxy")
            .codes("SpecClass");

    /** apogeeStar.starflag: problems of an APOGEE star's spectra. */
    public static final Enumeration APOGEE_STAR_FLAG = new Builder()
            .bit(0, "BAD_PIXELS", "many bad pixels (over 40%)")
            .bit(1, "COMMISSIONING", "commissioning data")
            .bit(2, "BRIGHT_NEIGHBOR", "a neighbour over 10 times brighter")
            .bit(3, "VERY_BRIGHT_NEIGHBOR", "a neighbour over 100 times brighter")
            .bit(4, "LOW_SNR", "signal-to-noise below 5")
            .bit(9, "PERSIST_HIGH", "many pixels in a high-persistence region")
            .bit(10, "PERSIST_MED", "many pixels in a medium-persistence region")
            .bit(11, "PERSIST_LOW", "many pixels in a low-persistence region")
            .bit(12, "PERSIST_JUMP_POS", "positive jump in the blue chip")
            .bit(13, "PERSIST_JUMP_NEG", "negative jump in the blue chip")
            .bit(16, "SUSPECT_RV_COMBINATION", "radial velocities from two templates disagree")
            .bit(17, "SUSPECT_BROAD_LINES", "cross-correlation peak broader than the template's")
            .bits("ApogeeStarFlag");

    /** aspcapStar.aspcapflag: warnings and failures of the ASPCAP parameter fit. */
    public static final Enumeration APOGEE_ASPCAP_FLAG = new Builder()
            .bit(0, "TEFF_WARN", "warning on effective temperature")
            .bit(1, "LOGG_WARN", "warning on log g")
            .bit(2, "VMICRO_WARN", "warning on microturbulence")
            .bit(3, "METALS_WARN", "warning on metallicity")
            .bit(4, "ALPHAFE_WARN", "warning on [alpha/Fe]")
            .bit(5, "CFE_WARN", "warning on [C/Fe]")
            .bit(6, "NFE_WARN", "warning on [N/Fe]")
            .bit(7, "STAR_WARN", "a warning on the star overall")
            .bit(8, "CHI2_WARN", "somewhat high chi-squared")
            .bit(9, "COLORTE_WARN", "temperature somewhat odd for the colour")
            .bit(10, "ROTATION_WARN", "broad lines")
            .bit(11, "SN_WARN", "signal-to-noise lower than desired")
            .bit(16, "TEFF_BAD", "effective temperature bad")
            .bit(17, "LOGG_BAD", "log g bad")
            .bit(18, "VMICRO_BAD", "microturbulence bad")
            .bit(19, "METALS_BAD", "metallicity bad")
            .bit(20, "ALPHAFE_BAD", "[alpha/Fe] bad")
            .bit(21, "CFE_BAD", "[C/Fe] bad")
            .bit(22, "NFE_BAD", "[N/Fe] bad")
            .bit(23, "STAR_BAD", "the star overall is bad")
            .bit(24, "CHI2_BAD", "high chi-squared")
            .bit(25, "COLORTE_BAD", "temperature odd for the colour")
            .bit(26, "ROTATION_BAD", "broad lines, likely harmful")
            .bit(27, "SN_BAD", "signal-to-noise lower than required")
            .bit(31, "NO_ASPCAP_RESULT", "no ASPCAP result")
            .bits("ApogeeAspcapFlag");

    /** apogeeStar.apogee_target1: why a star was targeted (first word). */
    public static final Enumeration APOGEE_TARGET1 = new Builder()
            .bit(0, "APOGEE_FAINT", "faint bin of its cohort")
            .bit(1, "APOGEE_MEDIUM", "medium bin of its cohort")
            .bit(2, "APOGEE_BRIGHT", "bright bin of its cohort")
            .bit(3, "APOGEE_IRAC_DERED", "dereddened with RJCE-IRAC")
            .bit(4, "APOGEE_WISE_DERED", "dereddened with RJCE-WISE")
            .bit(5, "APOGEE_SFD_DERED", "dereddened with SFD E(B-V)")
            .bit(6, "APOGEE_NO_DERED", "not dereddened")
            .bit(7, "APOGEE_WASH_GIANT", "a giant by Washington+DDO51 photometry")
            .bit(8, "APOGEE_WASH_DWARF", "a dwarf by Washington+DDO51 photometry")
            .bit(9, "APOGEE_SCI_CLUSTER", "probable cluster member")
            .bit(10, "APOGEE_EXTENDED", "extended object")
            .bit(11, "APOGEE_SHORT", "short cohort")
            .bit(12, "APOGEE_INTERMEDIATE", "intermediate cohort")
            .bit(13, "APOGEE_LONG", "long cohort")
            .bit(15, "APOGEE_SERENDIPITOUS", "serendipitous target to observe again")
            .bit(16, "APOGEE_FIRST_LIGHT", "first-light cluster target")
            .bit(17, "APOGEE_ANCILLARY", "an ancillary programme's target")
            .bit(18, "APOGEE_M31_CLUSTER", "M31 cluster (ancillary)")
            .bit(19, "APOGEE_MDWARF", "M dwarf for velocities and metallicity (ancillary)")
            .bit(20, "APOGEE_HIRES", "star with optical high-resolution spectra (ancillary)")
            .bit(21, "APOGEE_OLD_STAR", "old star (ancillary)")
            .bit(22, "APOGEE_DISK_RED_GIANT", "disk red giant (ancillary)")
            .bit(23, "APOGEE_KEPLER_EB", "Kepler eclipsing binary (ancillary)")
            .bit(24, "APOGEE_GC_PAL1", "star in the globular cluster Pal 1 (ancillary)")
            .bit(25, "APOGEE_MASSIVE_STAR", "massive star (ancillary)")
            .bit(26, "APOGEE_SGR_DSPH", "member of the Sagittarius dwarf galaxy")
            .bit(27, "APOGEE_KEPLER_SEISMO", "Kepler asteroseismology target")
            .bit(28, "APOGEE_KEPLER_HOST", "Kepler planet host")
            .bit(29, "APOGEE_FAINT_EXTRA", "faint target of a sparse field")
            .bit(30, "APOGEE_SEGUE_OVERLAP", "overlaps the SEGUE survey")
            .bit(31, "APOGEE_CHECKED", "target checked")
            .bits("ApogeeTarget1");

    /** Every enumeration, each written into a context as a lookup table of its name. */
    public static final List<Enumeration> ALL = List.of(PHOTO_TYPE, PHOTO_MODE, PHOTO_FLAGS, PHOTO_STATUS,
            SPEC_ZWARNING, SPEC_CLASS, APOGEE_STAR_FLAG, APOGEE_ASPCAP_FLAG, APOGEE_TARGET1);
}
