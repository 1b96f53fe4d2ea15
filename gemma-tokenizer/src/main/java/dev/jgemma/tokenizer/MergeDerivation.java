package dev.jgemma.tokenizer;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Builds BPE merge rules from a vocabulary with scores, for the loaders whose files have no
 * merge list ({@code tokenizer.model}, GGUF-style arrays). Every split of a target piece into two
 * operand pieces becomes a rule producing that piece.
 */
final class MergeDerivation {
    /** How rules are ranked. */
    enum Order {
        /**
         * SentencePiece: rank = the merged piece's score (highest first); rules of equal score have
         * equal rank, so the leftmost pair wins, as in {@code bpe_model.cc}.
         */
        SCORE,
        /**
         * transformers' converter (the order of Gemma's {@code tokenizer.json} merges): by score
         * (highest first), then by merged-piece id, then by the parts' ids; every rule has its own rank.
         */
        SCORE_THEN_ID
    }

    private final PieceTable pieces;
    private final float[] scores;
    private final boolean[] target;
    private final boolean[] operand;
    private final boolean allowPseudo;
    private final Map<Integer, Integer> pseudoIds = new HashMap<>();
    private int[] pseudoCodePoints = new int[0];

    private MergeDerivation(PieceTable pieces, float[] scores, boolean[] target, boolean[] operand, boolean allowPseudo) {
        this.pieces = pieces;
        this.scores = scores;
        this.target = target;
        this.operand = operand;
        this.allowPseudo = allowPseudo;
    }

    /** The rules and, for SentencePiece, the pseudo code points (see {@link ModelData#pseudoCodePoints()}). */
    record Result(MergeTable merges, int[] pseudoCodePoints) {
    }

    /**
     * @param target which pieces merging may produce
     * @param operand which pieces may be merged
     * @param allowPseudo let a single character that is not a piece be merged (SentencePiece
     *     merges any two adjacent symbols whose concatenation is a piece)
     */
    static Result derive(PieceTable pieces, float[] scores, boolean[] target, boolean[] operand, Order order,
            boolean allowPseudo) {
        MergeDerivation d = new MergeDerivation(pieces, scores, target, operand, allowPseudo);
        MergeTable table = order == Order.SCORE ? d.byScore() : d.byScoreThenId();
        return new Result(table, d.pseudoCodePoints);
    }

    /** Maps a score to an int rank: higher score, lower rank; 0.0 and -0.0 equal. */
    static int rankOf(float score) {
        int bits = Float.floatToIntBits(score == 0f ? 0f : score);
        return ~(bits ^ ((bits >> 31) & 0x7FFFFFFF));
    }

    private MergeTable byScore() {
        MergeTable table = new MergeTable(pieces.size() * 3);
        long[] splits = new long[maxPieceLength()];
        for (int id = 0; id < pieces.size(); id++) {
            if (!target[id]) {
                continue;
            }
            int count = splitsOf(id, splits);
            int rank = rankOf(scores[id]);
            for (int k = 0; k < count; k++) {
                table.put((int) (splits[k] >>> 32), (int) splits[k], rank, id);
            }
        }
        return table;
    }

    private MergeTable byScoreThenId() {
        int size = pieces.size();
        long[] order = new long[size];
        for (int id = 0; id < size; id++) {
            order[id] = ((long) rankOf(scores[id]) << 32) | id;
        }
        Arrays.sort(order);
        MergeTable table = new MergeTable(size * 3);
        long[] splits = new long[maxPieceLength()];
        int rank = 0;
        for (long entry : order) {
            int id = (int) entry;
            if (!target[id]) {
                continue;
            }
            int count = splitsOf(id, splits);
            Arrays.sort(splits, 0, count);
            for (int k = 0; k < count; k++) {
                table.put((int) (splits[k] >>> 32), (int) splits[k], rank++, id);
            }
        }
        return table;
    }

    private int maxPieceLength() {
        int max = 1;
        for (int id = 0; id < pieces.size(); id++) {
            max = Math.max(max, pieces.length(id));
        }
        return max;
    }

    /** Writes {@code left << 32 | right} for every split of piece {@code id} into {@code out}; returns the count. */
    private int splitsOf(int id, long[] out) {
        char[] pool = pieces.pool();
        int start = pieces.start(id);
        int end = pieces.end(id);
        int count = 0;
        for (int cut = start + 1; cut < end; cut++) {
            if (Character.isLowSurrogate(pool[cut]) && Character.isHighSurrogate(pool[cut - 1])) {
                continue; // never split a surrogate pair
            }
            int left = operandId(pool, start, cut);
            if (left < 0) {
                continue;
            }
            int right = operandId(pool, cut, end);
            if (right < 0) {
                continue;
            }
            out[count++] = ((long) left << 32) | right;
        }
        return count;
    }

    private int operandId(char[] pool, int start, int end) {
        int id = pieces.idOf(pool, start, end);
        if (id >= 0) {
            return operand[id] ? id : -1;
        }
        if (!allowPseudo || Character.codePointCount(pool, start, end - start) != 1) {
            return -1;
        }
        int codePoint = Character.codePointAt(pool, start);
        Integer pseudo = pseudoIds.get(codePoint);
        if (pseudo == null) {
            pseudo = pieces.size() + pseudoCodePoints.length;
            pseudoIds.put(codePoint, pseudo);
            pseudoCodePoints = Arrays.copyOf(pseudoCodePoints, pseudoCodePoints.length + 1);
            pseudoCodePoints[pseudoCodePoints.length - 1] = codePoint;
        }
        return pseudo;
    }
}
