package dev.jgemma.core.sampling;

import java.util.Map;
import java.util.TreeMap;

/**
 * How a {@link Sampler} picks the next token from the model's final (soft-capped) logits.
 * Immutable; every {@code with}-style method returns a validated copy.
 *
 * <p>The steps run in this order, the order of Hugging Face transformers and Google's
 * gemma_pytorch: logit bias, repetition penalty, temperature, top-k, top-p, min-p, then one
 * draw from the renormalised distribution of the surviving tokens. A temperature of 0 is greedy
 * decoding: the most likely token after bias and penalty (the lowest id on ties), no draw.
 *
 * <pre>{@code
 * SamplingParameters p = SamplingParameters.greedy().temperature(0.7).topK(40).topP(0.95);
 * Sampler sampler = new Sampler(p, 42);
 * int next = sampler.sample(logits);
 * }</pre>
 *
 * @param temperature logits are divided by it; 0 means greedy (default 0)
 * @param topK keep only the {@code k} most likely tokens; 0 keeps all (default 0)
 * @param topP keep the smallest set of most likely tokens whose probability sums to at least
 *     {@code p}; 1 keeps all (default 1)
 * @param minP keep tokens at least {@code minP} times as likely as the most likely one; 0 keeps
 *     all (default 0)
 * @param repetitionPenalty the CTRL penalty on tokens among the last {@code repetitionWindow}
 *     accepted ones: positive logits are divided by it, negative ones multiplied; 1 is off
 *     (default 1)
 * @param repetitionWindow how many recent tokens the penalty looks at (default 64)
 * @param logitBias added to the logits of the given token ids before anything else;
 *     {@link Float#NEGATIVE_INFINITY} bans a token (default none)
 */
public record SamplingParameters(double temperature, int topK, double topP, double minP, double repetitionPenalty,
                                 int repetitionWindow, Map<Integer, Float> logitBias) {

    /** The highest temperature accepted; beyond it every distribution is practically uniform. */
    public static final double MAX_TEMPERATURE = 100.0;

    /**
     * Validates every field.
     *
     * @throws IllegalArgumentException naming the parameter and the accepted range
     */
    public SamplingParameters {
        if (!(temperature >= 0 && temperature <= MAX_TEMPERATURE)) {
            throw new IllegalArgumentException("temperature must be in [0, " + MAX_TEMPERATURE + "] (0 = greedy), got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("topK must be >= 0 (0 = off), got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("topP must be in (0, 1] (1 = off), got " + topP);
        }
        if (!(minP >= 0 && minP < 1)) {
            throw new IllegalArgumentException("minP must be in [0, 1) (0 = off), got " + minP);
        }
        if (!(repetitionPenalty > 0 && Double.isFinite(repetitionPenalty))) {
            throw new IllegalArgumentException("repetitionPenalty must be positive and finite (1 = off), got " + repetitionPenalty);
        }
        if (repetitionWindow < 1) {
            throw new IllegalArgumentException("repetitionWindow must be at least 1 token, got " + repetitionWindow);
        }
        if (logitBias == null) {
            throw new IllegalArgumentException("logitBias must not be null (use an empty map)");
        }
        TreeMap<Integer, Float> bias = new TreeMap<>();
        logitBias.forEach((id, b) -> {
            if (id == null || id < 0) {
                throw new IllegalArgumentException("logitBias token ids must be >= 0, got " + id);
            }
            if (b == null || Float.isNaN(b) || b == Float.POSITIVE_INFINITY) {
                throw new IllegalArgumentException("logitBias for token " + id + " must be finite or -Infinity (ban), got " + b);
            }
            bias.put(id, b);
        });
        logitBias = java.util.Collections.unmodifiableMap(bias);
    }

    /** @return greedy decoding: temperature 0, every other step off */
    public static SamplingParameters greedy() {
        return new SamplingParameters(0, 0, 1, 0, 1, 64, Map.of());
    }

    /** @return whether the sampler takes the most likely token without drawing */
    public boolean isGreedy() {
        return temperature == 0;
    }

    /** @param t the temperature, in [0, 100]; 0 is greedy @return a copy with it */
    public SamplingParameters temperature(double t) {
        return new SamplingParameters(t, topK, topP, minP, repetitionPenalty, repetitionWindow, logitBias);
    }

    /** @param k tokens to keep, 0 for all @return a copy with it */
    public SamplingParameters topK(int k) {
        return new SamplingParameters(temperature, k, topP, minP, repetitionPenalty, repetitionWindow, logitBias);
    }

    /** @param p the nucleus mass, in (0, 1]; 1 is off @return a copy with it */
    public SamplingParameters topP(double p) {
        return new SamplingParameters(temperature, topK, p, minP, repetitionPenalty, repetitionWindow, logitBias);
    }

    /** @param p the minimum probability relative to the most likely token, in [0, 1) @return a copy with it */
    public SamplingParameters minP(double p) {
        return new SamplingParameters(temperature, topK, topP, p, repetitionPenalty, repetitionWindow, logitBias);
    }

    /** @param penalty positive; 1 is off, 1.1 is a common mild setting @return a copy with it */
    public SamplingParameters repetitionPenalty(double penalty) {
        return new SamplingParameters(temperature, topK, topP, minP, penalty, repetitionWindow, logitBias);
    }

    /** @param tokens how many recent tokens the penalty considers, at least 1 @return a copy with it */
    public SamplingParameters repetitionWindow(int tokens) {
        return new SamplingParameters(temperature, topK, topP, minP, repetitionPenalty, tokens, logitBias);
    }

    /** @param bias token id to added logit; -Infinity bans the token @return a copy with it */
    public SamplingParameters logitBias(Map<Integer, Float> bias) {
        return new SamplingParameters(temperature, topK, topP, minP, repetitionPenalty, repetitionWindow, bias);
    }
}
