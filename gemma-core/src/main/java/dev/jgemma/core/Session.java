package dev.jgemma.core;

import dev.jgemma.core.model.ForwardPass;

/**
 * One sequence being run through a {@link Gemma2Model}: its KV cache and position. The position
 * always equals the number of tokens fed so far. Prefilling many tokens at once and feeding them
 * one by one give the same logits. A session is not thread-safe; use one per thread (the model
 * itself is shared).
 *
 * <pre>{@code
 * try (Gemma2Model model = Gemma2Model.load(Path.of("gemma-2-2b-it-Q8_0.gguf"))) {
 *     Session session = model.newSession();
 *     float[] logits = session.prefill(2, 651, 6037);   // <bos> ...
 *     int next = Session.argmax(logits);
 *     logits = session.decode(next);
 * }
 * }</pre>
 */
public final class Session {

    /** Receives logits row by row; the array is reused after the call returns. */
    @FunctionalInterface
    public interface LogitsConsumer {
        /**
         * @param position the sequence position the row predicts the successor of
         * @param logits {@code vocab} soft-capped logits (valid only during the call)
         */
        void accept(int position, float[] logits);
    }

    private final Gemma2Model model;
    private final ForwardPass pass;
    private final ForwardPass.State state;
    private final float[] lastLogits;
    private float[] batchLogits;
    private int position;

    Session(Gemma2Model model, ForwardPass pass) {
        this.model = model;
        this.pass = pass;
        this.state = pass.newState();
        this.lastLogits = new float[model.config().vocabSize()];
    }

    private Session(Session o) {
        this.model = o.model;
        this.pass = o.pass;
        this.state = o.state.copy();
        this.lastLogits = o.lastLogits.clone();
        this.position = o.position;
    }

    /** @return the number of tokens in the cache, which is the position of the next token */
    public int position() {
        return position;
    }

    /** @return the most tokens this session can hold */
    public int maxContext() {
        return pass.maxContext();
    }

    /** @return the model this session runs */
    public Gemma2Model model() {
        return model;
    }

    /**
     * Feeds tokens and returns the logits after the last one.
     *
     * @param tokens token ids, at least one
     * @return soft-capped logits predicting the token after the last one (a new array)
     * @throws InvalidTokenException if an id is outside the vocabulary
     * @throws ContextOverflowException if the tokens do not fit
     */
    public float[] prefill(int... tokens) {
        if (tokens.length == 0) {
            throw new IllegalArgumentException("prefill needs at least one token");
        }
        run(tokens, tokens.length - 1, (p, row) -> System.arraycopy(row, 0, lastLogits, 0, row.length));
        return lastLogits.clone();
    }

    /**
     * Feeds tokens and delivers the logits of every position.
     *
     * @param tokens token ids
     * @param consumer receives one row per token, in order
     * @throws InvalidTokenException if an id is outside the vocabulary
     * @throws ContextOverflowException if the tokens do not fit
     */
    public void prefill(int[] tokens, LogitsConsumer consumer) {
        run(tokens, 0, consumer);
    }

    /**
     * Feeds tokens and delivers the logits of the positions from {@code logitsFrom} on (earlier
     * rows are not computed: the output projection is most of a small model's cost).
     *
     * @param tokens token ids
     * @param logitsFrom index in {@code tokens} of the first row delivered
     * @param consumer receives one row per token from {@code logitsFrom}, in order
     * @throws InvalidTokenException if an id is outside the vocabulary
     * @throws ContextOverflowException if the tokens do not fit
     */
    public void prefill(int[] tokens, int logitsFrom, LogitsConsumer consumer) {
        if (logitsFrom < 0 || logitsFrom > tokens.length) {
            throw new IllegalArgumentException("logitsFrom " + logitsFrom + " is outside 0.." + tokens.length);
        }
        run(tokens, logitsFrom, consumer);
    }

    /**
     * Feeds tokens without computing any logits (the cheapest way to extend the history).
     *
     * @param tokens token ids
     * @throws InvalidTokenException if an id is outside the vocabulary
     * @throws ContextOverflowException if the tokens do not fit
     */
    public void append(int... tokens) {
        run(tokens, tokens.length, null);
    }

    /**
     * Feeds one token and returns the logits after it.
     *
     * @param token a token id
     * @return soft-capped logits predicting the next token (a new array)
     */
    public float[] decode(int token) {
        return prefill(token);
    }

    /**
     * Feeds tokens, computing logits for the tokens at index {@code logitsFrom} and after.
     */
    private void run(int[] tokens, int logitsFrom, LogitsConsumer consumer) {
        model.ensureOpen();
        int vocab = model.config().vocabSize();
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] >= vocab) {
                throw new InvalidTokenException("token id " + tokens[i] + " at index " + i + " is outside the vocabulary [0, "
                        + vocab + ")");
            }
        }
        if ((long) position + tokens.length > pass.maxContext()) {
            throw new ContextOverflowException("cannot add " + tokens.length + " tokens at position " + position
                    + ": the context holds at most " + pass.maxContext() + " tokens");
        }
        state.cache().reserve(position + tokens.length);
        int batch = pass.batch();
        for (int off = 0; off < tokens.length; off += batch) {
            int n = Math.min(batch, tokens.length - off);
            int from = Math.clamp(logitsFrom - off, 0, n);
            int rows = n - from;
            float[] out = null;
            if (rows > 0) {
                if (batchLogits == null || batchLogits.length < rows * vocab) {
                    batchLogits = new float[Math.min(batch, Math.max(rows, 1)) * vocab];
                }
                out = batchLogits;
            }
            pass.forward(state, tokens, off, n, position, from, out);
            if (rows > 0) {
                // A single row is handed over in place, but only if the buffer is exactly one row long:
                // after a multi-row prefill it is larger, and consumers rely on row.length == vocab.
                float[] row = rows == 1 && out.length == vocab ? null : new float[vocab];
                for (int r = 0; r < rows; r++) {
                    float[] view = row == null ? out : row;
                    if (row != null) {
                        System.arraycopy(out, r * vocab, row, 0, vocab);
                    }
                    consumer.accept(position + from + r, view);
                }
            }
            position += n;
        }
    }

    /**
     * Forgets the tokens from {@code newPosition} on, if the cache still holds what the earlier
     * positions need (a sliding-window layer keeps only its window).
     *
     * @param newPosition the position to go back to
     * @return whether it worked; if not, the session is unchanged and must be rebuilt by prefill
     */
    public boolean rewind(int newPosition) {
        if (newPosition < 0 || newPosition > position) {
            throw new IllegalArgumentException("cannot rewind to " + newPosition + " from position " + position);
        }
        if (!state.cache().canRewind(newPosition, position, pass.windows())) {
            return false;
        }
        position = newPosition;
        return true;
    }

    /** Empties the session: position 0. */
    public void reset() {
        position = 0;
    }

    /** @return an independent session with the same history (the cache is copied) */
    public Session fork() {
        model.ensureOpen();
        return new Session(this);
    }

    /** @return bytes of key/value cache allocated */
    public long cacheBytes() {
        return state.cache().allocatedBytes();
    }

    /**
     * @param logits a row of logits
     * @return the index of the largest value (the first on ties)
     */
    public static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }
}
