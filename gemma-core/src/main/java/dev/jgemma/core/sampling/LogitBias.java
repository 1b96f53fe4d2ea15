package dev.jgemma.core.sampling;

import java.util.Map;

/** Adds a fixed amount to chosen tokens' logits; {@code -Infinity} bans a token outright. */
final class LogitBias {
    private final int[] ids;
    private final float[] amounts;

    LogitBias(Map<Integer, Float> bias) {
        ids = new int[bias.size()];
        amounts = new float[bias.size()];
        int i = 0;
        for (Map.Entry<Integer, Float> e : bias.entrySet()) {
            ids[i] = e.getKey();
            amounts[i] = e.getValue();
            i++;
        }
    }

    /**
     * @param logits one per vocabulary id
     * @throws IllegalArgumentException if a biased id is outside the vocabulary
     */
    void apply(float[] logits) {
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] >= logits.length) {
                throw new IllegalArgumentException("logitBias names token " + ids[i] + " but the vocabulary has "
                        + logits.length + " tokens");
            }
            logits[ids[i]] += amounts[i];
        }
    }
}
