package dev.jgemma.core.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jgemma.core.Fixtures;
import dev.jgemma.core.format.GgufFile;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our encoders against ggml's reference quantizers: the quantized GGUFs of the {@code calm} and
 * {@code tiny} fixtures were written by the stock {@code llama-quantize} (llama.cpp c392e50) from
 * their {@code model-f32.gguf}, so encoding each f32 tensor must give the stored bytes exactly,
 * for every tensor of every quantized type (including the Q6_K / Q8_0 token embedding).
 */
class EncodeMatchesLlamaQuantizeTest {

    static Stream<Arguments> files() {
        return Stream.of(
                Arguments.of("calm", "q8_0"), Arguments.of("calm", "q4_0"), Arguments.of("calm", "q4_1"),
                Arguments.of("calm", "q5_0"), Arguments.of("calm", "q5_1"), Arguments.of("calm", "q4_k"),
                Arguments.of("calm", "q5_k"), Arguments.of("calm", "q6_k"), Arguments.of("calm", "q4_k_m"),
                Arguments.of("tiny", "q8_0"), Arguments.of("tiny", "q4_0"));
    }

    @ParameterizedTest(name = "{0} model-{1}.gguf")
    @MethodSource("files")
    void everyQuantizedTensorIsBitIdentical(String model, String variant) {
        Path dir = Fixtures.model(model).resolve("gguf");
        int compared = 0;
        try (GgufFile source = GgufFile.open(dir.resolve("model-f32.gguf"));
             GgufFile quantized = GgufFile.open(dir.resolve("model-" + variant + ".gguf"));
             Arena arena = Arena.ofConfined()) {
            for (Tensor q : quantized.tensors()) {
                if (q.type() == TensorType.F32) {
                    continue;
                }
                Tensor f = source.get(q.name());
                assertThat(f.type()).isEqualTo(TensorType.F32);
                float[] values = f.toFloatArray();
                MemorySegment ours = arena.allocate(q.data().byteSize());
                BlockFormats.of(q.type()).encode(values, 0, values.length, ours, 0);
                long mismatch = ours.mismatch(q.data());
                assertThat(mismatch).as("%s %s %s: first differing byte (block %d)", variant, q.name(), q.type(),
                        mismatch / Math.max(1, q.type().blockBytes())).isEqualTo(-1L);
                compared++;
            }
        }
        assertThat(compared).isGreaterThan(0);
    }
}
