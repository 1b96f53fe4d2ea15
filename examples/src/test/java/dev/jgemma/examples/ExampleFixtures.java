package dev.jgemma.examples;

import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code vocab256k} fixture model (a tiny random-weight Gemma-2 with the real vocabulary and
 * tokenizer) and the real tokenizer.json. Missing files skip the tests locally and fail them in CI.
 */
public final class ExampleFixtures {
    private ExampleFixtures() {
    }

    /** @return {@code ../shared/fixtures/gemma2/vocab256k} */
    public static Path vocab256k() {
        String prop = System.getProperty("jgemma.shared");
        Path dir = (prop != null ? Path.of(prop) : Path.of("..", "..", "shared")).resolve("fixtures/gemma2/vocab256k");
        require(Files.isDirectory(dir), "reference fixtures missing at " + dir.toAbsolutePath());
        return dir;
    }

    /** @return the Q8_0 GGUF, tokenizer in its metadata */
    public static Path gguf() {
        return vocab256k().resolve("gguf/model-q8_0.gguf");
    }

    /** @return the real tokenizer.json */
    public static Path tokenizerJson() {
        String prop = System.getProperty("jgemma.tokenizer.json");
        require(prop != null && Files.isRegularFile(Path.of(prop)), "the Gemma tokenizer.json is missing at " + prop
                + " (run .ci/fetch-tokenizer)");
        return Path.of(prop);
    }

    private static void require(boolean present, String message) {
        if (!present) {
            if (System.getenv("CI") != null) {
                fail(message + " (required in CI)");
            }
            assumeTrue(false, message);
        }
    }
}
