package dev.jgemma.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every weight file of the {@code tiny} fixture, every prompt, through the public API: logits
 * within 5e-3 of Google's gemma_pytorch, identical argmax everywhere, identical greedy
 * continuations through the KV cache, and prefill-at-once equal to token-by-token decode.
 */
@Tag("numeric")
class ReferenceLogitsTest {
    static final float TOLERANCE = 5e-3f;

    @BeforeAll
    static void backendIsTheOneThisRunTests() {
        String expected = System.getProperty("jgemma.expect.backend");
        if (expected != null) {
            assertThat(Backend.best().name()).isEqualToIgnoringCase(expected);
        }
    }

    static Stream<Arguments> artifacts() {
        return artifactsOf("tiny");
    }

    @SuppressWarnings("unchecked")
    static Stream<Arguments> artifactsOf(String model) {
        Map<String, Object> manifest = Fixtures.manifest(model);
        Map<String, Object> sets = (Map<String, Object>) manifest.get("weight_sets");
        List<Arguments> out = new ArrayList<>();
        sets.forEach((set, artifacts) -> {
            for (Object a : (List<Object>) artifacts) {
                out.add(Arguments.of(model, set, a.toString()));
            }
        });
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {2} vs expected/{1}")
    @MethodSource("artifacts")
    void matchesReference(String model, String set, String artifact) {
        checkArtifact(model, set, artifact, ModelOptions.defaults().threads(2), TOLERANCE);
    }

    @SuppressWarnings("unchecked")
    static void checkArtifact(String model, String set, String artifact, ModelOptions options, float tolerance) {
        Path dir = Fixtures.model(model);
        Map<String, Object> manifest = Fixtures.manifest(model);
        int vocab = ((Number) ((Map<String, Object>) manifest.get("config")).get("vocab_size")).intValue();
        List<Map<String, Object>> files = (List<Map<String, Object>>) manifest.get("files");
        try (Gemma2Model m = Gemma2Model.load(dir.resolve(artifact), options)) {
            for (Object p : (List<Object>) manifest.get("prompts")) {
                Map<String, Object> prompt = (Map<String, Object>) p;
                String tag = (String) prompt.get("tag");
                int[] ids = Fixtures.ints(prompt.get("ids"));
                String what = artifact + " " + tag;

                // One-shot prefill, logits at every position.
                float[] expected = Fixtures.floats(dir.resolve("expected/" + set + "/" + tag + ".logits.f32"));
                float[] actual = new float[ids.length * vocab];
                Session s = m.newSession();
                s.prefill(ids, (pos, row) -> System.arraycopy(row, 0, actual, pos * vocab, vocab));
                assertClose(what + " prefill", actual, expected, vocab, tolerance);

                // Greedy continuation through the KV cache.
                Map<String, Object> greedy = files.stream()
                        .filter(f -> f.get("kind").equals("greedy-logits") && f.get("prompt").equals(tag)
                                && f.get("weight_set").equals(set))
                        .findFirst().orElseThrow();
                int[] expectedTokens = Fixtures.ints(greedy.get("greedy_tokens"));
                float[] expectedSteps = Fixtures.floats(dir.resolve((String) greedy.get("file")));
                Session g = m.newSession();
                float[] logits = g.prefill(ids);
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
                assertClose(what + " greedy steps", steps, expectedSteps, vocab, tolerance);

                // Token-by-token decode equals one-shot prefill.
                Session one = m.newSession();
                float[] byToken = new float[ids.length * vocab];
                for (int i = 0; i < ids.length; i++) {
                    System.arraycopy(one.decode(ids[i]), 0, byToken, i * vocab, vocab);
                }
                assertClose(what + " token-by-token vs prefill", byToken, actual, vocab, 1e-4f);
                assertThat(one.position()).isEqualTo(ids.length);
            }
        }
    }

    static void assertClose(String what, float[] actual, float[] expected, int vocab, float tolerance) {
        assertThat(actual.length).as(what + " length").isEqualTo(expected.length);
        float maxDiff = 0;
        int worst = 0;
        for (int i = 0; i < actual.length; i++) {
            float d = Math.abs(actual[i] - expected[i]);
            if (!(d <= maxDiff)) {
                maxDiff = d;
                worst = i;
            }
        }
        assertThat(maxDiff).as(what + ": max |diff| (worst at row " + worst / vocab + ", id " + worst % vocab + ")")
                .isLessThanOrEqualTo(tolerance);
        for (int r = 0; r < actual.length / vocab; r++) {
            assertThat(argmax(actual, r * vocab, vocab)).as(what + " argmax of row " + r)
                    .isEqualTo(argmax(expected, r * vocab, vocab));
        }
    }

    static int argmax(float[] v, int off, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (v[off + i] > v[off + best]) {
                best = i;
            }
        }
        return best;
    }

    @Test
    void windowOverridesMatchReference() {
        Path dir = Fixtures.model("tiny");
        Map<String, Object> manifest = Fixtures.manifest("tiny");
        int[] ids = null;
        for (Object p : (List<?>) manifest.get("prompts")) {
            if (((Map<?, ?>) p).get("tag").equals("p3-len64")) {
                ids = Fixtures.ints(((Map<?, ?>) p).get("ids"));
            }
        }
        for (String artifact : List.of("hf-f32", "gguf/model-f32.gguf")) {
            for (String override : List.of("4", "16", "off")) {
                SlidingWindow window = override.equals("off") ? SlidingWindow.disabled() : SlidingWindow.of(Integer.parseInt(override));
                Path expectedFile = dir.resolve("expected/f32/window-" + override + "/p3-len64.logits.f32");
                float[] expected = Fixtures.floats(expectedFile);
                try (Gemma2Model m = Gemma2Model.load(dir.resolve(artifact), ModelOptions.defaults().threads(2).slidingWindow(window))) {
                    float[] actual = new float[expected.length];
                    int vocab = m.config().vocabSize();
                    m.newSession().prefill(ids, (pos, row) -> System.arraycopy(row, 0, actual, pos * vocab, vocab));
                    assertClose(artifact + " window " + override, actual, expected, vocab, TOLERANCE);
                    // Token by token with a small prefill batch: the ring buffers must agree.
                    Session s = m.newSession();
                    float[] last = null;
                    for (int id : ids) {
                        last = s.decode(id);
                    }
                    float[] lastExpected = java.util.Arrays.copyOfRange(expected, expected.length - vocab, expected.length);
                    assertClose(artifact + " window " + override + " decode", last, lastExpected, vocab, TOLERANCE);
                }
            }
        }
    }
}
