package dev.jgemma.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jgemma.core.format.GgufFile;
import dev.jgemma.core.tensor.Tensor;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Corrupted block scales (NaN or infinite f16 scales in quantized tensors) fail at load with a
 * {@link ModelFormatException} that names the file, the tensor, its type, the row and the block:
 * never silently NaN logits. (Unsupported types and block sizes that do not divide the rows are
 * covered by {@link BadInputTest}.)
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
        Path file = withF16("q4_k", "blk.1.ffn_down.weight", 3, 144 + 2, (short) 0x7e00);
        // dmin (f16 at +2) of super-block 1 of row 3: rows of 512 hold 2 super-blocks of 144 bytes.
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
}
