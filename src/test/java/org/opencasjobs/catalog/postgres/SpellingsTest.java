package org.opencasjobs.catalog.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencasjobs.catalog.sdss.LookupTables;
import org.opencasjobs.catalog.sdss.SdssSample;
import org.opencasjobs.dialect.Engine;
import org.opencasjobs.testing.Postgres;

/**
 * A result's {@code *} columns labelled as the catalog spells them: by the table each was read
 * from (its own spelling before the schema's most used one), by the current context where
 * PostgreSQL names no table, and not at all for a schema nobody spelled (a MyDB).
 */
class SpellingsTest {
    private static Postgres.Database database;
    private static Connection owner;

    @BeforeAll
    static void open() throws SQLException {
        database = Postgres.newDatabase();
        owner = database.connect();
        try (Statement s = owner.createStatement()) {
            s.execute("CREATE SCHEMA ctx");
            s.execute("CREATE SCHEMA mydb_1");
            s.execute("CREATE TABLE ctx.plates (plateid int, fiberid int)");
            s.execute("CREATE TABLE ctx.spectra (plateid int, fiberid int)");
            s.execute("CREATE TABLE ctx.more (plateid int)");
            s.execute("CREATE VIEW ctx.v AS SELECT * FROM ctx.spectra");
            s.execute("CREATE TABLE mydb_1.mine (plateid int)");
            s.execute("CREATE FUNCTION ctx.f() RETURNS TABLE (plateid int) LANGUAGE sql AS 'SELECT 1'");
        }
        Spellings.table(owner, "ctx", "Plates", List.of("plateid", "fiberid"));
        Spellings.table(owner, "ctx", "Spectra", List.of("plateID", "fiberID"));
        Spellings.table(owner, "ctx", "More", List.of("plateID"));
    }

    @AfterAll
    static void close() throws SQLException {
        if (owner != null) {
            owner.close();
        }
        if (database != null) {
            database.close();
        }
    }

    private static List<String> labels(String sql, String currentSchema) throws SQLException {
        try (Connection c = database.connect(); Statement s = c.createStatement(); ResultSet raw = s.executeQuery(sql)) {
            List<Spellings.Source> sources = Spellings.sources(raw, sql, currentSchema);
            ResultSet rs = sources.isEmpty() ? raw : Spellings.relabelled(raw, owner, sources);
            List<String> out = new ArrayList<>();
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                out.add(rs.getMetaData().getColumnLabel(i));
            }
            return out;
        }
    }

    @Test
    void aTablesOwnSpellingComesFirst() throws SQLException {
        assertEquals(List.of("plateid", "fiberid"), labels("SELECT * FROM ctx.plates", "ctx"));
        assertEquals(List.of("plateID", "fiberID"), labels("SELECT * FROM ctx.spectra", null));
    }

    @Test
    void aViewsAndAFunctionsColumnsTakeTheSchemasMostUsedSpelling() throws SQLException {
        assertEquals(List.of("plateID", "fiberID"), labels("SELECT * FROM ctx.v", null),
                "plateID in two tables of three; fiberid and fiberID in one each: the capitals first (C order)");
        assertEquals(List.of("plateID"), labels("SELECT * FROM ctx.f()", "ctx"));
        assertEquals(List.of("plateid"), labels("SELECT * FROM ctx.f()", null), "in MyDB a function's result stays");
    }

    @Test
    void onlyTheStarsColumnsAndNeverAMyDbs() throws SQLException {
        assertEquals(List.of("plateid", "plateID", "fiberID"),
                labels("SELECT s.plateid AS \"plateid\", s.* FROM ctx.spectra s", "ctx"));
        assertEquals(List.of("plateid"), labels("SELECT * FROM mydb_1.mine", "ctx"), "a MyDB table read from a context");
    }

    /** A context generated before spellings were kept gets them from an empty copy, its rows untouched. */
    @Test
    void anEarlierGeneratedContextIsSpelledAgain() throws SQLException {
        SdssSample.generate(owner, Engine.POSTGRESQL, "Old82", SdssSample.STRIPE82, 500, 2L);
        LookupTables.build(owner, Engine.POSTGRESQL, "Old82"); // as the catalog's start does
        List<String> before = rows("old82");
        try (Statement s = owner.createStatement()) {
            s.execute("DELETE FROM " + Spellings.TABLE + " WHERE schema_name = 'old82'");
        }
        assertEquals(false, Spellings.recorded(owner, "old82"));
        SdssSample.respell(owner, "old82", SdssSample.STRIPE82);
        List<String> after = rows("old82");
        assertEquals(before, after);
        assertEquals(true, after.contains("photoobjall/objid/objID"), after.toString());
        try (Statement s = owner.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM old82.photoobjall")) {
            rs.next();
            assertEquals(500, rs.getInt(1), "its rows are as they were");
        }
        try (Statement s = owner.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT COUNT(*) FROM pg_namespace WHERE nspname LIKE '~spellings~%'")) {
            rs.next();
            assertEquals(0, rs.getInt(1), "no scratch schema left");
        }
    }

    private static List<String> rows(String schema) throws SQLException {
        return Spellings.of(owner, schema).stream().map(r -> String.join("/", r)).sorted().toList();
    }

    /** What labelling a 174-column SELECT * costs beside the query itself (printed; speed is not asserted). */
    @Test
    void theCostOfSpellingTheSamplesPhotoObjAllIsPrinted() throws SQLException {
        SdssSample.generate(owner, Engine.POSTGRESQL, "Sample", "Sample", 500, 1L);
        String sql = "SELECT * FROM sample.photoobjall ORDER BY objid LIMIT 1";
        List<Double> query = new ArrayList<>();
        List<Double> spelling = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            try (Connection c = database.connect(); Statement s = c.createStatement()) {
                long t0 = System.nanoTime();
                try (ResultSet rs = s.executeQuery(sql)) {
                    rs.next();
                    long t1 = System.nanoTime();
                    ResultSet spelled = Spellings.relabelled(rs, owner, Spellings.sources(rs, sql, null));
                    assertEquals("objID", spelled.getMetaData().getColumnLabel(1));
                    long t2 = System.nanoTime();
                    if (i >= 5) { // the first ones warm the JVM and the server
                        query.add((t1 - t0) / 1e6);
                        spelling.add((t2 - t1) / 1e6);
                    }
                }
            }
        }
        Collections.sort(query);
        Collections.sort(spelling);
        System.out.printf("SELECT * of PhotoObjAll (174 columns) on a new connection: the query %.1f ms, spelling"
                + " its labels %.1f ms (medians of %d)%n", query.get(query.size() / 2), spelling.get(spelling.size() / 2),
                query.size());
    }
}
