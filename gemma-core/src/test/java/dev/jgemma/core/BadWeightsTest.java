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
 * Corrupted block scales (NaN or infinite f16 scales in quantized tensors) give a
 * {@link ModelFormatException} that names the file, the tensor, its type, the row and the block,
 * never silently NaN logits: by default from the first session call that uses the tensor
 * ({@link WeightVerification#ON_FIRST_USE}), at load with {@link WeightVerification#EAGER}.
 * (Unsupported types and block sizes that do not divide the rows are covered by
 * {@link BadInputTest}.)
 */
class BadWeightsTest {
    private static final int[] PROMPT = {2, 651, 37, 576, 405};

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
    void aNanBlockScaleIsReportedWithTensorRowAndBlockOnFirstUse() throws IOException {
        Path file = withF16("q4_k", "blk.1.ffn_down.weight", 3, 144 + 2, (short) 0x7e00);
        // dmin (f16 at +2) of super-block 1 of row 3: rows of 512 hold 2 super-blocks of 144 bytes.
        try (Gemma2Model m = Gemma2Model.load(file, ModelOptions.defaults().threads(2))) {
            assertThat(m.options().verifyWeights()).isEqualTo(WeightVerification.ON_FIRST_USE);
            Session s = m.newSession();
            assertThatThrownBy(() -> s.prefill(PROMPT))
                    .isInstanceOf(ModelFormatException.class)
                    .hasMessageContaining(file.toString())
                    .hasMessageContaining("tensor 'blk.1.ffn_down.weight' (Q4_K) holds a NaN or infinite scale in block 1 of row 3");
            assertThat(s.position()).isZero();
        }
    }

    @Test
    void eagerVerificationReportsTheSameErrorAtLoad() throws IOException {
        Path file = withF16("q4_k", "blk.1.ffn_down.weight", 3, 144 + 2, (short) 0x7e00);
        assertThatThrownBy(() -> Gemma2Model.load(file, ModelOptions.defaults().threads(2).verifyWeights(WeightVerification.EAGER)))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("tensor 'blk.1.ffn_down.weight' (Q4_K) holds a NaN or infinite scale in block 1 of row 3");
    }

    @Test
    void anInfiniteScaleInTheQ6_KEmbeddingOfAQ4_0FileIsReported() throws IOException {
        Path file = withF16("q4_0", "token_embd.weight", 1000, 208, (short) 0x7c00);
        String message = "tensor 'token_embd.weight' (Q6_K) holds a NaN or infinite scale in block 0 of row 1000";
        assertThatThrownBy(() -> Gemma2Model.load(file, ModelOptions.defaults().threads(2).verifyWeights(WeightVerification.EAGER)))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining(message);
        try (Gemma2Model m = Gemma2Model.load(file, ModelOptions.defaults().threads(2))) {
            // Row 1000 is not looked up, but the tied output projection multiplies with every row.
            assertThatThrownBy(() -> m.newSession().prefill(PROMPT)).isInstanceOf(ModelFormatException.class).hasMessageContaining(message);
            // Looking the row up fails at once, even where no logits are computed.
            Session s = m.newSession();
            assertThatThrownBy(() -> s.append(2, 1000)).isInstanceOf(ModelFormatException.class).hasMessageContaining(message);
            assertThat(s.position()).isZero();
        }
    }

    @Test
    void theErrorRepeatsOnEveryLaterUseAndOtherSessionsGetItToo() throws IOException {
        Path file = withF16("q8_0", "blk.2.attn_v.weight", 7, 34 * 3, (short) 0x7c00);
        String message = "tensor 'blk.2.attn_v.weight' (Q8_0) holds a NaN or infinite scale in block 3 of row 7";
        try (Gemma2Model m = Gemma2Model.load(file, ModelOptions.defaults().threads(2))) {
            Session s = m.newSession();
            for (int i = 0; i < 3; i++) {
                assertThatThrownBy(() -> s.decode(2)).isInstanceOf(ModelFormatException.class).hasMessageContaining(message);
            }
            assertThatThrownBy(() -> m.newSession().prefill(PROMPT)).isInstanceOf(ModelFormatException.class)
                    .hasMessageContaining(message);
            assertThatThrownBy(() -> m.newSession().append(PROMPT)).isInstanceOf(ModelFormatException.class)
                    .hasMessageContaining(message);
        }
    }

    @Test
    void aNonFiniteValueInABf16MatrixIsReportedWithRowAndColumn() throws IOException {
        // bf16 +infinity at row 5, column 17 of the query projection (rows of 512 values, 2 bytes each).
        Path file = withF16("bf16", "blk.0.attn_q.weight", 5, 2 * 17, (short) 0x7f80);
        String message = "tensor 'blk.0.attn_q.weight' (BF16) holds a NaN or infinite value at row 5, column 17";
        try (Gemma2Model m = Gemma2Model.load(file, ModelOptions.defaults().threads(1))) {
            assertThatThrownBy(() -> m.newSession().decode(2)).isInstanceOf(ModelFormatException.class).hasMessageContaining(message);
        }
        assertThatThrownBy(() -> Gemma2Model.load(file, ModelOptions.defaults().verifyWeights(WeightVerification.EAGER)))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining(message);
    }

    @Test
    void theCheckCanBeSkippedAndThenTheModelLoadsAndGivesNan() throws IOException {
        Path file = withF16("q8_0", "blk.0.attn_q.weight", 0, 0, (short) 0xfc00);
        try (Gemma2Model m = Gemma2Model.load(file, ModelOptions.defaults().threads(1))) {
            assertThatThrownBy(() -> m.newSession().prefill(PROMPT))
                    .isInstanceOf(ModelFormatException.class).hasMessageContaining("'blk.0.attn_q.weight' (Q8_0)");
        }
        try (Gemma2Model m = Gemma2Model.load(file, ModelOptions.defaults().threads(1).verifyWeights(WeightVerification.OFF))) {
            assertThat(m.config().numLayers()).isEqualTo(4);
            assertThat(m.newSession().prefill(PROMPT)).contains(Float.NaN);
        }
    }

    @Test
    void checkingOnFirstUseGivesTheSameLogitsAsNoCheck() {
        for (String variant : new String[] {"q8_0", "q4_0", "bf16", "q4_k_m"}) {
            float[][] off = run(calm(variant), WeightVerification.OFF);
            float[][] firstUse = run(calm(variant), WeightVerification.ON_FIRST_USE);
            float[][] eager = run(calm(variant), WeightVerification.EAGER);
            for (int i = 0; i < off.length; i++) {
                assertThat(firstUse[i]).as(variant + " row " + i).isEqualTo(off[i]);
                assertThat(eager[i]).as(variant + " row " + i).isEqualTo(off[i]);
            }
        }
    }

    /** A prefill (first use in a batched product), a decode step, and the same again in a second session. */
    private static float[][] run(Path file, WeightVerification mode) {
        try (Gemma2Model m = Gemma2Model.load(file, ModelOptions.defaults().threads(2).verifyWeights(mode))) {
            Session a = m.newSession();
            float[] p = a.prefill(PROMPT);
            float[] d = a.decode(Session.argmax(p));
            Session b = m.newSession();
            float[] d2 = b.decode(2);
            return new float[][] {p, d, d2};
        }
    }
}
