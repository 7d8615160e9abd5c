package org.opencasjobs.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.opencasjobs.jobs.CasJobsException;

/**
 * The upload's CSV reader against the rules it replaced: Apache Commons CSV's RFC 4180 format with
 * surrounding spaces and empty lines ignored, lines of blanks only skipped, each record at the
 * physical line it starts on.
 */
class CsvRecordsTest {
    private static final CSVFormat COMMONS = CSVFormat.RFC4180.builder().setIgnoreSurroundingSpaces(true)
            .setIgnoreEmptyLines(true).get();
    private static final Pattern COMMONS_LINE = Pattern.compile("(?:startline |line:? )([0-9,]+)");

    /** A record as read: its line and values, or the failure as "error KIND at LINE". */
    private static List<String> read(String csv) {
        List<String> out = new ArrayList<>();
        CsvRecords r = new CsvRecords(csv);
        try {
            while (r.next()) {
                List<String> values = new ArrayList<>();
                for (int i = 0; i < r.size(); i++) {
                    values.add(r.get(i));
                }
                out.add(r.line() + " " + values);
            }
        } catch (CasJobsException e) {
            Matcher m = Pattern.compile("^Line (\\d+): a quoted value is (never closed|followed by more text)")
                    .matcher(e.getMessage());
            assertTrue(m.find(), e.getMessage());
            out.add("error " + m.group(2) + " at " + m.group(1));
        }
        return out;
    }

    /** The same through Commons CSV, with lines counted as the upload counted them before. */
    private static List<String> commons(String csv) {
        List<String> out = new ArrayList<>();
        int base = csv.startsWith("\uFEFF") ? 1 : 0;
        int[] pos = {base};
        long[] line = {1};
        try {
            StringReader reader = new StringReader(csv);
            reader.skip(base);
            for (CSVRecord rec : CSVParser.parse(reader, COMMONS)) {
                while (pos[0] < Math.min(csv.length(), rec.getCharacterPosition() + base)) {
                    step(csv, pos, line);
                }
                while (pos[0] < csv.length() && (csv.charAt(pos[0]) == '\n' || csv.charAt(pos[0]) == '\r')) {
                    step(csv, pos, line);
                }
                if (rec.size() == 1 && rec.get(0).isEmpty() && blankLine(csv, pos[0])) {
                    continue;
                }
                out.add(line[0] + " " + Arrays.asList(rec.values()));
            }
        } catch (UncheckedIOException | IllegalStateException e) {
            String m = e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
            Matcher at = COMMONS_LINE.matcher(m);
            assertTrue(at.find(), m);
            String kind = m.contains("EOF reached") ? "never closed" : "followed by more text";
            out.add("error " + kind + " at " + at.group(1).replace(",", ""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static void step(String csv, int[] pos, long[] line) {
        char ch = csv.charAt(pos[0]++);
        if (ch == '\n' || (ch == '\r' && (pos[0] >= csv.length() || csv.charAt(pos[0]) != '\n'))) {
            line[0]++;
        }
    }

    private static boolean blankLine(String csv, int from) {
        for (int i = from; i < csv.length(); i++) {
            char ch = csv.charAt(i);
            if (ch == '\n' || ch == '\r') {
                return true;
            }
            if (!Character.isWhitespace(ch)) {
                return false;
            }
        }
        return true;
    }

    @Test
    void readsWhatCommonsCsvReadEdgeCaseByEdgeCase() {
        String[] cases = {
            "", "a", "a\n", "a,b\n1,2", "a,b\n1,2\n", "a,\n", "a,", ",", " , ", "\n\n\na\n\n", "\r\n\r\na\r\n",
            "a\rb\rc", "a\r\n\r\n\r\nb", "\uFEFFa,b\n1,2\n", "\uFEFF", "  1 ,\t2\t,  x y  \n", "   \n  \n1\n",
            "\"a, b\",c\n", "\"say \"\"hi\"\"\"\n", "\"two\nlines\",x\ny,z\n", "\"cr\r\nlf\",x\n", "\"\"\n", "\"\",\"\"\n",
            "  \"  kept  \"  ,x\n", "a\"b,c\n", "\"a\"\"\"\n", "\"open\n4,5\n", "\"x\"y\n", "1,\"x\"  y\n",
            "\"x\"\t\n", "a,b,\n", "\u2003a\u2003,b\n", "a\u00a0,b\n", "x\n\"\"\"\"\n", "\"a\"\"", "1,\"2\n3\"\"\n4\"\n5\n",
        };
        for (String csv : cases) {
            assertEquals(commons(csv), read(csv), () -> "for " + csv.replace("\n", "\\n").replace("\r", "\\r"));
        }
    }

    @Test
    void readsWhatCommonsCsvReadOnRandomText() {
        String[] alphabet = {"a", "1", " ", "\t", ",", ",", "\"", "\"", "\n", "\r", "\r\n", "\u2003", "\u00a0"};
        Random random = new Random(20261206);
        for (int n = 0; n < 20_000; n++) {
            StringBuilder b = new StringBuilder();
            int length = random.nextInt(24);
            for (int i = 0; i < length; i++) {
                b.append(alphabet[random.nextInt(alphabet.length)]);
            }
            String csv = b.toString();
            assertEquals(commons(csv), read(csv), () -> "for " + csv.replace("\n", "\\n").replace("\r", "\\r"));
        }
    }

    @Test
    void namesTheLineOfABadQuotePastLineOneThousand() {
        // Commons CSV wrote these lines with thousands separators ("line: 1,501"), which the upload
        // read back as line 1
        StringBuilder csv = new StringBuilder("a,b\n");
        for (int i = 2; i <= 1500; i++) {
            csv.append(i).append(",x\n");
        }
        String open = csv + "1501,\"open\n1502,y\n";
        assertEquals("Line 1501: a quoted value is never closed. End each value that starts with \" with another \","
                + " and write a \" inside a quoted value as \"\".", assertThrows(CasJobsException.class,
                () -> drain(open)).getMessage());
        String trailing = csv + "1501,\"two\nlines\"x\n";
        assertTrue(assertThrows(CasJobsException.class, () -> drain(trailing)).getMessage()
                .startsWith("Line 1502: a quoted value is followed by more text"));
    }

    private static void drain(String csv) {
        CsvRecords r = new CsvRecords(csv);
        while (r.next()) {
            r.get(0);
        }
    }
}
