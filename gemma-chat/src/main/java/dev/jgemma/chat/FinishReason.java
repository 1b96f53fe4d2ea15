package dev.jgemma.chat;

/** Why a reply ended. */
public enum FinishReason {
    /** The model produced {@code <end_of_turn>} or {@code <eos>} (neither is in the text). */
    STOP_TOKEN,
    /** The text reached one of the stop strings (the stop string and what follows are cut off). */
    STOP_STRING,
    /** The reply reached the maximum number of new tokens. */
    LENGTH,
    /** The generation was cancelled; the text is what was generated until then. */
    CANCELLED,
    /** The context window is full: the model cannot take another token. */
    CONTEXT_FULL
}
