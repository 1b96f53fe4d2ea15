package dev.jgemma.core.eval;

/**
 * The result of {@link Perplexity#evaluate}.
 *
 * @param tokens tokens scored
 * @param meanNll mean negative log-likelihood per scored token, in nats
 * @param meanNllStdErr standard error of {@code meanNll} (sample standard deviation / sqrt(n))
 * @param perplexity {@code exp(meanNll)}
 * @param perplexityStdErr {@code perplexity * meanNllStdErr} (delta method)
 * @param tokensPerSecond tokens run through the model per second of evaluation
 */
public record PerplexityResult(long tokens, double meanNll, double meanNllStdErr, double perplexity, double perplexityStdErr,
                               double tokensPerSecond) {
}
