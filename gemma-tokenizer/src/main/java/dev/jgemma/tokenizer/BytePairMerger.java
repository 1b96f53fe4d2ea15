package dev.jgemma.tokenizer;

/**
 * Applies BPE merge rules to the symbols of one word: repeatedly merges the adjacent pair with
 * the lowest rank, the leftmost one among equal ranks, until no adjacent pair has a rule.
 *
 * <p>This is HuggingFace's {@code Word::merge_all} and SentencePiece's {@code bpe_model.cc} loop
 * (whose "highest score" is our lowest rank). Short words use a direct scan (quadratic but with
 * tiny constants), long ones a linked list with a binary heap of candidate pairs, which stays
 * O(n log n) on pathological input such as 100,000 spaces.
 */
final class BytePairMerger {
    /** Words up to this many symbols use the direct scan. */
    static final int SCAN_LIMIT = 32;
    private static final int DEAD = Integer.MIN_VALUE;

    private final MergeRules rules;

    BytePairMerger(MergeRules rules) {
        this.rules = rules;
    }

    /**
     * Merges {@code s.sym[0, n)} (piece ids; negative ids never merge) with their start offsets
     * {@code s.pos[0, n]} (the last entry is the word end). On return the first {@code result}
     * entries of both arrays hold the merged symbols, and {@code s.pos[result]} the word end.
     */
    int merge(Scratch s, int n) {
        if (n < 2) {
            return n;
        }
        return n <= SCAN_LIMIT ? mergeByScan(s, n) : mergeByHeap(s, n);
    }

    private int mergeByScan(Scratch s, int n) {
        int[] sym = s.sym;
        int[] pos = s.pos;
        long[] rules = s.rules;
        char[] text = s.text;
        for (int k = 0; k < n - 1; k++) {
            rules[k] = this.rules.rule(sym[k], sym[k + 1], text, pos[k], pos[k + 2]);
        }
        while (n > 1) {
            int best = -1;
            int bestRank = 0;
            for (int k = 0; k < n - 1; k++) {
                long rule = rules[k];
                if (rule != MergeTable.ABSENT) {
                    int rank = MergeTable.rank(rule);
                    if (best < 0 || rank < bestRank) {
                        best = k;
                        bestRank = rank;
                    }
                }
            }
            if (best < 0) {
                break;
            }
            sym[best] = MergeTable.merged(rules[best]);
            int tail = n - best - 2;
            if (tail > 0) {
                System.arraycopy(sym, best + 2, sym, best + 1, tail);
                System.arraycopy(rules, best + 2, rules, best + 1, tail - 1);
            }
            System.arraycopy(pos, best + 2, pos, best + 1, tail + 1);
            n--;
            if (best > 0) {
                rules[best - 1] = this.rules.rule(sym[best - 1], sym[best], text, pos[best - 1], pos[best + 1]);
            }
            if (best < n - 1) {
                rules[best] = this.rules.rule(sym[best], sym[best + 1], text, pos[best], pos[best + 2]);
            }
        }
        return n;
    }

    private int mergeByHeap(Scratch s, int n) {
        int[] sym = s.sym;
        int[] pos = s.pos;
        s.ensureLinks(n);
        int[] prev = s.prev;
        int[] next = s.next;
        long[] heap = s.heap;
        char[] text = s.text;
        int end = pos[n];
        int heapSize = 0;
        for (int k = 0; k < n; k++) {
            prev[k] = k - 1;
            next[k] = k + 1 < n ? k + 1 : -1;
        }
        for (int k = 0; k < n - 1; k++) {
            long rule = rules.rule(sym[k], sym[k + 1], text, pos[k], pos[k + 2]);
            if (rule != MergeTable.ABSENT) {
                heap[heapSize++] = entry(MergeTable.rank(rule), k);
            }
        }
        for (int k = (heapSize >>> 1) - 1; k >= 0; k--) {
            siftDown(heap, k, heapSize);
        }
        while (heapSize > 0) {
            long top = heap[0];
            heap[0] = heap[--heapSize];
            siftDown(heap, 0, heapSize);
            int left = (int) top;
            int rank = (int) (top >> 32);
            if (sym[left] == DEAD) {
                continue;
            }
            int right = next[left];
            if (right < 0) {
                continue;
            }
            int after = next[right];
            long rule = rules.rule(sym[left], sym[right], text, pos[left], after >= 0 ? pos[after] : end);
            if (rule == MergeTable.ABSENT || MergeTable.rank(rule) != rank) {
                continue; // stale: one side has changed since this pair was queued
            }
            sym[left] = MergeTable.merged(rule);
            sym[right] = DEAD;
            next[left] = after;
            if (after >= 0) {
                prev[after] = left;
            }
            int afterNext = after >= 0 ? (next[after] >= 0 ? pos[next[after]] : end) : end;
            int before = prev[left];
            if (before >= 0) {
                long r = rules.rule(sym[before], sym[left], text, pos[before], after >= 0 ? pos[after] : end);
                if (r != MergeTable.ABSENT) {
                    heap[heapSize] = entry(MergeTable.rank(r), before);
                    siftUp(heap, heapSize++);
                }
            }
            if (after >= 0) {
                long r = rules.rule(sym[left], sym[after], text, pos[left], afterNext);
                if (r != MergeTable.ABSENT) {
                    heap[heapSize] = entry(MergeTable.rank(r), left);
                    siftUp(heap, heapSize++);
                }
            }
        }
        int count = 0;
        for (int k = 0; k >= 0; k = next[k]) {
            sym[count] = sym[k];
            pos[count] = pos[k];
            count++;
        }
        pos[count] = end;
        return count;
    }

    /** Orders by rank, then by position: the signed long order of {@code rank << 32 | position}. */
    private static long entry(int rank, int position) {
        return ((long) rank << 32) | position;
    }

    private static void siftUp(long[] heap, int k) {
        long value = heap[k];
        while (k > 0) {
            int parent = (k - 1) >>> 1;
            if (heap[parent] <= value) {
                break;
            }
            heap[k] = heap[parent];
            k = parent;
        }
        heap[k] = value;
    }

    private static void siftDown(long[] heap, int k, int size) {
        long value = heap[k];
        int half = size >>> 1;
        while (k < half) {
            int child = 2 * k + 1;
            int right = child + 1;
            if (right < size && heap[right] < heap[child]) {
                child = right;
            }
            if (value <= heap[child]) {
                break;
            }
            heap[k] = heap[child];
            k = child;
        }
        heap[k] = value;
    }
}
