package org.opencasjobs.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.opencasjobs.jobs.CasJobsException;
import org.opencasjobs.testing.Core;

/**
 * The SDSS query corpus ({@code corpus/sdss.sql}): queries written in the style of SkyServer's
 * sample queries and of published papers (cone searches, colour cuts, flag tests, photometric and
 * spectroscopic joins, neighbours, {@code INTO mydb}, histograms), each run as a quick job against
 * the synthetic Sample catalog, and each answer checked: against a reference query written in the
 * plainest SQL the engine runs (same rows), and against expectations on its rows and columns.
 */
class SdssCorpusTest {
    /** Enough objects that cones and colour cuts find some in the generated stripes. */
    private static final String ROWS = "20000";
    private static Path dir;
    private static Core core;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("opencasjobs-corpus");
        core = new Core(dir, Map.of("casjobs.sample.rows", ROWS, "casjobs.quick.max.rows", "100000",
                "casjobs.queue.seconds.per.minute", "60"));
    }

    @AfterAll
    static void stop() throws Exception {
        core.close();
    }

    @TestFactory
    Stream<DynamicTest> sdssQueries() throws IOException {
        return QueryCorpus.load("/corpus/sdss.sql").cases().stream()
                .map(c -> DynamicTest.dynamicTest(c.name(), () -> {
                    try {
                        check(c);
                    } catch (AssertionError e) {
                        throw new AssertionError("[" + c.name() + "] " + e.getMessage(), e);
                    }
                }));
    }

    /** An answer: column names and rows of values as typed CSV gives them (text, unquoted). */
    record Answer(List<String> columns, List<List<String>> rows) {
    }

    private static Answer run(String sql, String context) {
        String csv = core.service.executeQuickJob(Core.as(core.alice), sql, context, "corpus", false);
        return parse(csv);
    }

    static Answer parse(String csv) {
        int nl = csv.indexOf('\n');
        String header = nl < 0 ? csv : csv.substring(0, nl);
        List<String> columns = new ArrayList<>();
        Matcher m = Pattern.compile("\\[((?:[^\\]]|]])*)]:[A-Za-z]+").matcher(header);
        while (m.find()) {
            columns.add(m.group(1).replace("]]", "]"));
        }
        List<List<String>> rows = new ArrayList<>();
        try {
            for (CSVRecord r : CSVFormat.DEFAULT.parse(new StringReader(nl < 0 ? "" : csv.substring(nl + 1)))) {
                List<String> row = new ArrayList<>();
                r.forEach(row::add);
                rows.add(row);
            }
        } catch (IOException e) {
            throw new AssertionError("unreadable answer: " + csv, e);
        }
        return new Answer(columns, rows);
    }

    private static void check(QueryCorpus.Case c) {
        check(c, SdssCorpusTest::run);
    }

    /** The case's checks, its queries answered by {@code run} (query, context); the query's answer. */
    static Answer check(QueryCorpus.Case c, java.util.function.BiFunction<String, String, Answer> run) {
        if (c.setup() != null) {
            run.apply(c.setup(), c.context());
        }
        Answer a;
        try {
            a = run.apply(c.query(), c.context());
        } catch (CasJobsException e) {
            fail("the query failed: " + e.getMessage() + "\n" + c.query());
            return null;
        }
        if (c.reference() != null) {
            Answer ref = run.apply(c.reference(), c.context());
            assertEquals(ref.columns().size(), a.columns().size(), () -> "columns " + a.columns() + " vs " + ref.columns());
            List<List<String>> got = sorted(a.rows());
            List<List<String>> want = sorted(ref.rows());
            assertEquals(want.size(), got.size(), () -> "rows: " + a.rows().size() + " vs the reference's " + ref.rows().size());
            for (int i = 0; i < want.size(); i++) {
                for (int j = 0; j < want.get(i).size(); j++) {
                    String w = want.get(i).get(j);
                    String g = got.get(i).get(j);
                    int row = i;
                    int col = j;
                    assertTrue(same(w, g), () -> "row " + row + " column " + a.columns().get(col) + ": " + g
                            + ", the reference gives " + w);
                }
            }
        }
        for (String e : c.expectations()) {
            expect(e, a);
        }
        return a;
    }

    static List<List<String>> sorted(List<List<String>> rows) {
        List<List<String>> copy = new ArrayList<>(rows);
        copy.sort(Comparator.comparing(r -> String.join("\u0001", r.stream().map(SdssCorpusTest::sortKey).toList())));
        return copy;
    }

    /** Numbers sort by value (rounded, so that float noise does not reorder rows), text as text. */
    private static String sortKey(String v) {
        if (v.matches("-?\\d{1,18}")) { // integers (ids) exactly
            long n = Long.parseLong(v);
            return String.format("I%s%019d", n < 0 ? "-" : "+", n < 0 ? Long.MAX_VALUE + n : n);
        }
        Double d = number(v);
        return d == null ? "T" + v : String.format("N%+025.6e", d);
    }

    static boolean same(String want, String got) {
        Double w = number(want);
        Double g = number(got);
        if (w == null || g == null) {
            return want.equals(got);
        }
        return Math.abs(w - g) <= 1e-6 * Math.max(1, Math.max(Math.abs(w), Math.abs(g)));
    }

    private static Double number(String v) {
        try {
            return v.isEmpty() ? null : Double.valueOf(v);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static final Pattern ROWS_EXPECT = Pattern.compile("rows\\s*(>=|<=|=|>|<)\\s*(\\d+)");
    private static final Pattern EACH = Pattern.compile("each\\s+(\\w+)\\s*(>=|<=|<>|=|>|<)\\s*(.+)");

    private static void expect(String e, Answer a) {
        Matcher rows = ROWS_EXPECT.matcher(e);
        if (rows.matches()) {
            long n = Long.parseLong(rows.group(2));
            assertTrue(compare(a.rows().size(), rows.group(1), n), () -> e + ": " + a.rows().size() + " rows");
            return;
        }
        if (e.startsWith("columns ")) {
            assertEquals(List.of(e.substring(8).strip().split("\\s*,\\s*")), a.columns());
            return;
        }
        Matcher each = EACH.matcher(e);
        if (each.matches()) {
            int col = column(a, each.group(1));
            String rhs = each.group(3).strip();
            for (List<String> row : a.rows()) {
                String left = row.get(col);
                String right;
                if (rhs.startsWith("'") && rhs.endsWith("'")) {
                    right = rhs.substring(1, rhs.length() - 1);
                } else if (number(rhs) != null) {
                    right = rhs;
                } else {
                    right = row.get(column(a, rhs));
                }
                Double l = number(left);
                Double r = number(right);
                boolean ok = l != null && r != null ? compare(l, each.group(2), r)
                        : switch (each.group(2)) {
                            case "=" -> left.equals(right);
                            case "<>" -> !left.equals(right);
                            default -> false;
                        };
                assertTrue(ok, () -> e + " fails on row " + row);
            }
            return;
        }
        throw new AssertionError("unknown expectation: " + e);
    }

    private static int column(Answer a, String name) {
        for (int i = 0; i < a.columns().size(); i++) {
            if (a.columns().get(i).equalsIgnoreCase(name)) {
                return i;
            }
        }
        throw new AssertionError("no column " + name + " in " + a.columns());
    }

    private static boolean compare(double l, String op, double r) {
        return switch (op) {
            case ">=" -> l >= r;
            case "<=" -> l <= r;
            case ">" -> l > r;
            case "<" -> l < r;
            case "<>" -> l != r;
            default -> l == r;
        };
    }
}
