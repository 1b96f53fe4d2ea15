package dev.jgemma.core.eval;

/**
 * How a token stream is cut into windows for {@link Perplexity} and {@link KlDivergence}.
 *
 * <p>{@link Method#STRIDED} (the default, HuggingFace's method): windows of {@code context}
 * tokens start every {@code stride} tokens; each window scores only the tokens no earlier window
 * scored, so every token after the first is scored exactly once, with up to
 * {@code context - stride} tokens of history. {@code stride == context} gives non-overlapping
 * chunks. {@link Method#LLAMA_CPP}: non-overlapping chunks of {@code context} tokens, each scored
 * on its second half only (tokens {@code context/2 .. context-1}), as llama.cpp's
 * {@code llama-perplexity} does, so figures are comparable with it.
 *
 * <p>When {@code bosId >= 0}, every window starts with that token (Gemma: {@code <bos>} = 2): in
 * STRIDED mode it is prepended (the window then holds {@code context - 1} text tokens); in
 * LLAMA_CPP mode it replaces the chunk's first token, as llama.cpp does.
 *
 * @param context tokens per window, including the {@code <bos>}
 * @param stride distance between window starts (STRIDED only)
 * @param method the scoring method
 * @param bosId the token that starts each window, or -1 for none
 */
public record EvalOptions(int context, int stride, Method method, int bosId) {

    /** The windowing methods. */
    public enum Method {
        /** Overlapping windows, each token scored once (HuggingFace). */
        STRIDED,
        /** Non-overlapping chunks, second half scored (llama.cpp). */
        LLAMA_CPP
    }

    /** Validates the fields. */
    public EvalOptions {
        if (method == null) {
            throw new IllegalArgumentException("method must not be null");
        }
        if (context < 2) {
            throw new IllegalArgumentException("context must be at least 2 tokens, got " + context);
        }
        int textPerWindow = context - (bosId >= 0 && method == Method.STRIDED ? 1 : 0);
        if (method == Method.STRIDED && (stride < 1 || stride > textPerWindow)) {
            throw new IllegalArgumentException("stride must be in 1.." + textPerWindow + ", got " + stride);
        }
        if (method == Method.LLAMA_CPP && context < 4) {
            throw new IllegalArgumentException("llama.cpp's method needs a context of at least 4 tokens, got " + context);
        }
    }

    /**
     * @param context tokens per window
     * @param bosId the token that starts each window (-1 for none)
     * @return strided windows overlapping by half
     */
    public static EvalOptions strided(int context, int bosId) {
        int text = context - (bosId >= 0 ? 1 : 0);
        return new EvalOptions(context, Math.max(1, text / 2), Method.STRIDED, bosId);
    }

    /**
     * @param context tokens per chunk
     * @param bosId the token that replaces each chunk's first token (-1 for none)
     * @return llama.cpp's method
     */
    public static EvalOptions llamaCpp(int context, int bosId) {
        return new EvalOptions(context, context, Method.LLAMA_CPP, bosId);
    }

    /** @param s the stride @return a copy with that stride */
    public EvalOptions withStride(int s) {
        return new EvalOptions(context, s, method, bosId);
    }
}
