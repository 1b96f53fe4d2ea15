package dev.jgemma.core;

import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jgemma.core.format.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Access to the shared reference fixtures ({@code ../shared/fixtures}, produced by Google's
 * gemma_pytorch and llama.cpp, never by jgemma). When the folder is missing, tests are skipped on
 * a developer machine but fail in CI (environment variable {@code CI} set).
 */
public final class Fixtures {
    private Fixtures() {
    }

    /** @return the shared fixtures root, e.g. {@code ../shared/fixtures} */
    public static Path root() {
        String prop = System.getProperty("jgemma.shared");
        Path shared = prop != null ? Path.of(prop) : Path.of("..", "..", "shared");
        Path fixtures = shared.resolve("fixtures");
        if (!Files.isDirectory(fixtures)) {
            if (System.getenv("CI") != null) {
                fail("reference fixtures missing at " + fixtures.toAbsolutePath() + " (required in CI)");
            }
            assumeTrue(false, "reference fixtures missing at " + fixtures.toAbsolutePath());
        }
        return fixtures;
    }

    /** @param model tiny, calm or vocab256k @return that model's fixture folder */
    public static Path model(String model) {
        return root().resolve("gemma2").resolve(model);
    }

    /** @param model a fixture model @return its parsed manifest.json */
    public static Map<String, Object> manifest(String model) {
        try {
            return Json.asObject(Json.parse(Files.readString(model(model).resolve("manifest.json"))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @param file a JSON file @return its parsed content */
    public static Object parseJson(Path file) {
        try {
            return Json.parse(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @param file a raw little-endian f32 file @return its values */
    public static float[] floats(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            float[] out = new float[bytes.length / 4];
            ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @param list a JSON array of integers @return them as ints */
    public static int[] ints(Object list) {
        List<?> l = (List<?>) list;
        int[] out = new int[l.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) l.get(i)).intValue();
        }
        return out;
    }
}
