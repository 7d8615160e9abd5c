package org.opencasjobs.output;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.opencasjobs.output.Extractor.Format;
import uk.ac.starlink.table.StarTable;
import uk.ac.starlink.table.StarTableFactory;

/**
 * Run by {@link ExtractorTest} in a child JVM with a small heap ({@code -Xmx256m}): creates a
 * 1,000,000-row MyDB table (about 190 bytes a row, so well over the heap as data and several
 * times over as Java objects) in an H2 file database, extracts it to every format as the
 * account's own database user, and prints one line per format:
 * {@code CSV rows=1000000 ms=… bytes=… peakHeapMB=…}. Exits non-zero on any failure
 * (an OutOfMemoryError included).
 */
public final class ExtractorStreamingMain {
    static final long ROWS = 1_000_000;
    /** Held so that the level sticks (JUL keeps loggers weakly). */
    private static final Logger STIL_LOG = Logger.getLogger("uk.ac.starlink");

    private ExtractorStreamingMain() {
    }

    public static void main(String[] args) throws Exception {
        STIL_LOG.setLevel(Level.WARNING);
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        String url = "jdbc:h2:file:" + dir.resolve("mydb");
        long t0 = System.nanoTime();
        try (Connection admin = DriverManager.getConnection(url + ";MODE=MSSQLServer;DATABASE_TO_UPPER=FALSE"
                + ";CASE_INSENSITIVE_IDENTIFIERS=TRUE;TRACE_LEVEL_FILE=0", "sa", "");
             Statement s = admin.createStatement()) {
            s.execute("CREATE USER U1 PASSWORD 'pw'");
            s.execute("CREATE SCHEMA MyDB AUTHORIZATION U1");
            s.execute("CREATE TABLE MyDB.Big (objID BIGINT, ra DOUBLE, dec DOUBLE, mag REAL, flags INT,"
                    + " type SMALLINT, clean BOOLEAN, name VARCHAR(32), note VARCHAR(200), seen TIMESTAMP,"
                    + " z DECIMAL(10,6))");
            s.execute("INSERT INTO MyDB.Big SELECT 1237645876861272065 + X, CAST(X AS DOUBLE) / 2777,"
                    + " CAST(X AS DOUBLE) / 5555 - 90,"
                    + " CASE WHEN MOD(X, 97) = 0 THEN NULL ELSE CAST(X AS REAL) / 1e5 END,"
                    + " CASE WHEN MOD(X, 89) = 0 THEN NULL ELSE CAST(X AS INT) END, CAST(MOD(X, 7) AS SMALLINT),"
                    + " MOD(X, 2) = 0, 'SDSS J' || X, REPEAT('galaxy, \"quoted\" text ', 4) || X,"
                    + " DATEADD(SECOND, X, TIMESTAMP '2020-01-01 00:00:00'), 0.5 FROM SYSTEM_RANGE(1, " + ROWS + ")");
        }
        System.out.println("setup ms=" + (System.nanoTime() - t0) / 1_000_000 + " dbBytes="
                + Files.size(dir.resolve("mydb.mv.db")) + " maxHeapMB=" + Runtime.getRuntime().maxMemory() / 1048576);
        try (Connection user = DriverManager.getConnection(url, "U1", "pw")) {
            for (Format f : Format.values()) {
                Path file = dir.resolve("Big." + f.name().toLowerCase() + "." + f.extension());
                HeapPeaks.reset();
                long start = System.nanoTime();
                long rows = Extractor.extract(user, "Big", f, file);
                long ms = (System.nanoTime() - start) / 1_000_000;
                String extra = "";
                if (f == Format.FITS) { // NAXIS2 as STIL reads it back
                    try (StarTable t = new StarTableFactory().makeStarTable(file.toString(), "fits")) {
                        extra = " naxis2=" + t.getRowCount();
                    }
                }
                System.out.println(f.name() + " rows=" + rows + " ms=" + ms + " bytes=" + Files.size(file)
                        + " peakHeapMB=" + HeapPeaks.mb() + extra);
                Files.delete(file);
            }
        }
    }
}
