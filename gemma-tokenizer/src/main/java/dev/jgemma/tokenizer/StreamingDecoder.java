package dev.jgemma.tokenizer;

/**
 * Turns ids into text one id at a time, for example while a model generates, and only ever
 * returns whole characters.
 *
 * <p>Concatenating the results of {@link #accept} for every id and then {@link #flush()} gives
 * exactly {@link GemmaTokenizer#decode(int[], boolean)} of all the ids. To guarantee that, a run of
 * byte-fallback pieces ({@code <0xF0>}, {@code <0x9F>}, ...) is held back until the run ends (the
 * next id that is not a byte piece, or {@code flush()}): HuggingFace's rule decides the whole run
 * at once (valid UTF-8 gives its text, anything else one U+FFFD per byte), so a character is never
 * shown and then taken back. Ordinary pieces are returned as soon as they arrive.
 *
 * <pre>{@code
 * StreamingDecoder stream = tokenizer.newStreamingDecoder(true);
 * for (int id : generatedIds) {
 *     System.out.print(stream.accept(id));
 * }
 * System.out.print(stream.flush());
 * }</pre>
 *
 * <p>Not thread-safe: use one decoder per sequence. It can be reused after {@link #flush()}.
 */
public final class StreamingDecoder {
    private final TextDecoder decoder;
    private final boolean skipSpecialTokens;
    private final TextDecoder.ByteRun run = new TextDecoder.ByteRun();
    private final StringBuilder text = new StringBuilder();

    StreamingDecoder(TextDecoder decoder, boolean skipSpecialTokens) {
        this.decoder = decoder;
        this.skipSpecialTokens = skipSpecialTokens;
    }

    /**
     * Feeds one id.
     *
     * @return the text completed by this id, possibly empty (never null)
     * @throws TokenizerException if {@code id} is not in the vocabulary (the decoder is unchanged)
     */
    public String accept(int id) {
        decoder.append(text, run, id, skipSpecialTokens);
        if (text.isEmpty()) {
            return "";
        }
        String completed = text.toString();
        text.setLength(0);
        return completed;
    }

    /**
     * Ends the sequence: returns the text of a pending byte run (U+FFFD per byte if it is not
     * valid UTF-8), possibly empty, and resets the decoder.
     */
    public String flush() {
        run.flushTo(text);
        String rest = text.toString();
        text.setLength(0);
        return rest;
    }

    /** Whether byte pieces are waiting for the end of their run. */
    public boolean hasPendingBytes() {
        return !run.isEmpty();
    }

    /** Whether this decoder drops special tokens. */
    public boolean skipsSpecialTokens() {
        return skipSpecialTokens;
    }
}
