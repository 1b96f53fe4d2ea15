package dev.jgemma.core.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * GGML Q8_0: blocks of 32 elements, each an f16 scale {@code d} followed by 32 signed bytes
 * {@code q}; element = {@code d * q}. 34 bytes per block.
 */
public final class Q8_0 implements BlockFormat {
    /** Elements per block. */
    public static final int BLOCK = 32;
    /** Bytes per block. */
    public static final int BLOCK_BYTES = 34;

    @Override
    public TensorType type() {
        return TensorType.Q8_0;
    }

    @Override
    public void decode(MemorySegment src, long offset, float[] dst, int dstOffset, int count) {
        for (int b = 0; b < count / BLOCK; b++) {
            long block = offset + (long) b * BLOCK_BYTES;
            float d = Float.float16ToFloat(src.get(LittleEndian.SHORT, block));
            int o = dstOffset + b * BLOCK;
            for (int i = 0; i < BLOCK; i++) {
                dst[o + i] = d * src.get(ValueLayout.JAVA_BYTE, block + 2 + i);
            }
        }
    }

    @Override
    public void encode(float[] src, int srcOffset, int count, MemorySegment dst, long offset) {
        for (int b = 0; b < count / BLOCK; b++) {
            int s = srcOffset + b * BLOCK;
            float amax = 0f;
            for (int i = 0; i < BLOCK; i++) {
                amax = Math.max(amax, Math.abs(src[s + i]));
            }
            float d = amax / 127f;
            float id = d != 0f ? 1f / d : 0f;
            long block = offset + (long) b * BLOCK_BYTES;
            dst.set(LittleEndian.SHORT, block, Float.floatToFloat16(d));
            for (int i = 0; i < BLOCK; i++) {
                dst.set(ValueLayout.JAVA_BYTE, block + 2 + i, (byte) roundHalfAwayFromZero(src[s + i] * id));
            }
        }
    }

    /** C's {@code roundf}: halves round away from zero (Java's Math.round rounds them up). */
    static int roundHalfAwayFromZero(float v) {
        return (int) Math.copySign(Math.floor(Math.abs((double) v) + 0.5), v);
    }

    @Override
    public boolean canEncode() {
        return true;
    }

    @Override
    public long firstNonFiniteBlock(MemorySegment src, long offset, long blocks) {
        return Blocks.firstNonFiniteF16(src, offset, blocks, BLOCK_BYTES, 0);
    }
}
