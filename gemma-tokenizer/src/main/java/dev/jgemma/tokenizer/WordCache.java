package dev.jgemma.tokenizer;

import java.util.Arrays;

/**
 * Remembers the ids of recently encoded words, so that frequent words that are not a single
 * piece ({@code "▁end."}, {@code "▁int("}) skip BPE. Direct-mapped: a word's hash picks one slot,
 * a newer word simply replaces the older one.
 *
 * <p>Shared by all threads without locks: entries are immutable records (final fields), so a
 * thread sees either an old entry, a new one, or none, each complete; racing writers only decide
 * which of two correct entries stays.
 */
final class WordCache {
    private static final int SLOTS = 1 << 14;
    /** Longer words are rare and not worth a slot. */
    static final int MAX_WORD_LENGTH = 40;

    private record Entry(char[] word, int[] ids) {
    }

    private final Entry[] entries = new Entry[SLOTS];

    /** The ids of {@code text[start, end)} if cached, else null. */
    int[] get(int rawHash, char[] text, int start, int end) {
        Entry entry = entries[slot(rawHash)];
        if (entry != null && Arrays.equals(entry.word, 0, entry.word.length, text, start, end)) {
            return entry.ids;
        }
        return null;
    }

    /** Caches {@code ids[from, to)} as the encoding of {@code text[start, end)}. */
    void put(int rawHash, char[] text, int start, int end, int[] ids, int from, int to) {
        entries[slot(rawHash)] = new Entry(Arrays.copyOfRange(text, start, end), Arrays.copyOfRange(ids, from, to));
    }

    private static int slot(int rawHash) {
        return (rawHash * 0x9E3779B1) >>> (32 - Integer.numberOfTrailingZeros(SLOTS));
    }
}
