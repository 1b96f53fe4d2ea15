package dev.jgemma.core.kernel;

import dev.jgemma.core.tensor.TensorType;
import java.lang.foreign.MemorySegment;

/**
 * The storage-type-specific part of the matrix products: decoding rows of weights to f32, which
 * {@link TiledMatmul} then multiplies. Every type gets it from its
 * {@link dev.jgemma.core.tensor.BlockFormat} through {@link DecodingFormatKernel}; a backend
 * gives a type a faster class of its own where a benchmark shows it pays (the Vector API backend
 * widens blocks in registers), so adding a storage type (a K-quant) means adding one class, or
 * none.
 */
public interface FormatKernel {

    /** @return the storage type */
    TensorType type();

    /**
     * Decodes {@code n} elements to f32.
     *
     * @param w the weights
     * @param offset byte offset (a block boundary)
     * @param dst the destination
     * @param dstOffset first index written
     * @param n elements (a whole number of blocks)
     */
    void decode(MemorySegment w, long offset, float[] dst, int dstOffset, int n);

    /**
     * Four consecutive rows times one vector, the decode step: {@code out[outOff + i] =
     * dot(row i, x[0 .. n))} for {@code i < 4}. The default decodes the rows into
     * {@code scratch} and runs {@link FloatOps#dot4(float[], int, int, float[], int, int, float[], int)};
     * an override fuses decoding into the multiply-adds (one pass over the weights, nothing
     * stored) and must sum in exactly the order {@link FloatOps#dotTile} does, so that results do not depend on the batch size.
     *
     * @param w the weights
     * @param offset byte offset of the first row
     * @param rowBytes bytes per row
     * @param x the vector
     * @param n elements per row
     * @param out the results
     * @param outOff where the first goes
     * @param scratch at least {@code 4 * n} floats
     * @param ops the f32 primitives
     */
    default void dot4(MemorySegment w, long offset, long rowBytes, float[] x, int n, float[] out, int outOff, float[] scratch,
                      FloatOps ops) {
        for (int i = 0; i < 4; i++) {
            decode(w, offset + i * rowBytes, scratch, i * n, n);
        }
        ops.dot4(scratch, 0, n, x, 0, n, out, outOff);
    }
}
