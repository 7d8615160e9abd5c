-- The SDSS query corpus: queries in the style of SkyServer's sample queries and of published
-- papers, written for OpenCasJobs, each with what its answer must be (format: corpus/QueryCorpus).
-- They run as quick jobs in context Sample (the synthetic SDSS-shaped catalog). A reference query
-- ("--- same") is written in the plainest SQL the engine runs, so that it checks the translated
-- T-SQL and the SkyServer functions rather than repeating them.

=== basic: the first objects of PhotoObj
SELECT TOP 10 objID, ra, dec FROM PhotoObj ORDER BY objID
--- expect rows = 10
--- expect columns objID,ra,dec
--- expect each ra >= 0
--- expect each ra < 360

=== views: Galaxy is the primary objects of type 3
SELECT COUNT(*) AS n FROM Galaxy
--- same
SELECT COUNT(*) AS n FROM PhotoObjAll WHERE mode = 1 AND type = 3

=== views: Star is the primary objects of type 6
SELECT COUNT(*) AS n FROM Star
--- same
SELECT COUNT(*) AS n FROM PhotoObjAll WHERE mode = 1 AND type = 6

=== views: PhotoPrimary is mode 1
SELECT COUNT(*) AS n FROM PhotoPrimary
--- same
SELECT COUNT(*) AS n FROM PhotoObjAll WHERE mode = 1

=== views: PhotoSecondary is mode 2, and there are some
SELECT COUNT(*) AS n FROM PhotoSecondary
--- same
SELECT COUNT(*) AS n FROM PhotoObjAll WHERE mode = 2
--- expect each n > 0

=== views: PhotoObj is primaries and secondaries
SELECT COUNT(*) AS n FROM PhotoObj
--- same
SELECT COUNT(*) AS n FROM PhotoObjAll WHERE mode IN (1, 2)

=== views: Sky and Unknown
SELECT (SELECT COUNT(*) FROM Sky) AS n_sky, (SELECT COUNT(*) FROM Unknown) AS n_unknown
--- same
SELECT (SELECT COUNT(*) FROM PhotoObjAll WHERE mode = 1 AND type = 8) AS n_sky,
       (SELECT COUNT(*) FROM PhotoObjAll WHERE mode = 1 AND type = 0) AS n_unknown

=== basic: bracketed names
SELECT TOP 5 [objID], [ra], [dec] FROM [PhotoObj] ORDER BY [objID]
--- same
SELECT TOP 5 objID, ra, dec FROM PhotoObj ORDER BY objID
--- expect columns objID,ra,dec

=== basic: names in any case, headers as written
select top 5 OBJID, RA, Dec from photoobj order by objid
--- same
SELECT TOP 5 objID, ra, dec FROM PhotoObj ORDER BY objID
--- expect columns OBJID,RA,Dec

=== basic: PhotoTag holds PhotoObjAll's common columns
SELECT TOP 20 objID, ra, dec, psfMag_r, modelMag_g, type, flags FROM PhotoTag ORDER BY objID
--- same
SELECT TOP 20 objID, ra, dec, psfMag_r, modelMag_g, type, flags FROM PhotoObjAll ORDER BY objID

=== basic: spectra
SELECT TOP 10 specObjID, z, zErr, class FROM SpecObj ORDER BY specObjID
--- expect rows = 10
--- expect columns specObjID,z,zErr,class
--- expect each zErr >= 0

=== views: SpecObj is the science primary spectra
SELECT COUNT(*) AS n FROM SpecObj
--- same
SELECT COUNT(*) AS n FROM SpecObjAll WHERE sciencePrimary = 1

=== basic: the spectral classes
SELECT DISTINCT class FROM SpecObj ORDER BY class
--- expect rows = 3

=== photometry: bright galaxies
SELECT objID, r FROM Galaxy WHERE r < 17
--- expect rows >= 1
--- expect each r < 17

=== photometry: the main galaxy sample's magnitude limit
SELECT COUNT(*) AS n FROM Galaxy WHERE petroMag_r < 17.77
--- same
SELECT COUNT(*) AS n FROM PhotoObjAll WHERE mode = 1 AND type = 3 AND petroMag_r < 17.77
--- expect each n > 0

=== photometry: u g r i z are the model magnitudes
SELECT COUNT(*) AS n FROM PhotoObjAll
WHERE u <> modelMag_u OR g <> modelMag_g OR r <> modelMag_r OR i <> modelMag_i OR z <> modelMag_z
   OR err_r <> modelMagErr_r
--- same
SELECT 0 AS n

=== photometry: dered magnitudes are model magnitudes less extinction
SELECT COUNT(*) AS n FROM PhotoObjAll
WHERE ABS(dered_r - (modelMag_r - extinction_r)) > 0.001 OR ABS(dered_g - (modelMag_g - extinction_g)) > 0.001
--- same
SELECT 0 AS n

=== photometry: extinction is never negative and largest in u
SELECT COUNT(*) AS n FROM PhotoObjAll WHERE extinction_r < 0 OR extinction_u < extinction_z
--- same
SELECT 0 AS n

=== photometry: red galaxies by dereddened colours
SELECT TOP 50 objID, dered_g - dered_r AS gr, dered_r - dered_i AS ri
FROM Galaxy WHERE dered_g - dered_r > 0.7 AND dered_r - dered_i > 0.3 ORDER BY objID
--- expect rows >= 1
--- expect each gr > 0.7
--- expect each ri > 0.3

=== photometry: a colour range with BETWEEN
SELECT objID, r FROM Star WHERE r BETWEEN 15 AND 16
--- expect rows >= 1
--- expect each r >= 15
--- expect each r <= 16

=== photometry: star-galaxy separation by psf minus model magnitude
SELECT type, COUNT(*) AS n, AVG(psfMag_r - cModelMag_r) AS dpsf
FROM PhotoPrimary WHERE type IN (3, 6) AND r < 20 GROUP BY type ORDER BY type
--- expect rows = 2
--- expect each n > 0

=== photometry: galaxies look extended (psf fainter than model)
SELECT COUNT(*) AS n FROM Galaxy WHERE r < 19 AND psfMag_r - cModelMag_r > 0.145
--- expect each n > 0

=== photometry: quasar-like UV excess among point sources
SELECT objID, u - g AS ug, g FROM Star WHERE u - g < 0.6 AND g < 21
--- expect each ug < 0.6
--- expect each g < 21

=== photometry: a luminous red galaxy cut (c_perp style)
SELECT COUNT(*) AS n FROM Galaxy
WHERE (dered_r - dered_i) - (dered_g - dered_r) / 4.0 - 0.18 > 0.2 AND petroMag_r < 19.5
--- same
SELECT COUNT(*) AS n FROM Galaxy
WHERE (dered_r - dered_i) - (dered_g - dered_r) / 4.0 - 0.18 > 0.2 AND petroMag_r < 19.5

=== photometry: fiber magnitudes are fainter than Petrosian ones for galaxies
SELECT COUNT(*) AS n FROM Galaxy WHERE fiberMag_r < petroMag_r - 0.01
--- same
SELECT 0 AS n

=== photometry: concentration of galaxies
SELECT TOP 20 objID, petroR50_r, petroR90_r, petroR90_r / petroR50_r AS c
FROM Galaxy WHERE petroR50_r > 0 ORDER BY objID
--- expect rows = 20
--- expect each c >= 1

=== photometry: early types by fracDeV
SELECT COUNT(*) AS n FROM Galaxy WHERE fracDeV_r > 0.8 AND deVRad_r > 0
--- expect each n > 0

=== photometry: fracDeV is a fraction
SELECT COUNT(*) AS n FROM PhotoObjAll WHERE fracDeV_r < 0 OR fracDeV_r > 1
--- same
SELECT 0 AS n

=== photometry: precise stellar photometry
SELECT TOP 100 objID, psfMag_r, psfMagErr_r FROM Star WHERE psfMagErr_r < 0.05 ORDER BY objID
--- expect rows >= 1
--- expect each psfMagErr_r < 0.05

=== photometry: errors grow with magnitude
SELECT CASE WHEN (SELECT AVG(psfMagErr_r) FROM Star WHERE psfMag_r > 21)
               > (SELECT AVG(psfMagErr_r) FROM Star WHERE psfMag_r < 18) THEN 1 ELSE 0 END AS ok
--- expect each ok = 1

=== photometry: galaxies are redder than stars in u - r on average
SELECT CASE WHEN (SELECT AVG(u - r) FROM Galaxy) > (SELECT AVG(u - r) FROM Star) - 0.5 THEN 1 ELSE 0 END AS ok
--- expect each ok = 1

=== photometry: the type of each band agrees mostly with the overall type
SELECT COUNT(*) AS n FROM Galaxy WHERE type_r = 3
--- expect each n > 0

=== photometry: positions are on the unit sphere
SELECT COUNT(*) AS n FROM PhotoObjAll WHERE ABS(cx * cx + cy * cy + cz * cz - 1) > 0.000001
--- same
SELECT 0 AS n

=== photometry: cz is the sine of dec
SELECT COUNT(*) AS n FROM PhotoObjAll WHERE ABS(cz - SIN(RADIANS(dec))) > 0.000001
--- same
SELECT 0 AS n

=== photometry: galactic latitude is a latitude
SELECT COUNT(*) AS n FROM PhotoObjAll WHERE b < -90 OR b > 90 OR l < 0 OR l >= 360
--- same
SELECT 0 AS n

=== flags: not saturated, with fPhotoFlags and bitwise &
SELECT COUNT(*) AS n FROM Star WHERE (flags & dbo.fPhotoFlags('SATURATED')) = 0
--- same
SELECT COUNT(*) AS n FROM Star WHERE BITAND(flags, 262144) = 0

=== flags: a hexadecimal mask
SELECT COUNT(*) AS n FROM PhotoObj WHERE (flags & 0x10000000) != 0
--- same
SELECT COUNT(*) AS n FROM PhotoObj WHERE BITAND(flags, 268435456) <> 0
--- expect each n > 0

=== flags: the bit itself in the select list
SELECT TOP 1 flags & 268435456 AS x FROM PhotoObj WHERE (flags & 268435456) > 0 ORDER BY objID
--- expect rows = 1
--- expect each x = 268435456

=== flags: two flags at once with |
SELECT COUNT(*) AS n FROM Galaxy WHERE (flags & (dbo.fPhotoFlags('EDGE') | dbo.fPhotoFlags('BLENDED'))) = 0
--- same
SELECT COUNT(*) AS n FROM Galaxy WHERE BITAND(flags, 12) = 0

=== flags: unqualified fPhotoFlags
SELECT COUNT(*) AS n FROM Galaxy WHERE flags & fPhotoFlags('BLENDED') > 0
--- same
SELECT COUNT(*) AS n FROM Galaxy WHERE BITAND(flags, 8) > 0

=== flags: every BINNED1 object says so in fPhotoFlagsN
SELECT COUNT(*) AS n FROM PhotoObj WHERE (flags & 0x10000000) <> 0 AND dbo.fPhotoFlagsN(flags) NOT LIKE '%BINNED1%'
--- same
SELECT 0 AS n

=== flags: the value of a flag
SELECT dbo.fPhotoFlags('BINNED1') AS b, dbo.fPhotoFlags('SATURATED') AS s, dbo.fPhotoFlags('EDGE') AS e
--- expect each b = 268435456
--- expect each s = 262144
--- expect each e = 4

=== flags: per-band flags
SELECT COUNT(*) AS n FROM Galaxy WHERE (flags_r & dbo.fPhotoFlags('INTERP')) = 0
--- same
SELECT COUNT(*) AS n FROM Galaxy WHERE BITAND(flags_r, 131072) = 0

=== flags: nothing but BINNED1, with ~
SELECT COUNT(*) AS n FROM Star WHERE (flags & ~dbo.fPhotoFlags('BINNED1')) = 0
--- same
SELECT COUNT(*) AS n FROM Star WHERE BITAND(flags, BITNOT(CAST(268435456 AS BIGINT))) = 0

=== flags: bitwise or and xor in the select list
SELECT TOP 10 objID, flags | 1 AS f1, type ^ 1 AS t FROM PhotoObj ORDER BY objID
--- same
SELECT TOP 10 objID, BITOR(flags, 1) AS f1, BITXOR(type, 1) AS t FROM PhotoObj ORDER BY objID

=== flags: clean photometry
SELECT COUNT(*) AS n FROM Star WHERE clean = 1 AND r < 20
--- same
SELECT COUNT(*) AS n FROM PhotoObjAll WHERE mode = 1 AND type = 6 AND clean = 1 AND r < 20
--- expect each n > 0

=== types: fPhotoType names the type
SELECT COUNT(*) AS n FROM PhotoPrimary WHERE type = dbo.fPhotoType('Galaxy')
--- same
SELECT COUNT(*) AS n FROM Galaxy

=== types: counts by type name
SELECT dbo.fPhotoTypeN(type) AS name, COUNT(*) AS n FROM PhotoPrimary GROUP BY dbo.fPhotoTypeN(type)
--- same
SELECT CASE type WHEN 0 THEN 'UNKNOWN' WHEN 3 THEN 'GALAXY' WHEN 6 THEN 'STAR' WHEN 8 THEN 'SKY' END AS name,
       COUNT(*) AS n FROM PhotoPrimary GROUP BY type

=== types: fPhotoMode
SELECT COUNT(*) AS n FROM PhotoObjAll WHERE mode = dbo.fPhotoMode('Primary')
--- same
SELECT COUNT(*) AS n FROM PhotoPrimary

=== types: fPhotoModeN
SELECT dbo.fPhotoModeN(1) AS p, dbo.fPhotoModeN(2) AS s
--- expect each p = 'PRIMARY'
--- expect each s = 'SECONDARY'

=== status: the PRIMARY status bit
SELECT COUNT(*) AS n FROM PhotoObjAll WHERE (status & dbo.fPhotoStatus('PRIMARY')) <> 0
--- same
SELECT COUNT(*) AS n FROM PhotoObjAll WHERE BITAND(status, 8192) <> 0

=== status: fPhotoStatusN names set bits
SELECT TOP 5 objID, dbo.fPhotoStatusN(status) AS names FROM PhotoPrimary ORDER BY objID
--- expect rows = 5

=== spectra: zWarning bits with fSpecZWarning
SELECT COUNT(*) AS n FROM SpecObj WHERE (zWarning & dbo.fSpecZWarning('SMALL_DELTA_CHI2')) <> 0
--- same
SELECT COUNT(*) AS n FROM SpecObj WHERE BITAND(zWarning, 4) <> 0

=== spectra: fSpecZWarningN of a good redshift
SELECT dbo.fSpecZWarningN(0) AS w
--- expect each w = 'OK'

=== spectra: high-redshift quasars
SELECT specObjID, z, zWarning FROM SpecObj WHERE class = 'QSO' AND z > 2 AND zWarning = 0
--- expect rows >= 1
--- expect each z > 2
--- expect each zWarning = 0

=== spectra: a redshift slice of galaxies
SELECT COUNT(*) AS n FROM SpecObj WHERE class = 'GALAXY' AND z BETWEEN 0.1 AND 0.2
--- same
SELECT COUNT(*) AS n FROM SpecObj WHERE class = 'GALAXY' AND z >= 0.1 AND z <= 0.2
--- expect each n > 0

=== spectra: stars are at rest
SELECT COUNT(*) AS n FROM SpecObj WHERE class = 'STAR' AND ABS(z) > 0.01
--- same
SELECT 0 AS n

=== spectra: galaxies with large velocity dispersion
SELECT TOP 20 specObjID, velDisp, velDispErr FROM SpecObj
WHERE class = 'GALAXY' AND velDisp > 100 ORDER BY velDisp DESC
--- expect rows >= 1
--- expect each velDisp > 100

=== spectra: by survey
SELECT survey, COUNT(*) AS n FROM SpecObj GROUP BY survey ORDER BY survey
--- expect rows >= 1
--- expect each n > 0

=== spectra: by program
SELECT programname, COUNT(*) AS n FROM SpecObjAll GROUP BY programname ORDER BY n DESC
--- expect rows >= 1

=== spectra: plate, mjd, fiber
SELECT TOP 10 plate, mjd, fiberID, specObjID FROM SpecObj ORDER BY plate, mjd, fiberID
--- expect rows = 10
--- expect each fiberID >= 1
--- expect each fiberID <= 1000

=== spectra: stellar subclasses
SELECT subClass, COUNT(*) AS n FROM SpecObj WHERE class = 'STAR' GROUP BY subClass ORDER BY n DESC
--- expect rows >= 2

=== spectra: mean redshift by class
SELECT class, COUNT(*) AS n, AVG(z) AS meanz FROM SpecObj GROUP BY class ORDER BY class
--- expect rows = 3

=== spectra: quasars are further away than galaxies
SELECT CASE WHEN (SELECT AVG(z) FROM SpecObj WHERE class = 'QSO') > (SELECT AVG(z) FROM SpecObj WHERE class = 'GALAXY')
            THEN 1 ELSE 0 END AS ok
--- expect each ok = 1

=== spectra: text compares without regard to case, as under SkyServer's collation
SELECT COUNT(*) AS n FROM SpecObj WHERE class = 'galaxy' AND subClass LIKE '%starforming%'
--- same
SELECT COUNT(*) AS n FROM SpecObj WHERE class = 'GALAXY' AND UPPER(subClass) LIKE '%STARFORMING%'
--- expect each n > 0

=== spectra: ISNULL on a text column
SELECT COUNT(*) AS n FROM SpecObj WHERE ISNULL(subClass, '') = ''
--- same
SELECT COUNT(*) AS n FROM SpecObj WHERE subClass IS NULL OR subClass = ''

=== plates: PlateX
SELECT TOP 10 plate, mjd, ra, dec, survey FROM PlateX ORDER BY plate, mjd
--- expect rows >= 1
--- expect each dec >= -90

=== plates: spectra per plate
SELECT TOP 10 p.plate, p.mjd, COUNT(*) AS n FROM SpecObjAll s JOIN PlateX p ON p.plateID = s.plateID
GROUP BY p.plate, p.mjd ORDER BY n DESC, p.plate
--- expect rows >= 1
--- expect each n >= 1

=== plates: every spectrum's plate is in PlateX
SELECT COUNT(*) AS n FROM SpecObjAll s WHERE NOT EXISTS (SELECT 1 FROM PlateX p WHERE p.plateID = s.plateID)
--- same
SELECT 0 AS n

=== joins: photometry of spectroscopic galaxies
SELECT TOP 50 p.objID, p.ra, p.dec, p.r, s.z FROM PhotoObj p JOIN SpecObj s ON s.bestObjID = p.objID
WHERE s.class = 'GALAXY' ORDER BY p.objID
--- expect rows >= 1
--- expect each z > 0

=== joins: the old comma join
SELECT COUNT(*) AS n FROM Galaxy g, SpecObj s WHERE s.bestObjID = g.objID AND s.z < 0.1
--- same
SELECT COUNT(*) AS n FROM Galaxy g INNER JOIN SpecObj s ON s.bestObjID = g.objID WHERE s.z < 0.1

=== joins: colour against redshift
SELECT TOP 100 s.z, g.dered_g - g.dered_r AS gr FROM Galaxy g JOIN SpecObj s ON s.bestObjID = g.objID
WHERE s.zWarning = 0 AND s.class = 'GALAXY' ORDER BY s.z
--- expect rows >= 1

=== joins: a spectrum sits on its photometric object
SELECT COUNT(*) AS n FROM PhotoObjAll p JOIN SpecObjAll s ON s.bestObjID = p.objID
WHERE dbo.fDistanceArcMinEq(p.ra, p.dec, s.ra, s.dec) > 0.05
--- same
SELECT 0 AS n

=== joins: SpecPhoto joins spectra with photometry
SELECT TOP 20 objID, specObjID, z, class FROM SpecPhoto WHERE class = 'GALAXY' ORDER BY objID
--- expect rows >= 1
--- expect each class = 'GALAXY'

=== joins: SpecPhotoAll agrees with SpecObjAll on redshift
SELECT COUNT(*) AS n FROM SpecPhotoAll sp JOIN SpecObjAll s ON s.specObjID = sp.specObjID WHERE sp.z <> s.z
--- same
SELECT 0 AS n

=== joins: emission lines of spectroscopic galaxies
SELECT TOP 20 s.specObjID, l.h_alpha_flux, l.h_beta_flux FROM SpecObj s JOIN galSpecLine l ON l.specObjID = s.specObjID
WHERE l.h_beta_flux > 0 ORDER BY s.specObjID
--- expect rows >= 1
--- expect each h_beta_flux > 0

=== joins: a BPT-style line ratio selection
SELECT COUNT(*) AS n FROM galSpecLine
WHERE h_beta_flux > 0 AND h_alpha_flux > 0 AND oiii_5007_flux > 0 AND nii_6584_flux > 0
  AND oiii_5007_flux / h_beta_flux > 3
--- same
SELECT COUNT(*) AS n FROM galSpecLine
WHERE h_beta_flux > 0 AND h_alpha_flux > 0 AND oiii_5007_flux > 0 AND nii_6584_flux > 0
  AND oiii_5007_flux > 3 * h_beta_flux

=== joins: photometric redshifts
SELECT TOP 20 p.objID, pz.z AS photoz, pz.zErr FROM Galaxy p JOIN Photoz pz ON pz.objID = p.objID ORDER BY p.objID
--- expect rows >= 1
--- expect each zErr >= 0

=== joins: photometric and spectroscopic redshifts roughly agree
SELECT COUNT(*) AS n FROM Photoz pz JOIN SpecObj s ON s.bestObjID = pz.objID
WHERE s.class = 'GALAXY' AND ABS(pz.z - s.z) < 0.15
--- expect each n > 0

=== joins: Galaxy Zoo spirals
SELECT TOP 10 objID, p_el, p_cs FROM zooSpec WHERE spiral = 1 ORDER BY objID
--- expect rows >= 1
--- expect each p_cs >= 0

=== joins: Galaxy Zoo probabilities are probabilities
SELECT COUNT(*) AS n FROM zooSpec WHERE p_el < 0 OR p_el > 1 OR p_cs < 0 OR p_cs > 1
--- same
SELECT 0 AS n

=== joins: stellar parameters
SELECT TOP 10 specObjID, teffadop, loggadop, fehadop FROM sppParams
WHERE teffadop BETWEEN 4000 AND 7000 ORDER BY specObjID
--- expect rows >= 1
--- expect each teffadop >= 4000
--- expect each teffadop <= 7000

=== joins: stellar masses of galaxies
SELECT TOP 10 s.specObjID, m.mstellar_median FROM SpecObj s JOIN stellarMassPCAWisc m ON m.specObjID = s.specObjID
ORDER BY m.mstellar_median DESC
--- expect rows >= 1

=== joins: spectra and their stellar parameters are stars
SELECT COUNT(*) AS n FROM sppParams p JOIN SpecObjAll s ON s.specObjID = p.specObjID WHERE s.class = 'QSO'
--- expect rows = 1

=== cone: objects near a galaxy
DECLARE @ra float, @dec float
SELECT TOP 1 @ra = ra, @dec = dec FROM Galaxy ORDER BY objID
SELECT objID, distance FROM dbo.fGetNearbyObjEq(@ra, @dec, 1)
--- expect rows >= 1
--- expect columns objID,distance
--- expect each distance <= 1

=== cone: the columns of fGetNearbyObjEq
DECLARE @ra float, @dec float;
SELECT TOP 1 @ra = ra, @dec = dec FROM Star ORDER BY objID;
SELECT * FROM dbo.fGetNearbyObjEq(@ra, @dec, 0.5);
--- expect columns objID,run,camcol,field,rerun,type,cx,cy,cz,htmID,distance
--- expect rows >= 1

=== cone: equal to a brute-force search
SELECT n.objID FROM (SELECT TOP 1 ra, dec FROM Galaxy ORDER BY objID) g
CROSS APPLY dbo.fGetNearbyObjEq(g.ra, g.dec, 30) n
--- same
SELECT p.objID FROM PhotoPrimary p, (SELECT TOP 1 cx, cy, cz FROM Galaxy ORDER BY objID) c
WHERE p.cx * c.cx + p.cy * c.cy + p.cz * c.cz >= COS(RADIANS(30 / 60.0))

=== cone: the nearest object to a galaxy is itself
DECLARE @ra float, @dec float
SELECT TOP 1 @ra = ra, @dec = dec FROM Galaxy ORDER BY objID
SELECT objID FROM dbo.fGetNearestObjEq(@ra, @dec, 1)
--- same
SELECT TOP 1 objID FROM Galaxy ORDER BY objID

=== cone: joined with PhotoObj, nearest first
DECLARE @ra float = 0, @dec float = 0
SELECT TOP 1 @ra = ra, @dec = dec FROM Star ORDER BY objID DESC
SELECT p.objID, p.r, n.distance FROM dbo.fGetNearbyObjEq(@ra, @dec, 20) n JOIN PhotoObj p ON p.objID = n.objID
ORDER BY n.distance
--- expect rows >= 1
--- expect each distance <= 20

=== cone: a colour cut inside a cone
SELECT g.objID FROM (SELECT TOP 1 ra, dec FROM Star ORDER BY objID) c
CROSS APPLY dbo.fGetNearbyObjEq(c.ra, c.dec, 60) n JOIN Galaxy g ON g.objID = n.objID
WHERE g.g - g.r > 0.5
--- same
SELECT g.objID FROM (SELECT TOP 1 cx, cy, cz FROM Star ORDER BY objID) c
LEFT JOIN Galaxy g ON g.cx * c.cx + g.cy * c.cy + g.cz * c.cz >= COS(RADIANS(1.0)) AND g.g - g.r > 0.5
WHERE g.objID IS NOT NULL

=== cone: all modes includes the secondary duplicate
DECLARE @ra float, @dec float
SELECT TOP 1 @ra = p.ra, @dec = p.dec FROM PhotoPrimary p JOIN Neighbors nb ON nb.objID = p.objID
WHERE nb.neighborMode = 2 AND nb.distance < 0.01 ORDER BY p.objID
SELECT (SELECT COUNT(*) FROM dbo.fGetNearbyObjAllEq(@ra, @dec, 0.05))
     - (SELECT COUNT(*) FROM dbo.fGetNearbyObjEq(@ra, @dec, 0.05)) AS extra
--- expect each extra >= 1

=== cone: the unit-vector form gives the same objects
DECLARE @cx float, @cy float, @cz float, @ra float, @dec float
SELECT TOP 1 @cx = cx, @cy = cy, @cz = cz, @ra = ra, @dec = dec FROM Galaxy ORDER BY objID DESC
SELECT objID FROM dbo.fGetNearbyObjXYZ(@cx, @cy, @cz, 45)
--- same
SELECT p.objID FROM PhotoPrimary p, (SELECT TOP 1 cx, cy, cz FROM Galaxy ORDER BY objID DESC) c
WHERE p.cx * c.cx + p.cy * c.cy + p.cz * c.cz >= COS(RADIANS(0.75))

=== cone: the SkyServer dot-product idiom with variables
DECLARE @r float = 40
DECLARE @cx float, @cy float, @cz float
SELECT TOP 1 @cx = cx, @cy = cy, @cz = cz FROM Star ORDER BY objID
SELECT COUNT(*) AS n FROM PhotoPrimary WHERE cx * @cx + cy * @cy + cz * @cz > COS(RADIANS(@r / 60))
--- same
SELECT COUNT(*) AS n FROM PhotoPrimary p, (SELECT TOP 1 cx, cy, cz FROM Star ORDER BY objID) c
WHERE p.cx * c.cx + p.cy * c.cy + p.cz * c.cz > COS(RADIANS(40 / 60.0))

=== rectangle: fGetObjFromRectEq
DECLARE @ra float, @dec float
SELECT TOP 1 @ra = ra, @dec = dec FROM Galaxy WHERE ra BETWEEN 10 AND 350 AND ABS(dec) < 80 ORDER BY objID
SELECT objID FROM dbo.fGetObjFromRectEq(@ra - 0.5, @dec - 0.5, @ra + 0.5, @dec + 0.5)
--- same
SELECT p.objID FROM PhotoPrimary p,
  (SELECT TOP 1 ra, dec FROM Galaxy WHERE ra BETWEEN 10 AND 350 AND ABS(dec) < 80 ORDER BY objID) c
WHERE p.ra BETWEEN c.ra - 0.5 AND c.ra + 0.5 AND p.dec BETWEEN c.dec - 0.5 AND c.dec + 0.5

=== rectangle: fGetObjFromRect takes ra1, ra2, dec1, dec2
DECLARE @ra float, @dec float
SELECT TOP 1 @ra = ra, @dec = dec FROM Star WHERE ra BETWEEN 10 AND 350 AND ABS(dec) < 80 ORDER BY objID
SELECT COUNT(*) AS n FROM dbo.fGetObjFromRect(@ra - 1, @ra + 1, @dec - 1, @dec + 1)
--- same
SELECT COUNT(*) AS n FROM PhotoPrimary p,
  (SELECT TOP 1 ra, dec FROM Star WHERE ra BETWEEN 10 AND 350 AND ABS(dec) < 80 ORDER BY objID) c
WHERE p.ra BETWEEN c.ra - 1 AND c.ra + 1 AND p.dec BETWEEN c.dec - 1 AND c.dec + 1

=== distance: one degree along the equator
SELECT dbo.fDistanceArcMinEq(0, 0, 1, 0) AS d1, dbo.fDistanceEq(359.5, 0, 0.5, 0) AS d2
--- expect each d1 >= 59.99999
--- expect each d1 <= 60.00001
--- expect each d2 >= 59.99999
--- expect each d2 <= 60.00001

=== distance: at the pole ra does not matter
SELECT dbo.fDistanceArcMinEq(0, 90, 180, 90) AS d
--- expect each d <= 0.000001

=== distance: distances in a WHERE clause
SELECT TOP 10 g.objID, dbo.fDistanceArcMinEq(g.ra, g.dec, c.ra, c.dec) AS d
FROM Galaxy g, (SELECT TOP 1 ra, dec FROM Galaxy ORDER BY objID) c
WHERE dbo.fDistanceArcMinEq(g.ra, g.dec, c.ra, c.dec) < 120 ORDER BY d
--- expect rows >= 1
--- expect each d < 120

=== distance: the nearest object's id for each of a few galaxies
SELECT dbo.fGetNearestObjIdEq(g.ra, g.dec, 0.1) AS nid, g.objID
FROM (SELECT TOP 10 ra, dec, objID FROM Galaxy ORDER BY objID) g
--- expect rows = 10
--- expect each nid = objID

=== footprint: an object's position is in the footprint
DECLARE @ra float, @dec float
SELECT TOP 1 @ra = ra, @dec = dec FROM Galaxy ORDER BY objID
SELECT COUNT(*) AS n FROM dbo.fFootprintEq(@ra, @dec, 1)
--- expect each n = 1

=== identifiers: objID bit fields match the columns
SELECT COUNT(*) AS n FROM PhotoObjAll
WHERE dbo.fRun(objID) <> run OR dbo.fCamcol(objID) <> camcol OR dbo.fField(objID) <> field
   OR dbo.fObj(objID) <> obj OR dbo.fRerun(objID) <> rerun OR dbo.fSkyVersion(objID) <> skyVersion
--- same
SELECT 0 AS n

=== identifiers: fObjidFromSDSS builds the objID back
SELECT COUNT(*) AS n FROM PhotoObjAll
WHERE dbo.fObjidFromSDSS(skyVersion, run, rerun, camcol, field, obj) <> objID
--- same
SELECT 0 AS n

=== identifiers: fSDSS spells the parts
SELECT TOP 1 dbo.fSDSS(objID) AS s,
       CAST(skyVersion AS varchar(4)) + '-' + CAST(run AS varchar(8)) + '-' + CAST(rerun AS varchar(8)) + '-'
       + CAST(camcol AS varchar(4)) + '-' + CAST(field AS varchar(8)) + '-' + CAST(obj AS varchar(8)) AS parts
FROM PhotoObj ORDER BY objID
--- expect each s = parts

=== identifiers: a primary object is its own primary
SELECT COUNT(*) AS n FROM (SELECT TOP 100 objID FROM PhotoPrimary ORDER BY objID) p
WHERE dbo.fPrimaryObjID(p.objID) <> p.objID
--- same
SELECT 0 AS n

=== time: fMJDToGMT
SELECT YEAR(dbo.fMJDToGMT(51630)) AS y, MONTH(dbo.fMJDToGMT(51630)) AS m, DAY(dbo.fMJDToGMT(51630)) AS d
--- expect each y = 2000
--- expect each m = 3
--- expect each d = 27

=== sexagesimal: fHMS and fDMS
SELECT CASE WHEN dbo.fHMS(180.0) LIKE '12:00:00%' THEN 1 ELSE 0 END AS h,
       CASE WHEN dbo.fDMS(-30.5) LIKE '-30:30:00%' THEN 1 ELSE 0 END AS d
--- expect each h = 1
--- expect each d = 1

=== neighbors: within half an arcminute
SELECT TOP 10 objID, neighborObjID, distance FROM Neighbors ORDER BY objID, neighborObjID
--- expect rows = 10
--- expect each distance <= 0.5

=== neighbors: distances are true distances
SELECT COUNT(*) AS n FROM Neighbors nb JOIN PhotoObjAll a ON a.objID = nb.objID
JOIN PhotoObjAll b ON b.objID = nb.neighborObjID
WHERE ABS(dbo.fDistanceArcMinEq(a.ra, a.dec, b.ra, b.dec) - nb.distance) > 0.001
--- same
SELECT 0 AS n

=== neighbors: the relation is symmetric
SELECT COUNT(*) AS n FROM Neighbors a
WHERE NOT EXISTS (SELECT 1 FROM Neighbors b WHERE b.objID = a.neighborObjID AND b.neighborObjID = a.objID)
--- same
SELECT 0 AS n

=== neighbors: types and modes are the neighbour's
SELECT COUNT(*) AS n FROM Neighbors nb JOIN PhotoObjAll b ON b.objID = nb.neighborObjID
WHERE nb.neighborType <> b.type OR nb.neighborMode <> b.mode
--- same
SELECT 0 AS n

=== neighbors: close galaxy pairs
SELECT COUNT(*) AS n FROM Galaxy g JOIN Neighbors nb ON nb.objID = g.objID
WHERE nb.neighborType = 3 AND nb.neighborMode = 1 AND nb.distance < 0.5
--- same
SELECT COUNT(*) AS n FROM Neighbors nb JOIN PhotoObjAll g ON g.objID = nb.objID
WHERE g.mode = 1 AND g.type = 3 AND nb.neighborType = 3 AND nb.neighborMode = 1 AND nb.distance < 0.5

=== neighbors: the most crowded objects
SELECT TOP 10 objID, COUNT(*) AS nn FROM Neighbors GROUP BY objID ORDER BY nn DESC, objID
--- expect rows >= 1
--- expect each nn >= 1

=== neighbors: every primary neighbour is found by a cone search
SELECT COUNT(*) AS n FROM (SELECT TOP 20 objID, neighborObjID FROM Neighbors WHERE neighborMode = 1 ORDER BY objID, neighborObjID) nb
JOIN PhotoObjAll a ON a.objID = nb.objID
CROSS APPLY dbo.fGetNearbyObjEq(a.ra, a.dec, 0.5) c
WHERE c.objID = nb.neighborObjID
--- same
SELECT COUNT(*) AS n FROM (SELECT TOP 20 objID FROM Neighbors WHERE neighborMode = 1 ORDER BY objID, neighborObjID) nb

=== histogram: r magnitudes of galaxies with FLOOR
SELECT FLOOR(r) AS bin, COUNT(*) AS n FROM Galaxy GROUP BY FLOOR(r) ORDER BY bin
--- expect rows >= 3
--- expect each n >= 1

=== histogram: CAST to int truncates
SELECT CAST(r AS int) AS bin, COUNT(*) AS n FROM Star WHERE r > 0 GROUP BY CAST(r AS int)
--- same
SELECT FLOOR(r) AS bin, COUNT(*) AS n FROM Star WHERE r > 0 GROUP BY FLOOR(r)

=== histogram: redshifts rounded to 0.1
SELECT ROUND(z, 1) AS zbin, COUNT(*) AS n FROM SpecObj WHERE class = 'GALAXY' GROUP BY ROUND(z, 1) ORDER BY zbin
--- expect rows >= 2

=== histogram: trixels by integer division of htmID
SELECT htmID / POWER(2, 24) AS trixel, COUNT(*) AS n FROM PhotoPrimary GROUP BY htmID / POWER(2, 24)
--- same
SELECT htmID / 16777216 AS trixel, COUNT(*) AS n FROM PhotoPrimary GROUP BY htmID / 16777216

=== histogram: htmID is a depth-20 HTM id
SELECT COUNT(*) AS n FROM PhotoObjAll WHERE htmID < 8 * POWER(CAST(4 AS bigint), 20) OR htmID >= 16 * POWER(CAST(4 AS bigint), 20)
--- same
SELECT 0 AS n

=== histogram: objects per run and camcol
SELECT run, camcol, COUNT(*) AS n FROM PhotoPrimary GROUP BY run, camcol ORDER BY run, camcol
--- expect rows >= 1
--- expect each camcol >= 1
--- expect each camcol <= 6

=== histogram: HAVING
SELECT run, COUNT(*) AS n FROM PhotoObj GROUP BY run HAVING COUNT(*) > 10 ORDER BY n DESC
--- expect rows >= 1
--- expect each n > 10

=== histogram: mean and spread of colours by type
SELECT type, AVG(g - r) AS mean_gr, STDEV(g - r) AS sd_gr FROM PhotoPrimary WHERE type IN (3, 6) GROUP BY type
--- same
SELECT type, AVG(g - r) AS mean_gr, STDDEV_SAMP(g - r) AS sd_gr FROM PhotoPrimary WHERE type IN (3, 6) GROUP BY type

=== histogram: the extent of the catalog
SELECT MIN(ra) AS ramin, MAX(ra) AS ramax, MIN(dec) AS decmin, MAX(dec) AS decmax FROM PhotoObjAll
--- expect each ramin >= 0
--- expect each ramax < 360
--- expect each decmin >= -90
--- expect each decmax <= 90

=== histogram: a 10-degree grid of galaxy counts
SELECT FLOOR(ra / 10) * 10 AS ra10, FLOOR(dec / 10) * 10 AS dec10, COUNT(*) AS n
FROM Galaxy GROUP BY FLOOR(ra / 10) * 10, FLOOR(dec / 10) * 10 ORDER BY ra10, dec10
--- expect rows >= 2
--- expect each n >= 1

=== histogram: COUNT DISTINCT
SELECT COUNT(DISTINCT run) AS runs FROM Field
--- same
SELECT COUNT(*) AS runs FROM (SELECT DISTINCT run FROM Field) t

=== fields: field quality
SELECT quality, COUNT(*) AS n FROM Field GROUP BY quality
--- expect rows >= 1

=== fields: every object's field exists
SELECT COUNT(*) AS n FROM PhotoObjAll p LEFT JOIN Field f ON f.fieldID = p.fieldID WHERE f.fieldID IS NULL
--- same
SELECT 0 AS n

=== fields: objects agree with their field
SELECT COUNT(*) AS n FROM PhotoObjAll p JOIN Field f ON f.fieldID = p.fieldID
WHERE f.run <> p.run OR f.camcol <> p.camcol OR f.field <> p.field
--- same
SELECT 0 AS n

=== fields: objects lie inside their field's bounds
SELECT COUNT(*) AS n FROM PhotoObjAll p JOIN Field f ON f.fieldID = p.fieldID
WHERE p.dec < f.decMin - 0.01 OR p.dec > f.decMax + 0.01
--- same
SELECT 0 AS n

=== top: TOP 10 PERCENT rounds up
SELECT COUNT(*) AS n FROM (SELECT TOP 10 PERCENT objID FROM Galaxy ORDER BY objID) t
--- same
SELECT CAST(CEILING(COUNT(*) * 0.1) AS int) AS n FROM Galaxy

=== top: TOP (n) with a parenthesis
SELECT TOP (7) objID FROM Star ORDER BY objID
--- same
SELECT TOP 7 objID FROM Star ORDER BY objID

=== top: WITH TIES
SELECT TOP 1 WITH TIES type, objID FROM PhotoPrimary ORDER BY type
--- same
-- a join rather than WHERE type = (SELECT MIN(type) …): on the embedded engine a subquery over a
-- context's linked table is run again for every row (H2 takes linked tables as non-deterministic)
SELECT p.type, p.objID FROM PhotoPrimary p JOIN (SELECT MIN(type) AS t FROM PhotoPrimary) m ON p.type = m.t

=== top: OFFSET and FETCH
SELECT objID FROM Galaxy ORDER BY objID OFFSET 10 ROWS FETCH NEXT 5 ROWS ONLY
--- expect rows = 5

=== into: a MyDB table, then its count
SELECT TOP 100 objID, ra, dec INTO mydb.corpus_into1 FROM Galaxy ORDER BY objID;
SELECT COUNT(*) AS n FROM mydb.corpus_into1
--- expect each n = 100

=== into: without the mydb prefix
SELECT TOP 10 objID INTO corpus_into2 FROM Star ORDER BY objID
SELECT COUNT(*) AS n FROM mydb.corpus_into2
--- expect each n = 10

=== into: a list joined back with the catalog
SELECT l.objID, p.r FROM mydb.corpus_list l JOIN PhotoObj p ON p.objID = l.objID
--- setup
SELECT TOP 50 objID INTO mydb.corpus_list FROM Galaxy ORDER BY objID
--- same
SELECT TOP 50 objID, r FROM Galaxy ORDER BY objID
--- expect rows = 50

=== into: an aggregate saved with its names
SELECT type, COUNT(*) AS n INTO mydb.corpus_counts FROM PhotoPrimary GROUP BY type;
SELECT SUM(n) AS total FROM mydb.corpus_counts
--- same
SELECT COUNT(*) AS total FROM PhotoPrimary

=== into: a cross-match of a MyDB list with CROSS APPLY
SELECT t.id, n.objID, n.distance FROM mydb.corpus_targets t CROSS APPLY dbo.fGetNearbyObjEq(t.ra, t.dec, 0.5) n
--- setup
SELECT TOP 20 objID AS id, ra, dec INTO mydb.corpus_targets FROM Star ORDER BY objID
--- expect rows >= 20
--- expect each distance <= 0.5

=== into: the nearest object to each target with OUTER APPLY
SELECT t.id, n.objID FROM mydb.corpus_near t OUTER APPLY dbo.fGetNearestObjEq(t.ra, t.dec, 0.1) n
--- setup
SELECT TOP 20 objID AS id, ra, dec INTO mydb.corpus_near FROM Galaxy ORDER BY objID
--- expect rows = 20
--- expect each objID = id

=== into: MyDB as the context
SELECT SUM(x) AS s FROM corpus_t
--- context MyDB
--- setup
CREATE TABLE corpus_t (x int); INSERT INTO corpus_t VALUES (1), (2), (3)
--- expect each s = 6

=== into: UPDATE and DELETE in MyDB
UPDATE corpus_u SET x = x * 2; DELETE FROM corpus_u WHERE x = 2; SELECT SUM(x) AS s, COUNT(*) AS n FROM corpus_u
--- context MyDB
--- setup
CREATE TABLE corpus_u (x int); INSERT INTO corpus_u VALUES (1), (2), (3)
--- expect each s = 10
--- expect each n = 2

=== context: a catalog read from MyDB by its name
--- context MyDB
SELECT COUNT(*) AS n FROM Sample..PhotoPrimary
--- same
SELECT COUNT(*) AS n FROM Sample.PhotoPrimary

=== context: three-part names
SELECT COUNT(*) AS n FROM Sample.dbo.Galaxy
--- same
SELECT COUNT(*) AS n FROM Galaxy

=== tsql: DECLARE then SET
DECLARE @rmax real; SET @rmax = 17.5; SELECT COUNT(*) AS n FROM Star WHERE r < @rmax
--- same
SELECT COUNT(*) AS n FROM Star WHERE r < 17.5

=== tsql: DECLARE with a value and no semicolons
DECLARE @n int = 5 SELECT TOP (@n) objID FROM Galaxy ORDER BY objID
--- same
SELECT TOP 5 objID FROM Galaxy ORDER BY objID

=== tsql: SELECT @v = an aggregate
DECLARE @maxz float
SELECT @maxz = MAX(z) FROM SpecObj WHERE class = 'GALAXY'
SELECT COUNT(*) AS n FROM SpecObj WHERE class = 'GALAXY' AND z = @maxz
--- expect each n >= 1

=== tsql: alias = expression
SELECT TOP 5 id = objID, gr = g - r FROM Galaxy ORDER BY objID
--- same
SELECT TOP 5 objID AS id, g - r AS gr FROM Galaxy ORDER BY objID
--- expect columns id,gr

=== tsql: AS 'alias'
SELECT TOP 5 objID AS 'id', r AS 'mag' FROM Star ORDER BY objID
--- same
SELECT TOP 5 objID AS id, r AS mag FROM Star ORDER BY objID
--- expect columns id,mag

=== tsql: STR formats a number
SELECT TOP 3 LTRIM(STR(dec, 10, 4)) AS d, ROUND(dec, 4) AS r4 FROM PhotoObj ORDER BY objID
--- expect rows = 3

=== tsql: CONVERT to varchar
SELECT TOP 3 CONVERT(varchar(20), objID) AS id FROM PhotoObj ORDER BY objID
--- same
SELECT TOP 3 CAST(objID AS varchar(20)) AS id FROM PhotoObj ORDER BY objID

=== tsql: CAST to bigint truncates
SELECT CAST(2.7 AS bigint) AS t, CAST(-2.7 AS int) AS u
--- expect each t = 2
--- expect each u = -2

=== tsql: IIF
SELECT TOP 10 objID, IIF(type = 3, 'galaxy', 'star') AS kind FROM PhotoPrimary WHERE type IN (3, 6) ORDER BY objID
--- same
SELECT TOP 10 objID, CASE WHEN type = 3 THEN 'galaxy' ELSE 'star' END AS kind FROM PhotoPrimary
WHERE type IN (3, 6) ORDER BY objID

=== tsql: + joins strings
SELECT TOP 3 CAST(run AS varchar(10)) + '-' + CAST(camcol AS varchar(10)) AS rc FROM Field ORDER BY fieldID
--- same
SELECT TOP 3 CONCAT(run, '-', camcol) AS rc FROM Field ORDER BY fieldID

=== tsql: SQUARE and SQRT
SELECT TOP 10 objID, SQRT(SQUARE(ra - 180) + SQUARE(dec)) AS d FROM Galaxy ORDER BY objID
--- same
SELECT TOP 10 objID, SQRT((ra - 180) * (ra - 180) + dec * dec) AS d FROM Galaxy ORDER BY objID

=== tsql: ATN2, PI and DEGREES
SELECT DEGREES(ATN2(1, 1)) AS a, DEGREES(PI()) AS d
--- expect each a >= 44.99999
--- expect each a <= 45.00001
--- expect each d = 180

=== tsql: LOG is natural, LOG10 decimal
SELECT LOG(EXP(2)) AS ln2, LOG10(1000) AS l3, LOG(8, 2) AS lb
--- expect each ln2 >= 1.99999
--- expect each ln2 <= 2.00001
--- expect each l3 = 3
--- expect each lb = 3

=== tsql: integer division and modulo
SELECT 7 / 2 AS q, 7 % 2 AS m, -7 / 2 AS nq
--- expect each q = 3
--- expect each m = 1
--- expect each nq = -3

=== tsql: table hints are accepted
SELECT COUNT(*) AS n FROM Galaxy WITH (NOLOCK)
--- same
SELECT COUNT(*) AS n FROM Galaxy

=== tsql: a temporary table for the job
SELECT TOP 10 objID, r INTO #bright FROM Star ORDER BY r;
SELECT COUNT(*) AS n FROM #bright
--- expect each n = 10

=== tsql: statements separated by GO
SELECT TOP 1 objID FROM Galaxy ORDER BY objID
GO
SELECT COUNT(*) AS n FROM Star
--- same
SELECT COUNT(*) AS n FROM Star

=== tsql: statements separated by nothing
DECLARE @x int SET @x = 3 SELECT @x * 2 AS y
--- expect each y = 6

=== tsql: POWER keeps an integer argument's type
SELECT POWER(2, 10) / 3 AS p
--- expect each p = 341

=== tsql: ROUND with truncation
SELECT ROUND(2.567, 2, 1) AS t, ROUND(2.567, 2) AS r
--- expect each t = 2.56
--- expect each r = 2.57

=== tsql: CASE over magnitude ranges
SELECT CASE WHEN r < 16 THEN 'bright' WHEN r < 19 THEN 'medium' ELSE 'faint' END AS bin, COUNT(*) AS n
FROM Star GROUP BY CASE WHEN r < 16 THEN 'bright' WHEN r < 19 THEN 'medium' ELSE 'faint' END
--- expect rows >= 2

=== tsql: a derived table and a CTE
WITH bright AS (SELECT objID, r FROM Galaxy WHERE r < 18)
SELECT COUNT(*) AS n FROM bright
--- same
SELECT COUNT(*) AS n FROM (SELECT objID FROM Galaxy WHERE r < 18) t

=== tsql: a correlated subquery
SELECT TOP 10 s.specObjID, (SELECT p.r FROM PhotoObjAll p WHERE p.objID = s.bestObjID) AS r
FROM SpecObj s ORDER BY s.specObjID
--- same
SELECT TOP 10 s.specObjID, p.r FROM SpecObj s LEFT JOIN PhotoObjAll p ON p.objID = s.bestObjID ORDER BY s.specObjID

=== tsql: UNION ALL of two classes
SELECT objID FROM (SELECT TOP 5 objID FROM Star ORDER BY objID) a UNION ALL SELECT objID FROM (SELECT TOP 5 objID FROM Galaxy ORDER BY objID) b
--- expect rows = 10

=== tsql: EXISTS with spectra
SELECT COUNT(*) AS n FROM Galaxy g WHERE EXISTS (SELECT 1 FROM SpecObj s WHERE s.bestObjID = g.objID)
--- same
SELECT COUNT(DISTINCT g.objID) AS n FROM Galaxy g JOIN SpecObj s ON s.bestObjID = g.objID

=== tsql: IN with a subquery
SELECT COUNT(*) AS n FROM PhotoObjAll WHERE objID IN (SELECT bestObjID FROM SpecObj WHERE class = 'QSO')
--- same
SELECT COUNT(DISTINCT p.objID) AS n FROM PhotoObjAll p JOIN SpecObj s ON s.bestObjID = p.objID WHERE s.class = 'QSO'

=== browse: the tables of the context
SELECT COUNT(*) AS n FROM information_schema.tables WHERE TABLE_NAME IN ('PhotoObjAll', 'SpecObjAll', 'Galaxy', 'Neighbors', 'Field')
--- expect each n = 5

=== browse: a column's type as SQL Server names it
SELECT DATA_TYPE FROM information_schema.columns WHERE TABLE_NAME = 'PhotoObjAll' AND COLUMN_NAME = 'psfMag_r'
--- expect each DATA_TYPE = 'real'
--- expect rows = 1

=== browse: views are views
SELECT TABLE_TYPE FROM information_schema.tables WHERE TABLE_NAME = 'Galaxy'
--- expect each TABLE_TYPE = 'VIEW'
--- expect rows = 1

=== browse: sys.columns by OBJECT_ID
SELECT COUNT(*) AS n FROM sys.columns WHERE object_id = OBJECT_ID('PhotoObjAll')
--- same
SELECT COUNT(*) AS n FROM information_schema.columns WHERE TABLE_NAME = 'PhotoObjAll'

=== apogee: stellar parameters of giants
SELECT TOP 10 apogee_id, teff, logg, m_h FROM aspcapStar WHERE teff BETWEEN 4000 AND 5500 AND logg < 3.5 ORDER BY apogee_id
--- expect rows >= 1
--- expect each teff >= 4000
--- expect each logg < 3.5

=== apogee: a STARFLAG bit
SELECT COUNT(*) AS n FROM apogeeStar WHERE (starflag & dbo.fApogeeStarFlag('BRIGHT_NEIGHBOR')) = 0
--- same
SELECT COUNT(*) AS n FROM apogeeStar WHERE BITAND(starflag, 4) = 0

=== apogee: stars joined with their parameters
SELECT COUNT(*) AS n FROM apogeeStar s JOIN aspcapStar a ON a.apstar_id = s.apstar_id
--- expect each n > 0

=== wise: SDSS objects with a WISE match
SELECT TOP 10 x.sdss_objid, x.match_dist, w.w1mpro FROM wise_xmatch x JOIN wise_allsky w ON w.cntr = x.wise_cntr
ORDER BY x.sdss_objid
--- expect rows >= 1
--- expect each match_dist >= 0

=== wise: every match points at an SDSS object
SELECT COUNT(*) AS n FROM wise_xmatch x WHERE NOT EXISTS (SELECT 1 FROM PhotoObjAll p WHERE p.objID = x.sdss_objid)
--- same
SELECT 0 AS n

=== first: radio sources on galaxies
SELECT COUNT(*) AS n FROM FIRST f JOIN PhotoObjAll p ON p.objID = f.objID WHERE f.peak > 0
--- expect each n > 0
