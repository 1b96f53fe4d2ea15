package dev.jgemma.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The README's quick start is QuickStart.main's body, line for line, so ExamplesTest runs exactly what users read. */
class ReadmeTest {
    private static List<String> block(List<String> lines, String first) {
        int start = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().startsWith(first)) {
                start = i;
                break;
            }
        }
        assertThat(start).as("'" + first + "' found").isNotNegative();
        int indent = lines.get(start).indexOf(first.charAt(0));
        for (int i = start + 1; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.length() > indent && l.charAt(indent) == '}' && l.substring(0, indent).isBlank()) {
                return lines.subList(start, i + 1).stream().map(s -> s.length() >= indent ? s.substring(indent) : s.strip()).toList();
            }
        }
        throw new AssertionError("no end of block after '" + first + "'");
    }

    @Test
    void quickStartIsTheExampleProgram() throws IOException {
        List<String> readme = Files.readAllLines(Path.of("..", "README.md"));
        List<String> example = Files.readAllLines(Path.of("src/main/java/dev/jgemma/examples/QuickStart.java"));
        assertThat(block(readme, "try (Gemma gemma")).isEqualTo(block(example, "try (Gemma gemma"));
    }
}
