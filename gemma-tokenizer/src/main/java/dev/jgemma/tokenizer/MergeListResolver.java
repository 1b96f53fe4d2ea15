package dev.jgemma.tokenizer;

/**
 * Turns the merge list of a {@code tokenizer.json} ("left right" texts, in rank order) into a
 * {@link MergeTable} of piece ids.
 *
 * <p>Each merge needs three piece lookups and a table insert, and with 256,000 pieces almost
 * every one is a cache miss. Merges are therefore resolved in batches, in passes whose memory
 * reads do not depend on each other (slot, then offsets, then text), so the CPU overlaps the
 * misses instead of waiting for them one by one. The piece a merge produces is first looked for
 * right after the previous merge's (Gemma's list is sorted by produced piece), which is a
 * sequential read.
 */
final class MergeListResolver {
    private static final int BATCH = 512;

    private final String source;
    private final PieceTable pieces;
    private final MergeTable merges;

    private char[] text = new char[BATCH * 16];
    private int textSize;
    private final int[] rank = new int[BATCH];
    private final int[] leftStart = new int[BATCH];
    private final int[] rightStart = new int[BATCH];
    private final int[] rightEnd = new int[BATCH];
    private final int[] leftHash = new int[BATCH];
    private final int[] rightHash = new int[BATCH];
    private final int[] leftId = new int[BATCH];
    private final int[] rightId = new int[BATCH];
    private int count;
    private int lastMerged = -1;
    /** Sink for the reads whose only purpose is to bring memory into the cache (kept so they are not optimized away). */
    private long touched;

    MergeListResolver(String source, PieceTable pieces, MergeTable merges) {
        this.source = source;
        this.pieces = pieces;
        this.merges = merges;
    }

    /** Queues merge {@code left + right} with the given rank. */
    void add(int mergeRank, char[] l, int lStart, int lEnd, char[] r, int rStart, int rEnd) {
        int lLength = lEnd - lStart;
        int rLength = rEnd - rStart;
        if (text.length - textSize < lLength + rLength) {
            text = java.util.Arrays.copyOf(text, Math.max(text.length * 2, textSize + lLength + rLength));
        }
        System.arraycopy(l, lStart, text, textSize, lLength);
        leftStart[count] = textSize;
        textSize += lLength;
        System.arraycopy(r, rStart, text, textSize, rLength);
        rightStart[count] = textSize;
        textSize += rLength;
        rightEnd[count] = textSize;
        rank[count] = mergeRank;
        if (++count == BATCH) {
            flush();
        }
    }

    /** Resolves the queued merges. */
    void flush() {
        if (count == 0) {
            return;
        }
        long sink = 0;
        // pass 1: hashes; read each operand's first slot
        for (int i = 0; i < count; i++) {
            leftHash[i] = PieceTable.rawHash(text, leftStart[i], rightStart[i]);
            rightHash[i] = PieceTable.rawHash(text, rightStart[i], rightEnd[i]);
            sink += pieces.touchSlot(leftHash[i]) + pieces.touchSlot(rightHash[i]);
        }
        // pass 2: candidates from the slots alone (hash, length, first chars); read their offsets
        for (int i = 0; i < count; i++) {
            leftId[i] = pieces.candidate(leftHash[i], text, leftStart[i], rightStart[i]);
            rightId[i] = pieces.candidate(rightHash[i], text, rightStart[i], rightEnd[i]);
            sink += pieces.touchOffset(leftId[i]) + pieces.touchOffset(rightId[i]);
        }
        // pass 3: read the candidates' text and the merge table slot they will go to
        for (int i = 0; i < count; i++) {
            sink += pieces.touchText(leftId[i]) + pieces.touchText(rightId[i]) + merges.touch(leftId[i], rightId[i]);
        }
        // pass 4: verify, find the produced piece, insert
        for (int i = 0; i < count; i++) {
            int ls = leftStart[i];
            int rs = rightStart[i];
            int re = rightEnd[i];
            int left = verified(leftId[i], leftHash[i], ls, rs);
            int right = verified(rightId[i], rightHash[i], rs, re);
            if (left < 0 || right < 0) {
                String missing = left < 0 ? new String(text, ls, rs - ls) : new String(text, rs, re - rs);
                throw new TokenizerException(source, "merge #" + (rank[i] + 1) + " \"" + describe(i) + "\" uses \""
                        + Strings.escape(missing) + "\", which is not in the vocabulary");
            }
            int merged = -1;
            for (int id = Math.max(0, lastMerged); id <= lastMerged + 1 && id < pieces.size(); id++) {
                if (pieces.equalsConcatenation(id, text, ls, rs, text, rs, re)) {
                    merged = id;
                    break;
                }
            }
            if (merged < 0) {
                merged = pieces.idOfConcatenation(leftHash[i] * PieceTable.power31(re - rs) + rightHash[i],
                        text, ls, rs, text, rs, re);
            }
            if (merged < 0) {
                throw new TokenizerException(source, "merge #" + (rank[i] + 1) + " \"" + describe(i) + "\" produces \""
                        + Strings.escape(new String(text, ls, re - ls)) + "\", which is not in the vocabulary");
            }
            merges.put(left, right, rank[i], merged);
            lastMerged = merged;
        }
        touched += sink;
        count = 0;
        textSize = 0;
    }

    /** The candidate if its full text matches, else a full lookup (a hash collision on the first chars). */
    private int verified(int candidate, int rawHash, int start, int end) {
        if (candidate >= 0 && pieces.tailEquals(candidate, text, start, end)) {
            return candidate;
        }
        return candidate < 0 ? -1 : pieces.idOf(rawHash, text, start, end);
    }

    private String describe(int i) {
        return Strings.escape(new String(text, leftStart[i], rightStart[i] - leftStart[i])) + " "
                + Strings.escape(new String(text, rightStart[i], rightEnd[i] - rightStart[i]));
    }
}
