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
}
