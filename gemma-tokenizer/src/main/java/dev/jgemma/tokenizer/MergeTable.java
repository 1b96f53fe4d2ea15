package dev.jgemma.tokenizer;

import java.util.Arrays;

/**
 * The BPE merge rules as a primitive open-addressing map from a pair of piece ids to
 * (rank, merged piece id). A lower rank merges first; equal ranks merge leftmost first.
 *
 * <p>Keys are {@code left << 32 | right}, values {@code rank << 32 | merged}, so one probe
 * answers both questions without boxing. Filled by a loader, then only read.
 */
final class MergeTable {
    /** Returned by {@link #get} when the pair does not merge. */
    static final long ABSENT = -1L;
    private static final long EMPTY = -1L;

    private long[] keys;
    private long[] values;
    private int mask;
    private int shift;
    private int size;

    MergeTable(int expectedSize) {
        int capacity = Integer.highestOneBit(Math.max(8, expectedSize * 2 - 1)) << 1;
        allocate(capacity);
    }

    private void allocate(int capacity) {
        keys = new long[capacity];
        Arrays.fill(keys, EMPTY);
        values = new long[capacity];
        mask = capacity - 1;
        shift = 64 - Integer.numberOfTrailingZeros(capacity);
    }

    /** Adds or replaces the rule {@code (left, right) -> merged} with the given rank. */
    void put(int left, int right, int rank, int merged) {
        if (size * 2 >= keys.length) {
            grow();
        }
        long key = ((long) left << 32) | (right & 0xFFFFFFFFL);
        int slot = slot(key);
        while (keys[slot] != EMPTY) {
            if (keys[slot] == key) {
                values[slot] = pack(rank, merged);
                return;
            }
            slot = (slot + 1) & mask;
        }
        keys[slot] = key;
        values[slot] = pack(rank, merged);
        size++;
    }

    /**
     * The rule for {@code (left, right)} as {@code rank << 32 | merged}, or {@link #ABSENT}.
     * Negative ids (unknown characters) never merge.
     */
    long get(int left, int right) {
        if ((left | right) < 0) {
            return ABSENT;
        }
        long key = ((long) left << 32) | right;
        int slot = slot(key);
        long k;
        while ((k = keys[slot]) != EMPTY) {
            if (k == key) {
                return values[slot];
            }
            slot = (slot + 1) & mask;
        }
        return ABSENT;
    }

    static int rank(long rule) {
        return (int) (rule >> 32);
    }

    static int merged(long rule) {
        return (int) rule;
    }

    int size() {
        return size;
    }

    /** Calls {@code visitor} with (left, right) of every rule. */
    void forEachPair(PairVisitor visitor) {
        for (long key : keys) {
            if (key != EMPTY) {
                visitor.visit((int) (key >>> 32), (int) key);
            }
        }
    }

    @FunctionalInterface
    interface PairVisitor {
        void visit(int left, int right);
    }

    private static long pack(int rank, int merged) {
        return ((long) rank << 32) | (merged & 0xFFFFFFFFL);
    }

    private int slot(long key) {
        return (int) ((key * 0x9E3779B97F4A7C15L) >>> shift);
    }

    private void grow() {
        long[] oldKeys = keys;
        long[] oldValues = values;
        allocate(keys.length * 2);
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != EMPTY) {
                long key = oldKeys[i];
                int slot = slot(key);
                while (keys[slot] != EMPTY) {
                    slot = (slot + 1) & mask;
                }
                keys[slot] = key;
                values[slot] = oldValues[i];
                size++;
            }
        }
    }
}
