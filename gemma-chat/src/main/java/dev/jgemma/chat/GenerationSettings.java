package dev.jgemma.chat;

import dev.jgemma.core.sampling.SamplingParameters;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * How replies are generated: the sampling steps, the seed, the length limit and the stop
 * strings. Immutable; each method returns a validated copy, so bad values fail where they are
 * set. {@link Conversation} exposes the same settings fluently; use this class directly for
 * {@link Gemma#complete(String, GenerationSettings)}.
 *
 * <p>Defaults: greedy decoding (temperature 0, the most likely token each time, like the
 * {@code generation_config.json} of Google's Gemma-2 instruction-tuned checkpoints), no seed,
 * at most {@value #DEFAULT_MAX_TOKENS} new tokens, no stop strings. Generation always stops at
 * {@code <end_of_turn>} and {@code <eos>}.
 *
 * <pre>{@code
 * GenerationSettings s = GenerationSettings.defaults().temperature(0.7).topP(0.95).seed(42).maxTokens(200);
 * }</pre>
 */
public final class GenerationSettings {
    /** The default limit on new tokens per reply. */
    public static final int DEFAULT_MAX_TOKENS = 1024;

    private static final GenerationSettings DEFAULTS =
            new GenerationSettings(SamplingParameters.greedy(), OptionalLong.empty(), DEFAULT_MAX_TOKENS, List.of());

    private final SamplingParameters sampling;
    private final OptionalLong seed;
    private final int maxTokens;
    private final List<String> stopStrings;

    private GenerationSettings(SamplingParameters sampling, OptionalLong seed, int maxTokens, List<String> stopStrings) {
        this.sampling = sampling;
        this.seed = seed;
        this.maxTokens = maxTokens;
        this.stopStrings = stopStrings;
    }

    /** @return greedy decoding, no seed, {@value #DEFAULT_MAX_TOKENS} tokens at most, no stop strings */
    public static GenerationSettings defaults() {
        return DEFAULTS;
    }

    /** @return the sampling steps */
    public SamplingParameters sampling() {
        return sampling;
    }

    /** @return the seed, if one was set */
    public OptionalLong seed() {
        return seed;
    }

    /** @return the most new tokens per reply */
    public int maxTokens() {
        return maxTokens;
    }

    /** @return the stop strings */
    public List<String> stopStrings() {
        return stopStrings;
    }

    /**
     * @param parameters all sampling steps at once
     * @return a copy using them
     * @throws IllegalArgumentException if null
     */
    public GenerationSettings sampling(SamplingParameters parameters) {
        if (parameters == null) {
            throw new IllegalArgumentException("sampling parameters must not be null");
        }
        return new GenerationSettings(parameters, seed, maxTokens, stopStrings);
    }

    /**
     * @param t in [0, 100]; 0 is greedy, 0.7 to 1 are usual for chat
     * @return a copy with that temperature
     * @throws IllegalArgumentException if out of range
     */
    public GenerationSettings temperature(double t) {
        return sampling(sampling.temperature(t));
    }

    /**
     * @param k keep the {@code k} most likely tokens; 0 turns top-k off
     * @return a copy with it
     * @throws IllegalArgumentException if negative
     */
    public GenerationSettings topK(int k) {
        return sampling(sampling.topK(k));
    }

    /**
     * @param p the nucleus mass in (0, 1]; 1 turns top-p off
     * @return a copy with it
     * @throws IllegalArgumentException if out of range
     */
    public GenerationSettings topP(double p) {
        return sampling(sampling.topP(p));
    }

    /**
     * @param p in [0, 1); 0 turns min-p off
     * @return a copy with it
     * @throws IllegalArgumentException if out of range
     */
    public GenerationSettings minP(double p) {
        return sampling(sampling.minP(p));
    }

    /**
     * @param penalty positive; 1 (the default) is off; applies to the last 64 tokens
     * @return a copy with it
     * @throws IllegalArgumentException if not positive and finite
     */
    public GenerationSettings repetitionPenalty(double penalty) {
        return sampling(sampling.repetitionPenalty(penalty));
    }

    /**
     * @param bias token id to the amount added to its logit; {@code Float.NEGATIVE_INFINITY} bans it
     * @return a copy with it (replacing any earlier bias)
     * @throws IllegalArgumentException for a negative id, a NaN or +Infinity amount
     */
    public GenerationSettings logitBias(Map<Integer, Float> bias) {
        return sampling(sampling.logitBias(bias));
    }

    /**
     * @param s the seed of the random draws: the same seed, settings and history give the same
     *     reply
     * @return a copy with it
     */
    public GenerationSettings seed(long s) {
        return new GenerationSettings(sampling, OptionalLong.of(s), maxTokens, stopStrings);
    }

    /** @return a copy without a seed: every reply draws from fresh randomness */
    public GenerationSettings withoutSeed() {
        return new GenerationSettings(sampling, OptionalLong.empty(), maxTokens, stopStrings);
    }

    /**
     * @param n the most new tokens per reply, at least 1
     * @return a copy with it
     * @throws IllegalArgumentException if below 1
     */
    public GenerationSettings maxTokens(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("maxTokens must be at least 1, got " + n);
        }
        return new GenerationSettings(sampling, seed, n, stopStrings);
    }

    /**
     * @param stops strings that end a reply when they appear in its text (also across token
     *     boundaries); the reply's text ends just before the first one
     * @return a copy with them (replacing any earlier ones)
     * @throws IllegalArgumentException if the list or any string is null or empty
     */
    public GenerationSettings stopStrings(List<String> stops) {
        if (stops == null) {
            throw new IllegalArgumentException("stop strings must not be null (use an empty list)");
        }
        List<String> copy = new ArrayList<>();
        for (String s : stops) {
            if (s == null || s.isEmpty()) {
                throw new IllegalArgumentException("a stop string must not be null or empty, got " + (s == null ? "null" : "\"\""));
            }
            copy.add(s);
        }
        return new GenerationSettings(sampling, seed, maxTokens, List.copyOf(copy));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GenerationSettings g && g.sampling.equals(sampling) && g.seed.equals(seed)
                && g.maxTokens == maxTokens && g.stopStrings.equals(stopStrings);
    }

    @Override
    public int hashCode() {
        return Objects.hash(sampling, seed, maxTokens, stopStrings);
    }

    @Override
    public String toString() {
        return "GenerationSettings[" + sampling + ", seed=" + (seed.isPresent() ? seed.getAsLong() : "none")
                + ", maxTokens=" + maxTokens + ", stopStrings=" + stopStrings + "]";
    }
}
