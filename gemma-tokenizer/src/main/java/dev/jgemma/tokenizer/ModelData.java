package dev.jgemma.tokenizer;

/**
 * Everything a loader extracts from a tokenizer file, in the form {@link GemmaTokenizer} uses.
 *
 * @param source file path or vocabulary name, for messages
 * @param pieces the vocabulary
 * @param types type of each piece
 * @param rules which adjacent symbols merge, and in which order
 * @param addedTokenIds pieces matched whole in the text before BPE (those that are also
 *     {@code special} only by {@code encodeWithSpecialTokens})
 * @param special per id: control tokens dropped by {@code decode(ids, true)} and never produced
 *     from text by plain {@code encode}
 * @param matchAddedTokensInRawText true (HuggingFace): added tokens are found in the raw text,
 *     then the rest is normalized; false (SentencePiece): the text is normalized first
 * @param escapeSpaces whether the normalizer replaces ' ' by '▁'
 * @param byteFallback whether unknown characters become byte pieces ({@code <0x41>}) rather than
 *     the unknown piece
 * @param unkId id of the unknown piece, -1 if none
 * @param bosId id of the begin-of-sequence piece
 * @param eosId id of the end-of-sequence piece
 * @param padId id of the padding piece, -1 if none
 */
record ModelData(
        String source,
        PieceTable pieces,
        TokenType[] types,
        MergeRules rules,
        int[] addedTokenIds,
        boolean[] special,
        boolean matchAddedTokensInRawText,
        boolean escapeSpaces,
        boolean byteFallback,
        int unkId,
        int bosId,
        int eosId,
        int padId) {

    /** Gemma's turn markers; always treated as special, whatever the file says. */
    static final String START_OF_TURN = "<start_of_turn>";
    static final String END_OF_TURN = "<end_of_turn>";

    /**
     * The special set: the ids flagged by the file, every CONTROL and UNKNOWN piece, and Gemma's
     * turn markers (SentencePiece stores those as USER_DEFINED, but user text must never produce
     * them through plain {@code encode}).
     */
    static boolean[] specialSet(PieceTable pieces, TokenType[] types, boolean[] flagged) {
        boolean[] special = flagged != null ? flagged.clone() : new boolean[types.length];
        for (int id = 0; id < types.length; id++) {
            if (types[id] == TokenType.CONTROL || types[id] == TokenType.UNKNOWN) {
                special[id] = true;
            }
        }
        for (String marker : new String[] {START_OF_TURN, END_OF_TURN}) {
            int id = pieces.idOf(marker);
            if (id >= 0) {
                special[id] = true;
            }
        }
        return special;
    }

    /** The byte value of a piece spelled {@code <0xNN>} (upper-case hex, as HuggingFace requires), or -1. */
    static int byteValue(char[] pool, int start, int end) {
        if (end - start != 6 || pool[start] != '<' || pool[start + 1] != '0' || pool[start + 2] != 'x'
                || pool[start + 5] != '>') {
            return -1;
        }
        int hi = hexDigit(pool[start + 3]);
        int lo = hexDigit(pool[start + 4]);
        return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
    }

    private static int hexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return -1;
    }
}
