package org.opencasjobs.catalog;

import org.opencasjobs.jobs.CasJobsException;

/**
 * The records of an upload's CSV text, read in place from the request's string, each with the
 * physical line it starts on (the first line is 1). The rules are those {@link CsvUpload} states,
 * which are Apache Commons CSV's RFC 4180 format with surrounding spaces and empty lines ignored
 * (and {@code CsvRecordsTest} holds the two to the same records): commas between values, values
 * in {@code "…"} with {@code ""} for a quote and line breaks allowed inside, blanks around an
 * unquoted value and around the quotes of a quoted one dropped, {@code \n}, {@code \r\n} or
 * {@code \r} ending a line, a leading byte order mark skipped; lines of blanks only are no record.
 *
 * <p>Why not Commons CSV itself, as before: an upload reads its data twice (types, then rows);
 * Commons CSV copied it through a reader one character at a time into a record object per line,
 * and the upload walked it once more to count lines. That was 22 % of an upload's CPU samples
 * (JFR, {@code bench/run --only io}); here values are substrings of the request's string and lines
 * are counted on the way.
 */
final class CsvRecords {
    private static final char BOM = '\uFEFF';

    private final String csv;
    private final int end;
    /** The next character to read, and the physical line it is on. */
    private int pos;
    private long lineAtPos = 1;
    /** The current record: {@link #size} values, reused from one record to the next. */
    private String[] values = new String[16];
    private int size;
    private long line;
    /** Builds a quoted value that holds a doubled quote; most values are substrings. */
    private final StringBuilder quoted = new StringBuilder();

    CsvRecords(String csv) {
        this.csv = csv;
        this.end = csv.length();
        this.pos = end > 0 && csv.charAt(0) == BOM ? 1 : 0;
    }

    /** Reads the next record; false at the end of the text. */
    boolean next() {
        while (true) {
            skipEmptyLines();
            if (pos >= end) {
                size = 0;
                return false;
            }
            line = lineAtPos;
            size = 0;
            boolean blank = readRecord();
            if (!blank) {
                return true;
            }
        }
    }

    /** How many values the current record has. */
    int size() {
        return size;
    }

    /** Value {@code i} of the current record ({@code ""} for an empty one). */
    String get(int i) {
        return values[i];
    }

    /** The physical line the current record starts on. */
    long line() {
        return line;
    }

    /** Refuses a record whose number of values is not the header's. */
    void checkWidth(int columns) {
        if (size != columns) {
            throw new CasJobsException("Line " + line + " has " + size + (size == 1 ? " value" : " values")
                    + ", but the header names " + columns + (columns == 1 ? " column" : " columns")
                    + ": every line needs one value per column (leave a value empty for NULL, and quote"
                    + " values that contain commas).");
        }
    }

    /** Skips line ends at the start of a line: empty lines are no record. */
    private void skipEmptyLines() {
        while (pos < end && endOfLine(csv.charAt(pos))) {
            readLineEnd();
        }
    }

    /**
     * Reads one record's values up to and with its line end (or the end of the text); true when
     * it was a line of blanks only: one unquoted value, empty once blanks are dropped.
     */
    private boolean readRecord() {
        boolean onlyUnquotedEmpty = true;
        while (true) {
            skipLeadingBlanks();
            String value;
            boolean wasQuoted = pos < end && csv.charAt(pos) == '"';
            value = wasQuoted ? readQuoted() : readPlain();
            if (wasQuoted || !value.isEmpty()) {
                onlyUnquotedEmpty = false;
            }
            add(value);
            if (pos >= end) {
                return onlyUnquotedEmpty && size == 1;
            }
            char ch = csv.charAt(pos);
            if (ch == ',') {
                pos++;
                continue;
            }
            readLineEnd(); // the value ended at a line end: the only other way it ends
            return onlyUnquotedEmpty && size == 1;
        }
    }

    /** Blanks before a value; a comma or line end stops it (a tab is a blank, not a separator). */
    private void skipLeadingBlanks() {
        while (pos < end) {
            char ch = csv.charAt(pos);
            if (ch == ',' || endOfLine(ch) || !Character.isWhitespace(ch)) {
                return;
            }
            pos++;
        }
    }

    /** An unquoted value, up to a comma, line end or the end; trailing blanks dropped. */
    private String readPlain() {
        int start = pos;
        int stop = pos;
        while (stop < end) {
            char ch = csv.charAt(stop);
            if (ch == ',' || ch == '\n' || ch == '\r') {
                break;
            }
            stop++;
        }
        pos = stop;
        while (stop > start && Character.isWhitespace(csv.charAt(stop - 1))) {
            stop--;
        }
        return start == stop ? "" : csv.substring(start, stop);
    }

    /**
     * A value in quotes ({@link #pos} at its opening quote), with {@code ""} read as one quote and
     * line breaks kept; blanks after the closing quote are dropped, anything else there refused.
     */
    private String readQuoted() {
        long startLine = lineAtPos;
        int from = ++pos;
        quoted.setLength(0);
        boolean doubled = false;
        while (true) {
            int q = csv.indexOf('"', pos);
            if (q < 0) {
                throw new CasJobsException("Line " + startLine + ": a quoted value is never closed. End each value"
                        + " that starts with \" with another \", and write a \" inside a quoted value as \"\".");
            }
            countLines(pos, q);
            if (q + 1 < end && csv.charAt(q + 1) == '"') {
                quoted.append(csv, from, q + 1);
                doubled = true;
                pos = from = q + 2;
                continue;
            }
            String value;
            if (doubled) {
                value = quoted.append(csv, from, q).toString();
            } else {
                value = csv.substring(from, q);
            }
            pos = q + 1;
            while (pos < end) {
                char ch = csv.charAt(pos);
                if (ch == ',' || endOfLine(ch)) {
                    break;
                }
                if (!Character.isWhitespace(ch)) {
                    throw new CasJobsException("Line " + lineAtPos + ": a quoted value is followed by more text"
                            + " before the next comma. Quote the whole value, and write a \" inside a quoted value"
                            + " as \"\".");
                }
                pos++;
            }
            return value;
        }
    }

    private void add(String value) {
        if (size == values.length) {
            values = java.util.Arrays.copyOf(values, size * 2);
        }
        values[size++] = value;
    }

    private static boolean endOfLine(char ch) {
        return ch == '\n' || ch == '\r';
    }

    /** Reads one line end ({@code \n}, {@code \r\n} or {@code \r}) at {@link #pos}. */
    private void readLineEnd() {
        if (csv.charAt(pos) == '\r' && pos + 1 < end && csv.charAt(pos + 1) == '\n') {
            pos++;
        }
        pos++;
        lineAtPos++;
    }

    /** Counts the line ends in [from, to), as lines of the text: {@code \r\n} is one. */
    private void countLines(int from, int to) {
        for (int i = from; i < to; i++) {
            char ch = csv.charAt(i);
            if (ch == '\n' || (ch == '\r' && (i + 1 >= end || csv.charAt(i + 1) != '\n'))) {
                lineAtPos++;
            }
        }
    }
}
