package dev.jgemma.tokenizer;

/**
 * The kind of a vocabulary piece, with the numeric codes that SentencePiece's {@code ModelProto}
 * and GGUF's {@code tokenizer.ggml.token_type} use.
 */
public enum TokenType {
    /** An ordinary piece learned by BPE; produced by merging characters. */
    NORMAL(1),
    /** The unknown piece ({@code <unk>}), produced only when byte fallback is impossible. */
    UNKNOWN(2),
    /** A control piece ({@code <bos>}, {@code <eos>}, ...): never produced from plain text. */
    CONTROL(3),
    /** A piece matched whole in the text before BPE (newline runs, HTML tags, {@code <unused0>}, ...). */
    USER_DEFINED(4),
    /** A reserved piece that is never produced. */
    UNUSED(5),
    /** A byte-fallback piece {@code <0x00>}..{@code <0xFF>}. */
    BYTE(6);

    private static final TokenType[] BY_CODE = {null, NORMAL, UNKNOWN, CONTROL, USER_DEFINED, UNUSED, BYTE};

    private final int code;

    TokenType(int code) {
        this.code = code;
    }

    /** The SentencePiece / GGUF code of this type (1 = NORMAL ... 6 = BYTE). */
    public int code() {
        return code;
    }

    /**
     * The type with the given SentencePiece / GGUF code.
     *
     * @throws IllegalArgumentException if {@code code} is not 1..6
     */
    public static TokenType fromCode(int code) {
        if (code < 1 || code >= BY_CODE.length) {
            throw new IllegalArgumentException("unknown token type code " + code + " (valid: 1..6)");
        }
        return BY_CODE[code];
    }
}
