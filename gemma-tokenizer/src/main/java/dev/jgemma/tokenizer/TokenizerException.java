package dev.jgemma.tokenizer;

/**
 * A tokenizer file or vocabulary could not be loaded, or a call received an argument the
 * tokenizer cannot handle (for example a token id outside the vocabulary in {@code decode}).
 *
 * <p>The message always starts with the {@linkplain #source() source} (the file path, or the
 * name given for an in-memory vocabulary) followed by what is wrong, for example
 * {@code /models/tokenizer.json: model type "Unigram" is not supported (only "BPE")}.
 */
public final class TokenizerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String source;

    /**
     * @param source the file or vocabulary the problem is about
     * @param problem what is wrong, without the source
     */
    public TokenizerException(String source, String problem) {
        super(source + ": " + problem);
        this.source = source;
    }

    /**
     * @param source the file or vocabulary the problem is about
     * @param problem what is wrong, without the source
     * @param cause the underlying failure
     */
    public TokenizerException(String source, String problem, Throwable cause) {
        super(source + ": " + problem, cause);
        this.source = source;
    }

    /** The file path, or the name given for an in-memory vocabulary, that the problem is about. */
    public String source() {
        return source;
    }
}
