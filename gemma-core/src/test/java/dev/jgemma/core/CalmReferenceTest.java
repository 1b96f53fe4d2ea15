package dev.jgemma.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every weight file of the {@code calm} fixture (HF f32/bf16 and GGUF f32, f16, bf16, q8_0,
 * q4_0, q4_1, q5_0, q5_1, q4_k, q5_k, q6_k and the mixed Q4_K_M) through the public API with
 * default settings (f32 activations, f32 KV cache): logits at every position of every prompt
 * within 5e-3 of Google's gemma_pytorch run on the exactly dequantized weights, identical argmax
 * everywhere, and identical greedy continuations (tokens and logits) through the KV cache.
 * (Token-by-token decode against prefill, a property of the forward pass rather than of the
 * weight formats, is covered on {@code tiny} by {@link ReferenceLogitsTest}.)
 */
@Tag("numeric")
class CalmReferenceTest {

    static Stream<Arguments> artifacts() {
        return ReferenceLogitsTest.artifactsOf("calm");
    }

    @ParameterizedTest(name = "{2} vs expected/{1}")
    @MethodSource("artifacts")
    @SuppressWarnings("unchecked")
    void matchesReference(String model, String set, String artifact) {
        Path dir = Fixtures.model(model);
        Map<String, Object> manifest = Fixtures.manifest(model);
        int vocab = ((Number) ((Map<String, Object>) manifest.get("config")).get("vocab_size")).intValue();
        List<Map<String, Object>> files = (List<Map<String, Object>>) manifest.get("files");
        try (Gemma2Model m = Gemma2Model.load(dir.resolve(artifact), ModelOptions.defaults().threads(2))) {
            for (Object p : (List<Object>) manifest.get("prompts")) {
                String tag = (String) ((Map<String, Object>) p).get("tag");
                int[] ids = Fixtures.ints(((Map<String, Object>) p).get("ids"));
                String what = artifact + " " + tag;

                float[] expected = Fixtures.floats(dir.resolve("expected/" + set + "/" + tag + ".logits.f32"));
                float[] actual = new float[ids.length * vocab];
                Session g = m.newSession();
                g.prefill(ids, (pos, row) -> System.arraycopy(row, 0, actual, pos * vocab, vocab));
                ReferenceLogitsTest.assertClose(what + " prefill", actual, expected, vocab, ReferenceLogitsTest.TOLERANCE);

                Map<String, Object> greedy = files.stream()
                        .filter(f -> f.get("kind").equals("greedy-logits") && f.get("prompt").equals(tag) && f.get("weight_set").equals(set))
                        .findFirst().orElseThrow();
                int[] expectedTokens = Fixtures.ints(greedy.get("greedy_tokens"));
                float[] expectedSteps = Fixtures.floats(dir.resolve((String) greedy.get("file")));
                // The same session continues greedily: row 0 is the prompt's last position.
                float[] logits = Arrays.copyOfRange(actual, actual.length - vocab, actual.length);
                float[] steps = new float[expectedTokens.length * vocab];
                int[] tokens = new int[expectedTokens.length];
                for (int i = 0; i < tokens.length; i++) {
                    System.arraycopy(logits, 0, steps, i * vocab, vocab);
                    tokens[i] = Session.argmax(logits);
                    if (i + 1 < tokens.length) {
                        logits = g.decode(tokens[i]);
                    }
                }
                assertThat(tokens).as(what + " greedy tokens").containsExactly(expectedTokens);
                ReferenceLogitsTest.assertClose(what + " greedy steps", steps, expectedSteps, vocab, ReferenceLogitsTest.TOLERANCE);
            }
        }
    }
}
