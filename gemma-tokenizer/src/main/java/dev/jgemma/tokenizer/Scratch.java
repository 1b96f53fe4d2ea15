package dev.jgemma.tokenizer;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Working memory of one encode call: the text copy, the symbols of the current word and the
 * output ids. Reused across calls through a small lock-free {@link Pool}, so an encode allocates
 * little more than its result, while the tokenizer itself stays immutable and thread-safe.
 */
final class Scratch {
    /** Buffers larger than this are dropped instead of being kept in the pool. */
    private static final int MAX_POOLED_CHARS = 1 << 20;

    char[] text = new char[256];
    int[] sym = new int[64];
    int[] pos = new int[65];
    long[] rules = new long[64];
    int[] prev = new int[0];
    int[] next = new int[0];
    long[] heap = new long[0];
    int[] out = new int[256];
    int outSize;

    /** The text buffer, at least {@code length} chars long. */
    char[] text(int length) {
        if (text.length < length) {
            text = new char[Math.max(length, text.length * 2)];
        }
        return text;
    }

    /** Makes room for a word of {@code length} symbols. */
    void ensureSymbols(int length) {
        if (sym.length < length) {
            int size = Math.max(length, sym.length * 2);
            sym = new int[size];
            pos = new int[size + 1];
            rules = new long[size];
        }
    }

    /** Makes room for the linked list and heap of a word of {@code length} symbols. */
    void ensureLinks(int length) {
        if (prev.length < length) {
            int size = Math.max(length, prev.length * 2);
            prev = new int[size];
            next = new int[size];
            heap = new long[3 * size];
        }
    }

    void add(int id) {
        if (outSize == out.length) {
            out = Arrays.copyOf(out, out.length * 2);
        }
        out[outSize++] = id;
    }

    int last() {
        return outSize == 0 ? -1 : out[outSize - 1];
    }

    int[] result() {
        return Arrays.copyOf(out, outSize);
    }

    private boolean worthKeeping() {
        return text.length <= MAX_POOLED_CHARS && sym.length <= MAX_POOLED_CHARS && out.length <= MAX_POOLED_CHARS;
    }

    /** A few reusable {@link Scratch} objects shared by all threads; never blocks. */
    static final class Pool {
        private static final int SLOTS = 8;
        private final AtomicReferenceArray<Scratch> slots = new AtomicReferenceArray<>(SLOTS);

        Scratch acquire() {
            int start = (int) Thread.currentThread().threadId();
            for (int i = 0; i < SLOTS; i++) {
                int slot = (start + i) & (SLOTS - 1);
                Scratch s = slots.get(slot);
                if (s != null && slots.compareAndSet(slot, s, null)) {
                    s.outSize = 0;
                    return s;
                }
            }
            return new Scratch();
        }

        void release(Scratch s) {
            if (!s.worthKeeping()) {
                return;
            }
            int start = (int) Thread.currentThread().threadId();
            for (int i = 0; i < SLOTS; i++) {
                if (slots.compareAndSet((start + i) & (SLOTS - 1), null, s)) {
                    return;
                }
            }
        }
    }
}
