package org.opencasjobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencasjobs.it.TestServer;
import org.opencasjobs.testing.Postgres;
import picocli.CommandLine;
import uk.ac.starlink.table.StarTableOutput;

/**
 * {@code context load} with {@code casjobs.engine=postgresql}: a generated FITS file
 * ({@code -Dcontextload.pg.rows=N}, 1,000,000 unless told) streamed by COPY into the context's
 * schema with its primary key and q3c index, a refused load that leaves nothing behind, and a
 * user's cone search of the loaded table through the service, answered by the q3c index.
 */
class PostgresContextLoadTest {
    private static final int ROWS = Integer.getInteger("contextload.pg.rows", 1_000_000);

    private static ContextLoadTest.Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new ContextLoadTest.Run(code, out.toString(), err.toString());
    }

    private static String[] load(Path data, Path config, String... args) {
        List<String> all = new ArrayList<>(List.of("context", "load", "--data-dir", data.toString(), "--config",
                config.toString()));
        all.addAll(List.of(args));
        return all.toArray(String[]::new);
    }

    private static List<String> tablesIn(Postgres.Database db, String schema) throws Exception {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT tablename FROM pg_tables WHERE schemaname = ? ORDER BY tablename")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                List<String> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
                return out;
            }
        }
    }

    private static long count(Postgres.Database db, String sql) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String indexes(Postgres.Database db) {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT indexdef FROM pg_indexes WHERE schemaname = 'survey'")) {
            StringBuilder out = new StringBuilder();
            while (rs.next()) {
                out.append(rs.getString(1)).append('\n');
            }
            return out.toString();
        } catch (java.sql.SQLException e) {
            return e.toString();
        }
    }

    @Test
    void aFitsFileIsCopiedIntoTheContextSchemaWithKeyAndQ3cIndexAndUsersConeSearchIt(@TempDir Path dir) throws Exception {
        try (Postgres.Database db = Postgres.newDatabase()) {
            Path data = dir.resolve("data");
            Path config = dir.resolve("casjobs.properties");
            // Sample not generated at the catalog's start (0 rows): sample generate makes it below
            StringBuilder props = new StringBuilder("casjobs.contexts=Sample,Survey\ncasjobs.sample.rows=0\n");
            db.settings().forEach((k, v) -> props.append(k).append('=').append(v).append('\n'));
            Files.writeString(config, props);
            Path fits = dir.resolve("objects.fits");
            new StarTableOutput().writeStarTable(new ContextLoadTest.Objects(ROWS, 0), fits.toString(), "fits");

            ContextLoadTest.Run r = run(load(data, config, "Survey", "--key", "objID", "--ra", "ra", "--dec", "dec",
                    fits.toString()));
            assertEquals(0, r.code(), r.err());
            List<String> lines = r.out().lines().toList();
            String summary = lines.get(lines.size() - 1);
            System.out.println("context load (PostgreSQL, COPY) of " + ROWS + " FITS rows: " + summary);
            assertTrue(summary.startsWith("Loaded Survey.objects: " + String.format("%,d", ROWS) + " rows from 1 file"),
                    summary);
            assertTrue(summary.contains("primary key objID; a q3c index on q3c_ang2ipix(ra, dec)"), summary);
            assertEquals(List.of("objects"), tablesIn(db, "survey"), "no staging table left");
            assertEquals(ROWS, count(db, "SELECT COUNT(*) FROM survey.objects"));
            // the values as the file holds them, text and booleans included
            try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT objid, ra, dec, rmag, type, flags, good, name FROM survey.objects WHERE objid = "
                            + ContextLoadTest.Objects.row(12_345)[0])) {
                assertTrue(rs.next());
                Object[] want = ContextLoadTest.Objects.row(12_345);
                assertEquals(want[1], rs.getDouble(2));
                assertEquals(want[2], rs.getDouble(3));
                assertEquals(want[3], rs.getFloat(4));
                assertEquals(((Short) want[4]).intValue(), rs.getInt(5));
                assertEquals(want[5], rs.getInt(6));
                assertEquals(want[6], rs.getBoolean(7));
                assertEquals(want[7], rs.getString(8));
            }
            assertEquals(1, count(db, "SELECT COUNT(*) FROM pg_indexes WHERE schemaname = 'survey'"
                    + " AND tablename = 'objects' AND indexdef LIKE '%q3c_ang2ipix(ra, \"dec\")%'"), () -> indexes(db));
            assertEquals(1, count(db, "SELECT COUNT(*) FROM pg_constraint WHERE conname = 'pk_objects' AND contype = 'p'"));

            // a key given twice: refused in the user's terms, nothing left behind, the first table as it was
            Path twice = dir.resolve("twice.csv");
            Files.writeString(twice, "objID,ra\n1,2.5\n2,3.5\n1,4.5\n");
            ContextLoadTest.Run dup = run(load(data, config, "Survey", "--table", "Twice", "--key", "objID",
                    twice.toString()));
            assertEquals(1, dup.code(), dup.out() + dup.err());
            assertEquals("Error: --key objID: the value 1 is in 2 rows, and a primary key needs each value once.",
                    dup.err().strip());
            assertEquals(List.of("objects"), tablesIn(db, "survey"), "no half table, no staging table");

            // the table through the service: a cone by q3c, as an account (the group role reads it)
            Map<String, String> settings = new HashMap<>(db.settings());
            settings.put("casjobs.contexts", "Sample,Survey");

            // context list and sample generate act on PostgreSQL too
            ContextLoadTest.Run list = run("context", "list", "--data-dir", data.toString(), "--config", config.toString());
            assertEquals(0, list.code(), list.err());
            assertTrue(list.out().contains("Survey: PostgreSQL schema survey of " + db.url()), list.out());
            assertTrue(list.out().matches("(?s).*table objects\\s+" + ROWS + " rows.*"), list.out());
            ContextLoadTest.Run gen = run("sample", "generate", "--rows", "300", "--data-dir", data.toString(), "--config",
                    config.toString());
            assertEquals(0, gen.code(), gen.err());
            assertTrue(gen.out().startsWith("Generated the Sample context: PhotoObjAll 300 rows"), gen.out());
            assertEquals(300, count(db, "SELECT COUNT(*) FROM sample.photoobjall"));
            assertEquals(ROWS, count(db, "SELECT COUNT(*) FROM survey.objects"), "the other context is not touched");
            Object[] centre = ContextLoadTest.Objects.row(500_000 % ROWS);
            String cone = "q3c_radial_query(ra, dec, " + centre[1] + ", " + centre[2] + ", 0.01)";
            long expected = count(db, "SELECT COUNT(*) FROM survey.objects WHERE " + cone);
            assertTrue(expected > 0, "the cone holds its centre");
            try (Connection c = db.connect(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("EXPLAIN SELECT objid FROM survey.objects WHERE " + cone)) {
                StringBuilder plan = new StringBuilder();
                while (rs.next()) {
                    plan.append(rs.getString(1)).append('\n');
                }
                assertTrue(plan.toString().contains("ix_objects_q3c"), "the q3c index answers the cone: " + plan);
            }
            try (TestServer server = new TestServer(settings)) {
                String csv = server.client(true).executeQuickJob(server.alice.wsid(), TestServer.ALICE_PW,
                        "SELECT COUNT(*) AS n FROM Objects WHERE " + cone, "Survey", "cone", false);
                List<String> rows = csv.strip().lines().toList();
                assertEquals(2, rows.size(), csv);
                assertEquals(Long.toString(expected), rows.get(1).strip(), csv);
                assertFalse(csv.contains("~load~"), csv);
                String sample = server.client(true).executeQuickJob(server.alice.wsid(), TestServer.ALICE_PW,
                        "SELECT COUNT(*) AS n FROM PhotoObjAll", "Sample", "n", false);
                assertEquals("300", sample.strip().lines().toList().get(1).strip(), sample);
                // names as the file spells them, and as SDSS does for the Sample generated again
                String star = server.client(true).executeQuickJob(server.alice.wsid(), TestServer.ALICE_PW,
                        "SELECT TOP 1 * FROM Objects ORDER BY objID", "Survey", "star", false);
                assertTrue(star.startsWith("[objID]:Integer,[ra]:Float,[dec]:Float,[rMag]:Float,"), star);
                String samples = server.client(true).executeQuickJob(server.alice.wsid(), TestServer.ALICE_PW,
                        "SELECT TOP 1 * FROM PhotoObjAll ORDER BY objID", "Sample", "star", false);
                assertTrue(samples.startsWith("[objID]:"), samples.lines().findFirst().orElse(""));
                String columns = server.client(true).executeQuickJob(server.alice.wsid(), TestServer.ALICE_PW,
                        "SELECT COLUMN_NAME FROM information_schema.columns WHERE TABLE_NAME = 'objects'"
                                + " ORDER BY ORDINAL_POSITION", "Survey", "columns", false);
                assertEquals(List.of("\"objID\"", "\"ra\"", "\"dec\"", "\"rMag\""),
                        columns.strip().lines().skip(1).limit(4).toList(), columns);
            }
        }
    }
}
