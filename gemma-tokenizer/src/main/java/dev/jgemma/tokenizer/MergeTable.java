package dev.jgemma.tokenizer;

/**
 * The BPE merge rules as a primitive open-addressing map from a pair of piece ids to
 * (rank, merged piece id). A lower rank merges first; equal ranks merge leftmost first.
 *
 * <p>Keys are {@code left << 32 | right}, values {@code rank << 32 | merged}, so one probe
 * answers both questions without boxing. Filled by a loader, then only read.
 */
final class MergeTable implements MergeRules {
    /** Returned by {@link #get} when the pair does not merge. */
    static final long ABSENT = -1L;
    private static final long EMPTY = -1L;

    /** Key at {@code 2 * slot}, value at {@code 2 * slot + 1}: one cache line per probe. */
    private long[] table;
    private int capacity;
    private int mask;
    private int shift;
    private int size;

    MergeTable(int expectedSize) {
        allocate(capacityFor(expectedSize));
    }

    /** The smallest power of two that holds {@code size} entries at a load factor of at most 5/8. */
    private static int capacityFor(int size) {
        int capacity = 8;
        while (capacity * 5L / 8 < size) {
            capacity <<= 1;
        }
        return capacity;
    }

    private void allocate(int capacity) {
        this.capacity = capacity;
        table = new long[2 * capacity];
        for (int i = 0; i < table.length; i += 2) {
            table[i] = EMPTY;
        }
        mask = capacity - 1;
        shift = 64 - Integer.numberOfTrailingZeros(capacity);
    }

    /** Adds or replaces the rule {@code (left, right) -> merged} with the given rank. */
    void put(int left, int right, int rank, int merged) {
        if (size >= capacity * 5L / 8) {
            grow();
        }
        long key = ((long) left << 32) | (right & 0xFFFFFFFFL);
        int slot = slot(key);
        long k;
        while ((k = table[2 * slot]) != EMPTY) {
            if (k == key) {
                table[2 * slot + 1] = pack(rank, merged);
                return;
            }
            slot = (slot + 1) & mask;
        }
        table[2 * slot] = key;
        table[2 * slot + 1] = pack(rank, merged);
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
        while ((k = table[2 * slot]) != EMPTY) {
            if (k == key) {
                return table[2 * slot + 1];
            }
            slot = (slot + 1) & mask;
        }
        return ABSENT;
    }

    @Override
    public long rule(int left, int right, char[] text, int from, int to) {
        return get(left, right);
    }

    /** Reads the first slot of {@code (left, right)}, to bring it into the cache before a {@link #put}. */
    long touch(int left, int right) {
        return table[2 * slot(((long) left << 32) | (right & 0xFFFFFFFFL))];
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
        for (int i = 0; i < table.length; i += 2) {
            long key = table[i];
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
        long[] old = table;
        allocate(capacity * 2);
        for (int i = 0; i < old.length; i += 2) {
            long key = old[i];
            if (key != EMPTY) {
                int slot = slot(key);
                while (table[2 * slot] != EMPTY) {
                    slot = (slot + 1) & mask;
                }
                table[2 * slot] = key;
                table[2 * slot + 1] = old[i + 1];
            }
        }
    }
}
