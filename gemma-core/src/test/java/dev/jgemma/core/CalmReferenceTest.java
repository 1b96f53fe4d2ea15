package dev.jgemma.core;

import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every weight file of the {@code calm} fixture (HF f32/bf16 and GGUF f32, f16, bf16, q8_0,
 * q4_0, q4_1, q5_0, q5_1, q4_k, q5_k, q6_k and the mixed Q4_K_M) through the public API with
 * default settings (f32 activations, f32 KV cache): logits at every position within 5e-3 of
 * Google's gemma_pytorch run on the exactly dequantized weights, identical argmax everywhere,
 * identical greedy continuations through the KV cache, and prefill equal to token-by-token decode.
 */
@Tag("numeric")
class CalmReferenceTest {

    static Stream<Arguments> artifacts() {
        return ReferenceLogitsTest.artifactsOf("calm");
    }

    @ParameterizedTest(name = "{0} {2} vs expected/{1}")
    @MethodSource("artifacts")
    void matchesReference(String model, String set, String artifact) {
        ReferenceLogitsTest.checkArtifact(model, set, artifact, ModelOptions.defaults().threads(2), ReferenceLogitsTest.TOLERANCE);
    }
}
