package org.opencasjobs.catalog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import uk.ac.starlink.table.ColumnInfo;
import uk.ac.starlink.table.RowSequence;
import uk.ac.starlink.table.StarTable;
import uk.ac.starlink.table.StarTableFactory;
import uk.ac.starlink.table.StoragePolicy;
import uk.ac.starlink.table.TableFormatException;

/**
 * One input file of a catalog load, opened with STIL: its columns and a sequence of its rows.
 * FITS is read from the file itself (mapped, or streamed when compressed); a VOTable or CSV is
 * parsed once by STIL into temporary files ({@link StoragePolicy#PREFER_DISK}, as STIL must see a
 * CSV's every value to know its types), so memory stays flat whatever the size.
 */
final class LoadFile implements AutoCloseable {
    final Path path;
    final String format;
    final List<LoadColumn> columns;
    private final StarTable table;

    private LoadFile(Path path, String format, StarTable table, List<LoadColumn> columns) {
        this.path = path;
        this.format = format;
        this.table = table;
        this.columns = columns;
    }

    /**
     * Opens {@code path}, its format told by its name ({@code .fits}, {@code .fit}, {@code .fts},
     * {@code .vot}, {@code .votable}, {@code .xml}, {@code .csv}, {@code .ecsv}, each maybe
     * {@code .gz}) or else found by STIL from its first bytes (FITS, VOTable, ECSV).
     *
     * @throws IllegalArgumentException the file is missing, unreadable, or has a column no table
     *                                  column can hold, in one line naming the file
     */
    static LoadFile open(Path path) {
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new IllegalArgumentException(path + ": no such file, or it cannot be read.");
        }
        String format = formatOf(path.getFileName().toString());
        StarTableFactory factory = new StarTableFactory(false);
        factory.setStoragePolicy(StoragePolicy.PREFER_DISK);
        StarTable t;
        try {
            t = factory.makeStarTable(path.toString(), format == null ? StarTableFactory.AUTO_HANDLER : format);
        } catch (TableFormatException e) {
            throw new IllegalArgumentException(path + ": " + (format == null
                    ? "not a table STIL recognises (name it .fits, .vot, .csv or .ecsv to say its format)"
                    : "not a readable " + format.toUpperCase(Locale.ROOT) + " table") + " (" + oneLine(e) + ").");
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(path + ": cannot be read (" + oneLine(e) + ").");
        }
        List<LoadColumn> columns = new ArrayList<>();
        Map<String, String> seen = new HashMap<>();
        for (int i = 0; i < t.getColumnCount(); i++) {
            ColumnInfo info = t.getColumnInfo(i);
            String name = info.getName() == null ? "" : info.getName().strip();
            String where = path + ": column " + (i + 1) + (name.isEmpty() ? "" : " (" + name + ")");
            if (name.isEmpty()) {
                throw new IllegalArgumentException(where + " has no name: every column needs one to become a table column.");
            }
            LoadColumn.Kind kind = LoadColumn.Kind.of(info.getContentClass());
            if (kind == null) {
                throw new IllegalArgumentException(where + " holds " + info.getContentClass().getSimpleName()
                        + " values, which no table column here can hold (numbers, booleans and strings can).");
            }
            String before = seen.putIfAbsent(name.toLowerCase(Locale.ROOT), name);
            if (before != null) {
                throw new IllegalArgumentException(where + " has the name of an earlier column, " + before
                        + " (names ignore case here): give every column its own name.");
            }
            int length = kind == LoadColumn.Kind.VARCHAR && info.getElementSize() > 0 ? info.getElementSize()
                    : LoadColumn.UNKNOWN_LENGTH;
            if (info.getContentClass() == Character.class) {
                length = 1;
            }
            if (kind == LoadColumn.Kind.REAL && "csv".equals(format)) {
                // STIL guesses "10.1" a float; the text is decimal, so a double keeps it as written
                kind = LoadColumn.Kind.FLOAT;
            }
            columns.add(new LoadColumn(name, kind, length));
        }
        if (columns.isEmpty()) {
            throw new IllegalArgumentException(path + ": the table has no columns.");
        }
        return new LoadFile(path, format == null ? "auto-detected" : format, t, columns);
    }

    /** STIL's name of a format told by a file name, or null to let STIL find it. */
    static String formatOf(String fileName) {
        String n = fileName.toLowerCase(Locale.ROOT);
        if (n.endsWith(".gz")) {
            n = n.substring(0, n.length() - 3);
        }
        if (n.endsWith(".fits") || n.endsWith(".fit") || n.endsWith(".fts")) {
            return "fits";
        }
        if (n.endsWith(".vot") || n.endsWith(".votable") || n.endsWith(".xml")) {
            return "votable";
        }
        if (n.endsWith(".ecsv")) {
            return "ecsv";
        }
        if (n.endsWith(".csv")) {
            return "csv";
        }
        return null;
    }

    /** The number of rows, or -1 if the file does not say before it is read. */
    long rowCount() {
        return table.getRowCount();
    }

    RowSequence rows() throws IOException {
        return table.getRowSequence();
    }

    static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.lines().findFirst().orElse("").strip();
    }

    @Override
    public void close() throws IOException {
        table.close();
    }
}
