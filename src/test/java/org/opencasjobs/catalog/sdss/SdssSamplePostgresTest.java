package org.opencasjobs.catalog.sdss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencasjobs.dialect.Engine;
import org.opencasjobs.testing.Postgres;

/**
 * The same Sample generated into H2 and into PostgreSQL: the same tables and views, the same rows
 * to the bit, names in lower case, case-insensitive text, the q3c index. Runs only with PostgreSQL
 * 15 and q3c installed (CI passes -Dpostgresql.required=true).
 */
class SdssSamplePostgresTest {
    private static final int ROWS = 5000;
    private static final long SEED = 20031118L;
    private static Postgres.Database db;
    private static Connection pg;
    private static Connection h2;

    @BeforeAll
    static void generateBoth() throws SQLException {
        db = Postgres.newDatabase();
        pg = db.connect();
        SdssSample.generate(pg, Engine.POSTGRESQL, "Sample", SdssSample.SAMPLE, ROWS, SEED);
        SdssSample.generate(pg, Engine.POSTGRESQL, "Stripe82", SdssSample.STRIPE82, ROWS / 10, SEED);
        h2 = DriverManager.getConnection("jdbc:h2:mem:sdsspg;MODE=MSSQLServer;DATABASE_TO_UPPER=FALSE;"
                + "CASE_INSENSITIVE_IDENTIFIERS=TRUE");
        try (Statement st = h2.createStatement()) {
            st.execute("CREATE SCHEMA \"Sample\"");
            st.execute("CREATE SCHEMA \"Stripe82\"");
        }
        SdssSample.generate(h2, Engine.H2, "Sample", SdssSample.SAMPLE, ROWS, SEED);
        SdssSample.generate(h2, Engine.H2, "Stripe82", SdssSample.STRIPE82, ROWS / 10, SEED);
    }

    @AfterAll
    static void close() throws SQLException {
        if (h2 != null) {
            h2.close();
        }
        if (pg != null) {
            pg.close();
        }
        if (db != null) {
            db.close();
        }
    }

    /** H2's tables or views of a schema, by name as SDSS spells them. */
    private static List<String> h2Relations(String schema, boolean views) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = h2.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = '" + schema + "' AND TABLE_TYPE "
                        + (views ? "= 'VIEW'" : "<> 'VIEW'") + " ORDER BY TABLE_NAME")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static List<String> strings(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            assertTrue(rs.next());
            return rs.getLong(1);
        }
    }

    /**
     * Every row of a query, each as one canonical line (floats and doubles by their bits), sorted:
     * the same lines means the same rows to the bit, whatever order the engines return them in.
     */
    private static List<String> canonicalRows(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                StringBuilder line = new StringBuilder();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    line.append(md.getColumnLabel(i).toLowerCase(Locale.ROOT)).append('=');
                    String value = switch (md.getColumnType(i)) {
                        case Types.REAL -> "f" + Float.floatToIntBits(rs.getFloat(i));
                        case Types.DOUBLE, Types.FLOAT -> "d" + Double.doubleToLongBits(rs.getDouble(i));
                        case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT -> Long.toString(rs.getLong(i));
                        default -> rs.getString(i);
                    };
                    line.append(rs.wasNull() ? "NULL" : value).append('|');
                }
                out.add(line.toString());
            }
        }
        out.sort(null);
        return out;
    }

    @Test
    void everyTableHoldsTheSameRowsToTheBit() throws SQLException {
        for (String schema : List.of("Sample", "Stripe82")) {
            List<String> tables = h2Relations(schema, false);
            assertTrue(tables.contains("PhotoObjAll"), tables.toString());
            for (String t : tables) {
                // the column list H2 has, in its order, so both sides read the same columns as the same types
                List<String> cols = strings(h2, "SELECT COLUMN_NAME FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = '"
                        + schema + "' AND TABLE_NAME = '" + t + "' ORDER BY ORDINAL_POSITION");
                String list = String.join(", ", cols.stream().map(col -> col.toLowerCase(Locale.ROOT)).toList());
                List<String> expected = canonicalRows(h2, "SELECT " + String.join(", ", cols) + " FROM \"" + schema + "\".\"" + t + "\"");
                List<String> actual = canonicalRows(pg, "SELECT " + list + " FROM " + schema + "." + t);
                assertEquals(expected.size(), actual.size(), schema + "." + t + " rows");
                for (int i = 0; i < expected.size(); i++) {
                    assertEquals(expected.get(i), actual.get(i), schema + "." + t + " row " + i);
                }
            }
        }
        assertEquals(ROWS, count(pg, "SELECT COUNT(*) FROM sample.photoobjall"));
    }

    @Test
    void everyViewCountsTheSameRows() throws SQLException {
        for (String schema : List.of("Sample", "Stripe82")) {
            List<String> views = h2Relations(schema, true);
            assertTrue(views.containsAll(List.of("PhotoObj", "Galaxy", "Star", "Unknown", "PhotoTag")), views.toString());
            for (String v : views) {
                assertEquals(count(h2, "SELECT COUNT(*) FROM \"" + schema + "\".\"" + v + "\""),
                        count(pg, "SELECT COUNT(*) FROM " + schema + "." + v), schema + "." + v);
            }
            assertEquals(views.stream().map(v -> v.toLowerCase(Locale.ROOT)).sorted().toList(),
                    strings(pg, "SELECT viewname FROM pg_views WHERE schemaname = '" + schema.toLowerCase(Locale.ROOT)
                            + "' ORDER BY 1"));
        }
    }

    @Test
    void everyNameIsInLowerCaseAndEveryRelationHasItsComment() throws SQLException {
        assertEquals(0, count(pg, "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema IN ('sample', 'stripe82')"
                + " AND column_name <> lower(column_name)"));
        assertEquals(0, count(pg, "SELECT COUNT(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname IN ('sample', 'stripe82') AND c.relname <> lower(c.relname)"));
        assertEquals(0, count(pg, "SELECT COUNT(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname IN ('sample', 'stripe82') AND c.relkind IN ('r', 'v')"
                + " AND obj_description(c.oid, 'pg_class') IS NULL"));
        assertTrue(strings(pg, "SELECT obj_description('sample.photoobjall'::regclass, 'pg_class')").get(0)
                .contains("not real observations"));
        // SQL Server's types mapped: no tinyint in PostgreSQL, FLOAT is 8 bytes
        assertEquals(List.of("double precision"), strings(pg, "SELECT data_type FROM information_schema.columns"
                + " WHERE table_schema = 'sample' AND table_name = 'photoobjall' AND column_name = 'ra'"));
        assertEquals(List.of("real"), strings(pg, "SELECT data_type FROM information_schema.columns"
                + " WHERE table_schema = 'sample' AND table_name = 'photoobjall' AND column_name = 'r'"));
    }

    @Test
    void textComparesWithoutRegardToCaseAsOnSkyServer() throws SQLException {
        long galaxies = count(pg, "SELECT COUNT(*) FROM sample.specobj WHERE class = 'GALAXY'");
        assertTrue(galaxies > 0);
        assertEquals(galaxies, count(pg, "SELECT COUNT(*) FROM sample.specobj WHERE class = 'galaxy'"));
        assertEquals(galaxies, count(pg, "SELECT COUNT(*) FROM sample.specobj WHERE class LIKE 'gal%'"));
        assertEquals(count(h2, "SELECT COUNT(*) FROM \"Sample\".SpecObj WHERE class = 'galaxy'"), galaxies);
        assertEquals(count(h2, "SELECT COUNT(DISTINCT class) FROM \"Sample\".SpecObjAll"),
                count(pg, "SELECT COUNT(DISTINCT class) FROM sample.specobjall"));
    }

    @Test
    void photoObjAllHasTheQ3cIndexAndStatistics() throws SQLException {
        for (String schema : List.of("sample", "stripe82")) {
            List<String> defs = strings(pg, "SELECT indexdef FROM pg_indexes WHERE schemaname = '" + schema
                    + "' AND tablename = 'photoobjall'");
            assertTrue(defs.stream().anyMatch(d -> d.contains("ix_photoobjall_q3c") && d.contains("q3c_ang2ipix(ra, ")), defs.toString());
            assertTrue(count(pg, "SELECT reltuples::bigint FROM pg_class WHERE oid = '" + schema + ".photoobjall'::regclass") > 0,
                    "analysed");
        }
        Map<String, String> indexes = new TreeMap<>();
        try (Statement st = pg.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT indexname, tablename FROM pg_indexes WHERE schemaname = 'sample'")) {
            while (rs.next()) {
                indexes.put(rs.getString(1), rs.getString(2));
            }
        }
        assertEquals("specobjall", indexes.get("ix_specobjall_bestobjid"));
        assertEquals("photoobjall", indexes.get("ix_photoobjall_ra"));
    }

    @Test
    void anEmptySampleHasEveryTableAndViewAndItsIndex() throws SQLException {
        SdssSample.generate(pg, Engine.POSTGRESQL, "Empty", SdssSample.SAMPLE, 0, SEED);
        assertEquals(0, count(pg, "SELECT COUNT(*) FROM empty.photoobjall"));
        assertEquals(0, count(pg, "SELECT COUNT(*) FROM empty.galaxy"));
        assertEquals(count(pg, "SELECT COUNT(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname = 'sample' AND c.relkind IN ('r', 'v', 'i')"),
                count(pg, "SELECT COUNT(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                        + " WHERE n.nspname = 'empty' AND c.relkind IN ('r', 'v', 'i')"));
    }

    @Test
    void aFailedGenerationLeavesNothing() throws SQLException {
        // the Sample is there already: the first CREATE TABLE fails, and the schema stays as it was
        long before = count(pg, "SELECT COUNT(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname = 'sample'");
        assertThrows(SQLException.class, () -> SdssSample.generate(pg, Engine.POSTGRESQL, "Sample", SdssSample.SAMPLE, 50, 1));
        assertTrue(pg.getAutoCommit());
        assertEquals(before, count(pg, "SELECT COUNT(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname = 'sample'"));
        // a generation that fails half-way (Neighbors is taken) leaves none of its tables and keeps what was there
        try (Statement st = pg.createStatement()) {
            st.execute("CREATE SCHEMA half");
            st.execute("CREATE TABLE half.neighbors (mine INT)");
        }
        SQLException e = assertThrows(SQLException.class,
                () -> SdssSample.generate(pg, Engine.POSTGRESQL, "Half", SdssSample.SAMPLE, 50, 1));
        assertTrue(e.getMessage().contains("neighbors"), e.getMessage());
        assertEquals(List.of("neighbors"), strings(pg, "SELECT tablename FROM pg_tables WHERE schemaname = 'half'"));
    }
}
