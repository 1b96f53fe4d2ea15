package dev.jgemma.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jgemma.core.format.GgufFile;
import dev.jgemma.core.format.GgufWriter;
import dev.jgemma.core.tensor.Tensor;
import dev.jgemma.core.tensor.TensorType;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Corrupt or unsupported weights fail at load with a {@link ModelFormatException} that names the
 * file, the tensor and its type: never a crash, never silently wrong logits.
 */
class BadWeightsTest {
    @TempDir
    Path dir;

    private static Path calm(String variant) {
        return Fixtures.model("calm").resolve("gguf/model-" + variant + ".gguf");
    }

    /** Copies a fixture and overwrites the f16 at byte {@code fieldOffset} of row {@code row} of a tensor. */
    private Path withF16(String variant, String tensor, int row, int fieldOffset, short bits) throws IOException {
        Path copy = dir.resolve("corrupt-" + variant + ".gguf");
        Files.copy(calm(variant), copy, StandardCopyOption.REPLACE_EXISTING);
        long at;
        try (GgufFile g = GgufFile.open(copy)) {
            Tensor t = g.get(tensor);
            at = g.dataStart() + g.dataOffset(tensor) + row * t.rowBytes() + fieldOffset;
        }
        try (RandomAccessFile f = new RandomAccessFile(copy.toFile(), "rw")) {
            f.seek(at);
            f.write(bits & 0xff);
            f.write((bits >> 8) & 0xff);
        }
        return copy;
    }

    @Test
    void aNanBlockScaleIsReportedWithTensorRowAndBlock() throws IOException {
        Path file = withF16("q4_k", "blk.1.ffn_down.weight", 3, 144 + 2, (short) 0x7e00); // dmin of block 1 of row 3 (rows of 512 = 2 super-blocks)
        assertThatThrownBy(() -> Gemma2Model.load(file, ModelOptions.defaults().threads(2)))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("tensor 'blk.1.ffn_down.weight' (Q4_K) holds a NaN or infinite scale in block 1 of row 3");
    }

    @Test
    void anInfiniteScaleInTheQ6_KEmbeddingOfAQ4_0FileIsReported() throws IOException {
        Path file = withF16("q4_0", "token_embd.weight", 1000, 208, (short) 0x7c00);
        assertThatThrownBy(() -> Gemma2Model.load(file, ModelOptions.defaults().threads(2)))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("tensor 'token_embd.weight' (Q6_K) holds a NaN or infinite scale in block 0 of row 1000");
    }

    @Test
    void theCheckCanBeSkippedAndThenTheModelLoads() throws IOException {
        Path file = withF16("q8_0", "blk.0.attn_q.weight", 0, 0, (short) 0xfc00);
        assertThatThrownBy(() -> Gemma2Model.load(file, ModelOptions.defaults().threads(1)))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("'blk.0.attn_q.weight' (Q8_0)");
        try (Gemma2Model m = Gemma2Model.load(file, ModelOptions.defaults().threads(1).verifyWeights(false))) {
            assertThat(m.config().numLayers()).isEqualTo(4);
        }
    }

    @Test
    void anUnsupportedTensorTypeIsNamed() throws IOException {
        Path file = dir.resolve("iq.gguf");
        try (GgufFile src = GgufFile.open(calm("q8_0")); GgufWriter out = GgufWriter.create(file)) {
            src.metadata().forEach(out::put);
            for (Tensor t : src.tensors()) {
                TensorType type = t.name().equals("blk.2.ffn_gate.weight") ? TensorType.IQ4_NL : t.type();
                out.addTensor(t.name(), type, t.shape());
            }
            for (Tensor t : src.tensors()) {
                long bytes = t.name().equals("blk.2.ffn_gate.weight") ? TensorType.IQ4_NL.bytesFor(t.elementCount()) : t.data().byteSize();
                out.writeData(t.name().equals("blk.2.ffn_gate.weight") ? MemorySegment.ofArray(new byte[(int) bytes]) : t.data());
            }
            out.finish();
        }
        assertThatThrownBy(() -> Gemma2Model.load(file, ModelOptions.defaults().threads(1)))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("tensor 'blk.2.ffn_gate.weight' has type IQ4_NL, which jgemma does not support");
    }

    @Test
    void aBlockSizeThatDoesNotDivideTheRowIsNamed() throws IOException {
        Path file = dir.resolve("rows.gguf");
        try (GgufWriter out = GgufWriter.create(file)) {
            out.addTensor("odd.weight", TensorType.F32, new long[] {2, 40});
            out.writeData(MemorySegment.ofArray(new byte[2 * 40 * 4]));
            out.finish();
        }
        // Turn the F32 tensor into Q8_0 in the tensor info: 40 is not a multiple of 32.
        byte[] bytes = Files.readAllBytes(file);
        byte[] name = "odd.weight".getBytes(StandardCharsets.UTF_8);
        int at = indexOf(bytes, name) + name.length + 4 + 2 * 8;
        assertThat(bytes[at]).isEqualTo((byte) TensorType.F32.ggmlId());
        bytes[at] = (byte) TensorType.Q8_0.ggmlId();
        Files.write(file, bytes);
        assertThatThrownBy(() -> GgufFile.open(file))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("tensor 'odd.weight' of type Q8_0 has rows of 40 elements, not a multiple of the block size 32");
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
