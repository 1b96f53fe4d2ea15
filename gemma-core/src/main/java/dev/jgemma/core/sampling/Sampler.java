package dev.jgemma.core.sampling;

import java.util.SplittableRandom;

/**
 * Picks next tokens from logits, following {@link SamplingParameters}: logit bias, repetition
 * penalty, temperature, top-k, top-p, min-p, then one draw. Given the same parameters, seed,
 * accepted tokens and logits, it picks the same tokens on every JVM (the draws come from a
 * {@link SplittableRandom}, whose algorithm is specified).
 *
 * <p>Feed it the logits exactly as the model returns them (after the final soft-cap): it never
 * modifies them. One sampler serves one sequence and is not thread-safe.
 *
 * <pre>{@code
 * Sampler sampler = new Sampler(SamplingParameters.greedy().temperature(0.8).topP(0.95), 42);
 * float[] logits = session.prefill(prompt);
 * for (int i = 0; i < 32; i++) {
 *     int next = sampler.sample(logits);
 *     sampler.accept(next);
 *     logits = session.decode(next);
 * }
 * }</pre>
 */
public final class Sampler {
    private final SamplingParameters parameters;
    private final SplittableRandom random;
    private final LogitBias bias;
    private final RepetitionPenalty penalty;
    private final Candidates candidates = new Candidates();
    private float[] work = new float[0];

    /**
     * @param parameters the sampling steps
     * @param seed the seed of the random draws (ignored when greedy)
     * @throws IllegalArgumentException if {@code parameters} is null
     */
    public Sampler(SamplingParameters parameters, long seed) {
        if (parameters == null) {
            throw new IllegalArgumentException("sampling parameters must not be null");
        }
        this.parameters = parameters;
        this.random = new SplittableRandom(seed);
        this.bias = new LogitBias(parameters.logitBias());
        this.penalty = new RepetitionPenalty(parameters.repetitionPenalty(), parameters.repetitionWindow());
    }

    /** @return the parameters this sampler follows */
    public SamplingParameters parameters() {
        return parameters;
    }

    /**
     * Records a token that is now part of the sequence (prompt or generated), for the
     * repetition penalty.
     *
     * @param token a token id
     */
    public void accept(int token) {
        penalty.accept(token);
    }

    /**
     * Picks the next token.
     *
     * @param logits the model's logits, one per vocabulary id; not modified
     * @return the chosen token id
     * @throws IllegalArgumentException if a logit is NaN, a biased id is outside the vocabulary,
     *     or the bias bans every token
     */
    public int sample(float[] logits) {
        if (logits == null || logits.length == 0) {
            throw new IllegalArgumentException("logits must not be null or empty");
        }
        if (work.length != logits.length) {
            work = new float[logits.length];
        }
        for (int i = 0; i < logits.length; i++) {
            float l = logits[i];
            if (Float.isNaN(l)) {
                throw new IllegalArgumentException("the logit of token " + i + " is NaN");
            }
            work[i] = l;
        }
        bias.apply(work);
        penalty.apply(work);
        if (parameters.isGreedy()) {
            return argmax(work);
        }
        candidates.load(work, parameters.temperature());
        if (candidates.count() == 0) {
            throw new IllegalArgumentException("the logit bias bans every token");
        }
        if (parameters.topK() > 0) {
            TopK.apply(candidates, parameters.topK());
        }
        if (parameters.topP() < 1) {
            TopP.apply(candidates, parameters.topP());
        }
        if (parameters.minP() > 0) {
            MinP.apply(candidates, parameters.minP());
        }
        return draw();
    }

    /** One draw from the softmax of the surviving candidates. */
    private int draw() {
        int n = candidates.count();
        float max = candidates.maxLogit();
        double total = 0;
        for (int i = 0; i < n; i++) {
            total += Math.exp(candidates.logit(i) - max);
        }
        double u = random.nextDouble() * total;
        for (int i = 0; i < n; i++) {
            u -= Math.exp(candidates.logit(i) - max);
            if (u < 0) {
                return candidates.id(i);
            }
        }
        return candidates.id(n - 1); // rounding left a sliver of mass past the last candidate
    }

    private static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        if (logits[best] == Float.NEGATIVE_INFINITY) {
            throw new IllegalArgumentException("the logit bias bans every token");
        }
        return best;
    }
}
