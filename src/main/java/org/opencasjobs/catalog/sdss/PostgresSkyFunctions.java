package org.opencasjobs.catalog.sdss;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.opencasjobs.catalog.sdss.SkyFunctionContracts.Column;
import org.opencasjobs.catalog.sdss.SkyFunctionContracts.Contract;

/**
 * The PostgreSQL bodies of the SkyServer functions of {@link SkyFunctionContracts}: SQL functions
 * in schema {@code dbo}, names, arguments and result columns in lower case, types mapped from
 * SQL Server's (int → integer, tinyint → smallint, float → double precision). The arithmetic is
 * the H2 bodies' ({@link ZoneSearch}, {@link SkyScalarFunctions}), written in the same order with
 * the same constants, so the answers agree to the last bits or nearly.
 *
 * <p><b>Which context a function reads.</b> {@code dbo} is one schema for every context, so the
 * functions that read a table name it unqualified ({@code photoobjall}) and PostgreSQL resolves
 * it on the caller's search_path, {@code <context>, dbo, tsql, public}: the context the query was
 * submitted to, as on SkyServer where each database has its own functions and as the H2 bodies
 * read the connection's current schema. From MyDB ({@code mydb_<wsid>, dbo, …}) they find a
 * {@code photoobjall} of the user's own, else {@code dbo.photoobjall}, a view of the default
 * context's table ({@link SkyFunctionInstaller#installPostgres}), as H2 reads Sample from MyDB.
 * This is why the functions are:
 * <ul>
 * <li>SECURITY INVOKER (the default): they read with the user's privileges, which include the
 *     contexts (read-only) and nothing of other users; a SECURITY DEFINER function would read as
 *     the owner, and would need a fixed search_path.</li>
 * <li>without {@code SET search_path}: a fixed path would pin one context; it would also stop
 *     PostgreSQL from inlining them.</li>
 * <li>LANGUAGE sql, STABLE (the table readers) or IMMUTABLE, not STRICT, one SELECT: so
 *     PostgreSQL inlines a table function into the calling query. The cone's
 *     {@code q3c_radial_query} then meets {@code photoobjall}'s q3c index in the caller's plan,
 *     also under LATERAL ({@code CROSS APPLY}), with the table name resolved at that query's
 *     planning: an SQL function keeps no plan across queries, so a search_path changed between
 *     queries is always heeded (and PL/pgSQL, which does keep plans, is not used).</li>
 * </ul>
 * q3c's functions are named with the schema q3c is installed in, so the body does not depend on
 * the caller's path for them; their bodies are checked at creation only for syntax
 * ({@code check_function_bodies} off), since {@code photoobjall} resolves only at call time.
 */
final class PostgresSkyFunctions {
    /** Java's {@code Math.toDegrees} factor: PostgreSQL's degrees() divides instead, a last bit apart. */
    private static final String TO_DEG = "57.29577951308232::float8";
    private static final String SOURCE = ZoneIndex.SOURCE.toLowerCase(Locale.ROOT);
    /** Widens q3c's circle by far more than rounding; the exact test is the distance's. */
    private static final String PAD = "(1 + 1e-9) + 1e-9";

    private final String q3c;
    private final Map<String, Function<Contract, String>> bodies = new LinkedHashMap<>();

    /** @param q3cSchema the schema q3c's functions are in */
    PostgresSkyFunctions(String q3cSchema) {
        this.q3c = SampleDatabase.quote(q3cSchema) + ".";
        cones();
        scalars();
        flags();
        objIds();
        times();
    }

    /** CREATE OR REPLACE FUNCTION … and COMMENT ON FUNCTION … for every contract. */
    List<String> statements() {
        List<String> out = new ArrayList<>();
        for (Contract f : SkyFunctionContracts.ALL) {
            Function<Contract, String> body = bodies.get(f.name());
            if (body == null) {
                throw new IllegalStateException("no PostgreSQL body for " + f.name());
            }
            String signature = name(f) + "(" + String.join(", ", f.args().stream()
                    .map(a -> quote(a.name()) + " " + type(a.type())).toList()) + ")";
            String returns = f.tableValued()
                    ? "TABLE (" + String.join(", ", f.columns().stream().map(c -> quote(c.name()) + " " + type(c.type())).toList()) + ")"
                    : type(f.returns());
            out.add("CREATE OR REPLACE FUNCTION " + signature + " RETURNS " + returns + " LANGUAGE sql "
                    + (f.deterministic() ? "IMMUTABLE" : "STABLE") + " PARALLEL SAFE AS $body$" + body.apply(f) + "$body$");
            out.add("COMMENT ON FUNCTION " + signature.replaceAll("\"[a-z0-9_]+\" ", "") + " IS "
                    + SampleDatabase.literal("SkyServer's " + f.name() + ": " + f.summary() + units(f)));
        }
        return out;
    }

    /** Whether every contract has a body here. */
    boolean coversEveryContract() {
        return SkyFunctionContracts.ALL.stream().allMatch(f -> bodies.containsKey(f.name()));
    }

    static String name(Contract f) {
        return SkyFunctionInstaller.SCHEMA + "." + f.name().toLowerCase(Locale.ROOT);
    }

    private static String units(Contract f) {
        List<String> u = new ArrayList<>();
        for (Column c : f.tableValued() ? concat(f.args(), f.columns()) : f.args()) {
            if (!c.unit().isEmpty()) {
                u.add(c.name() + " " + c.unit());
            }
        }
        return u.isEmpty() ? "" : " (" + String.join(", ", u) + ")";
    }

    private static List<Column> concat(List<Column> a, List<Column> b) {
        List<Column> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static String quote(String name) {
        return SampleDatabase.quote(name.toLowerCase(Locale.ROOT));
    }

    /** SQL Server's type of a contract as PostgreSQL names it (a varchar's length is not kept for functions). */
    static String type(String sqlServer) {
        String t = sqlServer.toLowerCase(Locale.ROOT);
        if (t.startsWith("varchar")) {
            return "varchar";
        }
        return switch (t) {
            case "bigint" -> "bigint";
            case "int" -> "integer";
            case "tinyint" -> "smallint";
            case "float" -> "double precision";
            default -> throw new IllegalStateException("no PostgreSQL type for " + sqlServer);
        };
    }

    // ------------------------------------------------------------------ arithmetic, as the H2 bodies do it

    private static String x(String ra, String dec) {
        return "(cos(radians(" + dec + ")) * cos(radians(" + ra + ")))";
    }

    private static String y(String ra, String dec) {
        return "(cos(radians(" + dec + ")) * sin(radians(" + ra + ")))";
    }

    private static String z(String dec) {
        return "sin(radians(" + dec + "))";
    }

    /** {@link ZoneSearch#distanceArcmin}: the angle from the chord, in arcmin. */
    private static String arcmin(String x1, String y1, String z1, String x2, String y2, String z2) {
        String chord = "sqrt((" + x1 + " - " + x2 + ") * (" + x1 + " - " + x2 + ") + (" + y1 + " - " + y2 + ") * ("
                + y1 + " - " + y2 + ") + (" + z1 + " - " + z2 + ") * (" + z1 + " - " + z2 + "))";
        return "((2 * (asin(least(1.0::float8, " + chord + " / 2)) * " + TO_DEG + ")) * 60)";
    }

    /** {@link ZoneSearch#normalizeRa}: into [0, 360) as Java's {@code %} then +360 does. */
    private static String normalizeRa(String ra) {
        String m = "((" + ra + ") - 360 * trunc((" + ra + ") / 360))";
        return "(CASE WHEN " + m + " < 0 THEN " + m + " + 360 ELSE " + m + " END)";
    }

    private static String notNaN(String v) {
        return v + " <> 'NaN'::float8";
    }

    /** The result columns of a table function, cast to the contract's types, from subquery n. */
    private static String columns(Contract f) {
        return String.join(", ", f.columns().stream()
                .map(c -> "CAST(n." + c.name().toLowerCase(Locale.ROOT) + " AS " + type(c.type()) + ")").toList());
    }

    // ------------------------------------------------------------------ the cones and the rectangle

    private void cones() {
        bodies.put("fGetNearbyObjEq", f -> cone(f, true, false));
        bodies.put("fGetNearbyObjAllEq", f -> cone(f, false, false));
        bodies.put("fGetNearestObjEq", f -> cone(f, true, true));
        bodies.put("fGetNearestObjAllEq", f -> cone(f, false, true));
        bodies.put("fGetNearbyObjXYZ", f -> xyz("fGetNearbyObjEq"));
        bodies.put("fGetNearbyObjAllXYZ", f -> "SELECT n.objid, n.run, n.camcol, n.field, n.rerun, n.type,"
                + " CAST(n.mode AS integer), n.cx, n.cy, n.cz, n.htmid, n.distance FROM (" + xyz("fGetNearbyObjAllEq") + ") n");
        bodies.put("fGetNearestObjXYZ", f -> xyz("fGetNearestObjEq"));
        bodies.put("fGetObjFromRectEq", f -> rect(f, "$1", "$2", "$3", "$4"));
        bodies.put("fGetObjFromRect", f -> rect(f, "$1", "$3", "$2", "$4"));
        bodies.put("fFootprintEq", f -> "SELECT CAST('POLYGON' AS varchar) WHERE $3 >= 0 AND EXISTS (SELECT 1 FROM "
                + name(SkyFunctionContracts.named("fGetNearbyObjAllEq")) + "($1, $2, $3 + "
                + SkyTableFunctions.FOOTPRINT_REACH_ARCMIN + "))");
    }

    /**
     * {@link ZoneSearch#cone}: q3c picks the candidates by the index (a circle a hair wider), the
     * chord distance decides, strictly closer than r, nearest first.
     */
    private String cone(Contract f, boolean primaryOnly, boolean nearestOnly) {
        String distance = arcmin(x("$1", "$2"), y("$1", "$2"), z("$2"), "p.cx", "p.cy", "p.cz");
        return "SELECT " + columns(f) + " FROM (SELECT p.objid, p.run, p.camcol, p.field, p.rerun, p.type, p.mode,"
                + " p.cx, p.cy, p.cz, p.htmid, " + distance + " AS distance FROM " + SOURCE + " p"
                + " WHERE $3 > 0 AND " + notNaN("$1") + " AND " + notNaN("$2") + " AND " + notNaN("$3")
                + " AND " + q3c + "q3c_radial_query(p.ra, p.dec, $1, $2, $3 / 60 * " + PAD + ")"
                + (primaryOnly ? " AND p.mode = 1" : "") + ") n"
                + " WHERE n.distance < $3 ORDER BY n.distance, n.objid" + (nearestOnly ? " LIMIT 1" : "");
    }

    /** {@link SkyTableFunctions}' xyzCone: the unit vector's ra and dec, then the Eq cone (none for a zero vector). */
    private static String xyz(String eqFunction) {
        String norm = "sqrt($1 * $1 + $2 * $2 + $3 * $3)";
        String dec = "(asin(greatest(-1::float8, least(1::float8, $3 / " + norm + "))) * " + TO_DEG + ")";
        String a = "(atan2($2, $1) * " + TO_DEG + ")";
        String ra = "(CASE WHEN " + a + " < 0 THEN " + a + " + 360 ELSE " + a + " END)";
        return "SELECT * FROM " + name(SkyFunctionContracts.named(eqFunction)) + "(CASE WHEN " + norm + " > 0 THEN " + ra
                + " END, CASE WHEN " + norm + " > 0 THEN " + dec + " END, $4)";
    }

    /**
     * {@link ZoneSearch#rect}: primaries with dec1 &lt; dec &lt; dec2 and ra strictly east of ra1
     * and west of ra2, across ra 0 if ra2 &lt; ra1; the ra B-tree reads the band (one range, or two
     * across 0), nearest ra first.
     */
    private static String rect(Contract f, String ra1, String dec1, String ra2, String dec2) {
        String from = normalizeRa(ra1);
        String width = normalizeRa(ra2 + " - " + ra1);
        return "SELECT " + columns(f) + " FROM (SELECT p.*, " + normalizeRa("p.ra - " + from) + " AS east FROM "
                + SOURCE + " p WHERE p.mode = 1 AND p.dec > " + dec1 + " AND p.dec < " + dec2
                + " AND (p.ra BETWEEN " + from + " AND " + from + " + " + width + " OR (" + from + " + " + width
                + " > 360 AND p.ra <= " + from + " + " + width + " - 360))) n"
                + " WHERE " + notNaN(ra1) + " AND " + notNaN(ra2) + " AND n.east > 0 AND n.east < " + width
                + " ORDER BY n.ra, n.objid";
    }

    // ------------------------------------------------------------------ distances and the nearest object's id

    private void scalars() {
        bodies.put("fGetAlpha", f -> {
            String t = "radians($1)";
            String d = "radians($2)";
            String product = "(cos(" + d + " - " + t + ") * cos(" + d + " + " + t + "))";
            // Java's sqrt of a negative is NaN, PostgreSQL's an error
            return "SELECT CASE WHEN abs($2) + $1 > 89.9 THEN 180.0::float8 WHEN " + product + " < 0 THEN 'NaN'::float8"
                    + " ELSE atan(abs(sin(" + t + ") / sqrt(" + product + "))) * " + TO_DEG + " END";
        });
        // least() passes over NULL, Math.min does not: NULL in, NULL out, said outright
        String eq = "SELECT CASE WHEN " + anyNull(4) + " THEN NULL ELSE "
                + arcmin(x("$1", "$2"), y("$1", "$2"), z("$2"), x("$3", "$4"), y("$3", "$4"), z("$4")) + " END";
        bodies.put("fDistanceArcMinEq", f -> eq);
        bodies.put("fDistanceEq", f -> eq);
        bodies.put("fDistanceArcMinXYZ", f -> "SELECT CASE WHEN " + anyNull(6) + " THEN NULL ELSE "
                + arcmin("$1", "$2", "$3", "$4", "$5", "$6") + " END");
        bodies.put("fGetNearestObjIdEq", f -> "SELECT n.objid FROM "
                + name(SkyFunctionContracts.named("fGetNearestObjEq")) + "($1, $2, $3) n");
        bodies.put("fGetNearestObjIdAllEq", f -> "SELECT n.objid FROM "
                + name(SkyFunctionContracts.named("fGetNearestObjAllEq")) + "($1, $2, $3) n");
    }

    private static String anyNull(int args) {
        List<String> out = new ArrayList<>();
        for (int k = 1; k <= args; k++) {
            out.add("$" + k + " IS NULL");
        }
        return String.join(" OR ", out);
    }

    // ------------------------------------------------------------------ flags and types, from SdssConstants

    private void flags() {
        value("fPhotoFlags", SdssConstants.PHOTO_FLAGS);
        bitNames("fPhotoFlagsN", SdssConstants.PHOTO_FLAGS, 63);
        value("fPhotoStatus", SdssConstants.PHOTO_STATUS);
        bitNames("fPhotoStatusN", SdssConstants.PHOTO_STATUS, 32);
        value("fPhotoType", SdssConstants.PHOTO_TYPE);
        codeName("fPhotoTypeN", SdssConstants.PHOTO_TYPE);
        value("fPhotoMode", SdssConstants.PHOTO_MODE);
        codeName("fPhotoModeN", SdssConstants.PHOTO_MODE);
        value("fSpecClass", SdssConstants.SPEC_CLASS);
        codeName("fSpecClassN", SdssConstants.SPEC_CLASS);
        value("fSpecZWarning", SdssConstants.SPEC_ZWARNING);
        bodies.put("fSpecZWarningN", f -> "SELECT CASE WHEN $1 IS NULL THEN 'NULL' WHEN $1 = 0 THEN 'OK' ELSE ("
                + bitNameList(SdssConstants.SPEC_ZWARNING, 32) + ") END");
        value("fApogeeStarFlag", SdssConstants.APOGEE_STAR_FLAG);
        bitNames("fApogeeStarFlagN", SdssConstants.APOGEE_STAR_FLAG, 32);
        value("fApogeeAspcapFlag", SdssConstants.APOGEE_ASPCAP_FLAG);
        bitNames("fApogeeAspcapFlagN", SdssConstants.APOGEE_ASPCAP_FLAG, 32);
        value("fApogeeTarget1", SdssConstants.APOGEE_TARGET1);
        bitNames("fApogeeTarget1N", SdssConstants.APOGEE_TARGET1, 32);
    }

    /** The value of a name, any case, blanks around it ignored; NULL for a name not there. */
    private void value(String function, SdssConstants.Enumeration e) {
        bodies.put(function, f -> {
            boolean integer = type(f.returns()).equals("integer");
            List<String> rows = new ArrayList<>();
            for (SdssConstants.Constant c : e.values()) {
                // an int function returns the value's low 32 bits, as the H2 body's (int) cast
                rows.add("(" + SampleDatabase.literal(c.name()) + ", " + (integer ? Integer.toString((int) c.value())
                        : "CAST(" + c.value() + " AS bigint)") + ")");
            }
            return "SELECT v.value FROM (VALUES " + String.join(", ", rows) + ") v(name, value)"
                    + " WHERE v.name = upper(btrim($1, E' \\t\\n\\r'))";
        });
    }

    /** The first name a code has; NULL for none. */
    private void codeName(String function, SdssConstants.Enumeration e) {
        bodies.put(function, f -> {
            List<String> rows = new ArrayList<>();
            for (int k = 0; k < e.values().size(); k++) {
                SdssConstants.Constant c = e.values().get(k);
                rows.add("(" + k + ", CAST(" + c.value() + " AS bigint), " + SampleDatabase.literal(c.name()) + ")");
            }
            return "SELECT CAST(v.name AS varchar) FROM (VALUES " + String.join(", ", rows) + ") v(k, value, name)"
                    + " WHERE v.value = $1 ORDER BY v.k LIMIT 1";
        });
    }

    private void bitNames(String function, SdssConstants.Enumeration e, int highestBit) {
        bodies.put(function, f -> "SELECT CASE WHEN $1 IS NULL THEN NULL ELSE (" + bitNameList(e, highestBit) + ") END");
    }

    /** {@link SdssConstants.Enumeration#bitNames}: the names of the bits set, highest first, each followed by a space. */
    private static String bitNameList(SdssConstants.Enumeration e, int highestBit) {
        List<String> rows = new ArrayList<>();
        for (int bit = highestBit - 1; bit >= 0; bit--) {
            String n = e.name(1L << bit);
            if (n != null) {
                rows.add("(" + bit + ", " + SampleDatabase.literal(n) + ")");
            }
        }
        if (rows.isEmpty()) {
            return "SELECT CAST('' AS varchar)";
        }
        return "SELECT CAST(COALESCE(string_agg(v.name || ' ', '' ORDER BY v.bit DESC), '') AS varchar) FROM (VALUES "
                + String.join(", ", rows) + ") v(bit, name) WHERE (CAST($1 AS bigint) & (CAST(1 AS bigint) << v.bit)) <> 0";
    }

    // ------------------------------------------------------------------ objIDs

    private void objIds() {
        bits("fSkyVersion", 59, 0xF);
        bits("fRerun", 48, 0x7FF);
        bits("fRun", 32, 0xFFFF);
        bits("fCamcol", 29, 0x7);
        bits("fField", 16, 0xFFF);
        bits("fObj", 0, 0xFFFF);
        bodies.put("fFirstFieldBit", f -> "SELECT CAST(" + SkyScalarFunctions.FIRST_FIELD_BIT + " AS bigint)");
        String objId = "(CAST(CASE WHEN $1 = -1 THEN 15 ELSE $1 END AS bigint) << 59) + (CAST($3 AS bigint) << 48)"
                + " + (CAST($2 AS bigint) << 32) + (CAST($4 AS bigint) << 29) + (CAST(%s AS bigint) << 28)"
                + " + (CAST($5 AS bigint) << 16) + $6";
        bodies.put("fObjidFromSDSS", f -> "SELECT " + String.format(Locale.ROOT, objId, "0"));
        bodies.put("fObjidFromSDSSWithFF", f -> "SELECT " + String.format(Locale.ROOT, objId, "$7"));
        bodies.put("fSDSS", f -> "SELECT CAST(" + String.join(" || '-' || ", List.of(part(59, 0xF), part(32, 0xFFFF),
                part(48, 0x7FF), part(29, 0x7), part(16, 0xFFF), part(0, 0xFFFF))) + " AS varchar)");
        bodies.put("fPrimaryObjID", f -> withFirstFieldBit(" AND p.mode = 1"));
        bodies.put("fObjID", f -> withFirstFieldBit(""));
    }

    /** Bits of an objID; the arithmetic shift's sign bits fall outside every mask. */
    private void bits(String function, int shift, int mask) {
        bodies.put(function, f -> "SELECT " + part(shift, mask));
    }

    private static String part(int shift, int mask) {
        return "CAST(($1 >> " + shift + ") & " + mask + " AS integer)";
    }

    /** {@link SkyScalarFunctions#fPrimaryObjID}: the objID without, then with, the first-field bit that is there; else 0. */
    private static String withFirstFieldBit(String condition) {
        String bit = "CAST(" + SkyScalarFunctions.FIRST_FIELD_BIT + " AS bigint)";
        String without = "($1 & ~" + bit + ")";
        return "SELECT CASE WHEN $1 IS NULL THEN NULL ELSE COALESCE((SELECT v.id FROM (VALUES (0, " + without + "), (1, "
                + without + " | " + bit + ")) v(k, id) WHERE EXISTS (SELECT 1 FROM " + SOURCE + " p WHERE p.objid = v.id"
                + condition + ") ORDER BY v.k LIMIT 1), 0) END";
    }

    // ------------------------------------------------------------------ times and angles

    /**
     * Seconds as text the way the H2 bodies round them: from the double's shortest decimal (Java's
     * {@code BigDecimal.valueOf} and {@code Formatter}; PostgreSQL's float8 text output, which is
     * shortest with the default extra_float_digits), rounded half up or cut.
     */
    private static String decimal(String value) {
        return "CAST(CAST(" + value + " AS text) AS numeric)";
    }

    private static String twoDigits(String whole) {
        return "(CASE WHEN " + whole + " < 10 THEN '0' ELSE '' END || CAST(" + whole + " AS text))";
    }

    private void times() {
        bodies.put("fMJDToGMT", f -> {
            String day = "floor($1)";
            String hours = "(24 * ($1 - " + day + "))";
            String hr = "trunc(" + hours + ")";
            String min = "trunc(60 * (" + hours + " - " + hr + "))";
            String sec = "(60 * (60 * (" + hours + " - " + hr + ") - " + min + "))";
            return "SELECT CAST(to_char(DATE '1858-11-17' + CAST(" + day + " AS integer), 'YYYY-MM-DD') || ' ' || "
                    + twoDigits("CAST(" + hr + " AS bigint)") + " || ':' || " + twoDigits("CAST(" + min + " AS bigint)")
                    + " || ':' || lpad(CAST(round(" + decimal(sec) + ", 3) AS text), 6, '0') AS varchar)";
        });
        bodies.put("fHMSbase", f -> "SELECT " + sexagesimal("abs($1 / 15.0::float8)", "$2", "$3"));
        bodies.put("fDMSbase", f -> "SELECT CASE WHEN $1 < 0 THEN '-' ELSE '+' END || " + sexagesimal("abs($1)", "$2", "$3"));
        bodies.put("fHMS", f -> "SELECT " + name(SkyFunctionContracts.named("fHMSbase")) + "($1, 0, 2)");
        bodies.put("fDMS", f -> "SELECT " + name(SkyFunctionContracts.named("fDMSbase")) + "($1, 0, 2)");
    }

    /** {@link SkyScalarFunctions}' sexagesimal: aa:mm:ss.s…, seconds rounded to 1–10 decimals (2 by default) or cut. */
    private static String sexagesimal(String value, String truncate, String precision) {
        String p = "(CASE WHEN " + precision + " IS NULL THEN 2 ELSE greatest(1, least(10, " + precision + ")) END)";
        String whole = "floor(" + value + ")";
        String rest = "(60.0::float8 * (" + value + " - " + whole + "))";
        String minutes = "floor(" + rest + ")";
        String seconds = decimal("60.0::float8 * (" + rest + " - " + minutes + ")");
        String s = "CAST(CASE WHEN " + truncate + " IS NOT NULL AND " + truncate + " <> 0 THEN trunc(" + seconds + ", " + p
                + ") ELSE round(" + seconds + ", " + p + ") END AS text)";
        return "CAST(" + twoDigits("CAST(" + whole + " AS bigint)") + " || ':' || " + twoDigits("CAST(" + minutes + " AS bigint)")
                + " || ':' || CASE WHEN position('.' IN " + s + ") = 2 THEN '0' ELSE '' END || " + s + " AS varchar)";
    }
}
