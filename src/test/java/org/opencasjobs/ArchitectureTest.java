package org.opencasjobs;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.PackageMatcher;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The floors of docs/ARCHITECTURE.md, enforced: a package may use the floors below its own and
 * nothing above or beside it, so each floor can be understood, tested and replaced knowing only
 * what lies under it. A failure names the offending class and the dependency to move.
 */
class ArchitectureTest {
    /**
     * Top to bottom; packages on one line share a floor and do not use each other. Keep this
     * list and the table in docs/ARCHITECTURE.md the same.
     */
    static final List<List<String>> FLOORS = List.of(
            List.of("entry"),
            List.of("cli"),
            List.of("app"),
            List.of("http"),
            List.of("soap"),
            List.of("service"),
            List.of("exec"),
            List.of("output", "auth"),
            List.of("catalog", "store"),
            List.of("dialect"),
            List.of("jobs"),
            List.of("config", "ops"));

    /** Floor name → the packages it is made of, where that is not just {@code org.opencasjobs.NAME..}. */
    private static final Map<String, String[]> SPECIAL = Map.of(
            "entry", new String[] {"org.opencasjobs"}, // Main alone, in the root package
            "soap", new String[] {"org.opencasjobs.soap..", "org.opencasjobs.wire.."}); // wire: generated from the WSDL

    private static final Map<String, String[]> PACKAGES = new LinkedHashMap<>();

    static {
        for (List<String> floor : FLOORS) {
            for (String name : floor) {
                PACKAGES.put(name, SPECIAL.getOrDefault(name, new String[] {"org.opencasjobs." + name + ".."}));
            }
        }
    }

    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.opencasjobs");
    }

    @Test
    void everyPackageHasAFloor() {
        List<String> unplaced = new ArrayList<>();
        for (JavaClass c : classes) {
            boolean placed = PACKAGES.values().stream().flatMap(Arrays::stream)
                    .anyMatch(p -> PackageMatcher.of(p).matches(c.getPackageName()));
            if (!placed && !unplaced.contains(c.getPackageName())) {
                unplaced.add(c.getPackageName());
            }
        }
        assertTrue(unplaced.isEmpty(), "Packages without a floor: " + unplaced + ". Add each to FLOORS in"
                + " ArchitectureTest and to the table in docs/ARCHITECTURE.md.");
    }

    @Test
    void floorsOnlyPointDown() {
        LayeredArchitecture rule = layeredArchitecture().consideringOnlyDependenciesInLayers();
        for (Map.Entry<String, String[]> e : PACKAGES.entrySet()) {
            rule = rule.layer(e.getKey()).definedBy(e.getValue());
        }
        for (int i = 0; i < FLOORS.size(); i++) {
            List<String> below = new ArrayList<>();
            FLOORS.subList(i + 1, FLOORS.size()).forEach(below::addAll);
            for (String name : FLOORS.get(i)) {
                rule = below.isEmpty() ? rule.whereLayer(name).mayNotAccessAnyLayer()
                        : rule.whereLayer(name).mayOnlyAccessLayers(below.toArray(String[]::new));
            }
        }
        rule.because("a floor may use only the floors below it (docs/ARCHITECTURE.md): move the class to the floor"
                + " that owns its concern, or move what it needs down, instead of importing upward or sideways")
                .check(classes);
    }

    @Test
    void noPackageCycles() {
        slices().matching("org.opencasjobs.(*)..").should().beFreeOfCycles()
                .because("packages that use each other cannot be understood or replaced one at a time")
                .check(classes);
    }
}
