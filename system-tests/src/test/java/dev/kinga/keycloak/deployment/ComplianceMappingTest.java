package dev.kinga.keycloak.deployment;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every test docs/compliance.md names as evidence exists, in a test class of this repository, as a method. */
class ComplianceMappingTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern REFERENCE = Pattern.compile("`([A-Z][A-Za-z0-9]*(?:Test|IT))\\.([a-z][A-Za-z0-9]*)`");

    @Test
    void everyTestTheMappingNamesExists() throws IOException {
        Map<String, Path> classes;
        try (Stream<Path> files = Files.walk(ROOT)) {
            classes = files.filter(p -> p.toString().contains("/src/test/java/") && p.toString().endsWith(".java"))
                    .collect(Collectors.toMap(p -> p.getFileName().toString().replace(".java", ""), p -> p, (a, b) -> a));
        }
        Matcher m = REFERENCE.matcher(Files.readString(ROOT.resolve("docs/compliance.md")));
        List<String> missing = new ArrayList<>();
        int named = 0;
        while (m.find()) {
            named++;
            Path source = classes.get(m.group(1));
            if (source == null || !Files.readString(source).contains("void " + m.group(2) + "(")) {
                missing.add(m.group(1) + "." + m.group(2));
            }
        }
        assertTrue(named >= 40, "the mapping names its evidence: " + named);
        assertEquals(List.of(), missing);
    }
}
