package org.opencasjobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencasjobs.catalog.ContextAdmin;
import org.opencasjobs.catalog.ContextFiles;
import org.opencasjobs.config.ServerConfig;
import org.opencasjobs.it.TestServer;
import picocli.CommandLine;
import uk.ac.starlink.table.AbstractStarTable;
import uk.ac.starlink.table.ColumnInfo;
import uk.ac.starlink.table.RowSequence;
import uk.ac.starlink.table.StarTableOutput;

/**
 * {@code context load} through the command line, on real files written with STIL and real H2
 * contexts: types, values, the key and the sky index, appending files, the all-or-nothing
 * failures, and a user's query of the loaded table through the running service afterwards.
 * The FITS file has {@code -Dcontextload.rows=N} rows (100,000 unless told: 1,000,000 for the
 * issue's size; the command prints its rows/s).
 */
class ContextLoadTest {
    private static final int ROWS = Integer.getInteger("contextload.rows", 100_000);
    private static final long FIRST_OBJID = 1237645876861272065L;

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /** A load that must succeed; returns its summary line (the last one). */
    private static String load(Path data, Path config, String... args) {
        Run r = run(cmd(data, config, args));
        assertEquals(0, r.code(), () -> String.join(" ", args) + ": " + r.err());
        assertEquals("", r.err());
        List<String> lines = r.out().lines().toList();
        return lines.get(lines.size() - 1);
    }

    /** A load that must fail with one line on stderr; returns it. */
    private static String refused(Path data, Path config, String... args) {
        Run r = run(cmd(data, config, args));
        assertEquals(1, r.code(), () -> String.join(" ", args) + ": " + r.out() + r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("Error: "), r.err());
        assertFalse(r.out().contains("Loaded"), r.out());
        return r.err().strip();
    }

    private static String[] cmd(Path data, Path config, String... args) {
        List<String> all = new ArrayList<>(List.of("context", "load", "--data-dir", data.toString(), "--config",
                config.toString()));
        all.addAll(List.of(args));
        return all.toArray(String[]::new);
    }

    private static Path settings(Path dir, String contexts) throws IOException {
        Path p = dir.resolve("casjobs.properties");
        Files.writeString(p, "casjobs.contexts=" + contexts + "\n"
                + (contexts.contains("Ext") ? "casjobs.context.Ext.url=jdbc:h2:mem:nowhere\n" : ""));
        return p;
    }

    /** The tables (with row counts) of a context, read from its file as {@code context list} does. */
    private static Map<String, Long> tables(Path data, Path config, String context) throws Exception {
        ServerConfig c = ServerConfig.load(config, Map.of(), Map.of("casjobs.data.dir", data.toString()));
        return ContextAdmin.describe(c).stream().filter(i -> i.name().equals(context)).findFirst().orElseThrow().rowCounts();
    }

    // ---------------------------------------------------------------- the generated catalog

    /** {@code rows} objects, the same for the same {@code first}, streamed: nothing is kept in memory. */
    static final class Objects extends AbstractStarTable {
        private final long rows;
        private final long first;
        private final ColumnInfo[] cols;

        Objects(long rows, long first) {
            this.rows = rows;
            this.first = first;
            ColumnInfo name = new ColumnInfo("name", String.class, "a label");
            name.setElementSize(12);
            cols = new ColumnInfo[] {new ColumnInfo("objID", Long.class, "id"), new ColumnInfo("ra", Double.class, "deg"),
                new ColumnInfo("dec", Double.class, "deg"), new ColumnInfo("rMag", Float.class, "mag"),
                new ColumnInfo("type", Short.class, "class"), new ColumnInfo("flags", Integer.class, "bits"),
                new ColumnInfo("good", Boolean.class, "flag"), name};
        }

        static Object[] row(long i) {
            return new Object[] {FIRST_OBJID + i, (i * 0.0036) % 360.0, -10.0 + (i % 20_000) * 0.001,
                14f + (i % 1000) * 0.01f, (short) (i % 7), (int) (i * 3), i % 2 == 0, "obj" + i};
        }

        @Override
        public ColumnInfo getColumnInfo(int i) {
            return cols[i];
        }

        @Override
        public int getColumnCount() {
            return cols.length;
        }

        @Override
        public long getRowCount() {
            return rows;
        }

        @Override
        public RowSequence getRowSequence() {
            return new RowSequence() {
                long i = -1;

                @Override
                public boolean next() {
                    return ++i < rows;
                }

                @Override
                public Object getCell(int c) {
                    return getRow()[c];
                }

                @Override
                public Object[] getRow() {
                    return row(first + i);
                }

                @Override
                public void close() {
                }
            };
        }
    }

    private static Path write(Path dir, String file, String format, long rows, long first) throws IOException {
        Path p = dir.resolve(file);
        new StarTableOutput().writeStarTable(new Objects(rows, first), p.toString(), format);
        return p;
    }

    // ---------------------------------------------------------------- server side

    private static List<String> quick(TestServer s, String sql, String context) throws Exception {
        HttpResponse<String> r = s.get("/services/jobs.asmx/ExecuteQuickJob?" + TestServer.form("wsid",
                s.alice.wsid(), "pw", TestServer.ALICE_PW, "qry", sql, "context", context, "taskname", "t",
                "isSystem", "false"));
        assertEquals(200, r.statusCode(), sql + ": " + r.body());
        return TestServer.xml(r.body()).getDocumentElement().getTextContent().lines().toList();
    }

    // ---------------------------------------------------------------- tests

    @Test
    void aFitsFileBecomesATableWithItsTypesKeyAndIndexThatUsersQuery(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        Path config = settings(dir, "Survey");
        Path fits = write(dir, "objects.fits", "fits", ROWS, 0);
        String summary = load(data, config, "Survey", "--key", "objID", "--ra", "ra", "--dec", "dec", fits.toString());
        System.out.println("context load of " + ROWS + " FITS rows: " + summary);
        assertTrue(summary.startsWith("Loaded Survey.objects: " + String.format("%,d", ROWS) + " rows from 1 file"), summary);
        assertTrue(summary.contains("8 columns: objID BIGINT, ra FLOAT, dec FLOAT, rMag REAL, type SMALLINT, flags INT,"
                + " good BOOLEAN, name VARCHAR(12)"), summary);
        assertTrue(summary.contains("primary key objID; an index on dec"), summary);
        assertEquals(Map.of("objects", (long) ROWS), tables(data, config, "Survey"), "no staging table left");

        // duplicates of the key: refused, the first table untouched, nothing else left behind
        Path twice = write(dir, "twice.vot", "votable", 20, 0);
        Path again = write(dir, "again.csv", "csv", 1, 10);
        String dup = refused(data, config, "Survey", "--key", "objID", twice.toString(), again.toString());
        assertEquals("Error: --key objID: the value " + (FIRST_OBJID + 10) + " is in 2 rows, and a primary key needs"
                + " each value once.", dup);
        assertEquals(Map.of("objects", (long) ROWS), tables(data, config, "Survey"));
        Path noKey = dir.resolve("nokey.csv");
        Files.writeString(noKey, "objID,ra\n1,2.5\n,3.5\n3,4.5\n");
        assertEquals("Error: --key objID: 1 row has no value in column objID, and a primary key needs one in every row.",
                refused(data, config, "Survey", "--key", "objID", noKey.toString()));

        try (TestServer s = new TestServer(Map.of("casjobs.data.dir", data.toString(), "casjobs.contexts", "Survey"))) {
            List<String> types = quick(s, "SELECT COLUMN_NAME, DATA_TYPE FROM information_schema.columns"
                    + " WHERE TABLE_NAME = 'objects' ORDER BY ORDINAL_POSITION", "Survey");
            assertEquals(List.of("[COLUMN_NAME]:String,[DATA_TYPE]:String", "\"objID\",\"bigint\"", "\"ra\",\"float\"",
                    "\"dec\",\"float\"", "\"rMag\",\"real\"", "\"type\",\"smallint\"", "\"flags\",\"int\"",
                    "\"good\",\"bit\"", "\"name\",\"varchar\""), types);
            long i = ROWS / 2 + 7;
            Object[] want = Objects.row(i);
            List<String> one = quick(s, "SELECT objID, ra, dec, rMag, type, flags, good, name FROM objects"
                    + " WHERE objID = " + want[0], "Survey");
            assertEquals(2, one.size(), one.toString());
            String[] got = one.get(1).split(",");
            assertEquals(want[0].toString(), got[0]);
            assertEquals((double) want[1], Double.parseDouble(got[1]), 1e-12);
            assertEquals((double) want[2], Double.parseDouble(got[2]), 1e-12);
            assertEquals((float) want[3], Float.parseFloat(got[3]), 1e-6);
            assertEquals(want[4].toString(), got[4]);
            assertEquals(want[5].toString(), got[5]);
            assertTrue(Boolean.parseBoolean(got[6]) == (boolean) want[6] || got[6].equals((boolean) want[6] ? "1" : "0"),
                    one.get(1));
            assertEquals("\"" + want[7] + "\"", got[7]);
            assertEquals(String.valueOf(ROWS), quick(s, "SELECT COUNT(*) AS n FROM Survey..objects", "Survey").get(1));
            assertEquals("Error: The data folder " + data + " is in use by a running server, and context load writes a"
                    + " context it serves: stop the server first, then run this command again.",
                    refused(data, config, "Survey", "--table", "more", again.toString()));
        }
        // the context's own database: the primary key, the declination index, and the planner's statistics
        try (Connection c = ContextFiles.openAsAdmin(data, "Survey"); Statement st = c.createStatement()) {
            List<String> indexes = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT i.INDEX_TYPE_NAME, c.COLUMN_NAME FROM INFORMATION_SCHEMA.INDEXES i"
                    + " JOIN INFORMATION_SCHEMA.INDEX_COLUMNS c ON c.INDEX_SCHEMA = i.INDEX_SCHEMA AND c.INDEX_NAME = i.INDEX_NAME"
                    + " WHERE i.TABLE_SCHEMA = 'Survey' AND i.TABLE_NAME = 'objects' ORDER BY c.COLUMN_NAME")) {
                while (rs.next()) {
                    indexes.add(rs.getString(1) + " " + rs.getString(2));
                }
            }
            assertEquals(List.of("INDEX dec", "PRIMARY KEY objID"), indexes);
            try (ResultSet rs = st.executeQuery("SELECT SELECTIVITY FROM INFORMATION_SCHEMA.COLUMNS"
                    + " WHERE TABLE_SCHEMA = 'Survey' AND TABLE_NAME = 'objects' AND COLUMN_NAME = 'objID'")) {
                rs.next();
                assertEquals(100, rs.getInt(1), "ANALYZE ran: every objID differs");
            }
        }
    }

    @Test
    void aVotableAndACsvFileAppendIntoOneTable(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        Path config = settings(dir, "Sample,Survey");
        Path vot = write(dir, "part1.vot", "votable", 1000, 0);
        Path csv = write(dir, "part2.csv", "csv", 1500, 1000);
        String summary = load(data, config, "survey", "--table", "Mixed", "--key", "objID", vot.toString(), csv.toString());
        assertTrue(summary.startsWith("Loaded Survey.Mixed: 2,500 rows from 2 files"), summary);
        // the CSV's types are STIL's guesses; each column takes the wider of the two files' types
        assertTrue(summary.contains("objID BIGINT, ra FLOAT, dec FLOAT, rMag FLOAT, type SMALLINT, flags INT, good BOOLEAN,"
                + " name VARCHAR(12);"), summary);
        assertTrue(summary.contains("primary key objID; no sky index"), summary);
        assertEquals(Map.of("Mixed", 2500L), tables(data, config, "Survey"));
        assertEquals(Map.of(), tables(data, config, "Sample"), "the other context is not touched");
    }

    /** An ECSV file of {@code rows} objects (STIL reads it as it goes) whose row {@code badRow} has one value only. */
    private static Path ecsvWithAShortRow(Path dir, int rows, int badRow) throws IOException {
        Path p = write(dir, "short.ecsv", "ecsv", rows, 100_000);
        List<String> lines = new ArrayList<>(Files.readAllLines(p));
        int names = 0;
        while (lines.get(names).startsWith("#")) {
            names++;
        }
        String bad = lines.get(names + badRow);
        lines.set(names + badRow, bad.substring(0, bad.indexOf(' ')));
        Files.write(p, lines);
        return p;
    }

    @Test
    void aFileThatBreaksMidwayOrIsCorruptLeavesNoTable(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        Path config = settings(dir, "Survey");
        Path good = write(dir, "good.fits", "fits", 30_000, 0);
        // the first file's rows are in, then row 2,500 of the second has too few values
        Path shortRow = ecsvWithAShortRow(dir, 3000, 2500);
        String e = refused(data, config, "Survey", "--table", "T", good.toString(), shortRow.toString());
        assertTrue(e.startsWith("Error: " + shortRow + ", row 2500: the file cannot be read from here on ("), e);
        assertTrue(e.endsWith("); nothing was loaded."), e);
        assertEquals(Map.of(), tables(data, config, "Survey"), "no table, no staging table");

        // a FITS file cut short
        Path whole = write(dir, "whole.fits", "fits", 30_000, 30_000);
        Path cut = dir.resolve("cut.fits");
        byte[] bytes = Files.readAllBytes(whole);
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        e = refused(data, config, "Survey", "--table", "T", good.toString(), cut.toString());
        assertTrue(e.startsWith("Error: " + cut + ": cannot be read ("), e);
        assertEquals(Map.of(), tables(data, config, "Survey"), "no table, no staging table");

        // the same name again works: nothing was left to block it
        load(data, config, "Survey", "--table", "T", good.toString());
        assertEquals(Map.of("T", 30_000L), tables(data, config, "Survey"));

        // a staging table a killed load left behind (another process's) is dropped when the context is next opened
        try (Connection c = ContextFiles.openAsAdmin(data, "Survey"); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE \"Survey\".\"~load~0123456789abcdef~1\" (x INT)");
        }
        assertEquals(2, tables(data, config, "Survey").size(), "context list shows it until then");
        load(data, config, "Survey", "--table", "T2", good.toString());
        assertEquals(Map.of("T", 30_000L, "T2", 30_000L), tables(data, config, "Survey"));
    }

    @Test
    void filesThatDoNotMatchAreRefusedNamingTheColumn(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        Path config = settings(dir, "Survey,Ext");
        Path a = write(dir, "a.csv", "csv", 10, 0);
        Path textMag = dir.resolve("b.csv");
        Files.writeString(textMag, "objID,ra,dec,rMag,type,flags,good,name\n1,2.5,3.5,bright,1,2,true,x\n");
        assertEquals("Error: " + textMag + ": column rMag holds VARCHAR(6) values, but FLOAT in " + a
                + ": every file's column must hold the same kind of value.",
                refused(data, config, "Survey", a.toString(), textMag.toString()));
        Path fewer = dir.resolve("c.csv");
        Files.writeString(fewer, "objID,ra,dec\n1,2.5,3.5\n");
        assertEquals("Error: " + fewer + " has no column rMag, which " + a + " has: every file must have the same columns.",
                refused(data, config, "Survey", a.toString(), fewer.toString()));
        assertEquals("Error: --key id: " + a + " has no such column (its columns: objID, ra, dec, rMag, type, flags, good,"
                + " name).", refused(data, config, "Survey", "--key", "id", a.toString()));
        assertEquals("Error: Give --ra and --dec together: the sky index needs both columns.",
                refused(data, config, "Survey", "--ra", "ra", a.toString()));
        assertEquals("Error: Nowhere is not a configured context (casjobs.contexts = Survey,Ext): add it there first.",
                refused(data, config, "Nowhere", a.toString()));
        assertEquals("Error: The context Ext is an external database (jdbc:h2:mem:nowhere): load its tables with that"
                + " database's own tools.", refused(data, config, "Ext", a.toString()));
        assertEquals("Error: " + dir.resolve("none.fits") + ": no such file, or it cannot be read.",
                refused(data, config, "Survey", dir.resolve("none.fits").toString()));
        Path notFits = dir.resolve("junk.fits");
        Files.writeString(notFits, "this is not FITS");
        assertTrue(refused(data, config, "Survey", notFits.toString()).startsWith("Error: " + notFits
                + ": not a readable FITS table ("));
        // a name taken
        load(data, config, "Survey", a.toString());
        assertEquals("Error: The context Survey already has a table or view named a: name the new one with --table.",
                refused(data, config, "Survey", a.toString()));
        assertEquals(Map.of("a", 10L), tables(data, config, "Survey"));
    }

    @Test
    void photoObjAllGetsTheZoneIndexOfTheConeFunctions(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        Path config = settings(dir, "Sky");
        Path fits = write(dir, "photo.fits", "fits", 20_000, 0);
        String summary = load(data, config, "Sky", "--table", "PhotoObjAll", "--key", "objID", "--ra", "ra", "--dec", "dec",
                fits.toString());
        assertTrue(summary.contains("the zone index (Zone) of the cone functions"), summary);
        Map<String, Long> tables = tables(data, config, "Sky");
        assertEquals(20_000L, tables.get("PhotoObjAll"));
        assertEquals(20_000L, tables.get("Zone"));
        try (TestServer s = new TestServer(Map.of("casjobs.data.dir", data.toString(), "casjobs.contexts", "Sky"))) {
            // objects near (ra 36.0036, dec -9.99): every 10,000th row is at dec -10 + k * 0.001 and ra 0.0036 * i
            double ra = 0.0036 * 10_001;
            double dec = -10.0 + 10_001 * 0.001;
            String cone = quick(s, "SELECT COUNT(*) AS n FROM dbo.fGetNearbyObjEq(" + ra + ", " + dec + ", 1)", "Sky").get(1);
            String scan = quick(s, "SELECT COUNT(*) AS n FROM PhotoObjAll WHERE 2 * DEGREES(ASIN(SQRT("
                    + "POWER(SIN(RADIANS(dec - " + dec + ") / 2), 2) + COS(RADIANS(dec)) * COS(RADIANS(" + dec + "))"
                    + " * POWER(SIN(RADIANS(ra - " + ra + ") / 2), 2)))) * 60 < 1", "Sky").get(1);
            assertEquals(scan, cone);
            assertTrue(Long.parseLong(cone) > 0, cone);
        }
    }
}
