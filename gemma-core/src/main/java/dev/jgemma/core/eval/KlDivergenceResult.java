package dev.jgemma.core.eval;

/**
 * The result of {@link KlDivergence#evaluate}: how far a test model's next-token distributions
 * are from a base model's, per scored token, like llama.cpp's {@code --kl-divergence}.
 *
 * @param tokens tokens scored
 * @param meanKl mean KL(base || test) in nats
 * @param meanKlStdErr standard error of {@code meanKl}
 * @param medianKl median
 * @param p99Kl 99th percentile
 * @param maxKl maximum
 * @param top1Agreement fraction of positions where both models' most likely token is the same
 * @param base the base model's perplexity on the same tokens
 * @param test the test model's perplexity on the same tokens
 */
public record KlDivergenceResult(long tokens, double meanKl, double meanKlStdErr, double medianKl, double p99Kl, double maxKl,
                                 double top1Agreement, PerplexityResult base, PerplexityResult test) {
}
