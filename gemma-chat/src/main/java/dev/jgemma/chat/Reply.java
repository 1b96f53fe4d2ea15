package dev.jgemma.chat;

import java.util.List;

/**
 * The model's answer to one message.
 *
 * @param text the reply text: never contains {@code <end_of_turn>} or {@code <eos>}, nor a stop
 *     string or anything after it; not trimmed (a reply may start with a space)
 * @param tokens every token id the model generated for this reply, in order, without the stop
 *     token; after a stop string this includes the tokens that spelled it
 * @param finishReason why the reply ended
 * @param usage token counts and speeds
 */
public record Reply(String text, List<Integer> tokens, FinishReason finishReason, Usage usage) {
    /** Copies the token list. */
    public Reply {
        tokens = List.copyOf(tokens);
    }

    @Override
    public String toString() {
        return text;
    }
}
