package dev.jgemma.core.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jgemma.core.Fixtures;
import dev.jgemma.core.Gemma2Model;
import dev.jgemma.core.ModelOptions;
import dev.jgemma.core.SlidingWindow;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Perplexity and KL divergence against figures computed here from the reference logits
 * (gemma_pytorch's), not from our own forward pass.
 */
@Tag("numeric")
class EvalReferenceTest {
    private static final double RELATIVE = 1e-4;

    static int[] prompt(String model, String tag) {
        for (Object p : (List<?>) Fixtures.manifest(model).get("prompts")) {
            if (((Map<?, ?>) p).get("tag").equals(tag)) {
                return Fixtures.ints(((Map<?, ?>) p).get("ids"));
            }
        }
        throw new AssertionError(tag);
    }

    /** Mean NLL of ids[from+1 ..] under reference rows from .. n-2. */
    static double referenceNll(float[] logits, int vocab, int[] ids, int from) {
        double sum = 0;
        int n = 0;
        for (int row = from; row < ids.length - 1; row++) {
            float[] r = Arrays.copyOfRange(logits, row * vocab, (row + 1) * vocab);
            sum += LogProbs.nll(r, ids[row + 1]);
            n++;
        }
        return sum / n;
    }

    @Test
    void perplexityMatchesTheReferenceForEveryWindow() {
        Path tiny = Fixtures.model("tiny");
        int[] ids = prompt("tiny", "p3-len64");
        int[] text = Arrays.copyOfRange(ids, 1, ids.length);
        record Case(SlidingWindow window, String file) { }
        for (Case c : List.of(new Case(SlidingWindow.checkpoint(), "expected/f32/p3-len64.logits.f32"),
                new Case(SlidingWindow.of(4), "expected/f32/window-4/p3-len64.logits.f32"),
                new Case(SlidingWindow.of(16), "expected/f32/window-16/p3-len64.logits.f32"),
                new Case(SlidingWindow.disabled(), "expected/f32/window-off/p3-len64.logits.f32"))) {
            float[] ref = Fixtures.floats(tiny.resolve(c.file()));
            double expectedNll = referenceNll(ref, 512, ids, 0);
            try (Gemma2Model m = Gemma2Model.load(tiny.resolve("hf-f32"), ModelOptions.defaults().threads(2).slidingWindow(c.window()))) {
                PerplexityResult r = Perplexity.evaluate(m, text, EvalOptions.strided(64, 2), ProgressListener.NONE);
                assertThat(r.tokens()).isEqualTo(63);
                assertThat(r.perplexity()).as("window " + c.window())
                        .isCloseTo(Math.exp(expectedNll), within(Math.exp(expectedNll) * RELATIVE));
                assertThat(r.meanNll()).isCloseTo(expectedNll, within(Math.abs(expectedNll) * RELATIVE));

                // llama.cpp's method on one 64-token chunk scores its second half (tokens 33..63).
                PerplexityResult half = Perplexity.evaluate(m, ids, EvalOptions.llamaCpp(64, 2), ProgressListener.NONE);
                double expectedHalf = referenceNll(ref, 512, ids, 32);
                assertThat(half.tokens()).isEqualTo(31);
                assertThat(half.meanNll()).isCloseTo(expectedHalf, within(Math.abs(expectedHalf) * RELATIVE));
            }
        }
    }

    @Test
    void klDivergenceMatchesTheReference() {
        Path tiny = Fixtures.model("tiny");
        for (String prompt : List.of("p2-len25", "p3-len64")) {
            int[] ids = prompt("tiny", prompt);
            int[] text = Arrays.copyOfRange(ids, 1, ids.length);
            float[] f32 = Fixtures.floats(tiny.resolve("expected/f32/" + prompt + ".logits.f32"));
            for (String quant : List.of("q8_0", "q4_0")) {
                float[] q = Fixtures.floats(tiny.resolve("expected/" + quant + "/" + prompt + ".logits.f32"));
                double sum = 0;
                int agree = 0;
                for (int row = 0; row < ids.length - 1; row++) {
                    float[] a = Arrays.copyOfRange(f32, row * 512, (row + 1) * 512);
                    float[] b = Arrays.copyOfRange(q, row * 512, (row + 1) * 512);
                    sum += LogProbs.kl(a, b);
                    agree += LogProbs.argmax(a) == LogProbs.argmax(b) ? 1 : 0;
                }
                double expected = sum / (ids.length - 1);
                try (Gemma2Model base = Gemma2Model.load(tiny.resolve("gguf/model-f32.gguf"), ModelOptions.defaults().threads(2));
                     Gemma2Model test = Gemma2Model.load(tiny.resolve("gguf/model-" + quant + ".gguf"), ModelOptions.defaults().threads(2))) {
                    KlDivergenceResult r = KlDivergence.evaluate(base, test, text, EvalOptions.strided(ids.length, 2), ProgressListener.NONE);
                    assertThat(r.tokens()).isEqualTo(ids.length - 1);
                    assertThat(r.meanKl()).as(prompt + " " + quant).isCloseTo(expected, within(expected * RELATIVE));
                    assertThat(r.top1Agreement()).isEqualTo((double) agree / (ids.length - 1));
                    assertThat(r.maxKl()).isGreaterThanOrEqualTo(r.p99Kl()).isGreaterThanOrEqualTo(r.medianKl());
                    assertThat(r.base().meanNll()).isCloseTo(referenceNll(f32, 512, ids, 0), within(1e-3));
                    assertThat(r.test().meanNll()).isCloseTo(referenceNll(q, 512, ids, 0), within(1e-3));
                }
            }
        }
    }

    @Test
    void calmF32AgainstQ4_0MatchesTheReferenceSets() {
        Path calm = Fixtures.model("calm");
        for (String prompt : List.of("p2-len40", "p3-len100")) {
            int[] ids = prompt("calm", prompt);
            int[] text = Arrays.copyOfRange(ids, 1, ids.length);
            float[] f32 = Fixtures.floats(calm.resolve("expected/f32/" + prompt + ".logits.f32"));
            float[] q4 = Fixtures.floats(calm.resolve("expected/q4_0/" + prompt + ".logits.f32"));
            double sum = 0;
            int agree = 0;
            for (int row = 0; row < ids.length - 1; row++) {
                float[] a = Arrays.copyOfRange(f32, row * 1024, (row + 1) * 1024);
                float[] b = Arrays.copyOfRange(q4, row * 1024, (row + 1) * 1024);
                sum += LogProbs.kl(a, b);
                agree += LogProbs.argmax(a) == LogProbs.argmax(b) ? 1 : 0;
            }
            double expected = sum / (ids.length - 1);
            try (Gemma2Model base = Gemma2Model.load(calm.resolve("gguf/model-f32.gguf"), ModelOptions.defaults().threads(2));
                 Gemma2Model test = Gemma2Model.load(calm.resolve("gguf/model-q4_0.gguf"), ModelOptions.defaults().threads(2))) {
                KlDivergenceResult r = KlDivergence.evaluate(base, test, text, EvalOptions.strided(ids.length, 2), ProgressListener.NONE);
                assertThat(r.meanKl()).as(prompt).isCloseTo(expected, within(expected * RELATIVE));
                assertThat(r.top1Agreement()).isEqualTo((double) agree / (ids.length - 1));
                assertThat(r.test().meanNll()).isCloseTo(referenceNll(q4, 1024, ids, 0), within(Math.abs(referenceNll(q4, 1024, ids, 0)) * RELATIVE));
            }
        }
    }

    @Test
    void klOfAModelWithItselfIsZero() {
        Path f32 = Fixtures.model("tiny").resolve("gguf/model-q4_0.gguf");
        int[] ids = prompt("tiny", "p3-len64");
        try (Gemma2Model m = Gemma2Model.load(f32, ModelOptions.defaults().threads(2))) {
            KlDivergenceResult r = KlDivergence.evaluate(m, m, Arrays.copyOfRange(ids, 1, ids.length), EvalOptions.strided(32, 2),
                    ProgressListener.NONE);
            assertThat(r.meanKl()).isZero();
            assertThat(r.maxKl()).isZero();
            assertThat(r.top1Agreement()).isEqualTo(1.0);
            assertThat(r.base().perplexity()).isEqualTo(r.test().perplexity());
        }
    }

    @Test
    void badInput() {
        Path tiny = Fixtures.model("tiny");
        try (Gemma2Model m = Gemma2Model.load(tiny.resolve("hf-f32"), ModelOptions.defaults().threads(1));
             Gemma2Model other = Gemma2Model.load(Fixtures.model("vocab256k").resolve("gguf/model-q8_0.gguf"),
                     ModelOptions.defaults().threads(1))) {
            assertThatThrownBy(() -> Perplexity.evaluate(m, new int[0], EvalOptions.strided(16, 2), ProgressListener.NONE))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0 tokens");
            assertThatThrownBy(() -> Perplexity.evaluate(m, new int[10], EvalOptions.llamaCpp(16, 2), ProgressListener.NONE))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fewer than one chunk");
            assertThatThrownBy(() -> Perplexity.evaluate(m, new int[10], EvalOptions.strided(100_000, 2), ProgressListener.NONE))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exceeds");
            assertThatThrownBy(() -> KlDivergence.evaluate(m, other, new int[] {5, 6, 7}, EvalOptions.strided(16, 2), ProgressListener.NONE))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("vocabularies differ");
            assertThatThrownBy(() -> EvalOptions.strided(1, 2)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
