package org.opencasjobs.catalog.sdss;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Chooses spectroscopic targets among primary objects as SDSS's surveys did (the legacy main
 * galaxy sample to petroMag_r 17.77, fainter BOSS galaxies, quasars, SEGUE stars), puts them on
 * plates of 640 (SDSS) or 1000 (BOSS) fibres, and writes {@code SpecObjAll} and {@code PlateX}.
 * A few objects are observed twice: the second spectrum has {@code sciencePrimary = 0}.
 */
final class Spectroscopy {
    /** A spectroscopic survey, with the plate numbers, MJDs and 2D reduction its plates start from. */
    private record Survey(String name, String programname, String instrument, String run2d, int run2dCode,
            int fibers, int firstPlate, int firstMjd, String firstRelease) {
    }

    private static final Survey LEGACY = new Survey("sdss", "legacy", "SDSS", "26", 26, 640, 266, 51630, "DR7");
    private static final Survey SEGUE = new Survey("segue1", "segue", "SDSS", "26", 26, 640, 1880, 53260, "DR7");
    private static final Survey BOSS = new Survey("boss", "boss", "BOSS", "v5_7_0", 700, 1000, 3586, 55181, "DR9");
    /** Plates that re-observe objects get numbers this far above their survey's. */
    private static final int REPEAT_PLATES = 3000;

    // target bits (legacy_target1, boss_target1)
    private static final long LEGACY_QSO_CAP = 0x1;
    private static final long LEGACY_GALAXY_RED = 0x20;
    private static final long LEGACY_GALAXY = 0x40;
    private static final long BOSS_GAL_LOZ = 0x1;
    private static final long BOSS_GAL_CMASS = 0x2;
    private static final long BOSS_QSO_CORE_MAIN = 1L << 40;

    // zWarning bits
    static final int ZW_LITTLE_COVERAGE = 1 << 1;
    static final int ZW_SMALL_DELTA_CHI2 = 1 << 2;
    static final int ZW_MANY_OUTLIERS = 1 << 4;

    private static final String[] STAR_CLASSES = {"A0", "F5", "F9", "G2", "K1", "K5", "M0", "M2", "M4"};
    private static final double[] STAR_CLASS_GR = {0.0, 0.3, 0.45, 0.6, 0.8, 1.2, 1.4, 1.55};

    /** One spectrum: which object, where it was taken, and what its fit found. */
    static final class Spectrum {
        final int photo;
        final Survey survey;
        final int plate;
        final int mjd;
        final int fiber;
        final long specObjID;
        final long plateID;
        final boolean sciencePrimary;
        final long legacyTarget;
        final long bossTarget;
        String cls;
        String subClass;
        double z;
        double zErr;
        int zWarning;
        double velDisp;
        double velDispErr;
        double snMedian;
        double ra;
        double dec;

        Spectrum(int photo, Survey survey, int plate, int mjd, int fiber, boolean sciencePrimary, long legacyTarget,
                long bossTarget) {
            this.photo = photo;
            this.survey = survey;
            this.plate = plate;
            this.mjd = mjd;
            this.fiber = fiber;
            this.sciencePrimary = sciencePrimary;
            this.legacyTarget = legacyTarget;
            this.bossTarget = bossTarget;
            this.specObjID = specObjID(plate, fiber, mjd, survey.run2dCode());
            this.plateID = specObjID(plate, 0, mjd, survey.run2dCode());
        }

        String survey() {
            return survey.name();
        }
    }

    /** The plate being filled, per survey and for repeats. */
    private static final class Plates {
        int plate;
        int mjd;
        int fiber;
        final int fibers;

        Plates(int plate, int mjd, int fibers) {
            this.plate = plate;
            this.mjd = mjd;
            this.fibers = fibers;
        }

        void next(Draw d) {
            if (++fiber > fibers) {
                fiber = 1;
                plate++;
                mjd += 1 + d.nextInt(4);
            }
        }
    }

    private final Draw d;
    private final Map<Survey, Plates> plates = new LinkedHashMap<>();
    private final Map<Survey, Plates> repeats = new LinkedHashMap<>();
    final List<Spectrum> spectra = new ArrayList<>();

    Spectroscopy(Draw d) {
        this.d = d;
        for (Survey s : List.of(LEGACY, SEGUE, BOSS)) {
            plates.put(s, new Plates(s.firstPlate(), s.firstMjd(), s.fibers()));
            repeats.put(s, new Plates(s.firstPlate() + REPEAT_PLATES, s.firstMjd() + 700, s.fibers()));
        }
    }

    /** The specObjID encoding of DR8 and later: plate, fiber, MJD − 50000 and the 2D reduction. */
    static long specObjID(int plate, int fiber, int mjd, int run2d) {
        return ((long) plate << 50) | ((long) fiber << 38) | ((long) (mjd - 50000) << 24) | ((long) run2d << 10);
    }

    /**
     * Decides whether primary object {@code k} gets a spectrum; if so, records it (and perhaps a
     * repeat) and returns the sciencePrimary spectrum's specObjID, else 0.
     */
    long consider(int k, Source src, double petroR, double deredI, double ra, double dec) {
        Survey survey = null;
        long legacy = 0;
        long boss = 0;
        double r = src.mag[2];
        switch (src.kind) {
            case GALAXY -> {
                if (petroR < 17.77 && d.chance(0.92)) {
                    survey = LEGACY;
                    legacy = LEGACY_GALAXY | (src.early && d.chance(0.3) ? LEGACY_GALAXY_RED : 0);
                } else if (petroR >= 17.77 && deredI < 19.9 && (src.early ? d.chance(0.45) : d.chance(0.08))) {
                    survey = BOSS;
                    boss = petroR < 19.2 ? BOSS_GAL_LOZ : BOSS_GAL_CMASS;
                }
            }
            case QSO -> {
                if (r < 19.1 && d.chance(0.85)) {
                    survey = LEGACY;
                    legacy = LEGACY_QSO_CAP;
                } else if (r >= 19.1 && r < 22 && d.chance(0.5)) {
                    survey = BOSS;
                    boss = BOSS_QSO_CORE_MAIN;
                }
            }
            case STAR -> {
                if (r > 14.5 && r < 20.5 && d.chance(0.04)) {
                    survey = SEGUE;
                }
            }
            default -> {
            }
        }
        if (survey == null) {
            return 0;
        }
        Spectrum first = take(plates.get(survey), k, survey, true, legacy, boss, src, ra, dec);
        if (d.chance(0.04)) {
            take(repeats.get(survey), k, survey, false, legacy, boss, src, ra, dec);
        }
        return first.specObjID;
    }

    private Spectrum take(Plates p, int k, Survey survey, boolean primary, long legacy, long boss, Source src,
            double ra, double dec) {
        p.next(d);
        Spectrum s = new Spectrum(k, survey, p.plate, p.mjd, p.fiber, primary, legacy, boss);
        fit(s, src);
        // the fibre sits on the target's position as known when the plate was drilled: within ~0.1″
        double off = 0.05 / 3600;
        s.dec = dec + d.gauss(0, off);
        s.ra = Sky.wrapRa(ra + d.gauss(0, off) / StrictMath.cos(StrictMath.toRadians(dec)));
        spectra.add(s);
        return s;
    }

    /** What the redshift fit finds: class and redshift from what the source is. */
    private void fit(Spectrum s, Source src) {
        double r = src.mag[2];
        double boss = s.survey == BOSS ? 1.8 : 1;
        s.snMedian = d.clamp(12 * StrictMath.pow(10, -0.4 * (r - 17.5)) * boss * d.logNormal(1, 0.1), 0.3, 90);
        switch (src.kind) {
            case GALAXY -> {
                s.cls = "GALAXY";
                s.z = src.z + d.gauss(0, 2e-5);
                s.zErr = d.uniform(0.8e-5, 2e-5) * (1 + 10 / s.snMedian);
                double pick = d.u();
                s.subClass = src.early ? (pick < 0.88 ? "" : "AGN")
                        : pick < 0.55 ? "STARFORMING" : pick < 0.65 ? "STARBURST" : pick < 0.9 ? "" : pick < 0.95 ? "AGN"
                        : "STARFORMING BROADLINE";
                s.velDisp = src.early ? d.clamp(d.gauss(190, 45) - 20 * (r - 17), 70, 420) : d.clamp(d.gauss(80, 30), 20, 200);
                s.velDispErr = d.uniform(4, 12) * (1 + 10 / s.snMedian);
            }
            case QSO -> {
                s.cls = "QSO";
                s.z = src.z + d.gauss(0, 5e-4);
                s.zErr = d.uniform(2e-4, 1.2e-3);
                s.subClass = d.chance(0.7) ? "BROADLINE" : "";
            }
            default -> {
                s.cls = "STAR";
                s.z = d.gauss(0, 100) / 299792.458; // radial velocity of tens to hundreds of km/s
                s.zErr = d.uniform(3e-6, 2e-5);
                double gr = src.mag[1] - src.mag[2];
                int c = 0;
                while (c < STAR_CLASS_GR.length && gr > STAR_CLASS_GR[c]) {
                    c++;
                }
                s.subClass = STAR_CLASSES[c];
            }
        }
        double w = d.u();
        s.zWarning = w < 0.025 ? ZW_SMALL_DELTA_CHI2 : w < 0.035 ? ZW_MANY_OUTLIERS : w < 0.04 ? ZW_LITTLE_COVERAGE : 0;
        if (s.zWarning != 0) {
            s.zErr *= 10;
        }
    }

    static List<String> specColumns() {
        List<String> c = new ArrayList<>(List.of("specObjID BIGINT PRIMARY KEY", "bestObjID BIGINT", "fluxObjID BIGINT",
                "targetObjID BIGINT", "plateID BIGINT", "sciencePrimary SMALLINT", "legacyPrimary SMALLINT",
                "seguePrimary SMALLINT", "segue1Primary SMALLINT", "bossPrimary SMALLINT", "firstRelease VARCHAR(32)",
                "survey VARCHAR(32)", "instrument VARCHAR(32)", "programname VARCHAR(32)", "chunk VARCHAR(32)",
                "mjd INT", "plate SMALLINT", "fiberID SMALLINT", "run1d VARCHAR(32)", "run2d VARCHAR(32)",
                "legacy_target1 BIGINT", "boss_target1 BIGINT", "ra FLOAT", "dec FLOAT", "cx FLOAT", "cy FLOAT",
                "cz FLOAT", "htmID BIGINT", "z REAL", "zErr REAL", "zWarning INT", "class VARCHAR(32)",
                "subClass VARCHAR(32)", "rChi2 REAL", "DOF REAL", "velDisp REAL", "velDispErr REAL"));
        for (String b : PhotoObjects.BANDS) {
            c.add("snMedian_" + b + " REAL");
        }
        c.addAll(List.of("snMedian REAL", "loadVersion INT"));
        return c;
    }

    private static final List<String> PLATE_COLUMNS = List.of("plateID BIGINT PRIMARY KEY",
            "firstRelease VARCHAR(32)", "run2d VARCHAR(32)", "run1d VARCHAR(32)", "plate SMALLINT", "tile SMALLINT",
            "designID INT", "mjd INT", "ra FLOAT", "dec FLOAT", "cx FLOAT", "cy FLOAT", "cz FLOAT", "htmID BIGINT",
            "survey VARCHAR(32)", "programName VARCHAR(32)", "instrument VARCHAR(32)", "nExp SMALLINT",
            "expTime REAL", "airmass REAL", "nSpec INT", "loadVersion INT");

    /** Writes SpecObjAll, then PlateX (each plate centred on its fibres). */
    void write(SampleDatabase db, String note, PhotoIndex photo, int loadVersion) throws SQLException {
        Map<Long, double[]> centres = new LinkedHashMap<>(); // plateID -> sum x, y, z, count
        Map<Long, Spectrum> plateOf = new LinkedHashMap<>();
        try (TableWriter w = new TableWriter(db, "SpecObjAll", specColumns(), note,
                "Every spectrum (sciencePrimary = 1: the best one of its object; view SpecObj)."
                        + " bestObjID is the PhotoObjAll objID it belongs to.")) {
            for (Spectrum s : spectra) {
                long objID = photo.objID[s.photo];
                double[] xyz = Sky.xyz(s.ra, s.dec);
                boolean legacy = s.survey == LEGACY;
                boolean segue = s.survey == SEGUE;
                int p = s.sciencePrimary ? 1 : 0;
                w.l(s.specObjID).l(objID).l(objID).l(objID).l(s.plateID).i(p).i(legacy ? p : 0).i(segue ? p : 0)
                        .i(segue ? p : 0).i(s.survey == BOSS ? p : 0).s(s.survey.firstRelease()).s(s.survey.name())
                        .s(s.survey.instrument()).s(s.survey.programname()).s(s.survey == BOSS ? "boss" + (1 + s.plate % 40)
                                : "chunk" + (1 + s.plate % 90)).i(s.mjd).i(s.plate).i(s.fiber)
                        .s(s.survey.run2d().equals("26") ? "" : "v5_7_2").s(s.survey.run2d()).l(s.legacyTarget)
                        .l(s.bossTarget).d(s.ra).d(s.dec).d(xyz[0]).d(xyz[1]).d(xyz[2]).l(Sky.htmId(xyz)).f(s.z)
                        .f(s.zErr).i(s.zWarning).s(s.cls).s(s.subClass).f(d.gauss(1.0, 0.08))
                        .f(s.survey == BOSS ? 4400 : 3700).f(s.velDisp).f(s.velDispErr);
                double[] bandSn = {0.25, 0.8, 1.0, 1.1, 0.75};
                for (double f : bandSn) {
                    w.f(s.snMedian * f);
                }
                w.f(s.snMedian).i(loadVersion).end();
                double[] sum = centres.computeIfAbsent(s.plateID, id -> new double[4]);
                sum[0] += xyz[0];
                sum[1] += xyz[1];
                sum[2] += xyz[2];
                sum[3]++;
                plateOf.putIfAbsent(s.plateID, s);
            }
        }
        try (TableWriter w = new TableWriter(db, "PlateX", PLATE_COLUMNS, note,
                "One row per spectroscopic plate (plate, mjd), centred on its fibres.")) {
            for (Map.Entry<Long, double[]> e : centres.entrySet()) {
                double[] v = e.getValue();
                double n = StrictMath.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
                double[] xyz = {v[0] / n, v[1] / n, v[2] / n};
                double ra = Sky.wrapRa(StrictMath.toDegrees(StrictMath.atan2(xyz[1], xyz[0])));
                double dec = StrictMath.toDegrees(StrictMath.asin(xyz[2]));
                Spectrum s = plateOf.get(e.getKey());
                boolean boss = s.survey == BOSS;
                int nExp = 3 + d.nextInt(4);
                w.l(e.getKey()).s(s.survey.firstRelease()).s(s.survey.run2d()).s(boss ? "v5_7_2" : "").i(s.plate)
                        .i(boss ? -1 : 1 + s.plate % 2000).i(boss ? 10000 + s.plate : -1).i(s.mjd).d(ra).d(dec)
                        .d(xyz[0]).d(xyz[1]).d(xyz[2]).l(Sky.htmId(xyz)).s(s.survey.name()).s(s.survey.programname())
                        .s(s.survey.instrument()).i(nExp).f(nExp * 900.0).f(d.uniform(1.0, 1.4)).i((int) v[3])
                        .i(loadVersion).end();
            }
        }
    }
}
