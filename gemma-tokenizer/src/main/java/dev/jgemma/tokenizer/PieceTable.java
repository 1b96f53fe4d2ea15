package dev.jgemma.tokenizer;

import java.util.Arrays;

/**
 * All vocabulary pieces in one {@code char[]} pool, with an open-addressing hash index from text to id.
 *
 * <p>Lookups take a range of a {@code char[]} so that encoding never allocates a {@code String}
 * per candidate. Each slot holds the piece's hash, length, id and first four chars, so a probe
 * usually settles without touching the pool: pieces of up to four chars (most merge operands) are
 * verified from the slot alone. Immutable after construction.
 */
final class PieceTable {
    /** Ids are stored in 24 bits of a slot (as id + 1). */
    static final int MAX_PIECES = (1 << 24) - 1;
    private static final int INLINE_CHARS = 4;
    private static final int MAX_LENGTH_FIELD = 0xFF;

    private final char[] pool;
    /** Piece {@code i} is {@code pool[offsets[i] .. offsets[i + 1])}. */
    private final int[] offsets;
    /**
     * Two longs per slot: {@code hash << 32 | min(length, 255) << 24 | (id + 1)} (0 = empty), then
     * the first four chars packed 16 bits each.
     */
    private final long[] slots;
    private final int mask;
    /** Id of the single-char piece for each BMP char, or -1. */
    private final int[] charIds;

    private PieceTable(char[] pool, int[] offsets, long[] slots, int[] charIds) {
        this.pool = pool;
        this.offsets = offsets;
        this.slots = slots;
        this.mask = slots.length / 2 - 1;
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
     * @throws TokenizerException if a piece appears twice or there are too many pieces
     */
    static PieceTable of(String source, char[] pool, int[] offsets) {
        int count = offsets.length - 1;
        if (count > MAX_PIECES) {
            throw new TokenizerException(source, "the vocabulary has " + count + " pieces, more than the "
                    + MAX_PIECES + " supported");
        }
        int capacity = Integer.highestOneBit(Math.max(4, count * 2 - 1)) << 1;
        long[] slots = new long[2 * capacity];
        int mask = capacity - 1;
        int[] charIds = new int[Character.MAX_VALUE + 1];
        Arrays.fill(charIds, -1);
        for (int id = 0; id < count; id++) {
            int start = offsets[id];
            int end = offsets[id + 1];
            int hash = mix(rawHash(pool, start, end));
            long meta = meta(hash, end - start, id);
            long head = head(pool, start, end);
            int slot = hash & mask;
            while (true) {
                long existing = slots[2 * slot];
                if (existing == 0) {
                    slots[2 * slot] = meta;
                    slots[2 * slot + 1] = head;
                    break;
                }
                int other = idIn(existing);
                if ((existing & ~0xFFFFFFL) == (meta & ~0xFFFFFFL) && slots[2 * slot + 1] == head
                        && Arrays.equals(pool, offsets[other], offsets[other + 1], pool, start, end)) {
                    throw new TokenizerException(source, "the piece \"" + Strings.escape(new String(pool, start, end - start))
                            + "\" appears twice in the vocabulary (ids " + other + " and " + id + ")");
                }
                slot = (slot + 1) & mask;
            }
            if (end - start == 1) {
                charIds[pool[start]] = id;
            }
        }
        return new PieceTable(pool, offsets, slots, charIds);
    }

    private static long meta(int hash, int length, int id) {
        return ((long) hash << 32) | ((long) Math.min(length, MAX_LENGTH_FIELD) << 24) | (id + 1);
    }

    private static int idIn(long meta) {
        return ((int) meta & 0xFFFFFF) - 1;
    }

    /** The first four chars of {@code text[start, end)}, 16 bits each, zero-padded. */
    private static long head(char[] text, int start, int end) {
        long head = 0;
        int n = Math.min(end - start, INLINE_CHARS);
        for (int i = 0; i < n; i++) {
            head |= (long) text[start + i] << (16 * i);
        }
        return head;
    }

    /** Number of pieces. */
    int size() {
        return offsets.length - 1;
    }

    /** The id of the piece equal to {@code text[start, end)}, or -1. */
    int idOf(char[] text, int start, int end) {
        return idOf(rawHash(text, start, end), text, start, end);
    }

    /** {@link #idOf(char[], int, int)} with {@code rawHash == rawHash(text, start, end)} already known. */
    int idOf(int rawHash, char[] text, int start, int end) {
        int hash = mix(rawHash);
        int length = end - start;
        long meta = meta(hash, length, -1) & ~0xFFFFFFL;
        long head = head(text, start, end);
        int slot = hash & mask;
        while (true) {
            long entry = slots[2 * slot];
            if (entry == 0) {
                return -1;
            }
            if ((entry & ~0xFFFFFFL) == meta && slots[2 * slot + 1] == head) {
                int id = idIn(entry);
                if (length <= INLINE_CHARS) {
                    return id;
                }
                int at = offsets[id];
                if (offsets[id + 1] - at == length
                        && regionEquals(pool, at + INLINE_CHARS, text, start + INLINE_CHARS, length - INLINE_CHARS)) {
                    return id;
                }
            }
            slot = (slot + 1) & mask;
        }
    }

    /**
     * The id of the piece equal to {@code a[aStart, aEnd) + b[bStart, bEnd)}, or -1, given the
     * {@link #rawHash} of the concatenation.
     */
    int idOfConcatenation(int rawHash, char[] a, int aStart, int aEnd, char[] b, int bStart, int bEnd) {
        int hash = mix(rawHash);
        int aLength = aEnd - aStart;
        int length = aLength + bEnd - bStart;
        long meta = meta(hash, length, -1) & ~0xFFFFFFL;
        long head = head(a, aStart, aEnd);
        for (int i = aLength; i < INLINE_CHARS && i < length; i++) {
            head |= (long) b[bStart + i - aLength] << (16 * i);
        }
        int slot = hash & mask;
        while (true) {
            long entry = slots[2 * slot];
            if (entry == 0) {
                return -1;
            }
            if ((entry & ~0xFFFFFFL) == meta && slots[2 * slot + 1] == head) {
                int id = idIn(entry);
                int at = offsets[id];
                if (offsets[id + 1] - at == length && regionEquals(pool, at, a, aStart, aLength)
                        && regionEquals(pool, at + aLength, b, bStart, length - aLength)) {
                    return id;
                }
            }
            slot = (slot + 1) & mask;
        }
    }

    // ---- batched lookups (see MergeListResolver): each step only reads what the previous one found ----

    /** Reads the first slot for {@code rawHash}, to bring it into the cache. */
    long touchSlot(int rawHash) {
        return slots[2 * (mix(rawHash) & mask)];
    }

    /** Reads the offset of {@code id} (if not negative), to bring it into the cache. */
    int touchOffset(int id) {
        return id < 0 ? 0 : offsets[id];
    }

    /** Reads the chars of {@code id} after the inline ones (if any), to bring them into the cache. */
    int touchText(int id) {
        if (id < 0) {
            return 0;
        }
        int at = offsets[id] + INLINE_CHARS;
        return at < offsets[id + 1] ? pool[at] : 0;
    }

    /**
     * The first piece whose slot matches {@code text[start, end)} on hash, length and first four
     * chars, without reading the pool: -1 if none, the id if the match is certain or probable
     * (confirm with {@link #tailEquals} for pieces longer than four chars).
     */
    int candidate(int rawHash, char[] text, int start, int end) {
        int hash = mix(rawHash);
        long meta = meta(hash, end - start, -1) & ~0xFFFFFFL;
        long head = head(text, start, end);
        int slot = hash & mask;
        while (true) {
            long entry = slots[2 * slot];
            if (entry == 0) {
                return -1;
            }
            if ((entry & ~0xFFFFFFL) == meta && slots[2 * slot + 1] == head) {
                return idIn(entry);
            }
            slot = (slot + 1) & mask;
        }
    }

    /** Whether piece {@code id} equals {@code text[start, end)}, given that its first four chars do. */
    boolean tailEquals(int id, char[] text, int start, int end) {
        int length = end - start;
        if (length <= INLINE_CHARS) {
            return true;
        }
        int at = offsets[id];
        return offsets[id + 1] - at == length
                && regionEquals(pool, at + INLINE_CHARS, text, start + INLINE_CHARS, length - INLINE_CHARS);
    }

    /** Whether piece {@code id} is {@code a[aStart, aEnd) + b[bStart, bEnd)}. */
    boolean equalsConcatenation(int id, char[] a, int aStart, int aEnd, char[] b, int bStart, int bEnd) {
        int at = offsets[id];
        int aLength = aEnd - aStart;
        int bLength = bEnd - bStart;
        return offsets[id + 1] - at == aLength + bLength && regionEquals(pool, at, a, aStart, aLength)
                && regionEquals(pool, at + aLength, b, bStart, bLength);
    }

    private static boolean regionEquals(char[] a, int aStart, char[] b, int bStart, int length) {
        for (int i = 0; i < length; i++) {
            if (a[aStart + i] != b[bStart + i]) {
                return false;
            }
        }
        return true;
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

    /**
     * The polynomial hash {@code sum(text[i] * 31^(end - 1 - i))}: the hash of a concatenation
     * {@code a + b} is {@code rawHash(a) * 31^len(b) + rawHash(b)}.
     */
    static int rawHash(char[] text, int start, int end) {
        int h = 0;
        for (int i = start; i < end; i++) {
            h = 31 * h + text[i];
        }
        return h;
    }

    /** 31^n mod 2^32. */
    static int power31(int n) {
        if (n < POWERS_OF_31.length) {
            return POWERS_OF_31[n];
        }
        int p = POWERS_OF_31[POWERS_OF_31.length - 1];
        for (int i = POWERS_OF_31.length - 1; i < n; i++) {
            p *= 31;
        }
        return p;
    }

    private static final int[] POWERS_OF_31 = new int[64];

    static {
        POWERS_OF_31[0] = 1;
        for (int i = 1; i < POWERS_OF_31.length; i++) {
            POWERS_OF_31[i] = POWERS_OF_31[i - 1] * 31;
        }
    }

    private static int mix(int h) {
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        h *= 0xC2B2AE35;
        h ^= h >>> 16;
        return h;
    }
}
