package dev.jgemma.core.tensor;

import java.lang.foreign.MemorySegment;

/**
 * How one {@link TensorType} lays its elements out in memory: the one place that knows a block
 * layout. Every supported type implements decoding to f32; kernels use it directly (the generic
 * path) or replace it by a fused, vectorised inner loop where a benchmark shows that pays.
 */
public interface BlockFormat {

    /** @return the type this format decodes */
    TensorType type();

    /**
     * Decodes {@code count} consecutive elements, starting at a block boundary.
     *
     * @param src the tensor data
     * @param offset byte offset of the first block in {@code src}
     * @param dst where the f32 values go
     * @param dstOffset first index written in {@code dst}
     * @param count element count, a multiple of the block size
     */
    void decode(MemorySegment src, long offset, float[] dst, int dstOffset, int count);

    /**
     * Encodes f32 values into this format, if the format can be written. Quantized types produce
     * exactly the bytes of ggml's reference quantizer without an importance matrix
     * ({@code quantize_row_*_ref}, what {@code llama-quantize} writes).
     *
     * @param src values to encode
     * @param srcOffset first value
     * @param count element count, a multiple of the block size
     * @param dst destination memory
     * @param offset byte offset in {@code dst}
     * @throws UnsupportedOperationException if jgemma cannot write this type
     */
    default void encode(float[] src, int srcOffset, int count, MemorySegment dst, long offset) {
        throw new UnsupportedOperationException("writing " + type() + " is not supported");
    }

    /** @return whether {@link #encode} is implemented for this type */
    default boolean canEncode() {
        return false;
    }

    /**
     * Finds the first block whose stored scale is NaN or infinite (for plain types, whose value
     * is): such a block decodes to NaN or infinity and would silently turn logits into garbage.
     * Reads only the scale fields of quantized blocks, so it costs a small fraction of decoding.
     *
     * @param src the tensor data
     * @param offset byte offset of the first block in {@code src}
     * @param blocks how many blocks to scan
     * @return the index of the first bad block counted from {@code offset}, or -1 if all are finite
     */
    long firstNonFiniteBlock(MemorySegment src, long offset, long blocks);
}
