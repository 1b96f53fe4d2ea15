package dev.jgemma.chat;

import dev.jgemma.core.sampling.Sampler;
import java.util.concurrent.ThreadLocalRandom;

/** Chooses each next token of a reply. In production a {@link Sampler}; tests may script it. */
interface TokenPicker {
    /**
     * @param logits the model's final logits (not to be modified)
     * @return the next token
     */
    int pick(float[] logits);

    /** @param token a token that is now part of the sequence */
    void accept(int token);

    /**
     * The production picker for one reply: a {@link Sampler} whose draws are seeded from the
     * settings' seed and the prompt length (so the same seed and history give the same reply),
     * or from fresh randomness without a seed, and which has seen the recent tokens.
     *
     * @param s the settings
     * @param prompt every token before the reply
     */
    static TokenPicker forReply(GenerationSettings s, int[] prompt) {
        long seed = s.seed().isPresent() ? s.seed().getAsLong() * 0x9E3779B97F4A7C15L + prompt.length
                : ThreadLocalRandom.current().nextLong();
        Sampler sampler = new Sampler(s.sampling(), seed);
        for (int i = Math.max(0, prompt.length - s.sampling().repetitionWindow()); i < prompt.length; i++) {
            sampler.accept(prompt[i]);
        }
        return of(sampler);
    }

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
