package org.opencasjobs.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.opencasjobs.testing.Postgres;

/**
 * A measurement, not part of CI (it writes a table of some gigabytes and runs for minutes):
 * {@code -Dcasjobs.measure.extract.rows=10000000} extracts a table of that many rows from a MyDB on
 * PostgreSQL, in a child JVM of 256 MB heap ({@link PostgresExtractMemoryMain}), to the formats of
 * {@code -Dcasjobs.measure.extract.formats} (CSV,FITS by default), and prints each one's time,
 * size and peak heap: the extract streams through the cursor, its heap stays flat.
 */
@EnabledIfSystemProperty(named = "casjobs.measure.extract.rows", matches = "[0-9]+")
class PostgresExtractMemoryTest {
    @Test
    void aLargeTableExtractsInASmallHeap() throws Exception {
        long rows = Long.parseLong(System.getProperty("casjobs.measure.extract.rows"));
        String formats = System.getProperty("casjobs.measure.extract.formats", "CSV,FITS");
        Path dir = Files.createTempDirectory("opencasjobs-pg-extract");
        try (Postgres.Database database = Postgres.newDatabase()) {
            String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
            Path log = dir.resolve("child.log");
            Process p = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                    PostgresExtractMemoryMain.class.getName(), database.url(), database.owner(), database.password(),
                    dir.resolve("data").toString(), Long.toString(rows), formats)
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            boolean finished = p.waitFor(3, TimeUnit.HOURS);
            if (!finished) {
                p.destroyForcibly();
            }
            String out = Files.readString(log);
            Matcher lines = Pattern.compile("(?m)^(setup|[A-Z]+) .*$").matcher(out);
            while (lines.find()) {
                System.out.println("extract measurement: " + lines.group());
            }
            assertTrue(finished, "child timed out: " + out);
            assertEquals(0, p.exitValue(), out);
            for (String f : formats.split(",")) {
                assertTrue(out.contains(f + " rows=" + rows + " "), f + ": " + out);
            }
        }
    }
}
