package org.opencasjobs.catalog;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.opencasjobs.catalog.postgres.PostgresNames;
import org.opencasjobs.catalog.sdss.LookupTables;
import org.opencasjobs.catalog.sdss.ZoneIndex;
import org.opencasjobs.config.ServerConfig;
import uk.ac.starlink.table.RowSequence;

/**
 * {@code context load}: FITS, VOTable and CSV/ECSV files read with STIL into a new table of a
 * managed context, with the server stopped. All files are opened and checked first (the same
 * columns, types that one SQL type holds, the named key and sky columns there); then their rows
 * stream into a staging table ({@link LoadTarget}: {@link H2LoadTarget}, or {@link PostgresLoadTarget} with
 * {@code casjobs.engine=postgresql}), which gets its
 * primary key and index and only then its own name, and is analysed. A failure at any step drops
 * the staging table, so the context has the whole table or none of it.
 *
 * <p>With {@code --ra/--dec}, a table named {@code PhotoObjAll} gets SkyServer's zone index
 * ({@link ZoneIndex}, which the cone functions read) and the lookup tables; any other table an
 * index on its declination column.
 */
public final class ContextLoader {
    /** How often, in rows, {@link Progress#rows} is told. */
    static final int PROGRESS_ROWS = 10_000;

    private ContextLoader() {
    }

    /**
     * What to load: the context (any case), the table's name (null: the first file's name up to
     * its first dot), the files, and optional key, right ascension and declination columns.
     */
    public record Request(String context, String table, List<Path> files, String key, String ra, String dec) {
    }

    /** What was loaded: the table, its columns as {@code name TYPE}, its rows, and what was indexed. */
    public record Result(String context, String table, List<String> columns, long rows, String key, String skyIndex,
            double loadSeconds, double totalSeconds) {
    }

    /** Told how the load goes; the command line decides how often to print it. */
    public interface Progress {
        /** Every {@value #PROGRESS_ROWS} rows: the file, its rows so far and in all (-1: unknown), all rows so far. */
        void rows(Path file, long fileRows, long fileRowCount, long totalRows, long elapsedNanos);

        /** A step after the rows: the key, the index, the statistics. */
        void step(String what);
    }

    /**
     * Loads the request's files into a new table of a managed context of {@code config} (created
     * if it was never opened).
     *
     * @throws IllegalArgumentException the request or a file cannot be loaded, said in one line
     *                                  naming the file, row and column where it applies
     */
    public static Result load(ServerConfig config, Request request, Progress progress) throws IOException, SQLException {
        long start = System.nanoTime();
        String context = managedContext(config, request.context());
        List<LoadFile> files = new ArrayList<>();
        try {
            for (Path p : request.files()) {
                files.add(LoadFile.open(p));
            }
            List<LoadColumn> columns = commonColumns(files);
            String table = tableName(request.table(), files.get(0).path);
            String key = column(columns, request.key(), "--key", files.get(0), false);
            if ((request.ra() == null) != (request.dec() == null)) {
                throw new IllegalArgumentException("Give --ra and --dec together: the sky index needs both columns.");
            }
            String ra = column(columns, request.ra(), "--ra", files.get(0), true);
            String dec = column(columns, request.dec(), "--dec", files.get(0), true);
            boolean zones = ra != null && table.equalsIgnoreCase(ZoneIndex.SOURCE);
            if (zones) {
                checkZoneColumns(columns, ra, dec);
            }
            if (config.engine() == ServerConfig.Engine.POSTGRESQL) {
                return loadPostgres(config, context, table, files, columns, key, ra, dec, progress, start);
            }
            H2Catalog catalog = new H2Catalog(config.dataDir().resolve("catalog"));
            try {
                catalog.openContext(context, 0);
                Connection admin = catalog.contextAdmins.get(context);
                refuseExisting(catalog.tables(context), context, table);
                Filled filled;
                try (LoadTarget target = new H2LoadTarget(admin, context, table)) {
                    filled = fill(target, files, columns, key, progress, start, () -> {
                        if (dec != null && !zones) {
                            progress.step("index on " + dec);
                            target.index(dec);
                        }
                    });
                }
                if (zones) {
                    // after the rename: the zone index is built from the context's PhotoObjAll by name
                    progress.step("zone index of " + table);
                    ZoneIndex.build(admin, context);
                    LookupTables.build(admin, context);
                }
                String skyIndex = dec == null ? null : zones ? "the zone index (" + ZoneIndex.TABLE + ") of the cone functions"
                        : "an index on " + dec + " (the cone functions read only PhotoObjAll's zone index)";
                return new Result(context, table, columns.stream().map(c -> c.name() + " " + c.sqlType()).toList(),
                        filled.rows, key, skyIndex, filled.loadSeconds, (System.nanoTime() - start) / 1e9);
            } finally {
                catalog.close();
            }
        } finally {
            for (LoadFile f : files) {
                f.close();
            }
        }
    }

    /**
     * The PostgreSQL catalog's way: the catalog opened as at the service's start (so the context's
     * schema and its grants exist), then COPY into the schema as its owner, with a q3c index given
     * --ra/--dec; the accounts' group role reads the table through the schema's default privileges.
     */
    private static Result loadPostgres(ServerConfig config, String context, String table, List<LoadFile> files,
            List<LoadColumn> columns, String key, String ra, String dec, Progress progress, long start)
            throws IOException, SQLException {
        try (PostgresCatalog catalog = PostgresCatalog.open(config)) {
            refuseExisting(catalog.tables(context), context, table);
            Filled filled;
            try (Connection owner = catalog.ownerConnection();
                 PostgresLoadTarget target = new PostgresLoadTarget(owner, PostgresNames.context(context), table)) {
                filled = fill(target, files, columns, key, progress, start, () -> {
                    if (ra != null) {
                        progress.step("q3c index on (" + ra + ", " + dec + ")");
                        target.skyIndex(ra, dec);
                    }
                });
            }
            String skyIndex = ra == null ? null : "a q3c index on q3c_ang2ipix(" + ra + ", " + dec + ")";
            return new Result(context, table.toLowerCase(Locale.ROOT), columns.stream().map(c -> c.name() + " "
                    + c.sqlType()).toList(), filled.rows, key, skyIndex, filled.loadSeconds, (System.nanoTime() - start) / 1e9);
        }
    }

    /** An index step of one engine, run after the primary key. */
    private interface IndexStep {
        void run() throws SQLException;
    }

    private record Filled(long rows, double loadSeconds) {
    }

    /** The rows, the key, the engine's index, the name and the statistics, in this order; any failure discards. */
    private static Filled fill(LoadTarget target, List<LoadFile> files, List<LoadColumn> columns, String key,
            Progress progress, long start, IndexStep index) throws IOException, SQLException {
        try {
            target.create(columns);
            long rows = copyRows(files, columns, target, progress, start);
            target.complete();
            double loadSeconds = (System.nanoTime() - start) / 1e9;
            if (key != null) {
                progress.step("primary key on " + key);
                target.primaryKey(key);
            }
            index.run();
            progress.step("statistics (ANALYZE)");
            target.publish();
            return new Filled(rows, loadSeconds);
        } catch (IOException | SQLException | RuntimeException e) {
            target.discard();
            throw e;
        }
    }

    private static void refuseExisting(List<String> existingTables, String context, String table) {
        for (String existing : existingTables) {
            if (existing.equalsIgnoreCase(table)) {
                throw new IllegalArgumentException("The context " + context + " already has a table or view named "
                        + existing + ": name the new one with --table.");
            }
        }
    }

    /** The configured name of a managed context, matched in any case. */
    private static String managedContext(ServerConfig config, String wanted) {
        String name = config.contexts().stream().filter(c -> c.equalsIgnoreCase(wanted)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(wanted + " is not a configured context (casjobs.contexts = "
                        + String.join(",", config.contexts()) + "): add it there first."));
        if (!config.contextUrl(name).isEmpty()) {
            throw new IllegalArgumentException("The context " + name + " is an external database ("
                    + Catalog.withoutPassword(config.contextUrl(name)) + "): load its tables with that database's own tools.");
        }
        return name;
    }

    /** The first file's columns, each widened to hold every file's values; every file must have the same names. */
    static List<LoadColumn> commonColumns(List<LoadFile> files) {
        LoadFile first = files.get(0);
        Map<String, LoadColumn> common = new LinkedHashMap<>();
        first.columns.forEach(c -> common.put(c.key(), c));
        for (LoadFile f : files.subList(1, files.size())) {
            Map<String, LoadColumn> own = new LinkedHashMap<>();
            f.columns.forEach(c -> own.put(c.key(), c));
            for (LoadColumn c : common.values()) {
                if (!own.containsKey(c.key())) {
                    throw new IllegalArgumentException(f.path + " has no column " + c.name() + ", which " + first.path
                            + " has: every file must have the same columns.");
                }
            }
            for (LoadColumn c : f.columns) {
                LoadColumn before = common.get(c.key());
                if (before == null) {
                    throw new IllegalArgumentException(f.path + " has a column " + c.name() + " that " + first.path
                            + " does not have: every file must have the same columns.");
                }
                LoadColumn both = before.widen(c);
                if (both == null) {
                    throw new IllegalArgumentException(f.path + ": column " + c.name() + " holds " + c.sqlType()
                            + " values, but " + before.sqlType() + " in " + first.path
                            + ": every file's column must hold the same kind of value.");
                }
                common.put(c.key(), both);
            }
        }
        return new ArrayList<>(common.values());
    }

    /** The table's name: as given, or the first file's name up to its first dot. */
    static String tableName(String given, Path firstFile) {
        String name = given != null ? given.strip() : firstFile.getFileName().toString().replaceFirst("\\..*$", "");
        if (name.isEmpty() || name.startsWith("~") || name.length() > 128) {
            throw new IllegalArgumentException("'" + name + "' cannot name a table: give --table a name of 1 to 128"
                    + " characters, not starting with ~.");
        }
        return name;
    }

    /** The spelling of the column an option names, matched in any case; null if the option is not given. */
    private static String column(List<LoadColumn> columns, String wanted, String option, LoadFile first, boolean numeric) {
        if (wanted == null) {
            return null;
        }
        LoadColumn c = columns.stream().filter(x -> x.name().equalsIgnoreCase(wanted.strip())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(option + " " + wanted + ": " + first.path
                        + " has no such column (its columns: " + columns.stream().map(LoadColumn::name)
                        .collect(Collectors.joining(", ")) + ")."));
        if (numeric && !c.kind().integer() && !c.kind().floating()) {
            throw new IllegalArgumentException(option + " " + wanted + ": column " + c.name() + " holds " + c.sqlType()
                    + " values, not numbers in degrees.");
        }
        return c.name();
    }

    /** The zone index reads PhotoObjAll's objID, ra and dec columns by those names. */
    private static void checkZoneColumns(List<LoadColumn> columns, String ra, String dec) {
        if (!ra.equalsIgnoreCase("ra") || !dec.equalsIgnoreCase("dec")) {
            throw new IllegalArgumentException("The zone index of " + ZoneIndex.SOURCE + " reads its columns ra and dec,"
                    + " as SkyServer names them: rename " + ra + " and " + dec + " in the file, or load under another --table.");
        }
        if (columns.stream().noneMatch(c -> c.name().equalsIgnoreCase("objID") && c.kind() == LoadColumn.Kind.BIGINT)) {
            throw new IllegalArgumentException("The zone index of " + ZoneIndex.SOURCE + " needs an objID column of 64-bit"
                    + " integers, as SkyServer's: the files have none.");
        }
    }

    /** Streams every file's rows into the target; returns how many. */
    private static long copyRows(List<LoadFile> files, List<LoadColumn> columns, LoadTarget target, Progress progress,
            long start) throws IOException, SQLException {
        long total = 0;
        for (LoadFile f : files) {
            int[] from = new int[columns.size()];
            for (int i = 0; i < from.length; i++) {
                String k = columns.get(i).key();
                from[i] = indexOf(f.columns, k);
            }
            long row = 0;
            long count = f.rowCount();
            try (RowSequence rows = f.rows()) {
                while (true) {
                    try {
                        if (!rows.next()) {
                            break;
                        }
                    } catch (IOException | RuntimeException e) {
                        throw new IllegalArgumentException(f.path + ", row " + (row + 1) + ": the file cannot be read"
                                + " from here on (" + LoadFile.oneLine(e) + "); nothing was loaded.");
                    }
                    row++;
                    Object[] cells;
                    try {
                        cells = rows.getRow();
                    } catch (IOException | RuntimeException e) {
                        throw new IllegalArgumentException(f.path + ", row " + row + ": cannot be read ("
                                + LoadFile.oneLine(e) + "); nothing was loaded.");
                    }
                    Object[] values = new Object[from.length];
                    for (int i = 0; i < from.length; i++) {
                        values[i] = value(cells[from[i]], columns.get(i), f, row);
                    }
                    try {
                        target.add(values);
                    } catch (SQLException e) {
                        throw new IllegalArgumentException(f.path + ", rows up to " + row + ": the database refused them ("
                                + LoadFile.oneLine(e) + "); nothing was loaded.", e);
                    }
                    total++;
                    if (row % PROGRESS_ROWS == 0) {
                        progress.rows(f.path, row, count, total, System.nanoTime() - start);
                    }
                }
            }
            progress.rows(f.path, row, row, total, System.nanoTime() - start);
        }
        return total;
    }

    private static int indexOf(List<LoadColumn> columns, String key) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).key().equals(key)) {
                return i;
            }
        }
        throw new IllegalStateException("no column " + key); // commonColumns checked every file
    }

    /** A cell as its column takes it; a string longer than its column is refused, naming where it is. */
    private static Object value(Object cell, LoadColumn column, LoadFile f, long row) {
        if (cell instanceof Character ch) {
            cell = String.valueOf(ch);
        }
        if (cell instanceof String s && column.length() > 0 && s.length() > column.length()) {
            throw new IllegalArgumentException(f.path + ", row " + row + ", column " + column.name() + ": the value '"
                    + (s.length() > 40 ? s.substring(0, 40) + "…" : s) + "' is longer than the column's " + column.length()
                    + " characters; nothing was loaded.");
        }
        if (cell instanceof Float x && column.kind() == LoadColumn.Kind.FLOAT && "csv".equals(f.format)) {
            return Double.parseDouble(x.toString()); // as the CSV text said, not the float's binary neighbour
        }
        return cell;
    }

    /** Rows per second, for the summary and the progress lines. */
    public static String rate(long rows, double seconds) {
        return seconds <= 0 ? "-" : String.format(Locale.ROOT, "%,.0f", rows / seconds);
    }
}
