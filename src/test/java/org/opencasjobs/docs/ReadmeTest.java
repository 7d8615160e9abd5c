package org.opencasjobs.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Keeps the README honest: every shell command and every settings line it shows must be run, as
 * written, by {@code .ci/smoke} or {@code .ci/run}, which CI executes on the packaged jar; and
 * the Python blocks {@code .ci/readme_clients.py} reads from it must be there.
 */
class ReadmeTest {
    private static final Path ROOT = Path.of(System.getProperty("user.dir"));

    /** The fenced blocks of a Markdown text whose info string is {@code lang}, as lists of lines. */
    static List<List<String>> blocks(List<String> markdown, String lang) {
        List<List<String>> out = new ArrayList<>();
        List<String> current = null;
        for (String line : markdown) {
            if (current == null && line.equals("```" + lang)) {
                current = new ArrayList<>();
            } else if (current != null && line.equals("```")) {
                out.add(current);
                current = null;
            } else if (current != null) {
                current.add(line);
            }
        }
        return out;
    }

    /**
     * Shell lines joined across backslash continuations, without trailing comments, split at
     * {@code &&}, with runs of spaces collapsed: the units a script must contain.
     */
    static List<String> commands(List<String> lines) {
        List<String> out = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        for (String raw : lines) {
            String line = withoutComment(raw);
            if (line.endsWith("\\")) {
                pending.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            pending.append(line);
            for (String part : pending.toString().split(" && ")) {
                String normal = part.strip().replaceAll("\\s+", " ");
                if (!normal.isEmpty()) {
                    out.add(normal);
                }
            }
            pending.setLength(0);
        }
        return out;
    }

    /** The line up to a {@code #} that starts a shell comment: after a blank, outside quotes. */
    static String withoutComment(String line) {
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                quote = c == quote ? 0 : quote;
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '#' && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
                return line.substring(0, i).stripTrailing();
            }
        }
        return line;
    }

    private static List<String> read(String path) throws IOException {
        return Files.readAllLines(ROOT.resolve(path));
    }

    @Test
    void everyShellCommandOfTheReadmeIsRunByCi() throws IOException {
        List<String> readme = read("README.md");
        List<String> ci = new ArrayList<>(commands(read(".ci/smoke")));
        ci.addAll(commands(read(".ci/run")));
        List<String> missing = new ArrayList<>();
        for (List<String> block : blocks(readme, "sh")) {
            for (String command : commands(block)) {
                if (ci.stream().noneMatch(line -> line.contains(command))) {
                    missing.add(command);
                }
            }
        }
        assertEquals(List.of(), missing, "README commands that .ci/smoke and .ci/run do not run");
    }

    @Test
    void everySettingsLineOfTheReadmeIsUsedByCi() throws IOException {
        List<String> smoke = read(".ci/smoke");
        List<String> missing = new ArrayList<>();
        for (List<String> block : blocks(read("README.md"), "properties")) {
            for (String line : block) {
                if (!line.isBlank() && !smoke.contains(line)) {
                    missing.add(line);
                }
            }
        }
        assertEquals(List.of(), missing, "README settings lines that .ci/smoke does not use");
    }

    @Test
    void thePythonBlocksTheClientsScriptRunsAreMarked() throws IOException {
        List<String> readme = read("README.md");
        int marked = 0;
        for (int i = 0; i + 1 < readme.size(); i++) {
            if (readme.get(i).equals("<!-- checked by .ci/readme_clients.py -->")) {
                assertEquals("```python", readme.get(i + 1), "a marker must precede a Python block (line " + (i + 1) + ")");
                marked++;
            }
        }
        assertEquals(3, marked, "the zeep, batch and astropy blocks .ci/readme_clients.py checks");
        assertTrue(String.join("\n", read(".ci/smoke")).contains(".ci/readme_clients.py"), "smoke runs the script");
    }

    @Test
    void theCommandSplitterSeesWhatAShellWouldRun() {
        assertEquals(List.of("mvn -B package", "java -jar x.jar serve"),
                commands(List.of("mvn -B  package && java -jar x.jar serve   # comment")));
        assertEquals(List.of("curl -s \"$U\" -d 'a=1' -d \"b=#2\""),
                commands(List.of("curl -s \"$U\" \\", "  -d 'a=1' -d \"b=#2\"")));
        assertEquals(List.of(), commands(List.of("# only a comment")));
        assertEquals(List.of("curl -s \"$U?a=1#x\""), commands(List.of("curl -s \"$U?a=1#x\"   # <int a=\"b\">3</int>")));
    }
}
