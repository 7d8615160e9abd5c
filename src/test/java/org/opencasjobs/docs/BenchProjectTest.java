package org.opencasjobs.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * Keeps {@code bench/} (a separate Maven project, not built by {@code verify}) honest at the cost of
 * one small compile: its references run on the product's own versions of CXF, Jetty and H2, and the
 * bench classes that call the product's code (MakeAccounts, Translate) still compile against it.
 */
class BenchProjectTest {
    private static final Path ROOT = Path.of(System.getProperty("user.dir"));

    private static String version(String pom, String property) {
        Matcher m = Pattern.compile("<" + Pattern.quote(property) + ">([^<]+)</").matcher(pom);
        assertTrue(m.find(), property + " is not set in a pom");
        return m.group(1);
    }

    private static String h2Version(String pom) {
        Matcher m = Pattern.compile("<artifactId>h2</artifactId><version>([^<]+)</version>").matcher(pom);
        return m.find() ? m.group(1) : null;
    }

    @Test
    void theBenchmarksRunOnTheProductsVersionsOfTheStack() throws IOException {
        String product = Files.readString(ROOT.resolve("pom.xml"));
        String bench = Files.readString(ROOT.resolve("bench/pom.xml"));
        assertEquals(version(product, "cxf.version"), version(bench, "cxf.version"), "CXF");
        assertEquals(version(product, "jetty.version"), version(bench, "jetty.version"), "Jetty");
        assertNotNull(h2Version(product), "the product's H2 dependency");
        assertEquals(h2Version(product), version(bench, "h2.version"), "H2");
    }

    @Test
    void theBenchClassesThatUseTheProductCompileAgainstIt() throws IOException {
        for (String name : List.of("MakeAccounts", "Translate")) {
            compilesAgainstTheProduct(name);
        }
    }

    private static void compilesAgainstTheProduct(String name) throws IOException {
        Path source = ROOT.resolve("bench/src/main/java/org/opencasjobs/bench/" + name + ".java");
        Path classes = Files.createDirectories(ROOT.resolve("target/bench-compile-check"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter errors = new StringWriter();
        boolean ok = javac.getTask(errors, null, null,
                List.of("-classpath", System.getProperty("java.class.path"), "-d", classes.toString(),
                        "-proc:none", "--release", "17"),
                null, javac.getStandardFileManager(null, null, null).getJavaFileObjects(source.toFile())).call();
        assertTrue(ok, "bench/" + name + ".java no longer compiles against the product:\n" + errors);
        assertTrue(Files.exists(classes.resolve("org/opencasjobs/bench/" + name + ".class")));
    }
}
