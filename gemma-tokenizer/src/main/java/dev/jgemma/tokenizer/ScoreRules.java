package dev.jgemma.tokenizer;

/**
 * SentencePiece's BPE rule: two adjacent symbols merge if their concatenated text is a mergeable
 * piece (NORMAL or USER_DEFINED), with the piece's score as priority (higher first) and the
 * leftmost pair winning ties. There is no merge list: like {@code bpe_model.cc} we look the
 * concatenation up, so a character that is not itself a piece can still merge with its neighbour.
 */
final class ScoreRules implements MergeRules {
    private final PieceTable pieces;
    /** Per piece: {@code rank << 32 | id}, or {@link MergeTable#ABSENT} if merging cannot produce it. */
    private final long[] ruleOf;

    ScoreRules(PieceTable pieces, float[] scores, boolean[] mergeable) {
        this.pieces = pieces;
        this.ruleOf = new long[pieces.size()];
        for (int id = 0; id < ruleOf.length; id++) {
            ruleOf[id] = mergeable[id]
                    ? ((long) MergeDerivation.rankOf(scores[id]) << 32) | id
                    : MergeTable.ABSENT;
        }
    }

    @Override
    public long rule(int left, int right, char[] text, int from, int to) {
        int id = pieces.idOf(text, from, to);
        return id < 0 ? MergeTable.ABSENT : ruleOf[id];
    }
}
