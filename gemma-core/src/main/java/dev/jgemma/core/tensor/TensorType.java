package dev.jgemma.core.tensor;

import java.util.Optional;

/**
 * The element types a weight tensor can be stored in, with their GGML type ids and block layouts.
 * Quantized types store elements in blocks of {@link #blockSize()} elements taking
 * {@link #blockBytes()} bytes each; plain types have a block size of 1.
 *
 * <p>Whether jgemma can compute with a type is {@link #isSupported()}; the others are listed so
 * that an unsupported file fails with a message naming its type rather than an unknown number.
 */
public enum TensorType {
    F32(0, 1, 4),
    F16(1, 1, 2),
    Q4_0(2, 32, 18),
    Q4_1(3, 32, 20),
    Q5_0(6, 32, 22),
    Q5_1(7, 32, 24),
    Q8_0(8, 32, 34),
    Q8_1(9, 32, 36),
    Q2_K(10, 256, 84),
    Q3_K(11, 256, 110),
    Q4_K(12, 256, 144),
    Q5_K(13, 256, 176),
    Q6_K(14, 256, 210),
    Q8_K(15, 256, 292),
    IQ2_XXS(16, 256, 66),
    IQ2_XS(17, 256, 74),
    IQ3_XXS(18, 256, 98),
    IQ1_S(19, 256, 50),
    IQ4_NL(20, 32, 18),
    IQ3_S(21, 256, 110),
    IQ2_S(22, 256, 82),
    IQ4_XS(23, 256, 136),
    I8(24, 1, 1),
    I16(25, 1, 2),
    I32(26, 1, 4),
    I64(27, 1, 8),
    F64(28, 1, 8),
    IQ1_M(29, 256, 56),
    BF16(30, 1, 2),
    TQ1_0(34, 256, 54),
    TQ2_0(35, 256, 66);

    private final int ggmlId;
    private final int blockSize;
    private final int blockBytes;

    TensorType(int ggmlId, int blockSize, int blockBytes) {
        this.ggmlId = ggmlId;
        this.blockSize = blockSize;
        this.blockBytes = blockBytes;
    }

    /** @return the type's id in GGUF files */
    public int ggmlId() {
        return ggmlId;
    }

    /** @return elements per block (1 for plain types) */
    public int blockSize() {
        return blockSize;
    }

    /** @return bytes per block */
    public int blockBytes() {
        return blockBytes;
    }

    /** @return whether jgemma can load and compute with weights of this type */
    public boolean isSupported() {
        return BlockFormats.find(this).isPresent();
    }

    /**
     * Bytes taken by {@code elements} elements, which must be a whole number of blocks.
     *
     * @param elements element count, a multiple of {@link #blockSize()}
     * @return the byte size
     * @throws ArithmeticException on overflow
     */
    public long bytesFor(long elements) {
        return Math.multiplyExact(elements / blockSize, (long) blockBytes);
    }

    /**
     * Looks a type up by its GGML id.
     *
     * @param ggmlId the id stored in a GGUF tensor info
     * @return the type, or empty for an id no GGML version defines
     */
    public static Optional<TensorType> ofGgmlId(int ggmlId) {
        for (TensorType t : values()) {
            if (t.ggmlId == ggmlId) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
