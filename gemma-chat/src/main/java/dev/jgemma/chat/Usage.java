package dev.jgemma.chat;

import java.time.Duration;

/**
 * What one reply cost.
 *
 * @param promptTokens tokens run through the model before the first new token of this reply:
 *     only what the KV cache did not hold yet (the new user turn, the end of the previous reply,
 *     and any history that had to be re-read after an undo, restore or overflow)
 * @param generatedTokens tokens the model generated for the reply ({@link Reply#tokens()}; the stop
 *     token that ended it is not counted)
 * @param timeToFirstToken from the start of the request to the first generated token
 * @param prefillTokensPerSecond prompt tokens per second of prompt processing
 * @param decodeTokensPerSecond generated tokens per second after the first one (0 if there was
 *     only one)
 */
public record Usage(int promptTokens, int generatedTokens, Duration timeToFirstToken, double prefillTokensPerSecond,
                    double decodeTokensPerSecond) {
    @Override
    public String toString() {
        return String.format("%d prompt tokens (%.1f tokens/s), %d generated (%.1f tokens/s), first token after %d ms",
                promptTokens, prefillTokensPerSecond, generatedTokens, decodeTokensPerSecond, timeToFirstToken.toMillis());
    }
}
