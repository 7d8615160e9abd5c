package org.opencasjobs.catalog.sdss;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes {@code PhotoObjAll} (every detection: primaries, secondaries from repeat scans, and
 * deblend parents) and {@code Field}, walking the footprint field by field. Each field cell
 * gets an equal share of the rows, so the table has exactly the number of rows asked for and
 * a density that does not depend on it.
 */
final class PhotoObjects {
    static final String[] BANDS = {"u", "g", "r", "i", "z"};
    /** Extinction A_band / E(B−V) for the SDSS filters (the Schlegel, Finkbeiner & Davis 1998 coefficients). */
    private static final double[] EXTINCTION = {5.155, 3.793, 2.751, 2.086, 1.479};
    /** Magnitudes at which single-epoch SDSS imaging reaches S/N 5, per band. */
    private static final double[] DEPTH = {22.0, 22.2, 22.2, 21.3, 20.5};

    // PhotoFlags (SDSS's flags bits); the lookup tables live elsewhere, these are what we set.
    static final long EDGE = 1L << 2;
    static final long BLENDED = 1L << 3;
    static final long CHILD = 1L << 4;
    static final long PEAKCENTER = 1L << 5;
    static final long NOPROFILE = 1L << 7;
    static final long NOPETRO = 1L << 8;
    static final long COSMIC_RAY = 1L << 12;
    static final long INTERP = 1L << 17;
    static final long SATURATED = 1L << 18;
    static final long NOTCHECKED = 1L << 19;
    static final long BINNED1 = 1L << 28;
    static final long DEBLENDED_AS_MOVING = 1L << 32;
    static final long STATIONARY = 1L << 36;
    static final long BAD_COUNTS_ERROR = 1L << 40;
    static final long SATUR_CENTER = 1L << 43;
    static final long INTERP_CENTER = 1L << 44;
    static final long DEBLEND_NOPEAK = 1L << 46;
    static final long PSF_FLUX_INTERP = 1L << 47;
    /** What SDSS's {@code clean} excludes outright (besides mode ≠ 1). */
    private static final long UNCLEAN = EDGE | NOPROFILE | PEAKCENTER | NOTCHECKED | PSF_FLUX_INTERP | SATURATED
            | BAD_COUNTS_ERROR;

    // PhotoStatus bits
    private static final int STATUS_SET = 0x1;
    private static final int STATUS_GOOD = 0x2;
    private static final int STATUS_OK_RUN = 0x10;
    private static final int STATUS_OK_SCANLINE = 0x200;
    private static final int STATUS_OK_STRIPE = 0x400;
    private static final int STATUS_SECONDARY = 0x1000;
    private static final int STATUS_PRIMARY = 0x2000;
    // resolveStatus bits: RUN_PRIMARY, RUN_IGNORE, SURVEY_PRIMARY, SURVEY_SECONDARY, SURVEY_BEST
    private static final int RUN_PRIMARY = 1;
    private static final int RUN_IGNORE = 1 << 3;
    private static final int SURVEY_PRIMARY = 1 << 8;
    private static final int SURVEY_SECONDARY = 1 << 9;
    private static final int SURVEY_BEST = 1 << 10;

    static final int SKY_VERSION = 2;
    static final int RERUN = 301;

    private final Draw d;
    private final double depth;
    private final Spectroscopy spectra;
    private final PhotoIndex index;
    private final TableWriter photo;
    private final TableWriter fields;
    private final int loadVersion;
    private final double[] mag = new double[5];

    private PhotoObjects(Draw d, double depth, Spectroscopy spectra, PhotoIndex index, TableWriter photo,
            TableWriter fields, int loadVersion) {
        this.d = d;
        this.depth = depth;
        this.spectra = spectra;
        this.index = index;
        this.photo = photo;
        this.fields = fields;
        this.loadVersion = loadVersion;
    }

    static List<String> photoColumns() {
        List<String> c = new ArrayList<>(List.of("objID BIGINT PRIMARY KEY", "skyVersion TINYINT", "run SMALLINT",
                "rerun SMALLINT", "camcol TINYINT", "field SMALLINT", "obj SMALLINT", "mode TINYINT", "nChild SMALLINT",
                "type SMALLINT", "clean INT", "probPSF REAL", "insideMask TINYINT", "flags BIGINT",
                "rowc REAL", "rowcErr REAL", "colc REAL", "colcErr REAL", "rowv REAL", "rowvErr REAL", "colv REAL",
                "colvErr REAL"));
        bands(c, "flags_%s BIGINT", "type_%s SMALLINT", "psfMag_%s REAL", "psfMagErr_%s REAL", "fiberMag_%s REAL",
                "fiberMagErr_%s REAL", "petroMag_%s REAL", "petroMagErr_%s REAL", "petroRad_%s REAL",
                "petroRadErr_%s REAL", "petroR50_%s REAL", "petroR50Err_%s REAL", "petroR90_%s REAL",
                "petroR90Err_%s REAL", "deVRad_%s REAL", "deVAB_%s REAL", "expRad_%s REAL", "expAB_%s REAL",
                "fracDeV_%s REAL", "modelMag_%s REAL", "modelMagErr_%s REAL", "cModelMag_%s REAL",
                "cModelMagErr_%s REAL", "extinction_%s REAL", "dered_%s REAL");
        bands(c, "%s REAL");
        bands(c, "err_%s REAL");
        c.addAll(List.of("resolveStatus INT", "status INT", "ra FLOAT", "dec FLOAT", "cx FLOAT", "cy FLOAT",
                "cz FLOAT", "raErr REAL", "decErr REAL", "b FLOAT", "l FLOAT", "htmID BIGINT", "fieldID BIGINT",
                "parentID BIGINT", "specObjID BIGINT", "mjd INT", "loadVersion INT"));
        return c;
    }

    private static void bands(List<String> c, String... patterns) {
        for (String p : patterns) {
            for (String b : BANDS) {
                c.add(String.format(p, b));
            }
        }
    }

    static List<String> fieldColumns() {
        List<String> c = new ArrayList<>(List.of("fieldID BIGINT PRIMARY KEY", "skyVersion TINYINT", "run SMALLINT",
                "rerun SMALLINT", "camcol TINYINT", "field SMALLINT", "stripe INT", "strip VARCHAR(1)", "mjd INT",
                "quality INT", "nObjects INT", "nChild INT", "nGalaxy INT", "nStars INT", "ra FLOAT", "dec FLOAT",
                "raMin FLOAT", "raMax FLOAT", "decMin FLOAT", "decMax FLOAT"));
        bands(c, "psfWidth_%s REAL", "sky_%s REAL");
        c.addAll(List.of("airmass_r REAL", "loadVersion INT"));
        return c;
    }

    static long objID(int run, int camcol, int field, int obj) {
        return ((long) SKY_VERSION << 59) | ((long) RERUN << 48) | ((long) run << 32) | ((long) camcol << 29)
                | ((long) field << 16) | obj;
    }

    static long fieldID(int run, int camcol, int field) {
        return objID(run, camcol, field, 0);
    }

    /**
     * Writes {@code rows} PhotoObjAll rows and the Field rows of the footprint's cells.
     *
     * @param depth   magnitudes deeper than single-epoch SDSS (2 for a co-add)
     * @param spectra chooses spectroscopic targets among primaries, or null for none
     */
    static PhotoIndex write(SampleDatabase db, String note, List<Footprint.Stripe> footprint, int rows,
            Draw d, double depth, Spectroscopy spectra, int loadVersion) throws SQLException {
        PhotoIndex index = new PhotoIndex(rows);
        try (TableWriter photo = new TableWriter(db, "PhotoObjAll", photoColumns(), note,
                "Every photometric detection (mode 1 primary, 2 secondary, 3 deblend parent); the views PhotoObj,"
                        + " PhotoPrimary, Galaxy, Star... select from it.");
             TableWriter fields = new TableWriter(db, "Field", fieldColumns(), note,
                     "One row per imaging field (run, camcol, field) with its bounds, quality and seeing.")) {
            PhotoObjects p = new PhotoObjects(d, depth, spectra, index, photo, fields, loadVersion);
            int left = rows;
            for (int s = 0; s < footprint.size(); s++) {
                Footprint.Stripe stripe = footprint.get(s);
                int budget = s == footprint.size() - 1 ? left : (int) Math.round(rows * stripe.share());
                budget = Math.min(budget, left);
                left -= budget;
                p.stripe(stripe, budget);
            }
        }
        return index;
    }

    private void stripe(Footprint.Stripe s, int budget) throws SQLException {
        if (budget <= 0) {
            return;
        }
        int nf = Footprint.fieldsFor(s, budget);
        double len = Footprint.fieldRaLength(s);
        double ra0 = s.raCentre() - nf * len / 2;
        long cells = 12L * nf;
        long k = 0;
        for (int f = 0; f < nf; f++) {
            for (int lane = 0; lane < 12; lane++, k++) {
                int share = (int) ((k + 1) * budget / cells - k * budget / cells);
                cell(s, f, lane, ra0 + f * len, len, share);
            }
        }
    }

    /** Counts for the Field rows of one cell. */
    private static final class Tally {
        int objects;
        int children;
        int galaxies;
        int stars;

        void add(int type, long parentID) {
            objects++;
            children += parentID != 0 ? 1 : 0;
            galaxies += type == Source.TYPE_GALAXY ? 1 : 0;
            stars += type == Source.TYPE_STAR ? 1 : 0;
        }
    }

    /** One field of one camcol: its primaries, their repeat-scan secondaries and deblend parents. */
    private void cell(Footprint.Stripe s, int f, int lane, double raStart, double raLen, int share) throws SQLException {
        boolean north = lane % 2 == 0;
        int run = north ? s.runNorth() : s.runSouth();
        int repeat = north ? s.repeatNorth() : s.repeatSouth();
        int camcol = lane / 2 + 1;
        int field = Footprint.FIRST_FIELD + f;
        double decLo = s.decMin() + lane * Footprint.LANE_WIDTH;
        int mjd = s.mjd() + (north ? 0 : 1);
        int repeatMjd = s.mjd() + 400 + lane;
        Cell main = new Cell(run, camcol, field, mjd, raStart, raLen, decLo);
        Cell again = new Cell(repeat, camcol, field, repeatMjd, raStart, raLen, decLo);
        int left = share;
        while (left > 0) {
            Source src = Source.draw(d, depth);
            double ra = raStart + d.u() * raLen;
            double dec = decLo + d.u() * Footprint.LANE_WIDTH;
            long parent = 0;
            Source companion = null;
            double raC = 0;
            double decC = 0;
            if (src.kind == Source.Kind.GALAXY && left >= 3 && d.chance(0.05)) {
                companion = Source.companion(d, depth);
                double sep = d.uniform(2, 5) / 3600;
                double angle = d.uniform(0, 2 * Math.PI);
                decC = dec + sep * StrictMath.sin(angle);
                raC = ra + sep * StrictMath.cos(angle) / StrictMath.cos(StrictMath.toRadians(dec));
                parent = row(main, src, (ra + raC) / 2, (dec + decC) / 2, 3, 0, 2);
                left--;
            }
            row(main, src, ra, dec, 1, parent, 0);
            left--;
            if (companion != null) {
                row(main, companion, raC, decC, 1, parent, 0);
                left--;
            }
            if (left > 0 && src.kind != Source.Kind.SKY && d.chance(0.08)) {
                // the same source seen again by the repeat scan: within 0.1″, measured afresh
                double dx = d.gauss(0, 0.03);
                double dy = d.gauss(0, 0.03);
                double shrink = Math.min(1, 0.08 / Math.max(1e-9, StrictMath.hypot(dx, dy)));
                row(again, src, ra + dx * shrink / 3600 / StrictMath.cos(StrictMath.toRadians(dec)),
                        dec + dy * shrink / 3600, 2, 0, 0);
                left--;
            }
        }
        fieldRow(s, main, north);
        fieldRow(s, again, north);
    }

    /** Where rows of one run in one field go, and their object numbers. */
    private static final class Cell {
        final int run;
        final int camcol;
        final int field;
        final int mjd;
        final double raStart;
        final double raLen;
        final double decLo;
        final Tally tally = new Tally();
        int obj;

        Cell(int run, int camcol, int field, int mjd, double raStart, double raLen, double decLo) {
            this.run = run;
            this.camcol = camcol;
            this.field = field;
            this.mjd = mjd;
            this.raStart = raStart;
            this.raLen = raLen;
            this.decLo = decLo;
        }
    }

    /** Writes one detection of {@code src} and returns its objID. */
    private long row(Cell cell, Source src, double raIn, double dec, int mode, long parentID, int nChild)
            throws SQLException {
        double ra = Sky.wrapRa(raIn);
        long objID = objID(cell.run, cell.camcol, cell.field, ++cell.obj);
        double[] gal = Sky.galactic(ra, dec);
        double ebv = d.clamp(0.017 / Math.max(0.08, StrictMath.sin(StrictMath.toRadians(Math.abs(gal[1]))))
                * StrictMath.pow(10, d.gauss(0, 0.1)), 0.003, 1.5);
        boolean point = src.photoType() != Source.TYPE_GALAXY;
        double colc = (dec - cell.decLo) / Footprint.LANE_WIDTH * 2048;
        double rawOffset = Sky.wrapRa(raIn - cell.raStart);
        double rowc = 64 + (rawOffset > 180 ? 0 : rawOffset) / cell.raLen * 1361;
        boolean edge = colc < 16 || colc > 2032;
        boolean moving = d.chance(0.002);
        int type = src.photoType();
        long flags = 0;
        long[] bandFlags = new long[5];
        double[] err = new double[5];
        double[] model = new double[5];
        double[] ext = new double[5];
        for (int b = 0; b < 5; b++) {
            ext[b] = EXTINCTION[b] * ebv;
            double m = src.mag[b] + ext[b] + (mode == 3 ? -0.75 : 0); // a parent holds two children's light
            double limit = DEPTH[b] + depth;
            err[b] = StrictMath.sqrt(0.012 * 0.012 + StrictMath.pow(0.217 * StrictMath.pow(10, 0.4 * (m - limit)), 2));
            err[b] = Math.min(err[b], 9.9);
            model[b] = m + d.gauss(0, Math.min(err[b], 1.0));
            long bf = 0;
            if (m < limit + 0.7) {
                bf |= BINNED1;
            }
            if (b >= 1 && b <= 3 && point && m < 14.3) {
                bf |= SATURATED | (m < 13.8 ? SATUR_CENTER : 0);
            }
            bf |= d.chance(0.04) ? INTERP : 0;
            bf |= d.chance(0.015) ? COSMIC_RAY : 0;
            bf |= m > limit && d.chance(0.4) ? NOPETRO : 0;
            bandFlags[b] = bf;
        }
        if (edge) {
            flags |= EDGE;
        }
        if (parentID != 0) {
            flags |= CHILD;
        }
        if (mode == 3) {
            flags |= BLENDED;
        }
        flags |= d.chance(0.006) ? PEAKCENTER : 0;
        flags |= d.chance(0.008) ? NOTCHECKED : 0;
        flags |= d.chance(0.01) ? PSF_FLUX_INTERP | INTERP_CENTER : 0;
        flags |= d.chance(0.004) ? BAD_COUNTS_ERROR : 0;
        flags |= parentID != 0 && model[2] > 21.5 && d.chance(0.3) ? DEBLEND_NOPEAK : 0;
        flags |= moving ? DEBLENDED_AS_MOVING : STATIONARY;
        for (int b = 0; b < 5; b++) {
            bandFlags[b] |= flags & (EDGE | CHILD | BLENDED | PEAKCENTER | NOTCHECKED);
            flags |= bandFlags[b];
        }
        if ((bandFlags[2] & (INTERP | COSMIC_RAY)) == (INTERP | COSMIC_RAY)) {
            flags |= INTERP_CENTER;
        }
        double psfExtra = point ? 0 : 0.3 + 1.2 * StrictMath.log10(1 + src.r50 / 0.7);
        double[] psf = new double[5];
        for (int b = 0; b < 5; b++) {
            psf[b] = model[b] + psfExtra + d.gauss(0, 0.01);
        }
        boolean clean = mode == 1 && (flags & UNCLEAN) == 0
                && !((flags & DEBLEND_NOPEAK) != 0 && err[2] > 0.2)
                && !((flags & INTERP_CENTER) != 0 && (flags & COSMIC_RAY) != 0);

        TableWriter w = photo;
        w.l(objID).i(SKY_VERSION).i(cell.run).i(RERUN).i(cell.camcol).i(cell.field).i(cell.obj).i(mode).i(nChild)
                .i(type).i(clean ? 1 : 0).f(type == Source.TYPE_STAR ? 1 : 0).i(0).l(flags);
        double posErrPix = 0.03 + 0.4 * StrictMath.pow(10, 0.4 * (model[2] - 22));
        w.f(rowc).f(posErrPix).f(colc).f(posErrPix);
        double vErr = 0.01 + 0.05 * StrictMath.pow(10, 0.4 * (model[2] - 22));
        w.f(moving ? d.gauss(0, 0.2) : d.gauss(0, vErr)).f(vErr).f(moving ? d.gauss(0, 0.2) : d.gauss(0, vErr)).f(vErr);
        for (long bf : bandFlags) {
            w.l(bf);
        }
        for (int b = 0; b < 5; b++) {
            boolean faint = model[b] > DEPTH[b] + depth;
            w.i(faint && type != Source.TYPE_SKY && d.chance(0.3) ? (point ? Source.TYPE_GALAXY : Source.TYPE_STAR) : type);
        }
        for (double v : psf) {
            w.f(v);
        }
        for (double v : err) {
            w.f(v * (point ? 1 : 1.1));
        }
        double fiberExtra = point ? 0.35 : 0.55 + 1.1 * StrictMath.log10(1 + src.r50 / 1.5);
        for (int b = 0; b < 5; b++) {
            w.f(model[b] + fiberExtra + d.gauss(0, 0.02));
        }
        for (double v : err) {
            w.f(v * 1.05);
        }
        double[] petro = new double[5];
        for (int b = 0; b < 5; b++) {
            petro[b] = model[b] + (point ? 0.03 : 0.1) + d.gauss(0, 0.03);
            w.f(petro[b]);
        }
        for (double v : err) {
            w.f(v * 1.3);
        }
        double[] r50 = new double[5];
        for (int b = 0; b < 5; b++) {
            r50[b] = src.r50 * (1.08 - 0.04 * b) * (1 + d.gauss(0, 0.03));
        }
        for (int b = 0; b < 5; b++) {
            w.f(2 * r50[b]); // petroRad: about twice the half-light radius
        }
        for (int b = 0; b < 5; b++) {
            w.f(0.1 * r50[b] + err[b]);
        }
        for (double v : r50) {
            w.f(v);
        }
        for (int b = 0; b < 5; b++) {
            w.f(0.05 * r50[b] + err[b]);
        }
        for (double v : r50) {
            w.f(v * src.concentration);
        }
        for (int b = 0; b < 5; b++) {
            w.f(0.1 * r50[b] * src.concentration + err[b]);
        }
        for (int b = 0; b < 5; b++) {
            w.f(r50[b] * 1.3); // deVRad
        }
        for (int b = 0; b < 5; b++) {
            w.f(src.axisRatio);
        }
        for (int b = 0; b < 5; b++) {
            w.f(r50[b] * 0.95); // expRad
        }
        for (int b = 0; b < 5; b++) {
            w.f(src.axisRatio);
        }
        for (int b = 0; b < 5; b++) {
            w.f(d.clamp(src.fracDeV + d.gauss(0, 0.05), 0, 1));
        }
        for (double v : model) {
            w.f(v);
        }
        for (double v : err) {
            w.f(v);
        }
        for (double v : model) {
            w.f(v + d.gauss(0, 0.01)); // cModelMag: the composite fit, close to the model magnitude
        }
        for (double v : err) {
            w.f(v);
        }
        for (double v : ext) {
            w.f(v);
        }
        for (int b = 0; b < 5; b++) {
            w.f((float) model[b] - (float) ext[b]); // dered = modelMag − extinction, as stored
        }
        for (double v : model) {
            w.f(v);
        }
        for (double v : err) {
            w.f(v);
        }
        int resolve = mode == 1 ? RUN_PRIMARY | SURVEY_PRIMARY | SURVEY_BEST : mode == 2 ? RUN_PRIMARY | SURVEY_SECONDARY
                : RUN_IGNORE;
        int status = mode == 1 ? STATUS_SET | STATUS_GOOD | STATUS_OK_RUN | STATUS_OK_SCANLINE | STATUS_OK_STRIPE | STATUS_PRIMARY
                : mode == 2 ? STATUS_SET | STATUS_GOOD | STATUS_OK_RUN | STATUS_OK_SCANLINE | STATUS_SECONDARY
                : STATUS_SET | STATUS_OK_RUN;
        double[] xyz = Sky.xyz(ra, dec);
        double posErr = 0.02 + 0.15 * StrictMath.pow(10, 0.4 * (model[2] - 22));
        long specObjID = 0;
        int k = index.size;
        index.objID[k] = objID;
        index.ra[k] = ra;
        index.dec[k] = dec;
        index.mode[k] = (byte) mode;
        index.type[k] = (byte) type;
        index.kind[k] = src.kind;
        index.z[k] = (float) src.z;
        for (int b = 0; b < 5; b++) {
            index.modelMag[5 * k + b] = (float) model[b];
        }
        index.extinctionR[k] = (float) ext[2];
        index.petroR50R[k] = (float) r50[2];
        index.early[k] = src.early;
        if (mode == 1 && spectra != null) {
            specObjID = spectra.consider(k, src, petro[2], model[3] - ext[3], ra, dec);
        }
        index.specObjID[k] = specObjID;
        index.size++;
        w.i(resolve).i(status).d(ra).d(dec).d(xyz[0]).d(xyz[1]).d(xyz[2]).f(posErr).f(posErr).d(gal[1]).d(gal[0])
                .l(Sky.htmId(xyz)).l(fieldID(cell.run, cell.camcol, cell.field)).l(parentID).l(specObjID)
                .i(cell.mjd).i(loadVersion).end();
        cell.tally.add(type, parentID);
        return objID;
    }

    private void fieldRow(Footprint.Stripe s, Cell c, boolean north) throws SQLException {
        double raMin = Sky.wrapRa(c.raStart);
        double raMax = Sky.wrapRa(c.raStart + c.raLen);
        double seeing = d.clamp(d.logNormal(1.35, 0.08), 0.8, 2.5);
        double q = d.u();
        TableWriter w = fields;
        w.l(fieldID(c.run, c.camcol, c.field)).i(SKY_VERSION).i(c.run).i(RERUN).i(c.camcol).i(c.field).i(s.number())
                .s(north ? "N" : "S").i(c.mjd).i(q < 0.02 ? 1 : q < 0.12 ? 2 : 3) // PhotoFieldQuality: BAD, ACCEPTABLE, GOOD
                .i(c.tally.objects).i(c.tally.children).i(c.tally.galaxies).i(c.tally.stars)
                .d(Sky.wrapRa(c.raStart + c.raLen / 2)).d(c.decLo + Footprint.LANE_WIDTH / 2).d(raMin).d(raMax)
                .d(c.decLo).d(c.decLo + Footprint.LANE_WIDTH);
        double[] seeingBand = {1.12, 1.06, 1.0, 0.95, 0.95};
        for (double f : seeingBand) {
            w.f(seeing * f);
        }
        double[] skyMag = {22.1, 21.9, 20.9, 20.2, 18.9}; // mag per arcsec² of a dark sky
        for (double m : skyMag) {
            w.f(StrictMath.pow(10, -0.4 * (m + d.gauss(0, 0.1) - 22.5))); // nanomaggies per arcsec²
        }
        w.f(1.0 / StrictMath.cos(StrictMath.toRadians(Math.abs(c.decLo - 32.78) * 0.5 + d.uniform(0, 20))))
                .i(loadVersion).end();
    }
}
