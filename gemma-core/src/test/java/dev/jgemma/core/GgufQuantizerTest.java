package dev.jgemma.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jgemma.core.format.GgufFile;
import dev.jgemma.core.model.TensorNames;
import dev.jgemma.core.tensor.Tensor;
import dev.jgemma.core.tensor.TensorType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link GgufQuantizer} against llama-quantize's own outputs (the calm and tiny fixtures' quantized
 * GGUFs were written by the stock llama-quantize from their model-f32.gguf), and on shapes no
 * fixture has.
 */
class GgufQuantizerTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "calm model-f32.gguf as {0} = model-{1}.gguf, byte for byte")
    @CsvSource({"Q8_0, q8_0", "Q4_0, q4_0", "Q4_K, q4_k", "Q6_K, q6_k", "Q4_K_M, q4_k_m"})
    void fromTheF32GgufTheWholeFileIsLlamaQuantizes(Quantization scheme, String variant) throws IOException {
        Path gguf = Fixtures.model("calm").resolve("gguf");
        Path out = dir.resolve("out.gguf");
        GgufQuantizer.Result r = GgufQuantizer.to(scheme).threads(2).quantize(gguf.resolve("model-f32.gguf"), out);
        assertThat(r.file()).isEqualTo(out.toAbsolutePath());
        assertThat(r.tensorCount()).isEqualTo(46);
        assertThat(Files.mismatch(out, gguf.resolve("model-" + variant + ".gguf"))).as("first differing byte").isEqualTo(-1L);
    }

    @Test
    void tinyWithRowsBelow256FallsBackAsLlamaQuantizeDoes() {
        // hidden 64: Q4_0's tied embedding would be Q6_K, which needs rows of 256, so it becomes Q8_0.
        Path gguf = Fixtures.model("tiny").resolve("gguf");
        for (String variant : List.of("q8_0", "q4_0")) {
            Path out = dir.resolve(variant + ".gguf");
            GgufQuantizer.to(Quantization.parse(variant)).threads(2).quantize(gguf.resolve("model-f32.gguf"), out);
            assertSameTensors(out, gguf.resolve("model-" + variant + ".gguf"));
        }
    }

    @Test
    void fromTheHfCheckpointTheTensorsAreLlamaQuantizesAndTheLogitsTheReference() {
        Path calm = Fixtures.model("calm");
        Path out = dir.resolve("calm-q4_0.gguf");
        GgufQuantizer.to(Quantization.Q4_0).threads(2).quantize(calm.resolve("hf-f32"), out);
        assertSameTensors(out, calm.resolve("gguf/model-q4_0.gguf"));
        try (GgufFile g = GgufFile.open(out)) {
            assertThat(g.string("tokenizer.ggml.model")).contains("none");
            assertThat(g.integer("gemma2.vocab_size")).contains(1024L);
            assertThat(g.integer("general.file_type")).contains(2L);
            assertThat(g.value("gemma2.attention.scale")).as("query_pre_attn_scalar = head_dim needs no key").isEmpty();
        }
        ReferenceLogitsTest.checkArtifact("calm", "q4_0", out.toString(), ModelOptions.defaults().threads(2),
                ReferenceLogitsTest.TOLERANCE);
    }

    @Test
    void fromABf16CheckpointWithOneKvHeadAndTheRealVocabulary() {
        Path v = Fixtures.model("vocab256k");
        Path out = dir.resolve("v-q8_0.gguf");
        GgufQuantizer.to(Quantization.Q8_0).threads(2).quantize(v.resolve("hf-bf16"), out);
        try (GgufFile ours = GgufFile.open(out); GgufFile theirs = GgufFile.open(v.resolve("gguf/model-q8_0.gguf"))) {
            for (Tensor t : theirs.tensors()) {
                if (t.type() == TensorType.Q8_0) {
                    Tensor o = ours.get(t.name());
                    assertThat(o.type()).as(t.name()).isEqualTo(TensorType.Q8_0);
                    assertThat(o.data().mismatch(t.data())).as(t.name()).isEqualTo(-1L);
                }
            }
            assertThat(ours.tensors()).extracting(Tensor::name).containsExactlyElementsOf(
                    theirs.tensors().stream().map(Tensor::name).toList());
        }
    }

    private static void assertSameTensors(Path ours, Path theirs) {
        try (GgufFile a = GgufFile.open(ours); GgufFile b = GgufFile.open(theirs)) {
            assertThat(a.tensors()).extracting(Tensor::name).containsExactlyElementsOf(b.tensors().stream().map(Tensor::name).toList());
            for (Tensor t : b.tensors()) {
                Tensor o = a.get(t.name());
                assertThat(o.type()).as(t.name()).isEqualTo(t.type());
                assertThat(o.shape()).as(t.name()).isEqualTo(t.shape());
                assertThat(o.data().mismatch(t.data())).as(t.name() + " first differing byte").isEqualTo(-1L);
            }
        }
    }

    // --- Shapes no fixture has: the per-tensor choices follow llama.cpp's rules, worked out by hand.

    /** 3 layers, hidden 288, 3 heads x 64 = 192 != hidden, one KV head, ffn 320, explicit attention scale. */
    static final SyntheticGemma ODD = new SyntheticGemma(96, 288, 3, 3, 1, 64, 320, 0.11f);
    /** 5 layers, hidden 256 (K-quants fit), 4 heads x 96 = 384 (they do not), 2 KV heads, ffn 512. */
    static final SyntheticGemma FIVE = new SyntheticGemma(64, 256, 5, 4, 2, 96, 512, Float.NaN);

    @ParameterizedTest
    @EnumSource(Quantization.class)
    void unseenShapesGetLlamaCppsTypesAndLoadBackExactlyAsOnLoad(Quantization scheme) {
        for (SyntheticGemma shape : List.of(ODD, FIVE)) {
            Path f32 = shape.write(dir.resolve("f32-" + shape.layers() + ".gguf"), 7, null);
            Path out = dir.resolve(scheme.id() + "-" + shape.layers() + ".gguf");
            GgufQuantizer.to(scheme).threads(2).quantize(f32, out);
            Map<String, TensorType> expected = expectedTypes(shape, scheme);
            try (GgufFile g = GgufFile.open(out)) {
                for (Tensor t : g.tensors()) {
                    assertThat(t.type()).as(shape.layers() + " layers, " + scheme + ": " + t.name())
                            .isEqualTo(expected.getOrDefault(t.name(), TensorType.F32));
                }
                if (!Float.isNaN(shape.attentionScale())) {
                    assertThat(g.number("gemma2.attention.scale")).contains((double) shape.attentionScale());
                }
            }
            int[] ids = {2, 5, 17, 3, 60, 11, 9, 40, 1, 33};
            // Scalar backend: bit-reproducible across loads (Vector API reductions may round differently once JIT-compiled).
            ModelOptions options = ModelOptions.defaults().threads(2).backend(Backend.SCALAR);
            try (Gemma2Model written = Gemma2Model.load(out, options);
                 Gemma2Model onLoad = Gemma2Model.load(f32, options.quantizeTo(scheme))) {
                assertThat(written.config().queryScale()).isEqualTo(Float.isNaN(shape.attentionScale())
                        ? (float) (1 / Math.sqrt(shape.headDim())) : shape.attentionScale());
                for (Tensor t : onLoad.tensors().tensors()) {
                    Tensor w = written.tensors().get(t.name());
                    assertThat(w.type()).as(t.name()).isEqualTo(t.type());
                    assertThat(w.data().mismatch(t.data())).as(t.name()).isEqualTo(-1L);
                }
                assertThat(written.newSession().prefill(ids)).containsExactly(onLoad.newSession().prefill(ids));
            }
        }
    }

    /** llama_tensor_get_type's decisions for these shapes, derived by hand from its rules. */
    private static Map<String, TensorType> expectedTypes(SyntheticGemma s, Quantization q) {
        Map<String, TensorType> types = new HashMap<>();
        TensorNames n = TensorNames.GGUF;
        boolean ks = s.hidden() % 256 == 0;         // rows of q, k, v, gate, up and the embedding
        boolean outK = s.heads() * s.headDim() % 256 == 0;
        boolean downK = s.ffn() % 256 == 0;
        TensorType embedding = switch (q) {
            case Q8_0 -> TensorType.Q8_0;
            case Q4_0, Q6_K, Q4_K_M -> ks ? TensorType.Q6_K : TensorType.Q8_0;
            case Q4_K -> ks ? TensorType.Q4_K : TensorType.Q5_0;
        };
        types.put(n.embedding(), embedding);
        List<Integer> moreBits = new ArrayList<>();
        for (int i = 0; i < s.layers(); i++) {
            int l = s.layers();
            if (i < l / 8 || i >= 7 * l / 8 || (i - l / 8) % 3 == 2) {
                moreBits.add(i);
            }
        }
        for (int i = 0; i < s.layers(); i++) {
            for (String p : List.of(n.query(), n.key(), n.value(), n.gate(), n.up(), n.attnOutput(), n.down())) {
                boolean fits = p.equals(n.attnOutput()) ? outK : p.equals(n.down()) ? downK : ks;
                boolean six = q == Quantization.Q6_K
                        || q == Quantization.Q4_K_M && (p.equals(n.value()) || p.equals(n.down())) && moreBits.contains(i);
                TensorType t = switch (q) {
                    case Q8_0 -> TensorType.Q8_0;
                    case Q4_0 -> TensorType.Q4_0;
                    case Q4_K, Q6_K, Q4_K_M -> six ? (fits ? TensorType.Q6_K : TensorType.Q8_0) : (fits ? TensorType.Q4_K : TensorType.Q5_0);
                };
                types.put(TensorNames.layer(p, i), t);
            }
        }
        return types;
    }

    // --- Bad input.

    @Test
    void aNanWeightIsReportedAndNoFileIsLeft() throws IOException {
        Path f32 = ODD.write(dir.resolve("nan.gguf"), 3, "blk.1.ffn_up.weight");
        Path out = dir.resolve("never.gguf");
        assertThatThrownBy(() -> GgufQuantizer.to(Quantization.Q4_0).threads(2).quantize(f32, out))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("tensor 'blk.1.ffn_up.weight' holds NaN at row 160, column 0");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("nan.gguf");
        }
    }

    @Test
    void requantizingIsRefusedLikeLlamaQuantizeDoes() {
        Path q8 = Fixtures.model("calm").resolve("gguf/model-q8_0.gguf");
        assertThatThrownBy(() -> GgufQuantizer.to(Quantization.Q4_0).threads(1).quantize(q8, dir.resolve("x.gguf")))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("tensor 'token_embd.weight' is already Q8_0; requantizing to Q6_K is not supported");
    }

    @Test
    void sameTypeIsCopiedUnchanged() throws IOException {
        Path q8 = Fixtures.model("calm").resolve("gguf/model-q8_0.gguf");
        Path out = dir.resolve("copy.gguf");
        GgufQuantizer.to(Quantization.Q8_0).threads(1).quantize(q8, out);
        assertThat(Files.mismatch(out, q8)).isEqualTo(-1L);
    }

    @Test
    void rowsNoTypeOfTheSchemeFitsAreNamed() {
        Path f32 = new SyntheticGemma(64, 48, 1, 1, 1, 32, 64, Float.NaN).write(dir.resolve("h48.gguf"), 1, null);
        assertThatThrownBy(() -> GgufQuantizer.to(Quantization.Q4_0).threads(1).quantize(f32, dir.resolve("y.gguf")))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("has rows of 48 elements, which Q8_0 (block size 32) cannot store");
    }
}
