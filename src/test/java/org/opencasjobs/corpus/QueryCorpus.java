package org.opencasjobs.corpus;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A file of queries, each with what its answer must be. The format, one case after another:
 * <pre>
 * === name of the case
 * -- comment lines are kept in the query (they are part of what users paste)
 * SELECT … the query, as a user would send it
 * --- context MyDB            (optional: the context; Sample otherwise)
 * --- setup                   (optional: statements run first, their answer ignored)
 * CREATE TABLE …
 * --- same                    (optional: a reference query whose answer must be the same rows)
 * SELECT …
 * --- expect rows &gt;= 1      (any number of expectations, one per line)
 * --- expect columns objID,ra,dec
 * --- expect each distance &lt;= 3
 * --- postgresql differs: why   (optional: PostgreSQL answers otherwise, and why; that run is skipped saying so)
 * </pre>
 * Expectations: {@code rows OP N}; {@code columns a,b,c} (the names exactly as answered);
 * {@code each COLUMN OP VALUE} (VALUE a number, a column of the same row, or 'text').
 */
record QueryCorpus(List<Case> cases) {
    /** One query and what must hold of its answer. */
    record Case(String name, String context, String setup, String query, String reference, List<String> expectations,
                String postgresqlDiffers) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final Pattern DIRECTIVE = Pattern.compile("^---\\s*(\\w+)\\s*(.*)$");

    static QueryCorpus load(String resource) throws IOException {
        String text;
        try (InputStream in = QueryCorpus.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("no corpus " + resource);
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<Case> cases = new ArrayList<>();
        Builder b = null;
        for (String line : text.split("\n", -1)) {
            if (line.startsWith("=== ")) {
                if (b != null) {
                    cases.add(b.build());
                }
                b = new Builder(line.substring(4).strip());
                continue;
            }
            if (b == null) {
                continue; // the file's own header comments
            }
            Matcher d = DIRECTIVE.matcher(line);
            if (d.matches()) {
                switch (d.group(1).toLowerCase(Locale.ROOT)) {
                    case "context" -> b.context = d.group(2).strip();
                    case "setup" -> b.section = b.setup;
                    case "same" -> b.section = b.reference;
                    case "expect" -> b.expectations.add(d.group(2).strip());
                    case "postgresql" -> b.postgresqlDiffers = d.group(2).replaceFirst("^differs:\\s*", "").strip();
                    default -> throw new IOException("case '" + b.name + "': unknown directive " + line);
                }
                continue;
            }
            b.section.append(line).append('\n');
        }
        if (b != null) {
            cases.add(b.build());
        }
        return new QueryCorpus(cases);
    }

    private static final class Builder {
        final String name;
        String context = "Sample";
        String postgresqlDiffers;
        final StringBuilder query = new StringBuilder();
        final StringBuilder setup = new StringBuilder();
        final StringBuilder reference = new StringBuilder();
        StringBuilder section = query;
        final List<String> expectations = new ArrayList<>();

        Builder(String name) {
            this.name = name;
        }

        Case build() throws IOException {
            if (query.toString().isBlank()) {
                throw new IOException("case '" + name + "' has no query");
            }
            if (reference.toString().isBlank() && expectations.isEmpty()) {
                throw new IOException("case '" + name + "' asserts nothing: give a reference query or an expectation");
            }
            return new Case(name, context, blankToNull(setup), query.toString().strip(), blankToNull(reference),
                    List.copyOf(expectations), postgresqlDiffers);
        }

        private static String blankToNull(StringBuilder sb) {
            return sb.toString().isBlank() ? null : sb.toString().strip();
        }
    }
}
