package dev.jgemma.chat;

import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The {@code vocab256k} reference fixture (a tiny random-weight Gemma-2 with the real vocabulary,
 * run through Google's gemma_pytorch and HuggingFace) and the real Gemma {@code tokenizer.json}
 * fetched by {@code .ci/fetch-tokenizer}. Missing files skip the tests on a developer machine and
 * fail them in CI (environment variable {@code CI} set).
 */
final class ChatFixtures {
    private ChatFixtures() {
    }

    /** @return {@code ../shared/fixtures/gemma2/vocab256k} */
    static Path vocab256k() {
        String prop = System.getProperty("jgemma.shared");
        Path dir = (prop != null ? Path.of(prop) : Path.of("..", "..", "shared")).resolve("fixtures/gemma2/vocab256k");
        require(Files.isDirectory(dir), "reference fixtures missing at " + dir.toAbsolutePath());
        return dir;
    }

    /** @return the real tokenizer.json (system property {@code jgemma.tokenizer.json}) */
    static Path tokenizerJson() {
        String prop = System.getProperty("jgemma.tokenizer.json");
        Path file = prop == null ? null : Path.of(prop);
        require(file != null && Files.isRegularFile(file), "the Gemma tokenizer.json is missing at " + prop
                + " (run .ci/fetch-tokenizer; ./run-tests passes its path as -Djgemma.tokenizer.json)");
        return file;
    }

    static Path hfFolder() {
        return vocab256k().resolve("hf-bf16");
    }

    static Path gguf() {
        return vocab256k().resolve("gguf/model-q8_0.gguf");
    }

    /** @return the chat cases of {@code chat/cases.json} */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> cases() {
        try {
            Map<String, Object> root = (Map<String, Object>) ConversationJson.parse(
                    Files.readString(vocab256k().resolve("chat/cases.json")));
            return (List<Map<String, Object>>) root.get("cases");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, Object> chatCase(String name) {
        return cases().stream().filter(c -> c.get("name").equals(name)).findFirst().orElseThrow();
    }

    static int[] ints(Object list) {
        return ((List<?>) list).stream().mapToInt(o -> ((Number) o).intValue()).toArray();
    }

    static float[] floats(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            float[] out = new float[bytes.length / 4];
            ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
