package dev.jgemma.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jgemma.core.format.GgufFile;
import dev.jgemma.core.model.TensorNames;
import dev.jgemma.core.model.TensorRole;
import dev.jgemma.core.tensor.Tensor;
import dev.jgemma.core.tensor.TensorType;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Quantize-on-load against llama-quantize: loading the calm fixture's HF f32 checkpoint with
 * {@link ModelOptions#quantizeTo} must hold exactly the tensors llama-quantize wrote into the
 * fixture's GGUF of that scheme (same per-tensor types, same bytes), and therefore give exactly
 * that GGUF's logits, which match gemma_pytorch's expected logits for it.
 */
class QuantizeOnLoadTest {

    @ParameterizedTest(name = "hf-f32 as {0} = gguf/model-{1}.gguf")
    @CsvSource({"Q8_0, q8_0", "Q4_0, q4_0", "Q4_K, q4_k", "Q6_K, q6_k", "Q4_K_M, q4_k_m"})
    void holdsTheTensorsLlamaQuantizeWrites(Quantization scheme, String variant) {
        Path dir = Fixtures.model("calm");
        assertSameMatrices(dir.resolve("hf-f32"), scheme, dir.resolve("gguf/model-" + variant + ".gguf"));
    }

    @Test
    void sameOnAnotherShapeOneKvHeadAndTheRealVocabulary() {
        // vocab256k: hidden 32 (not a multiple of 256), one KV head, 256000 x 32 embedding, BF16 source.
        Path dir = Fixtures.model("vocab256k");
        assertSameMatrices(dir.resolve("hf-bf16"), Quantization.Q8_0, dir.resolve("gguf/model-q8_0.gguf"));
    }

    private static void assertSameMatrices(Path hf, Quantization scheme, Path reference) {
        try (Gemma2Model m = Gemma2Model.load(hf, ModelOptions.defaults().threads(2).quantizeTo(scheme));
             GgufFile expected = GgufFile.open(reference)) {
            int matrices = 0;
            for (Tensor ours : m.tensors().tensors()) {
                TensorRole.Match match = TensorRole.of(ours.name(), TensorNames.HF).orElseThrow();
                if (match.role().isNorm()) {
                    assertThat(ours.type()).as(ours.name()).isIn(TensorType.F32, TensorType.BF16);
                    continue;
                }
                Tensor theirs = expected.get(match.nameIn(TensorNames.GGUF));
                assertThat(ours.type()).as(ours.name()).isEqualTo(theirs.type());
                assertThat(ours.shape()).as(ours.name()).isEqualTo(theirs.shape());
                assertThat(ours.data().mismatch(theirs.data())).as(ours.name() + " first differing byte").isEqualTo(-1L);
                matrices++;
            }
            assertThat(matrices).isEqualTo(1 + 7 * m.config().numLayers());
        }
    }

    @Test
    void q4_0OnLoadMatchesTheReferenceLogitsOfTheQ4_0File() {
        ReferenceLogitsTest.checkArtifact("calm", "q4_0", "hf-f32",
                ModelOptions.defaults().threads(2).quantizeTo(Quantization.Q4_0), ReferenceLogitsTest.TOLERANCE);
    }

    @Test
    void logitsAreExactlyThoseOfTheLlamaQuantizeFile() {
        Path dir = Fixtures.model("calm");
        int[] ids = null;
        for (Object p : (List<?>) Fixtures.manifest("calm").get("prompts")) {
            if (((Map<?, ?>) p).get("tag").equals("p2-len40")) {
                ids = Fixtures.ints(((Map<?, ?>) p).get("ids"));
            }
        }
        // The scalar backend: the Vector API's lane reductions may round differently before and after
        // JIT compilation, so only scalar runs are bit-reproducible from one load to the next.
        ModelOptions options = ModelOptions.defaults().threads(2).backend(Backend.SCALAR);
        for (Quantization scheme : List.of(Quantization.Q8_0, Quantization.Q4_0)) {
            float[] onLoad;
            float[] fromFile;
            try (Gemma2Model m = Gemma2Model.load(dir.resolve("hf-f32"), options.quantizeTo(scheme))) {
                onLoad = m.newSession().prefill(ids);
            }
            try (Gemma2Model m = Gemma2Model.load(dir.resolve("gguf/model-" + scheme.id() + ".gguf"), options)) {
                fromFile = m.newSession().prefill(ids);
            }
            assertThat(onLoad).as(scheme + " last-position logits, bit for bit").containsExactly(fromFile);
        }
    }
}
