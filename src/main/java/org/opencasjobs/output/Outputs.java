package org.opencasjobs.output;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.opencasjobs.catalog.Catalog;
import org.opencasjobs.jobs.MyDb;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Extract files, each in a folder named by an unguessable token, served as
 * {@code /CasJobsOutput/{token}/{file}} (clients download them without credentials) and deleted
 * once older than the retention. The job record keeps its OutputLoc, which then answers 404.
 *
 * <p>An extract is written into a folder named {@value #PARTIAL_PREFIX}{@code token} and, once
 * complete and forced to disk, renamed to {@code token} in one atomic move: a token folder is
 * always complete. A process killed mid-write leaves only a partial folder, which
 * {@link #recover} deletes at the next start, together with complete folders that no job points
 * to (a process killed between the move and recording the job's end).
 */
public final class Outputs {
    /** The URL path under which the web server serves {@link #dir()}. */
    public static final String URL_PATH = "/CasJobsOutput";
    /** The name prefix of a folder whose extract is still being written. */
    static final String PARTIAL_PREFIX = ".partial-";
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

    /** How long an output is kept. */
    public Duration retention() {
        return retention;
    }

    /** Writes MyDB table {@code table} of account {@code wsid} in {@code format} to a new file. */
    public Written extract(Catalog catalog, long wsid, String table, Extractor.Format format)
            throws SQLException, IOException {
        return extract(catalog, wsid, table, format, st -> { });
    }

    /**
     * As {@link #extract(Catalog, long, String, Extractor.Format)}, telling {@code running} each
     * statement as it starts (so that a cancel or a time limit can stop it) and {@code null} when
     * it has finished. A failed or stopped extract leaves nothing behind.
     */
    public Written extract(Catalog catalog, long wsid, String table, Extractor.Format format,
                           Consumer<Statement> running) throws SQLException, IOException {
        byte[] token = new byte[16];
        RANDOM.nextBytes(token);
        String folder = HexFormat.of().formatHex(token);
        Path partial = Files.createDirectory(dir.resolve(PARTIAL_PREFIX + folder));
        // The file is named after the table, but a table name may hold anything ([../x]): keep it
        // to letters, digits, '_' and '-', so the file stays inside its token folder.
        String fileName = table.replaceAll("[^A-Za-z0-9_-]", "_") + "." + format.extension();
        Path file = partial.resolve(fileName);
        long rows;
        try {
            try (Connection c = catalog.connect(wsid, MyDb.NAME)) {
                catalog.streamRows(c);
                rows = Extractor.extract(c, catalog.target(wsid).myDbSchema(), table, format, file, running);
            }
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
        } catch (SQLException | IOException | RuntimeException e) {
            deleteTree(partial);
            throw e;
        }
        // The last step, once nothing can fail any more: the folder appears complete or not at all.
        try {
            Files.move(partial, dir.resolve(folder), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            deleteTree(partial);
            throw e;
        }
        return new Written(rows, URL_PATH + "/" + folder + "/" + fileName);
    }

    /**
     * Start-up clean-up, before any extract runs: deletes the partial folders a killed process
     * left, and the token folders for which {@code referenced} (given a token) is false, i.e. no
     * job records an OutputLoc in it. Returns how many folders it deleted.
     */
    public int recover(Predicate<String> referenced) {
        return clean(referenced, name -> true);
    }

    /**
     * What each folder holds now (every file's name, size and modification time), to be given to
     * {@link #recoverUnchanged} a while later.
     */
    public Map<String, String> look() {
        Map<String, String> seen = new HashMap<>();
        try (Stream<Path> folders = Files.list(dir)) {
            for (Path f : (Iterable<Path>) folders::iterator) {
                seen.put(f.getFileName().toString(), contentsOf(f));
            }
        } catch (IOException e) {
            LOG.warn("cannot list outputs in {}: {}", dir, e.getMessage());
        }
        return seen;
    }

    /**
     * As {@link #recover}, where other nodes share this folder: deletes only folders that hold
     * the same as {@code before} ({@link #look}, taken a while ago). Another node's extract in
     * progress grows meanwhile, and its finished folder is recorded by its job meanwhile: neither
     * is deleted. No clock is compared, so nodes whose clocks differ are safe too.
     */
    public int recoverUnchanged(Map<String, String> before, Predicate<String> referenced) {
        return clean(referenced, name -> contentsOf(dir.resolve(name)).equals(before.get(name)));
    }

    private int clean(Predicate<String> referenced, Predicate<String> settled) {
        int deleted = 0;
        try (Stream<Path> folders = Files.list(dir)) {
            for (Path f : (Iterable<Path>) folders::iterator) {
                String name = f.getFileName().toString();
                if (!settled.test(name)) {
                    continue;
                }
                if (name.startsWith(PARTIAL_PREFIX)) {
                    deleteTree(f);
                    deleted++;
                    LOG.info("deleted the partial output {} of an extract that did not finish", name);
                } else if (Files.isDirectory(f) && !referenced.test(name)) {
                    deleteTree(f);
                    deleted++;
                    LOG.info("deleted output {}: no job records it", name);
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot clean up outputs in {}: {}", dir, e.getMessage());
        }
        return deleted;
    }

    /** Deletes the file of an extract whose job could not be recorded finished: no job will point to it. */
    public void discard(String outputLoc) {
        String token = tokenOf(outputLoc);
        if (token != null && !token.isEmpty() && !token.contains("/") && !token.startsWith(".")) {
            deleteTree(dir.resolve(token));
        }
    }

    /** The token folder of an OutputLoc ({@code …/CasJobsOutput/{token}/{file}}), or null. */
    public static String tokenOf(String outputLoc) {
        if (outputLoc == null) {
            return null;
        }
        int at = outputLoc.indexOf(URL_PATH + "/");
        if (at < 0) {
            return null;
        }
        String rest = outputLoc.substring(at + URL_PATH.length() + 1);
        int slash = rest.indexOf('/');
        return slash <= 0 ? null : rest.substring(0, slash);
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

    /** Every file under {@code folder} with its size and modification time, one per line. */
    private static String contentsOf(Path folder) {
        StringBuilder out = new StringBuilder();
        try (Stream<Path> all = Files.walk(folder)) {
            for (Path f : (Iterable<Path>) all.sorted()::iterator) {
                out.append(folder.relativize(f)).append(' ').append(Files.size(f)).append(' ')
                        .append(Files.getLastModifiedTime(f).toMillis()).append('\n');
            }
        } catch (IOException | UncheckedIOException e) {
            return "unreadable: " + e.getMessage(); // changing as it is written or deleted: not settled
        }
        return out.toString();
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
