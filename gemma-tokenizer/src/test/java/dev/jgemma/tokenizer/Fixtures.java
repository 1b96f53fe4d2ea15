package dev.jgemma.tokenizer;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * Where the reference data lives: the real tokenizer.json (system property
 * {@code jgemma.tokenizer.json}) and the shared fixtures (system property {@code jgemma.shared}).
 * A missing file skips the test on a developer machine and fails it in CI (environment variable
 * {@code CI} set), so CI can never pass by skipping.
 */
final class Fixtures {
    private Fixtures() {
    }

    /** The real Gemma tokenizer.json (17 MB, fetched by .ci/fetch-tokenizer). */
    static Path tokenizerJson() {
        return required(System.getProperty("jgemma.tokenizer.json"), "jgemma.tokenizer.json",
                "the real tokenizer.json (run .ci/fetch-tokenizer)");
    }

    /** A file under the shared fixtures folder, e.g. {@code fixtures/tokenizer/cases.jsonl}. */
    static Path shared(String relative) {
        String root = System.getProperty("jgemma.shared");
        return required(root == null ? null : Path.of(root).resolve(relative).toString(), "jgemma.shared",
                "shared fixture " + relative);
    }

    private static Path required(String location, String property, String what) {
        Path path = location == null || location.isBlank() ? null : Path.of(location);
        if (path == null || !Files.isRegularFile(path)) {
            String message = what + " not found (" + (path == null ? "system property " + property + " is not set" : path) + ")";
            if (System.getenv("CI") != null) {
                fail("CI must have " + message);
            }
            Assumptions.abort(message);
        }
        return path;
    }

    /** Each line of a JSONL fixture as a map. */
    static List<Map<String, Object>> jsonLines(String relative) {
        try {
            return Files.readAllLines(shared(relative)).stream().filter(line -> !line.isBlank()).map(Json::object).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
