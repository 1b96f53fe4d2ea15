package dev.jgemma.core.sampling;

import java.util.Arrays;

/**
 * The tokens still in the running during one sampling step, each packed with its (temperature
 * scaled) logit into one {@code long} key that orders by logit, then by lower id: sorting and
 * selecting move one primitive array. The filters only ever shrink the set; {@link #count()} is
 * how many of the keys are live. Scratch storage reused across steps; not thread-safe.
 */
final class Candidates {
    private long[] keys = new long[0];
    private int count;

    /**
     * Loads every token whose logit is finite, divided by {@code temperature}.
     *
     * @param logits adjusted logits, one per vocabulary id (no NaN)
     * @param temperature positive
     */
    void load(float[] logits, double temperature) {
        if (keys.length < logits.length) {
            keys = new long[logits.length];
        }
        float inverse = (float) (1.0 / temperature);
        int n = 0;
        for (int id = 0; id < logits.length; id++) {
            float l = logits[id];
            if (l != Float.NEGATIVE_INFINITY) {
                keys[n++] = key(temperature == 1.0 ? l : l * inverse, id);
            }
        }
        count = n;
    }

    /** @return the number of live candidates */
    int count() {
        return count;
    }

    /** @param i an index below {@link #count()} @return that candidate's token id */
    int id(int i) {
        return Integer.MAX_VALUE - (int) (keys[i] & 0xFFFFFFFFL);
    }

    /** @param i an index below {@link #count()} @return that candidate's scaled logit */
    float logit(int i) {
        int s = (int) (keys[i] >> 32);
        return Float.intBitsToFloat(s ^ ((s >> 31) & 0x7FFFFFFF));
    }

    /** @return the largest live logit (there is at least one candidate) */
    float maxLogit() {
        long best = Long.MIN_VALUE;
        for (int i = 0; i < count; i++) {
            best = Math.max(best, keys[i]);
        }
        int s = (int) (best >> 32);
        return Float.intBitsToFloat(s ^ ((s >> 31) & 0x7FFFFFFF));
    }

    /** Keeps the first {@code n} candidates (in the current order). */
    void truncate(int n) {
        count = Math.min(count, n);
    }

    /** Keeps only candidates whose logit is at least {@code threshold}. */
    void keepAtLeast(float threshold) {
        int n = 0;
        for (int i = 0; i < count; i++) {
            if (logit(i) >= threshold) {
                keys[n++] = keys[i];
            }
        }
        count = n;
    }

    /**
     * Moves the {@code m} best candidates of {@code [from, count)} to {@code [from, from + m)},
     * most likely first; the order of the rest is unspecified.
     *
     * @param from where the unsorted part starts
     * @param m how many to bring to the front, clamped to what is left
     * @return the number actually sorted
     */
    int sortNext(int from, int m) {
        int to = Math.min(count, from + m);
        if (to - from <= 0) {
            return 0;
        }
        if (to < count) {
            select(from, count - 1, to);
        }
        Arrays.sort(keys, from, to);
        reverse(from, to);
        return to - from;
    }

    /**
     * Quickselect: rearranges {@code keys[lo..hi]} so that the {@code k - lo} largest keys of
     * that range occupy {@code [lo, k)}. Keys are distinct (ids are), so partitions shrink.
     */
    private void select(int lo, int hi, int k) {
        while (hi > lo) {
            int mid = (lo + hi) >>> 1;
            long pivot = median(keys[lo], keys[mid], keys[hi]);
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (keys[i] > pivot) {
                    i++;
                }
                while (keys[j] < pivot) {
                    j--;
                }
                if (i <= j) {
                    long t = keys[i];
                    keys[i] = keys[j];
                    keys[j] = t;
                    i++;
                    j--;
                }
            }
            // Now keys[lo..j] >= pivot >= keys[i..hi], with i > j.
            if (k <= j) {
                hi = j;
            } else if (k >= i) {
                lo = i;
            } else {
                return;
            }
        }
    }

    private static long median(long a, long b, long c) {
        return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    }

    private void reverse(int from, int to) {
        for (int i = from, j = to - 1; i < j; i++, j--) {
            long t = keys[i];
            keys[i] = keys[j];
            keys[j] = t;
        }
    }

    /** Packs a logit and an id so that larger keys mean larger logits, then lower ids. */
    static long key(float logit, int id) {
        int bits = Float.floatToIntBits(logit + 0.0f);
        int sortable = bits ^ ((bits >> 31) & 0x7FFFFFFF);
        return ((long) sortable << 32) | ((Integer.MAX_VALUE - id) & 0xFFFFFFFFL);
    }
}
