package dev.jgemma.tokenizer;

import java.util.Arrays;

/**
 * Builds BPE merge rules from a vocabulary with scores, for GGUF-style arrays, which have no merge
 * list: every split of a mergeable piece into two mergeable pieces becomes a rule producing it.
 *
 * <p>Rules are ranked as transformers' converter orders the merges of Gemma's
 * {@code tokenizer.json}: by the merged piece's score (highest first), then by the merged piece's
 * id, then by the two parts' ids; every rule has its own rank, so BPE on these rules is
 * HuggingFace's BPE on that merge list.
 */
final class MergeDerivation {
    private final PieceTable pieces;
    private final boolean[] mergeable;

    private MergeDerivation(PieceTable pieces, boolean[] mergeable) {
        this.pieces = pieces;
        this.mergeable = mergeable;
    }

    /** The rules for {@code pieces}; {@code mergeable} says which pieces may be produced and merged. */
    static MergeTable derive(PieceTable pieces, float[] scores, boolean[] mergeable) {
        return new MergeDerivation(pieces, mergeable).byScoreThenId(scores);
    }

    /** Maps a score to an int rank: higher score, lower rank; 0.0 and -0.0 equal. */
    static int rankOf(float score) {
        int bits = Float.floatToIntBits(score == 0f ? 0f : score);
        return ~(bits ^ ((bits >> 31) & 0x7FFFFFFF));
    }

    private MergeTable byScoreThenId(float[] scores) {
        int size = pieces.size();
        long[] order = new long[size];
        for (int id = 0; id < size; id++) {
            order[id] = ((long) rankOf(scores[id]) << 32) | id;
        }
        Arrays.sort(order);
        MergeTable table = new MergeTable(size * 9 / 4);
        long[] splits = new long[maxPieceLength()];
        int rank = 0;
        for (long entry : order) {
            int id = (int) entry;
            if (!mergeable[id]) {
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
        int total = PieceTable.rawHash(pool, start, end);
        int prefix = 0;
        int count = 0;
        for (int cut = start + 1; cut < end; cut++) {
            prefix = 31 * prefix + pool[cut - 1];
            if (Character.isLowSurrogate(pool[cut]) && Character.isHighSurrogate(pool[cut - 1])) {
                continue; // never split a surrogate pair
            }
            int left = operandId(prefix, pool, start, cut);
            if (left < 0) {
                continue;
            }
            int right = operandId(total - prefix * PieceTable.power31(end - cut), pool, cut, end);
            if (right < 0) {
                continue;
            }
            out[count++] = ((long) left << 32) | right;
        }
        return count;
    }

    private int operandId(int rawHash, char[] pool, int start, int end) {
        int id = pieces.idOf(rawHash, pool, start, end);
        return id >= 0 && mergeable[id] ? id : -1;
    }
}
