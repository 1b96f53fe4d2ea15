package dev.jgemma.core.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The sampler on fixed logits. The distributions are checked statistically (Pearson's
 * chi-square against the probabilities computed here from the definitions, at significance
 * 0.001) with fixed seeds, so every run draws the same tokens and the tests are deterministic.
 */
class SamplerTest {
    static final int DRAWS = 40_000;

    /** Chi-square critical values at significance 0.001 by degrees of freedom. */
    static final double[] CHI2_999 = {0, 10.828, 13.816, 16.266, 18.467, 20.515, 22.458, 24.322};

    static float[] logitsOf(double... probabilities) {
        float[] l = new float[probabilities.length];
        for (int i = 0; i < l.length; i++) {
            l[i] = (float) Math.log(probabilities[i]);
        }
        return l;
    }

    static double[] softmax(float[] logits, double temperature) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l / temperature);
        }
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.exp(logits[i] / temperature - max);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    static int[] histogram(Sampler s, float[] logits, int draws) {
        int[] counts = new int[logits.length];
        for (int i = 0; i < draws; i++) {
            counts[s.sample(logits)]++;
        }
        return counts;
    }

    /** Asserts that tokens with zero expected probability never appear and the rest fit. */
    static void assertFits(int[] counts, double[] expected) {
        int draws = Arrays.stream(counts).sum();
        double chi2 = 0;
        int categories = 0;
        for (int i = 0; i < counts.length; i++) {
            if (expected[i] == 0) {
                assertThat(counts[i]).as("draws of token %d, which must never be drawn", i).isZero();
                continue;
            }
            double e = expected[i] * draws;
            chi2 += (counts[i] - e) * (counts[i] - e) / e;
            categories++;
        }
        assertThat(chi2).as("chi-square of %s against %s", Arrays.toString(counts), Arrays.toString(expected))
                .isLessThan(CHI2_999[categories - 1]);
    }

    static double[] renormalised(double[] p, int... kept) {
        double[] out = new double[p.length];
        double sum = 0;
        for (int k : kept) {
            sum += p[k];
        }
        for (int k : kept) {
            out[k] = p[k] / sum;
        }
        return out;
    }

    @Test
    void greedyTakesTheLargestLogitAndTheLowestIdOnTies() {
        Sampler s = new Sampler(SamplingParameters.greedy(), 1);
        assertThat(s.sample(new float[] {0.5f, 3f, -1f, 2f})).isEqualTo(1);
        assertThat(s.sample(new float[] {1f, 4f, 4f, 4f})).isEqualTo(1);
        assertThat(s.sample(new float[] {-7f, -3f, -5f})).isEqualTo(1);
    }

    @Test
    void samplingDoesNotModifyTheLogits() {
        float[] logits = {1f, 2f, 3f, 0.5f};
        float[] copy = logits.clone();
        Sampler s = new Sampler(SamplingParameters.greedy().temperature(0.5).topK(2).topP(0.9).minP(0.1)
                .repetitionPenalty(1.5).logitBias(Map.of(0, 1f)), 3);
        s.accept(2);
        s.sample(logits);
        assertThat(logits).containsExactly(copy);
    }

    @Test
    void temperatureOneDrawsFromTheSoftmax() {
        float[] logits = {2.0f, 1.0f, 0.5f, 0.0f, -1.0f};
        Sampler s = new Sampler(SamplingParameters.greedy().temperature(1.0), 11);
        assertFits(histogram(s, logits, DRAWS), softmax(logits, 1.0));
    }

    @Test
    void theChiSquareCheckHasThePowerToRejectANearbyDistribution() {
        float[] logits = {2.0f, 1.0f, 0.5f, 0.0f, -1.0f};
        int[] counts = histogram(new Sampler(SamplingParameters.greedy().temperature(1.0), 11), logits, DRAWS);
        assertThatThrownBy(() -> assertFits(counts, softmax(logits, 0.95))).isInstanceOf(AssertionError.class);
    }

    @Test
    void temperatureSharpensAndFlattens() {
        float[] logits = {2.0f, 1.0f, 0.5f, 0.0f, -1.0f};
        for (double t : new double[] {0.3, 0.7, 2.5}) {
            Sampler s = new Sampler(SamplingParameters.greedy().temperature(t), 12);
            assertFits(histogram(s, logits, DRAWS), softmax(logits, t));
        }
    }

    @Test
    void topKKeepsTheKMostLikelyRenormalised() {
        float[] logits = {0.1f, 2.0f, -0.5f, 1.5f, 1.0f, 0.0f};
        Sampler s = new Sampler(SamplingParameters.greedy().temperature(1.0).topK(3), 13);
        assertFits(histogram(s, logits, DRAWS), renormalised(softmax(logits, 1.0), 1, 3, 4));
    }

    @Test
    void topPKeepsTheSmallestNucleusReachingP() {
        // Cumulative: 0.5, 0.75, 0.90, 0.97, 1.0 -> p = 0.8 keeps the first three.
        float[] logits = logitsOf(0.25, 0.5, 0.03, 0.15, 0.07);
        Sampler s = new Sampler(SamplingParameters.greedy().temperature(1.0).topP(0.8), 14);
        assertFits(histogram(s, logits, DRAWS), renormalised(softmax(logits, 1.0), 1, 0, 3));
    }

    @Test
    void topPAppliesToTheTemperatureScaledDistribution() {
        // At T = 0.5 the probabilities become 0.25^2 : 0.5^2 : ... -> p = 0.8 keeps two tokens.
        float[] logits = logitsOf(0.25, 0.5, 0.03, 0.15, 0.07);
        double[] scaled = softmax(logits, 0.5);
        assertThat(scaled[1] + scaled[0]).isGreaterThan(0.8);
        assertThat(scaled[1]).isLessThan(0.8);
        Sampler s = new Sampler(SamplingParameters.greedy().temperature(0.5).topP(0.8), 15);
        assertFits(histogram(s, logits, DRAWS), renormalised(scaled, 1, 0));
    }

    @Test
    void minPKeepsTokensAtLeastMinPTimesTheBest() {
        // Threshold 0.15 * 0.5 = 0.075: keeps 0.5, 0.3, 0.1; drops 0.06 and 0.04.
        float[] logits = logitsOf(0.06, 0.5, 0.1, 0.3, 0.04);
        Sampler s = new Sampler(SamplingParameters.greedy().temperature(1.0).minP(0.15), 16);
        assertFits(histogram(s, logits, DRAWS), renormalised(softmax(logits, 1.0), 1, 3, 2));
    }

    @Test
    void stepsCombineInOrderTopKThenTopPThenMinP() {
        // topK 4 keeps {0.3, 0.25, 0.2, 0.15} (sum 0.9); top-p 0.7 of that needs 0.63: keeps
        // 0.3, 0.25, 0.2 (0.75); min-p 0.75 then needs 0.225: keeps 0.3, 0.25.
        float[] logits = logitsOf(0.3, 0.05, 0.25, 0.05, 0.2, 0.15);
        Sampler s = new Sampler(SamplingParameters.greedy().temperature(1.0).topK(4).topP(0.7).minP(0.75), 17);
        assertFits(histogram(s, logits, DRAWS), renormalised(softmax(logits, 1.0), 0, 2));
    }

    @Test
    void repetitionPenaltyDividesPositiveAndMultipliesNegativeLogits() {
        float[] logits = {2.0f, 1.0f, -1.0f, 0.5f};
        Sampler s = new Sampler(SamplingParameters.greedy().temperature(1.0).repetitionPenalty(2.0), 18);
        s.accept(0);
        s.accept(2);
        s.accept(0); // counted once
        assertFits(histogram(s, logits, DRAWS), softmax(new float[] {1.0f, 1.0f, -2.0f, 0.5f}, 1.0));
    }

    @Test
    void repetitionPenaltyLooksOnlyAtTheWindow() {
        Sampler s = new Sampler(SamplingParameters.greedy().repetitionPenalty(4.0).repetitionWindow(2), 1);
        s.accept(0);
        s.accept(1);
        s.accept(2); // token 0 has left the window
        assertThat(s.sample(new float[] {2.0f, 3.0f, 3.0f})).isEqualTo(0);
        s.accept(1);
        s.accept(2);
        assertThat(s.sample(new float[] {1.0f, 3.0f, 3.5f})).isEqualTo(0);
    }

    @Test
    void logitBiasShiftsAndBans() {
        Sampler greedy = new Sampler(SamplingParameters.greedy().logitBias(Map.of(2, 5f, 1, Float.NEGATIVE_INFINITY)), 1);
        assertThat(greedy.sample(new float[] {1f, 9f, 0f})).isEqualTo(2);
        float[] logits = {0f, 0f, 0f, 0f};
        Sampler s = new Sampler(SamplingParameters.greedy().temperature(1.0)
                .logitBias(Map.of(0, (float) Math.log(3), 3, Float.NEGATIVE_INFINITY)), 19);
        assertFits(histogram(s, logits, DRAWS), new double[] {0.6, 0.2, 0.2, 0});
    }

    @Test
    void theSameSeedDrawsTheSameTokensAndOtherSeedsDiffer() {
        float[] logits = new float[1000];
        Arrays.fill(logits, 1f);
        SamplingParameters p = SamplingParameters.greedy().temperature(1.0).topP(0.95);
        int[] a = IntStream.range(0, 200).map(i -> 0).toArray();
        Sampler s1 = new Sampler(p, 42);
        Sampler s2 = new Sampler(p, 42);
        Sampler s3 = new Sampler(p, 43);
        int[] b = a.clone();
        int[] c = a.clone();
        for (int i = 0; i < a.length; i++) {
            a[i] = s1.sample(logits);
            b[i] = s2.sample(logits);
            c[i] = s3.sample(logits);
        }
        assertThat(a).containsExactly(b);
        assertThat(a).isNotEqualTo(c);
    }

    @Test
    void nucleusOverAFullVocabularyEqualsTheDefinition() {
        SplittableRandom r = new SplittableRandom(5);
        int vocab = 256_000;
        float[] logits = new float[vocab];
        for (int i = 0; i < vocab; i++) {
            logits[i] = (float) (r.nextGaussian() * 2.0);
        }
        int[] order = descending(logits, 0.8);
        for (double p : new double[] {0.01, 0.5, 0.9, 0.999}) {
            Candidates c = new Candidates();
            c.load(logits, 0.8);
            TopP.apply(c, p);
            Set<Integer> actual = new HashSet<>();
            for (int i = 0; i < c.count(); i++) {
                actual.add(c.id(i));
            }
            assertThat(actual).as("nucleus at p = %s", p).isEqualTo(nucleusByFullSort(logits, order, 0.8, p));
        }
    }

    @Test
    void topKOverAFullVocabularyEqualsTheDefinition() {
        SplittableRandom r = new SplittableRandom(6);
        float[] logits = new float[256_000];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) Math.floor(r.nextGaussian() * 8.0); // many ties: the lower id wins
        }
        Integer[] order = IntStream.range(0, logits.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> -logits[i]).thenComparingInt(i -> i));
        for (int k : new int[] {1, 40, 1000}) {
            Candidates c = new Candidates();
            c.load(logits, 1.0);
            TopK.apply(c, k);
            List<Integer> ids = new ArrayList<>();
            for (int i = 0; i < c.count(); i++) {
                ids.add(c.id(i));
            }
            assertThat(ids).containsExactly(Arrays.copyOf(order, k));
        }
    }

    /** Token ids by decreasing scaled logit, lower id first on ties, by a plain full sort. */
    static int[] descending(float[] logits, double temperature) {
        float inverse = (float) (1.0 / temperature);
        return IntStream.range(0, logits.length).boxed()
                .sorted(Comparator.<Integer>comparingDouble(i -> -(logits[i] * inverse)).thenComparingInt(i -> i))
                .mapToInt(Integer::intValue).toArray();
    }

    /** The nucleus straight from its definition: accumulate in sorted order until p. */
    static Set<Integer> nucleusByFullSort(float[] logits, int[] order, double temperature, double p) {
        float inverse = (float) (1.0 / temperature);
        float max = logits[order[0]] * inverse;
        double total = 0;
        for (float l : logits) {
            total += Math.exp(l * inverse - max);
        }
        Set<Integer> out = new HashSet<>();
        double cumulative = 0;
        for (int id : order) {
            out.add(id);
            cumulative += Math.exp(logits[id] * inverse - max);
            if (cumulative >= p * total) {
                break;
            }
        }
        return out;
    }

    @Test
    void keysOrderByLogitThenLowerIdAndRoundTrip() {
        float[] values = {-1e30f, -3.5f, -0.0f, 0.0f, 1e-20f, 2.25f, 3e38f};
        Candidates c = new Candidates();
        c.load(values, 1.0);
        for (int i = 0; i < values.length; i++) {
            assertThat(c.id(i)).isEqualTo(i);
            assertThat(c.logit(i)).isEqualTo(values[i] + 0.0f);
        }
        assertThat(Candidates.key(1f, 3)).isGreaterThan(Candidates.key(1f, 4));
        assertThat(Candidates.key(-1f, 0)).isLessThan(Candidates.key(-0.5f, 9));
    }

    @Test
    void badParametersAreRejectedWithTheirName() {
        SamplingParameters g = SamplingParameters.greedy();
        assertThatThrownBy(() -> g.temperature(-0.1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("temperature");
        assertThatThrownBy(() -> g.temperature(Double.NaN)).hasMessageContaining("temperature");
        assertThatThrownBy(() -> g.temperature(101)).hasMessageContaining("temperature");
        assertThatThrownBy(() -> g.topK(-1)).hasMessageContaining("topK");
        assertThatThrownBy(() -> g.topP(0)).hasMessageContaining("topP");
        assertThatThrownBy(() -> g.topP(1.01)).hasMessageContaining("topP");
        assertThatThrownBy(() -> g.minP(1)).hasMessageContaining("minP");
        assertThatThrownBy(() -> g.minP(-0.01)).hasMessageContaining("minP");
        assertThatThrownBy(() -> g.repetitionPenalty(0)).hasMessageContaining("repetitionPenalty");
        assertThatThrownBy(() -> g.repetitionPenalty(Double.POSITIVE_INFINITY)).hasMessageContaining("repetitionPenalty");
        assertThatThrownBy(() -> g.repetitionWindow(0)).hasMessageContaining("repetitionWindow");
        assertThatThrownBy(() -> g.logitBias(null)).hasMessageContaining("logitBias");
        assertThatThrownBy(() -> g.logitBias(Map.of(-1, 1f))).hasMessageContaining("logitBias");
        assertThatThrownBy(() -> g.logitBias(Map.of(1, Float.NaN))).hasMessageContaining("logitBias");
        assertThatThrownBy(() -> g.logitBias(Map.of(1, Float.POSITIVE_INFINITY))).hasMessageContaining("logitBias");
        assertThatThrownBy(() -> new Sampler(null, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void badLogitsAreRejected() {
        Sampler s = new Sampler(SamplingParameters.greedy().temperature(1.0), 1);
        assertThatThrownBy(() -> s.sample(new float[] {0f, Float.NaN})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("token 1").hasMessageContaining("NaN");
        assertThatThrownBy(() -> s.sample(new float[0])).isInstanceOf(IllegalArgumentException.class);
        Sampler biased = new Sampler(SamplingParameters.greedy().logitBias(Map.of(7, 1f)), 1);
        assertThatThrownBy(() -> biased.sample(new float[3])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("token 7").hasMessageContaining("3 tokens");
        Sampler banAll = new Sampler(SamplingParameters.greedy().temperature(1.0)
                .logitBias(Map.of(0, Float.NEGATIVE_INFINITY, 1, Float.NEGATIVE_INFINITY)), 1);
        assertThatThrownBy(() -> banAll.sample(new float[2])).hasMessageContaining("bans every token");
        Sampler banAllGreedy = new Sampler(SamplingParameters.greedy()
                .logitBias(Map.of(0, Float.NEGATIVE_INFINITY, 1, Float.NEGATIVE_INFINITY)), 1);
        assertThatThrownBy(() -> banAllGreedy.sample(new float[2])).hasMessageContaining("bans every token");
    }
}
