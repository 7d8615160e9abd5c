package org.opencasjobs.output;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.opencasjobs.catalog.Catalog;
import org.opencasjobs.config.ServerConfig;
import org.opencasjobs.jobs.MyDb;

/**
 * Run by {@link PostgresExtractMemoryTest} in a child JVM with a small heap ({@code -Xmx256m}):
 * opens the PostgreSQL catalog at the given database, fills a MyDB table of account 61 with
 * {@code rows} rows (in PostgreSQL, by INSERT … SELECT: no row passes through here), then extracts
 * it as {@code Outputs.extract} does (the account's connection, {@code Catalog.streamRows}) to each
 * format named, printing {@code CSV rows=… ms=… bytes=… peakHeapMB=…} per format. Exits non-zero
 * on any failure (an OutOfMemoryError included).
 *
 * <p>Arguments: JDBC URL, owner, owner's password, data folder, rows, formats (CSV,FITS,…).
 */
public final class PostgresExtractMemoryMain {
    static final long WSID = 61;
    /** Held so that the level sticks (JUL keeps loggers weakly). */
    private static final Logger STIL_LOG = Logger.getLogger("uk.ac.starlink");

    private PostgresExtractMemoryMain() {
    }

    public static void main(String[] args) throws Exception {
        STIL_LOG.setLevel(Level.WARNING);
        Path dir = Files.createDirectories(Path.of(args[3]));
        long rows = Long.parseLong(args[4]);
        Map<String, String> settings = new HashMap<>(Map.of("casjobs.engine", "postgresql",
                "casjobs.postgresql.url", args[0], "casjobs.postgresql.user", args[1],
                "casjobs.postgresql.password", args[2]));
        settings.put("casjobs.data.dir", dir.toString());
        settings.put("casjobs.sample.rows", "0");
        settings.put("casjobs.mydb.quota.mb", "100000");
        try (Catalog catalog = Catalog.open(ServerConfig.of(settings))) {
            long t0 = System.nanoTime();
            try (Connection c = catalog.connect(WSID, MyDb.NAME); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE big (objid bigint, ra double precision, dec double precision, mag real,"
                        + " flags int, type smallint, clean boolean, name varchar(32), note varchar(200),"
                        + " seen timestamp, z numeric(10,6))");
                s.execute("INSERT INTO big SELECT 1237645876861272065 + x, x / 2777.0, x / 5555.0 - 90,"
                        + " CASE WHEN x % 97 = 0 THEN NULL ELSE x / 1e5 END, CASE WHEN x % 89 = 0 THEN NULL ELSE x END,"
                        + " x % 7, x % 2 = 0, 'SDSS J' || x, repeat('galaxy, \"quoted\" text ', 4) || x,"
                        + " TIMESTAMP '2020-01-01' + x * INTERVAL '1 second', 0.5 FROM generate_series(1, " + rows
                        + ") x");
                try (var rs = s.executeQuery("SELECT pg_total_relation_size('big')")) {
                    rs.next();
                    System.out.println("setup ms=" + (System.nanoTime() - t0) / 1_000_000 + " tableBytes="
                            + rs.getLong(1) + " maxHeapMB=" + Runtime.getRuntime().maxMemory() / 1048576);
                }
            }
            for (String name : args[5].split(",")) {
                Extractor.Format f = Extractor.Format.valueOf(name);
                Path file = dir.resolve("big." + f.extension());
                HeapPeaks.reset();
                long start = System.nanoTime();
                long n;
                try (Connection c = catalog.connect(WSID, MyDb.NAME)) {
                    catalog.streamRows(c);
                    n = Extractor.extract(c, catalog.target(WSID).myDbSchema(), "big", f, file, st -> { });
                }
                System.out.println(f.name() + " rows=" + n + " ms=" + (System.nanoTime() - start) / 1_000_000
                        + " bytes=" + Files.size(file) + " peakHeapMB=" + HeapPeaks.mb());
                Files.delete(file);
            }
        }
        System.exit(0);
    }
}
