package dev.jgemma.core.kernel;

/**
 * The f32 vector primitives every kernel is built from. Two implementations: {@link ScalarFloatOps}
 * (plain Java, the executable specification) and {@code VectorFloatOps} (the incubating Vector
 * API), chosen once by {@link Backend}.
 */
public interface FloatOps {

    /**
     * @return sum of {@code a[ao+i] * b[bo+i]} for {@code i < n}
     * @param a first operand
     * @param ao offset in {@code a}
     * @param b second operand
     * @param bo offset in {@code b}
     * @param n element count
     */
    float dot(float[] a, int ao, float[] b, int bo, int n);

    /**
     * {@code y[yo+i] += alpha * x[xo+i]} for {@code i < n}.
     *
     * @param alpha scale
     * @param x source
     * @param xo offset in {@code x}
     * @param y destination
     * @param yo offset in {@code y}
     * @param n element count
     */
    void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n);

    /**
     * @return sum of squares of {@code x[xo..xo+n)}
     * @param x values
     * @param xo offset
     * @param n count
     */
    float sumOfSquares(float[] x, int xo, int n);

    /**
     * A tile of dot products, the micro-kernel of the batched matrix product:
     * {@code out[outOff + t * outStride + r] = dot(a[aOff + r * aStride ..], b[bOff + t * bStride ..], n)}
     * for {@code r < rows} and {@code t < tokens}.
     *
     * @param a the left rows (decoded weights)
     * @param aOff offset of the first row
     * @param aStride distance between rows of {@code a}
     * @param rows number of rows of {@code a}
     * @param b the right rows (the batch)
     * @param bOff offset of the first row
     * @param bStride distance between rows of {@code b}
     * @param tokens number of rows of {@code b}
     * @param n dot product length
     * @param out the results
     * @param outOff offset of {@code out[r = 0, t = 0]}
     * @param outStride distance between rows of different {@code t}
     */
    default void dotTile(float[] a, int aOff, int aStride, int rows, float[] b, int bOff, int bStride, int tokens, int n,
                         float[] out, int outOff, int outStride) {
        for (int t = 0; t < tokens; t++) {
            for (int r = 0; r < rows; r++) {
                out[outOff + t * outStride + r] = dot(a, aOff + r * aStride, b, bOff + t * bStride, n);
            }
        }
    }

    /**
     * GeGLU with the tanh approximation of GELU, in place:
     * {@code gate[i] = 0.5 * g * (1 + tanh(sqrt(2 / pi) * (g + 0.044715 * g^3))) * up[i]}.
     *
     * @param gate the gate activations, overwritten by the result
     * @param up the up projection
     * @param off first index
     * @param n element count
     */
    default void geglu(float[] gate, float[] up, int off, int n) {
        final float sqrt2OverPi = (float) Math.sqrt(2.0 / Math.PI);
        for (int i = off; i < off + n; i++) {
            float g = gate[i];
            float inner = sqrt2OverPi * (g + 0.044715f * g * g * g);
            gate[i] = 0.5f * g * (1f + (float) Math.tanh(inner)) * up[i];
        }
    }

    /**
     * Soft-capping in place: {@code v = cap * tanh(v / cap)}.
     *
     * @param v values
     * @param off first index
     * @param n element count
     * @param cap the cap, positive
     */
    default void softcap(float[] v, int off, int n, float cap) {
        for (int i = off; i < off + n; i++) {
            v[i] = cap * (float) Math.tanh(v[i] / cap);
        }
    }

    /**
     * The matrix-product inner loops for one storage format on this backend.
     *
     * @param format a storage format
     * @return its kernel: the generic decoding one unless this backend has a faster one
     */
    default FormatKernel formatKernel(dev.jgemma.core.tensor.BlockFormat format) {
        return new DecodingFormatKernel(format);
    }
}
