package dev.jgemma.core.kernel;

/**
 * Scaled dot-product attention of one query head over a range of cached positions, with
 * Gemma-2's logit soft-cap: {@code softmax(cap * tanh(q.k * scale / cap)) . v}. Keys and values
 * are stored position-major, {@code kvDim} floats per position, in a ring of {@code slots}
 * positions (position {@code j} lives in slot {@code j % slots}), which covers both a sliding
 * window's ring buffer and a global layer's plain array.
 */
public final class Attention {
    private final FloatOps ops;

    /** @param ops the f32 primitives to compute with */
    public Attention(FloatOps ops) {
        this.ops = ops;
    }

    /**
     * @param q the queries
     * @param qOff offset of this head's query
     * @param keys the key cache
     * @param values the value cache
     * @param kvDim floats per cached position
     * @param headOff offset of the key/value head within a position
     * @param slots positions the ring holds
     * @param first the first position attended to
     * @param last the last position attended to (inclusive)
     * @param scale the query scale
     * @param cap the soft-cap, 0 for none
     * @param headDim the head width
     * @param scores scratch of at least {@code last - first + 1} floats
     * @param out receives the head's output
     * @param outOff where it goes
     */
    public void attend(float[] q, int qOff, float[] keys, float[] values, int kvDim, int headOff, int slots, int first, int last,
                       float scale, float cap, int headDim, float[] scores, float[] out, int outOff) {
        int n = last - first + 1;
        for (int j = first; j <= last; ) { // runs of consecutive slots, split where the ring wraps
            int slot = j % slots;
            int run = Math.min(last - j + 1, slots - slot);
            ops.dots(q, qOff, keys, slot * kvDim + headOff, kvDim, run, headDim, scores, j - first);
            j += run;
        }
        for (int i = 0; i < n; i++) {
            scores[i] *= scale;
        }
        if (cap > 0) {
            ops.softcap(scores, 0, n, cap);
        }
        ops.softmax(scores, 0, n);
        java.util.Arrays.fill(out, outOff, outOff + headDim, 0f);
        for (int j = first; j <= last; j++) {
            ops.axpy(scores[j - first], values, (j % slots) * kvDim + headOff, out, outOff, headDim);
        }
    }
}
