package dev.jgemma.core.sampling;

import java.util.Arrays;

/**
 * The CTRL repetition penalty (Keskar et al. 2019, as in Hugging Face transformers): each distinct
 * token among the last {@code window} accepted ones has its logit divided by the penalty when
 * positive and multiplied by it when negative, so a penalty above 1 makes repeats less likely.
 */
final class RepetitionPenalty {
    private final float penalty;
    private final int[] recent;
    private int size;
    private int next;

    RepetitionPenalty(double penalty, int window) {
        this.penalty = (float) penalty;
        this.recent = new int[window];
    }

    /** Remembers a token that is now part of the sequence. */
    void accept(int token) {
        recent[next] = token;
        next = (next + 1) % recent.length;
        size = Math.min(size + 1, recent.length);
    }

    /** Penalises, once each, the distinct recent tokens that are in the vocabulary. */
    void apply(float[] logits) {
        if (penalty == 1f || size == 0) {
            return;
        }
        int[] distinct = Arrays.copyOf(recent, size);
        Arrays.sort(distinct);
        for (int i = 0; i < distinct.length; i++) {
            int t = distinct[i];
            if ((i > 0 && distinct[i - 1] == t) || t < 0 || t >= logits.length) {
                continue;
            }
            float l = logits[t];
            logits[t] = l > 0 ? l / penalty : l * penalty;
        }
    }
}
