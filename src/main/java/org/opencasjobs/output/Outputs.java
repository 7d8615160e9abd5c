package org.opencasjobs.output;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.opencasjobs.catalog.Catalog;
import org.opencasjobs.jobs.MyDb;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Extract files, each in a folder named by an unguessable token, served as
 * {@code /CasJobsOutput/{token}/{file}} (clients download them without credentials) and deleted
 * once older than the retention. The job record keeps its OutputLoc, which then answers 404.
 */
public final class Outputs {
    /** The URL path under which the web server serves {@link #dir()}. */
    public static final String URL_PATH = "/CasJobsOutput";
    private static final Logger LOG = LoggerFactory.getLogger(Outputs.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What an extract wrote. */
    public record Written(long rows, String urlPath) {
    }

    private final Path dir;
    private final Duration retention;
    private final Clock clock;

    public Outputs(Path dir, Duration retention, Clock clock) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.retention = retention;
        this.clock = clock;
    }

    public Path dir() {
        return dir;
    }

    /** Writes MyDB table {@code table} of account {@code wsid} in {@code format} to a new file. */
    public Written extract(Catalog catalog, long wsid, String table, Extractor.Format format)
            throws SQLException, IOException {
        byte[] token = new byte[16];
        RANDOM.nextBytes(token);
        String folder = HexFormat.of().formatHex(token);
        Path tokenDir = Files.createDirectory(dir.resolve(folder));
        // The file is named after the table, but a table name may hold anything ([../x]): keep it
        // to letters, digits, '_' and '-', so the file stays inside its token folder.
        Path file = tokenDir.resolve(table.replaceAll("[^A-Za-z0-9_-]", "_") + "." + format.extension());
        try (Connection c = catalog.connect(wsid, MyDb.NAME)) {
            long rows = Extractor.extract(c, table, format, file);
            return new Written(rows, URL_PATH + "/" + folder + "/" + file.getFileName());
        } catch (SQLException | IOException | RuntimeException e) {
            deleteTree(tokenDir);
            throw e;
        }
    }

    /** Deletes the folders of outputs older than the retention. */
    public void sweep() {
        FileTime cutoff = FileTime.from(clock.instant().minus(retention));
        try (Stream<Path> folders = Files.list(dir)) {
            folders.filter(f -> {
                try {
                    return Files.getLastModifiedTime(f).compareTo(cutoff) < 0;
                } catch (IOException e) {
                    return false;
                }
            }).forEach(f -> {
                deleteTree(f);
                LOG.info("deleted expired output {}", f.getFileName());
            });
        } catch (IOException e) {
            LOG.warn("cannot sweep outputs in {}: {}", dir, e.getMessage());
        }
    }

    private static void deleteTree(Path p) {
        try (Stream<Path> all = Files.walk(p)) {
            all.sorted(Comparator.reverseOrder()).forEach(f -> {
                try {
                    Files.deleteIfExists(f);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("cannot delete {}: {}", p, e.getMessage());
        }
    }
}
