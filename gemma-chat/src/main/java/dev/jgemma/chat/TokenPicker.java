package dev.jgemma.chat;

import dev.jgemma.core.sampling.Sampler;

/** Chooses each next token of a reply. In production a {@link Sampler}; tests may script it. */
interface TokenPicker {
    /**
     * @param logits the model's final logits (not to be modified)
     * @return the next token
     */
    int pick(float[] logits);

    /** @param token a token that is now part of the sequence */
    void accept(int token);

    static TokenPicker of(Sampler sampler) {
        return new TokenPicker() {
            @Override
            public int pick(float[] logits) {
                return sampler.sample(logits);
            }

            @Override
            public void accept(int token) {
                sampler.accept(token);
            }
        };
    }
}
