package org.opencasjobs.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencasjobs.catalog.Catalog;
import org.opencasjobs.config.ServerConfig;
import org.opencasjobs.jobs.CasJobsException;
import org.opencasjobs.jobs.MyDb;
import org.opencasjobs.testing.ManualClock;

/** {@link Outputs}: token folders, their expiry ({@link Outputs#sweep}) and cleanup after a failed extract. */
class OutputsTest {
    private static final Pattern URL_PATH = Pattern.compile("/CasJobsOutput/([0-9a-f]{32,})/([^/]+)");

    @TempDir
    Path tmp;

    /** A token folder holding one file; the folder's mtime set to {@code mtime} (last, as adding the file changes it). */
    static Path folder(Path dir, String name, Instant mtime) throws IOException {
        Path f = Files.createDirectory(dir.resolve(name));
        Path file = Files.writeString(f.resolve("T.csv"), "a\r\n1\r\n", StandardCharsets.UTF_8);
        Files.setLastModifiedTime(file, FileTime.from(mtime));
        Files.setLastModifiedTime(f, FileTime.from(mtime));
        return f;
    }

    static Set<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toCollection(TreeSet::new));
        }
    }

    @Test
    void sweepDeletesFoldersOlderThanTheRetentionAndKeepsNewerOnes() throws Exception {
        Instant now = Instant.parse("2026-03-01T12:00:00Z");
        ManualClock clock = new ManualClock(now);
        Path dir = tmp.resolve("outputs");
        Outputs outputs = new Outputs(dir, Duration.ofHours(24), clock);
        assertEquals(dir, outputs.dir());
        assertTrue(Files.isDirectory(dir), "the constructor creates the folder");

        folder(dir, "a".repeat(32), now.minus(Duration.ofDays(3)));          // long expired
        folder(dir, "b".repeat(32), now.minus(Duration.ofHours(24).plusSeconds(1))); // just expired
        folder(dir, "c".repeat(32), now.minus(Duration.ofHours(23)));        // within the retention
        folder(dir, "d".repeat(32), now.minus(Duration.ofMinutes(1)));       // new
        folder(dir, "e".repeat(32), now.plus(Duration.ofHours(3)));          // clock skew: from the future
        Path nested = dir.resolve("a".repeat(32)).resolve("sub");
        Files.createDirectories(nested);
        Files.writeString(nested.resolve("x.bin"), "x");
        Files.setLastModifiedTime(dir.resolve("a".repeat(32)), FileTime.from(now.minus(Duration.ofDays(3))));

        outputs.sweep();
        assertEquals(new TreeSet<>(List.of("c".repeat(32), "d".repeat(32), "e".repeat(32))), names(dir),
                "folders older than 24 h are deleted with their contents, newer ones kept");
        assertTrue(Files.exists(dir.resolve("c".repeat(32)).resolve("T.csv")), "kept folders keep their files");

        // Time passes: c expires (23 h + 2 h > 24 h), d does not yet.
        clock.advance(Duration.ofHours(2));
        outputs.sweep();
        assertEquals(new TreeSet<>(List.of("d".repeat(32), "e".repeat(32))), names(dir));

        // A day later (cutoff = start + 2 h) everything is gone but the one stamped start + 3 h.
        clock.advance(Duration.ofDays(1));
        outputs.sweep();
        assertEquals(new TreeSet<>(List.of("e".repeat(32))), names(dir));
        clock.advance(Duration.ofHours(2)); // cutoff = start + 4 h
        outputs.sweep();
        assertTrue(names(dir).isEmpty());
        outputs.sweep(); // sweeping an empty folder is harmless
        assertTrue(Files.isDirectory(dir), "the outputs folder itself stays");
    }

    @Test
    void sweepOfAFolderThatVanishedIsHarmless() throws Exception {
        ManualClock clock = new ManualClock(Instant.parse("2026-03-01T12:00:00Z"));
        Path dir = tmp.resolve("outputs");
        Outputs outputs = new Outputs(dir, Duration.ofHours(1), clock);
        Files.delete(dir); // e.g. an operator cleaned up by hand
        outputs.sweep();   // logs, does not throw
    }

    @Test
    void extractWritesIntoAFreshTokenFolderAndAFailedExtractLeavesNothing() throws Exception {
        Path data = tmp.resolve("data");
        ServerConfig config = ServerConfig.of(Map.of("casjobs.data.dir", data.toString(), "casjobs.sample.rows", "0",
                "casjobs.demo.account", "false"));
        ManualClock clock = new ManualClock(Instant.parse("2026-03-01T12:00:00Z"));
        try (Catalog catalog = Catalog.open(config)) {
            long wsid = 4242;
            try (Connection c = catalog.connect(wsid, MyDb.NAME); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE MyDB.Kept (id BIGINT, name VARCHAR(20))");
                st.execute("INSERT INTO MyDB.Kept VALUES (1, 'one'), (2, NULL)");
            }
            Outputs outputs = new Outputs(data.resolve("outputs"), Duration.ofHours(1), clock);

            Outputs.Written w = outputs.extract(catalog, wsid, "Kept", Extractor.Format.CSV);
            assertEquals(2, w.rows());
            Matcher m = URL_PATH.matcher(w.urlPath());
            assertTrue(m.matches(), "url path " + w.urlPath());
            assertEquals("Kept.csv", m.group(2));
            assertEquals(Set.of(m.group(1)), names(outputs.dir()), "one token folder");
            assertEquals("id,name\r\n1,one\r\n2,\r\n",
                    Files.readString(outputs.dir().resolve(m.group(1)).resolve("Kept.csv")));

            Outputs.Written again = outputs.extract(catalog, wsid, "Kept", Extractor.Format.FITS);
            Matcher m2 = URL_PATH.matcher(again.urlPath());
            assertTrue(m2.matches(), again.urlPath());
            assertFalse(m.group(1).equals(m2.group(1)), "every extract gets its own token");
            assertEquals("Kept.fit", m2.group(2));

            for (Extractor.Format f : Extractor.Format.values()) {
                CasJobsException e = assertThrows(CasJobsException.class,
                        () -> outputs.extract(catalog, wsid, "Missing", f));
                assertEquals("Table 'Missing' does not exist in MyDB.", e.getMessage());
            }
            assertEquals(Set.of(m.group(1), m2.group(1)), names(outputs.dir()),
                    "a failed extract leaves no token folder behind");

            // another account's table is not found either (its own MyDB database)
            assertThrows(CasJobsException.class, () -> outputs.extract(catalog, wsid + 1, "Kept",
                    Extractor.Format.VOTABLE));
            assertEquals(2, names(outputs.dir()).size(), "nothing left by the failed extract");
        }
    }

    @Test
    void recoverDeletesPartialFoldersAndFoldersNoJobPointsTo() throws Exception {
        Outputs outputs = new Outputs(tmp.resolve("rec"), Duration.ofHours(1),
                new ManualClock(Instant.parse("2026-03-01T12:00:00Z")));
        Files.createDirectories(outputs.dir().resolve(Outputs.PARTIAL_PREFIX + "aa").resolve("sub"));
        Files.writeString(outputs.dir().resolve(Outputs.PARTIAL_PREFIX + "aa").resolve("T.csv"), "id\r\n1");
        Files.createDirectories(outputs.dir().resolve("kept"));
        Files.writeString(outputs.dir().resolve("kept").resolve("T.csv"), "id\r\n1\r\n");
        Files.createDirectories(outputs.dir().resolve("stray"));
        assertEquals(2, outputs.recover(Set.of("kept")::contains));
        assertEquals(Set.of("kept"), names(outputs.dir()));
        assertEquals("kept", Outputs.tokenOf("http://h:1/CasJobsOutput/kept/T.csv"));
        assertEquals("kept", Outputs.tokenOf("/CasJobsOutput/kept/T.csv"));
        assertEquals(null, Outputs.tokenOf("/elsewhere/kept/T.csv"));
    }

    @Test
    void inASharedFolderOnlyWhatStayedTheSameIsRecovered() throws Exception {
        Outputs outputs = new Outputs(tmp.resolve("outputs-of-all-nodes"), Duration.ofHours(1),
                new ManualClock(Instant.parse("2026-03-01T12:00:00Z")));
        Path writing = outputs.dir().resolve(Outputs.PARTIAL_PREFIX + "bb"); // another node's extract
        Files.createDirectories(writing);
        Files.writeString(writing.resolve("T.csv"), "id\r\n1");
        Path dead = outputs.dir().resolve(Outputs.PARTIAL_PREFIX + "cc"); // a dead node's
        Files.createDirectories(dead);
        Files.writeString(dead.resolve("T.csv"), "id\r\n1");
        Files.createDirectories(outputs.dir().resolve("stray"));
        Map<String, String> before = outputs.look();
        Files.writeString(writing.resolve("T.csv"), "\r\n2", StandardOpenOption.APPEND); // it goes on writing
        Path moved = outputs.dir().resolve("done"); // finished after the look: its job records it next
        Files.createDirectories(moved);
        assertEquals(2, outputs.recoverUnchanged(before, token -> false));
        assertEquals(Set.of(Outputs.PARTIAL_PREFIX + "bb", "done"), names(outputs.dir()));
    }

    @Test
    void theFileOfAnExtractThatCouldNotBeRecordedFinishedIsDiscarded() throws Exception {
        Outputs outputs = new Outputs(tmp.resolve("dis"), Duration.ofHours(1),
                new ManualClock(Instant.parse("2026-03-01T12:00:00Z")));
        Files.createDirectories(outputs.dir().resolve("abc"));
        Files.writeString(outputs.dir().resolve("abc").resolve("T.csv"), "id\r\n1\r\n");
        Files.createDirectories(outputs.dir().resolve("other"));
        outputs.discard("http://h:1/CasJobsOutput/abc/T.csv");
        outputs.discard("http://h:1/CasJobsOutput/../T.csv"); // names nothing of ours: harmless
        assertEquals(Set.of("other"), names(outputs.dir()));
    }
}
