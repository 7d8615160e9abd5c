package org.opencasjobs.catalog.sdss;

import java.sql.SQLException;
import java.util.List;
import java.util.Locale;

/**
 * Tables keyed on photometric objects: {@code Photoz} (photometric redshifts of primary
 * galaxies), {@code zooNoSpec} (Galaxy Zoo votes of bright galaxies without spectra),
 * {@code FIRST} (radio matches), {@code wise_allsky} with {@code wise_xmatch} (infrared
 * counterparts), and APOGEE's {@code apogeeStar}/{@code aspcapStar} (bright stars). Each follows
 * what the object is: quasars are radio-loud more often and red in W1−W2, APOGEE takes bright
 * stars, photometric redshifts scatter around the true ones.
 */
final class SurveyCatalogs {
    // APOGEE bits: apogee_target1 (SHORT, INTERMEDIATE, LONG), starflag, aspcapflag
    private static final long APOGEE_SHORT = 1L << 11;
    private static final long APOGEE_INTERMEDIATE = 1L << 12;
    private static final long APOGEE_LONG = 1L << 13;
    private static final long STARFLAG_BRIGHT_NEIGHBOR = 1L << 2;
    private static final long STARFLAG_LOW_SNR = 1L << 4;
    private static final long ASPCAP_TEFF_WARN = 1L;
    private static final long ASPCAP_STAR_BAD = 1L << 23;

    private SurveyCatalogs() {
    }

    static void write(SampleDatabase db, String note, PhotoIndex p, Draw d) throws SQLException {
        photoz(db, note, p, d);
        zooNoSpec(db, note, p, d);
        first(db, note, p, d);
        wise(db, note, p, d);
        apogee(db, note, p, d);
    }

    private static void photoz(SampleDatabase db, String note, PhotoIndex p, Draw d) throws SQLException {
        List<String> cols = new java.util.ArrayList<>(List.of("objID BIGINT PRIMARY KEY", "z REAL", "zErr REAL",
                "nnCount SMALLINT", "nnVol REAL", "photoErrorClass SMALLINT", "chisq REAL", "bestFitTemplateID INT",
                "dmod REAL"));
        for (String b : PhotoObjects.BANDS) {
            cols.add("absMag_" + b + " REAL");
        }
        for (String b : PhotoObjects.BANDS) {
            cols.add("kcorr_" + b + " REAL");
        }
        try (TableWriter w = new TableWriter(db, "Photoz", cols, note,
                "Photometric redshifts of primary galaxies (z, zErr; dmod and absMag_* at that z).")) {
            for (int k = 0; k < p.size; k++) {
                if (!p.primary(k) || p.type[k] != Source.TYPE_GALAXY) {
                    continue;
                }
                double trueZ = p.kind[k] == Source.Kind.GALAXY ? p.z[k] : d.uniform(0.05, 0.6);
                double sigma = 0.025 * (1 + trueZ) * (p.mag(k, 2) > 20.5 ? 2 : 1);
                double z = d.clamp(trueZ + d.gauss(0, sigma), 0.0, 1.5);
                double dmod = SpectralCatalogs.distanceModulus(Math.max(z, 0.001));
                w.l(p.objID[k]).f(z).f(sigma * d.uniform(0.8, 1.3)).i(100).f(d.logNormal(0.002, 0.3))
                        .i(p.mag(k, 2) > 21 ? 3 : p.mag(k, 2) > 20 ? 2 : 1).f(d.logNormal(1.5, 0.3))
                        .i(1 + d.nextInt(20)).f(dmod);
                double[] kcorr = new double[5];
                for (int b = 0; b < 5; b++) {
                    kcorr[b] = z * (p.early[k] ? 3.0 - 0.4 * b : 1.6 - 0.2 * b);
                }
                for (int b = 0; b < 5; b++) {
                    w.f(p.mag(k, b) - dmod - kcorr[b]);
                }
                for (double v : kcorr) {
                    w.f(v);
                }
                w.end();
            }
        }
    }

    private static void zooNoSpec(SampleDatabase db, String note, PhotoIndex p, Draw d) throws SQLException {
        try (TableWriter w = new TableWriter(db, "zooNoSpec", SpectralCatalogs.zooColumns(false), note,
                "Galaxy Zoo 1 vote fractions of bright primary galaxies without spectra.")) {
            for (int k = 0; k < p.size; k++) {
                if (p.primary(k) && p.type[k] == Source.TYPE_GALAXY && p.specObjID[k] == 0 && p.mag(k, 2) < 18.5) {
                    SpectralCatalogs.zoo(w, p, k, 0, d);
                }
            }
        }
    }

    private static void first(SampleDatabase db, String note, PhotoIndex p, Draw d) throws SQLException {
        try (TableWriter w = new TableWriter(db, "FIRST", List.of("objID BIGINT PRIMARY KEY", "ra FLOAT",
                "dec FLOAT", "warning INT", "peak REAL", "integr REAL", "rms REAL", "major REAL", "minor REAL",
                "pa REAL"), note, "FIRST 20 cm radio sources matched to primary objects: flux densities in mJy, sizes in arcsec.")) {
            for (int k = 0; k < p.size; k++) {
                if (!p.primary(k)) {
                    continue;
                }
                double chance = switch (p.kind[k]) {
                    case QSO -> 0.08;
                    case GALAXY -> p.early[k] ? 0.02 : 0.005;
                    default -> 0.0005;
                };
                if (!d.chance(chance)) {
                    continue;
                }
                double peak = d.clamp(d.logNormal(3, 0.5), 1.0, 5000);
                double off = 0.6 / 3600; // FIRST positions are good to about an arcsec
                double major = d.chance(0.6) ? 0 : d.uniform(1, 12);
                w.l(p.objID[k]).d(Sky.wrapRa(p.ra[k] + d.gauss(0, off))).d(p.dec[k] + d.gauss(0, off)).i(d.chance(0.03) ? 1 : 0)
                        .f(peak).f(peak * (1 + major / 8) * d.uniform(0.9, 1.2)).f(d.uniform(0.13, 0.16)).f(major)
                        .f(major * d.uniform(0.2, 0.9)).f(d.uniform(0, 180)).end();
            }
        }
    }

    private static void wise(SampleDatabase db, String note, PhotoIndex p, Draw d) throws SQLException {
        List<String> allsky = new java.util.ArrayList<>(List.of("cntr BIGINT PRIMARY KEY", "designation VARCHAR(20)",
                "ra FLOAT", "dec FLOAT", "sigra REAL", "sigdec REAL"));
        for (int b = 1; b <= 4; b++) {
            allsky.add("w" + b + "mpro REAL");
            allsky.add("w" + b + "sigmpro REAL");
            allsky.add("w" + b + "snr REAL");
        }
        allsky.addAll(List.of("cc_flags VARCHAR(4)", "ext_flg SMALLINT", "ph_qual VARCHAR(4)", "nb INT"));
        try (TableWriter all = new TableWriter(db, "wise_allsky", allsky, note,
                "WISE All-Sky sources near SDSS objects: Vega magnitudes W1–W4 (3.4, 4.6, 12, 22 µm).");
             TableWriter x = new TableWriter(db, "wise_xmatch", List.of("sdss_objid BIGINT NOT NULL", "wise_cntr BIGINT NOT NULL",
                     "match_dist REAL"), note,
                     "Matches of SDSS primary objects to WISE All-Sky sources within 4″ (match_dist in arcsec).")) {
            long cntr = 1800143101000001L;
            for (int k = 0; k < p.size; k++) {
                if (!p.primary(k) || p.mag(k, 2) > 21 || p.kind[k] == Source.Kind.SKY || p.kind[k] == Source.Kind.UNKNOWN
                        || !d.chance(0.7)) {
                    continue;
                }
                double z = p.mag(k, 4);
                double w1;
                double w12;
                double w23;
                switch (p.kind[k]) {
                    case QSO -> {
                        w1 = z - 2.3 + d.gauss(0, 0.3);
                        w12 = d.gauss(1.1, 0.2); // the AGN colour that W1−W2 > 0.8 cuts pick
                        w23 = d.gauss(2.9, 0.4);
                    }
                    case GALAXY -> {
                        w1 = z - (p.early[k] ? 1.6 : 1.3) + d.gauss(0, 0.2);
                        w12 = d.gauss(p.early[k] ? 0.05 : 0.25, 0.1);
                        w23 = p.early[k] ? d.gauss(1.0, 0.4) : d.gauss(3.2, 0.5);
                    }
                    default -> {
                        double gr = p.mag(k, 1) - p.mag(k, 2);
                        w1 = z - 0.7 - 1.1 * Math.max(0, gr) + d.gauss(0, 0.05);
                        w12 = d.gauss(0.0, 0.04);
                        w23 = d.gauss(0.05, 0.1);
                    }
                }
                double w2 = w1 - w12;
                double w3 = w2 - w23;
                double w4 = w3 - d.gauss(p.kind[k] == Source.Kind.STAR ? 0.05 : 2.0, 0.3);
                double[] mags = {w1, w2, w3, w4};
                double[] limits = {16.9, 15.9, 11.5, 8.0}; // roughly 5σ on the All-Sky release
                double off = 0.4 / 3600;
                double ra = Sky.wrapRa(p.ra[k] + d.gauss(0, off) / StrictMath.cos(StrictMath.toRadians(p.dec[k])));
                double dec = p.dec[k] + d.gauss(0, off);
                all.l(cntr).s(designation(ra, dec)).d(ra).d(dec).f(d.uniform(0.05, 0.4)).f(d.uniform(0.05, 0.4));
                StringBuilder qual = new StringBuilder();
                for (int b = 0; b < 4; b++) {
                    double snr = 5 * StrictMath.pow(10, -0.4 * (mags[b] - limits[b]));
                    if (snr < 2) { // an upper limit: WISE gives the 95% limit and no error
                        all.f(limits[b] + 0.8).nullReal().f(snr);
                        qual.append('U');
                    } else {
                        all.f(mags[b]).f(1.0857 / snr + 0.01).f(snr);
                        qual.append(snr > 10 ? 'A' : snr > 3 ? 'B' : 'C');
                    }
                }
                all.s("0000").i(p.type[k] == Source.TYPE_GALAXY && p.petroR50R[k] > 4 ? 1 : 0).s(qual.toString()).i(1).end();
                x.l(p.objID[k]).l(cntr).f(Sky.distanceArcMin(p.ra[k], p.dec[k], ra, dec) * 60).end();
                cntr += 1 + d.nextInt(40);
            }
        }
    }

    /** A WISE designation, {@code Jhhmmss.ss±ddmmss.s}. */
    private static String designation(double ra, double dec) {
        long hs = (long) (ra / 15 * 360000);
        long ds = (long) (Math.abs(dec) * 36000);
        // built by hand: String.format per row was a third of this table's time
        StringBuilder b = new StringBuilder(20).append('J');
        pad(b, hs / 360000, 2);
        pad(b, hs / 6000 % 60, 2);
        pad(b, hs % 6000 / 100, 2);
        b.append('.');
        pad(b, hs % 100, 2);
        b.append(dec < 0 ? '-' : '+');
        pad(b, ds / 36000, 2);
        pad(b, ds / 600 % 60, 2);
        pad(b, ds % 600 / 10, 2);
        return b.append('.').append(ds % 10).toString();
    }

    private static void pad(StringBuilder b, long v, int digits) {
        String s = Long.toString(v);
        for (int k = s.length(); k < digits; k++) {
            b.append('0');
        }
        b.append(s);
    }

    /** A 2MASS-style identifier as APOGEE uses, {@code 2Mhhmmssss±ddmmsss}. */
    private static String twoMass(double ra, double dec) {
        long hs = (long) (ra / 15 * 360000);
        long ds = (long) (Math.abs(dec) * 36000);
        return String.format(Locale.ROOT, "2M%02d%02d%04d%s%02d%02d%03d", hs / 360000, hs / 6000 % 60, hs % 6000,
                dec < 0 ? "-" : "+", ds / 36000, ds / 600 % 60, ds % 600);
    }

    private static void apogee(SampleDatabase db, String note, PhotoIndex p, Draw d) throws SQLException {
        try (TableWriter star = new TableWriter(db, "apogeeStar", List.of("apstar_id VARCHAR(64) PRIMARY KEY",
                "apogee_id VARCHAR(32)", "telescope VARCHAR(8)", "location_id INT", "field VARCHAR(32)", "ra FLOAT",
                "dec FLOAT", "glon FLOAT", "glat FLOAT", "j REAL", "j_err REAL", "h REAL", "h_err REAL", "k REAL",
                "k_err REAL", "nvisits INT", "snr REAL", "starflag BIGINT", "vhelio_avg REAL", "vscatter REAL",
                "verr REAL", "apogee_target1 BIGINT", "apogee_target2 BIGINT"), note,
                "APOGEE stars: 2MASS photometry (Vega), combined-spectrum S/N and radial velocity (km/s).");
             TableWriter aspcap = new TableWriter(db, "aspcapStar", List.of("aspcap_id VARCHAR(64) PRIMARY KEY",
                     "apstar_id VARCHAR(64)", "apogee_id VARCHAR(32)", "teff REAL", "teff_err REAL", "logg REAL",
                     "logg_err REAL", "m_h REAL", "m_h_err REAL", "alpha_m REAL", "alpha_m_err REAL", "fe_h REAL",
                     "fe_h_err REAL", "vmicro REAL", "aspcapflag BIGINT"), note,
                     "ASPCAP stellar parameters of APOGEE stars: K, dex.")) {
            for (int k = 0; k < p.size; k++) {
                if (!p.primary(k) || p.kind[k] != Source.Kind.STAR || p.mag(k, 2) > 17 || !d.chance(0.5)) {
                    continue;
                }
                double gr = p.mag(k, 1) - p.mag(k, 2);
                double jmag = p.mag(k, 2) - 0.9 - 1.6 * Math.max(0, gr) + d.gauss(0, 0.05);
                double hmag = jmag - 0.25 - 0.35 * Math.max(0, gr) + d.gauss(0, 0.03);
                double kmag = hmag - 0.06 - 0.1 * Math.max(0, gr) + d.gauss(0, 0.03);
                int location = 4000 + (int) (p.ra[k] / 3) + 200 * (int) ((p.dec[k] + 90) / 3);
                String id = twoMass(p.ra[k], p.dec[k]);
                String apstar = "apogee.apo25m.s.stars." + location + "." + id;
                long target = hmag < 11 ? APOGEE_SHORT : hmag < 12.2 ? APOGEE_INTERMEDIATE : APOGEE_LONG;
                double snr = d.clamp(900 * StrictMath.pow(10, -0.4 * (hmag - 8)) * d.logNormal(1, 0.1), 5, 1500);
                long starflag = (snr < 50 ? STARFLAG_LOW_SNR : 0) | (d.chance(0.03) ? STARFLAG_BRIGHT_NEIGHBOR : 0);
                double[] gal = Sky.galactic(p.ra[k], p.dec[k]);
                star.s(apstar).s(id).s("apo25m").i(location).s(String.format(Locale.ROOT, "%03d%+03d", (int) p.ra[k],
                        (int) p.dec[k])).d(p.ra[k]).d(p.dec[k]).d(gal[0]).d(gal[1]).f(jmag).f(0.02).f(hmag).f(0.02)
                        .f(kmag).f(0.02).i(1 + d.nextInt(8)).f(snr).l(starflag).f(d.gauss(0, 60)).f(d.logNormal(0.2, 0.3))
                        .f(d.uniform(0.02, 0.3)).l(target).l(0).end();
                double teff = d.clamp(7300 - 2700 * gr + d.gauss(0, 100), 3500, 8000);
                boolean giant = teff < 5200 && d.chance(0.6); // APOGEE's colour cut favours giants
                double logg = giant ? d.uniform(1.0, 3.5) : d.clamp(d.gauss(4.4, 0.2), 3.8, 5.0);
                double mh = d.gauss(-0.2, 0.3);
                long flag = (teff < 3700 ? ASPCAP_TEFF_WARN : 0) | (d.chance(0.01) || snr < 20 ? ASPCAP_STAR_BAD : 0);
                aspcap.s("apogee.apo25m.s.synspec." + location + "." + id).s(apstar).s(id).f(teff).f(d.uniform(50, 120))
                        .f(logg).f(d.uniform(0.05, 0.15)).f(mh).f(d.uniform(0.01, 0.05)).f(mh < -0.5 ? 0.25 : 0.05)
                        .f(0.03).f(mh + d.gauss(0, 0.03)).f(0.02).f(d.uniform(0.8, 2.0)).l(flag).end();
            }
        }
    }
}
