package dev.jgemma.core.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The f32 vector primitives every kernel is built from. Two implementations: {@link ScalarFloatOps}
 * (plain Java, the executable specification) and {@code VectorFloatOps} (the incubating Vector
 * API), chosen once by {@link dev.jgemma.core.Backend}.
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
     * {@code count} dot products of one vector with rows of {@code b} a fixed stride apart:
     * {@code out[outOff + k] = dot(a, ao, b, bo + k * bStride, n)}, with exactly the bits of
     * {@link #dot} (attention scores over cached keys).
     *
     * @param a the vector
     * @param ao its offset
     * @param b the rows
     * @param bo offset of the first row
     * @param bStride distance between rows
     * @param count number of rows
     * @param n element count
     * @param out the results
     * @param outOff where the first goes
     */
    default void dots(float[] a, int ao, float[] b, int bo, int bStride, int count, int n, float[] out, int outOff) {
        for (int k = 0; k < count; k++) {
            out[outOff + k] = dot(a, ao, b, bo + k * bStride, n);
        }
    }

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
     * Four rows times one vector, the batch-of-one case of {@link #dotTile}: {@code out[outOff + r] =
     * dot(a[aOff + r * aStride ..], x[xOff ..], n)} for {@code r < 4}, with exactly the bits
     * {@code dotTile} gives that vector as one token of any batch.
     *
     * @param a the rows (decoded weights)
     * @param aOff offset of the first row
     * @param aStride distance between rows
     * @param x the vector
     * @param xOff offset of its first element
     * @param n dot product length
     * @param out the results
     * @param outOff where the first goes
     */
    default void dot4(float[] a, int aOff, int aStride, float[] x, int xOff, int n, float[] out, int outOff) {
        for (int r = 0; r < 4; r++) {
            out[outOff + r] = dot(a, aOff + r * aStride, x, xOff, n);
        }
    }

    /**
     * A tile of dot products, the micro-kernel of the batched matrix product:
     * {@code out[outOff + t * outStride + r] = dot(a[aOff + r * aStride ..], b[bOff + t * bStride ..], n)}
     * for {@code r < rows} and {@code t < tokens}. Every output is summed in an order that depends
     * neither on {@code tokens} nor on the token's place in the batch. The batch comes as a memory
     * segment so that it can be 64-byte aligned (a vector load that straddles two cache lines
     * costs two).
     *
     * @param a the left rows (decoded weights)
     * @param aOff offset of the first row
     * @param aStride distance between rows of {@code a}
     * @param rows number of rows of {@code a}
     * @param b the right rows (the batch), little-endian floats
     * @param bOff offset of the first row, in floats
     * @param bStride distance between rows of {@code b}, in floats
     * @param tokens number of rows of {@code b}
     * @param n dot product length
     * @param out the results
     * @param outOff offset of {@code out[r = 0, t = 0]}
     * @param outStride distance between rows of different {@code t}
     */
    default void dotTile(float[] a, int aOff, int aStride, int rows, MemorySegment b, long bOff, long bStride, int tokens, int n,
                         float[] out, int outOff, int outStride) {
        float[] token = new float[n];
        for (int t = 0; t < tokens; t++) {
            MemorySegment.copy(b, ValueLayout.JAVA_FLOAT_UNALIGNED, 4 * (bOff + t * bStride), token, 0, n);
            for (int r = 0; r < rows; r++) {
                out[outOff + t * outStride + r] = dot(a, aOff + r * aStride, token, 0, n);
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

    /**
     * RMSNorm of one row: {@code out[i] = in[i] / sqrt(mean(in^2) + eps) * weight[i]}.
     *
     * @param in the input
     * @param inOff its offset
     * @param out the output (may be {@code in})
     * @param outOff its offset
     * @param weight the scale, with Gemma's {@code 1 +} already added
     * @param n the row length
     * @param eps the epsilon
     */
    default void rmsNorm(float[] in, int inOff, float[] out, int outOff, float[] weight, int n, float eps) {
        float meanSquare = sumOfSquares(in, inOff, n) / n;
        float inv = (float) (1.0 / Math.sqrt(meanSquare + eps));
        for (int i = 0; i < n; i++) {
            out[outOff + i] = in[inOff + i] * inv * weight[i];
        }
    }

    /**
     * RoPE on half-split pairs, in place: element {@code i} rotates with element
     * {@code i + half}.
     *
     * @param v the head vector
     * @param off its offset
     * @param cos cosines of the position's angles
     * @param sin sines of the position's angles
     * @param tab offset of the position's angles in {@code cos} and {@code sin}
     * @param half half the head width
     */
    default void rope(float[] v, int off, float[] cos, float[] sin, int tab, int half) {
        for (int i = 0; i < half; i++) {
            float a = v[off + i];
            float b = v[off + half + i];
            float c = cos[tab + i];
            float s = sin[tab + i];
            v[off + i] = a * c - b * s;
            v[off + half + i] = a * s + b * c;
        }
    }

    /**
     * Softmax in place: {@code v[i] = exp(v[i] - max) / sum}.
     *
     * @param v the logits
     * @param off first index
     * @param n count, at least 1
     */
    default void softmax(float[] v, int off, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = off; i < off + n; i++) {
            max = Math.max(max, v[i]);
        }
        float sum = 0f;
        for (int i = off; i < off + n; i++) {
            float e = (float) Math.exp(v[i] - max);
            v[i] = e;
            sum += e;
        }
        float inv = 1f / sum;
        for (int i = off; i < off + n; i++) {
            v[i] *= inv;
        }
    }
}
