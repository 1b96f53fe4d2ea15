package dev.jgemma.tokenizer;

import java.util.Arrays;

/**
 * All vocabulary pieces in one {@code char[]} pool, with an open-addressing hash index from text to id.
 *
 * <p>Lookups take a range of a {@code char[]} so that encoding never allocates a {@code String}
 * per candidate. Immutable after construction.
 */
final class PieceTable {
    private final char[] pool;
    /** Piece {@code i} is {@code pool[offsets[i] .. offsets[i + 1])}. */
    private final int[] offsets;
    /** Open-addressing slots holding {@code id + 1}; 0 marks an empty slot. */
    private final int[] slots;
    private final int mask;
    /** Id of the single-char piece for each BMP char, or -1. */
    private final int[] charIds;

    private PieceTable(char[] pool, int[] offsets, int[] slots, int[] charIds) {
        this.pool = pool;
        this.offsets = offsets;
        this.slots = slots;
        this.mask = slots.length - 1;
        this.charIds = charIds;
    }

    /**
     * Builds the table from pieces given in id order.
     *
     * @throws TokenizerException if a piece is null or appears twice
     */
    static PieceTable of(String source, String[] pieces) {
        int total = 0;
        for (int id = 0; id < pieces.length; id++) {
            if (pieces[id] == null) {
                throw new TokenizerException(source, "the vocabulary has no piece for id " + id
                        + " (ids must run from 0 to " + (pieces.length - 1) + " without gaps)");
            }
            total += pieces[id].length();
        }
        char[] pool = new char[total];
        int[] offsets = new int[pieces.length + 1];
        int at = 0;
        for (int id = 0; id < pieces.length; id++) {
            String piece = pieces[id];
            piece.getChars(0, piece.length(), pool, at);
            at += piece.length();
            offsets[id + 1] = at;
        }
        return of(source, pool, offsets);
    }

    /**
     * Builds the table from a pool and offsets ({@code offsets.length == pieces + 1}).
     *
     * @throws TokenizerException if a piece appears twice
     */
    static PieceTable of(String source, char[] pool, int[] offsets) {
        int count = offsets.length - 1;
        int capacity = Integer.highestOneBit(Math.max(4, count * 2 - 1)) << 1;
        int[] slots = new int[capacity];
        int mask = capacity - 1;
        int[] charIds = new int[Character.MAX_VALUE + 1];
        Arrays.fill(charIds, -1);
        for (int id = 0; id < count; id++) {
            int start = offsets[id];
            int end = offsets[id + 1];
            int slot = hash(pool, start, end) & mask;
            while (true) {
                int existing = slots[slot] - 1;
                if (existing < 0) {
                    slots[slot] = id + 1;
                    break;
                }
                if (equal(pool, offsets[existing], offsets[existing + 1], pool, start, end)) {
                    throw new TokenizerException(source, "the piece \"" + Strings.escape(new String(pool, start, end - start))
                            + "\" appears twice in the vocabulary (ids " + existing + " and " + id + ")");
                }
                slot = (slot + 1) & mask;
            }
            if (end - start == 1) {
                charIds[pool[start]] = id;
            }
        }
        return new PieceTable(pool, offsets, slots, charIds);
    }

    /** Number of pieces. */
    int size() {
        return offsets.length - 1;
    }

    /** The id of the piece equal to {@code text[start, end)}, or -1. */
    int idOf(char[] text, int start, int end) {
        int slot = hash(text, start, end) & mask;
        while (true) {
            int id = slots[slot] - 1;
            if (id < 0) {
                return -1;
            }
            if (equal(pool, offsets[id], offsets[id + 1], text, start, end)) {
                return id;
            }
            slot = (slot + 1) & mask;
        }
    }

    /** The id of the piece equal to {@code text}, or -1. */
    int idOf(String text) {
        char[] chars = text.toCharArray();
        return idOf(chars, 0, chars.length);
    }

    /** The id of the one-char piece {@code c}, or -1. */
    int idOfChar(char c) {
        return charIds[c];
    }

    /** The piece with the given id (which must be valid). */
    String piece(int id) {
        return new String(pool, offsets[id], offsets[id + 1] - offsets[id]);
    }

    int start(int id) {
        return offsets[id];
    }

    int end(int id) {
        return offsets[id + 1];
    }

    int length(int id) {
        return offsets[id + 1] - offsets[id];
    }

    /** The shared pool; callers must not modify it. */
    char[] pool() {
        return pool;
    }

    /** The shared offsets; callers must not modify them. */
    int[] offsets() {
        return offsets;
    }

    static int hash(char[] text, int start, int end) {
        int h = 0;
        for (int i = start; i < end; i++) {
            h = 31 * h + text[i];
        }
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        h *= 0xC2B2AE35;
        h ^= h >>> 16;
        return h;
    }

    private static boolean equal(char[] a, int aStart, int aEnd, char[] b, int bStart, int bEnd) {
        return Arrays.equals(a, aStart, aEnd, b, bStart, bEnd);
    }
}
