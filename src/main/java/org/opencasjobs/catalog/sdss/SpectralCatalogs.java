package org.opencasjobs.catalog.sdss;

import java.sql.SQLException;
import java.util.List;

/**
 * The value-added tables built on spectra: MPA-JHU {@code galSpecInfo}/{@code galSpecLine} and
 * Wisconsin {@code stellarMassPCAWisc} for galaxy spectra, SSPP {@code sppParams}/{@code sppLines}
 * for star spectra, and Galaxy Zoo {@code zooSpec} for main-sample galaxies. Their values follow
 * the spectrum they describe: star-forming galaxies have strong Hα and sit on the star-forming
 * side of the BPT diagram, AGN on the other; SSPP temperatures follow g−r.
 */
final class SpectralCatalogs {
    private SpectralCatalogs() {
    }

    /** Distance modulus in flat ΛCDM (H0 = 70, Ωm = 0.3), for absolute magnitudes and masses. */
    static double distanceModulus(double z) {
        if (z <= 0) {
            return 0;
        }
        int steps = 32;
        double sum = 0;
        for (int i = 0; i < steps; i++) {
            double zz = (i + 0.5) * z / steps;
            sum += 1 / StrictMath.sqrt(0.3 * StrictMath.pow(1 + zz, 3) + 0.7);
        }
        double comovingMpc = 299792.458 / 70 * sum * z / steps;
        return 5 * StrictMath.log10((1 + z) * comovingMpc * 1e6 / 10);
    }

    static void write(SampleDatabase db, String note, PhotoIndex p, Spectroscopy spec, Draw d, int loadVersion)
            throws SQLException {
        try (TableWriter info = new TableWriter(db, "galSpecInfo", List.of("specObjID BIGINT PRIMARY KEY",
                "plateid SMALLINT", "mjd INT", "fiberid SMALLINT", "ra REAL", "dec REAL", "primtarget INT",
                "sectarget INT", "targettype VARCHAR(32)", "spectrotype VARCHAR(32)", "subclass VARCHAR(32)", "z REAL",
                "z_err REAL", "z_warning INT", "v_disp REAL", "v_disp_err REAL", "sn_median REAL", "e_bv_sfd REAL",
                "release VARCHAR(32)", "reliable INT"), note,
                "MPA-JHU galaxy spectra: identification and fit summary.");
             TableWriter line = new TableWriter(db, "galSpecLine", List.of("specObjID BIGINT PRIMARY KEY",
                     "h_alpha_flux REAL", "h_alpha_flux_err REAL", "h_alpha_eqw REAL", "h_beta_flux REAL",
                     "h_beta_flux_err REAL", "h_beta_eqw REAL", "oiii_5007_flux REAL", "oiii_5007_flux_err REAL",
                     "nii_6584_flux REAL", "nii_6584_flux_err REAL", "oii_3726_flux REAL", "oii_3729_flux REAL",
                     "sii_6717_flux REAL", "sii_6731_flux REAL", "sigma_balmer REAL", "sigma_forbidden REAL"), note,
                     "MPA-JHU emission lines of galaxy spectra: fluxes in 1e-17 erg/s/cm², equivalent widths in Å.");
             TableWriter mass = new TableWriter(db, "stellarMassPCAWisc", List.of("specObjID BIGINT PRIMARY KEY",
                     "plate SMALLINT", "fiberID SMALLINT", "mjd INT", "ra FLOAT", "dec FLOAT", "z REAL", "zErr REAL",
                     "mstellar_median REAL", "mstellar_err REAL", "mstellar_p16 REAL", "mstellar_p84 REAL",
                     "vdisp_median REAL", "vdisp_err REAL", "warning INT"), note,
                     "Wisconsin PCA stellar masses of galaxy spectra: log10 of solar masses.");
             TableWriter spp = new TableWriter(db, "sppParams", List.of("specObjID BIGINT PRIMARY KEY",
                     "bestObjID BIGINT", "plate SMALLINT", "mjd INT", "fiberID SMALLINT", "ra FLOAT", "dec FLOAT",
                     "teffadop REAL", "teffadopunc REAL", "loggadop REAL", "loggadopunc REAL", "fehadop REAL",
                     "fehadopunc REAL", "afe REAL", "afeunc REAL", "elodiervfinal REAL", "elodiervfinalerr REAL",
                     "snr REAL", "flag VARCHAR(8)", "spectypehammer VARCHAR(16)"), note,
                     "SEGUE Stellar Parameter Pipeline (SSPP) adopted parameters of star spectra: K, dex, km/s.");
             TableWriter lines = new TableWriter(db, "sppLines", List.of("specObjID BIGINT PRIMARY KEY",
                     "plate SMALLINT", "mjd INT", "fiber SMALLINT", "caiik12 REAL", "caiik24 REAL", "halpha12 REAL",
                     "halpha24 REAL", "mgh REAL", "gband REAL"), note,
                     "SSPP line indices of star spectra (a handful of them): equivalent widths in Å.");
             TableWriter zoo = new TableWriter(db, "zooSpec", zooColumns(true), note,
                     "Galaxy Zoo 1 vote fractions of galaxies with spectra (p_el elliptical, p_cs combined spiral).")) {
            for (Spectroscopy.Spectrum s : spec.spectra) {
                int k = s.photo;
                if (s.cls.equals("GALAXY")) {
                    galaxy(info, line, mass, s, p, d);
                    if (s.sciencePrimary && s.survey().equals("sdss")) {
                        zoo(zoo, p, k, s.specObjID, d);
                    }
                } else if (s.cls.equals("STAR")) {
                    star(spp, lines, s, p, d);
                }
            }
        }
    }

    private static void galaxy(TableWriter info, TableWriter line, TableWriter mass, Spectroscopy.Spectrum s,
            PhotoIndex p, Draw d) throws SQLException {
        int k = s.photo;
        boolean agn = s.subClass.contains("AGN") || (p.early[k] && d.chance(0.15));
        boolean starForming = !agn && !p.early[k];
        info.l(s.specObjID).i(s.plate).i(s.mjd).i(s.fiber).f(s.ra).f(s.dec).i((int) s.legacyTarget).i(0)
                .s("GALAXY").s("GALAXY").s(s.subClass).f(s.z).f(s.zErr).i(s.zWarning).f(s.velDisp).f(s.velDispErr)
                .f(s.snMedian).f(p.extinctionR[k] / 2.751).s(s.survey().equals("boss") ? "dr10" : "dr7")
                .i(s.zWarning == 0 ? 1 : 0).end();
        // Hα from star formation (or AGN); the other lines from BPT positions of each class
        double ha = starForming ? d.logNormal(120, 0.45) : agn ? d.logNormal(60, 0.4) : d.logNormal(6, 0.4);
        double balmer = d.clamp(d.gauss(4.0, 0.7), 2.86, 8); // Hα/Hβ, ≥ 2.86 (case B) with dust
        double hb = ha / balmer;
        double n2ha = starForming ? d.gauss(-0.45, 0.15) : d.gauss(0.05, 0.15); // log [NII]/Hα
        double o3hb = starForming ? d.gauss(-0.35, 0.25) : agn ? d.gauss(0.55, 0.2) : d.gauss(0.1, 0.25);
        double err = d.uniform(1.5, 4);
        double continuum = StrictMath.pow(10, -0.4 * (p.mag(k, 2) - 17)) * 40;
        line.l(s.specObjID).f(ha).f(err).f(-ha / continuum * 10).f(hb).f(err).f(-hb / continuum * 10)
                .f(hb * StrictMath.pow(10, o3hb)).f(err).f(ha * StrictMath.pow(10, n2ha)).f(err)
                .f(ha * d.uniform(0.25, 0.6)).f(ha * d.uniform(0.3, 0.8)).f(ha * d.uniform(0.15, 0.3))
                .f(ha * d.uniform(0.1, 0.22)).f(d.uniform(40, 120)).f(d.uniform(40, 160)).end();
        double absR = p.mag(k, 2) - p.extinctionR[k] - distanceModulus(s.z);
        double logM = d.clamp(10.6 - 0.4 * (absR + 21.5) + (p.early[k] ? 0.2 : -0.1) + d.gauss(0, 0.12), 7.5, 12.5);
        double mErr = d.uniform(0.05, 0.2);
        mass.l(s.specObjID).i(s.plate).i(s.fiber).i(s.mjd).d(s.ra).d(s.dec).f(s.z).f(s.zErr).f(logM).f(mErr)
                .f(logM - mErr).f(logM + mErr).f(s.velDisp).f(s.velDispErr).i(s.zWarning == 0 ? 0 : 1).end();
    }

    private static void star(TableWriter spp, TableWriter lines, Spectroscopy.Spectrum s, PhotoIndex p, Draw d)
            throws SQLException {
        int k = s.photo;
        double gr = p.mag(k, 1) - p.mag(k, 2);
        double teff = d.clamp(7300 - 2700 * gr + d.gauss(0, 120), 3500, 10000);
        boolean giant = teff < 5200 && d.chance(0.12);
        double logg = giant ? d.uniform(1.5, 3.5) : d.clamp(d.gauss(4.3, 0.25), 3.5, 5.0);
        double feh = d.chance(0.35) ? d.gauss(-1.5, 0.4) : d.gauss(-0.5, 0.3);
        double afe = feh < -1 ? d.gauss(0.35, 0.08) : d.gauss(0.1, 0.1);
        double snr = s.snMedian * 1.5;
        String cls = teff > 7500 ? "A0" : teff > 6000 ? "F5" : teff > 5300 ? "G2" : teff > 4000 ? "K3" : "M1";
        spp.l(s.specObjID).l(p.objID[k]).i(s.plate).i(s.mjd).i(s.fiber).d(s.ra).d(s.dec).f(teff).f(d.uniform(60, 180))
                .f(logg).f(d.uniform(0.1, 0.35)).f(feh).f(d.uniform(0.08, 0.3)).f(afe).f(d.uniform(0.05, 0.15))
                .f(s.z * 299792.458).f(d.uniform(1, 8)).f(snr).s(snr < 10 ? "nnnnN" : "nnnnn").s(cls).end();
        double warm = d.clamp((teff - 3500) / 6500, 0, 1);
        lines.l(s.specObjID).i(s.plate).i(s.mjd).i(s.fiber).f(d.clamp(12 - 9 * warm + 0.6 * feh, 0.2, 20))
                .f(d.clamp(16 - 11 * warm + 0.8 * feh, 0.3, 25)).f(1 + 6 * warm + d.gauss(0, 0.3))
                .f(1.5 + 8 * warm + d.gauss(0, 0.4)).f(d.clamp(5 - 4 * warm + (logg - 4) * 0.8, 0.1, 10))
                .f(d.clamp(5 - 4.5 * warm, 0.1, 8)).end();
    }

    static List<String> zooColumns(boolean withSpec) {
        List<String> c = new java.util.ArrayList<>();
        c.add(withSpec ? "specObjID BIGINT PRIMARY KEY" : "objID BIGINT PRIMARY KEY");
        if (withSpec) {
            c.add("objID BIGINT");
        }
        c.addAll(List.of("dr7objid BIGINT", "ra FLOAT", "dec FLOAT", "rastring VARCHAR(11)", "decstring VARCHAR(11)",
                "nvote INT", "p_el REAL", "p_cw REAL", "p_acw REAL", "p_edge REAL", "p_dk REAL", "p_mg REAL",
                "p_cs REAL", "p_el_debiased REAL", "p_cs_debiased REAL", "spiral INT", "elliptical INT",
                "uncertain INT"));
        return c;
    }

    /** One Galaxy Zoo row: vote fractions that follow what the galaxy is. */
    static void zoo(TableWriter w, PhotoIndex p, int k, long specObjID, Draw d) throws SQLException {
        double el = p.early[k] ? d.uniform(0.6, 1.0) : d.uniform(0.0, 0.35);
        double mg = d.uniform(0, 0.05);
        double dk = d.uniform(0, 0.05);
        el = Math.min(el, 1 - mg - dk); // the four answers' fractions add up to one
        double cs = Math.max(0, 1 - el - mg - dk); // never a rounding error below zero
        double edge = cs * d.uniform(0, 0.3);
        double cw = (cs - edge) * d.uniform(0.3, 0.7);
        double acw = cs - edge - cw;
        double elDeb = d.clamp(el + d.gauss(0, 0.05), 0, 1);
        double csDeb = d.clamp(cs + d.gauss(0, 0.05), 0, 1);
        if (specObjID != 0) {
            w.l(specObjID);
        }
        w.l(p.objID[k]).l(p.objID[k]).d(p.ra[k]).d(p.dec[k]).s(hms(p.ra[k])).s(dms(p.dec[k])).i(20 + d.nextInt(60))
                .f(el).f(cw).f(acw).f(edge).f(dk).f(mg).f(cs).f(elDeb).f(csDeb).i(csDeb > 0.8 ? 1 : 0)
                .i(elDeb > 0.8 ? 1 : 0).i(csDeb > 0.8 || elDeb > 0.8 ? 0 : 1).end();
    }

    /** ra as Galaxy Zoo writes it, {@code hh:mm:ss.ss}. */
    static String hms(double ra) {
        long hundredths = StrictMath.round(ra / 15 * 3600 * 100);
        return String.format(java.util.Locale.ROOT, "%02d:%02d:%05.2f", hundredths / 360000 % 24,
                hundredths / 6000 % 60, hundredths % 6000 / 100.0);
    }

    /** dec as Galaxy Zoo writes it, {@code ±dd:mm:ss.s}. */
    static String dms(double dec) {
        long tenths = StrictMath.round(Math.abs(dec) * 3600 * 10);
        return String.format(java.util.Locale.ROOT, "%s%02d:%02d:%04.1f", dec < 0 ? "-" : "+", tenths / 36000,
                tenths / 600 % 60, tenths % 600 / 10.0);
    }
}
