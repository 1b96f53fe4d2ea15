package dev.jgemma.core.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * GGML Q4_0: blocks of 32 elements, each an f16 scale {@code d} followed by 16 bytes of 4-bit
 * values; element {@code i < 16} is the low nibble of byte {@code i}, element {@code i + 16} its
 * high nibble, and element = {@code d * (nibble - 8)}. 18 bytes per block.
 */
public final class Q4_0 implements BlockFormat {
    /** Elements per block. */
    public static final int BLOCK = 32;
    /** Bytes per block. */
    public static final int BLOCK_BYTES = 18;

    @Override
    public TensorType type() {
        return TensorType.Q4_0;
    }

    @Override
    public void decode(MemorySegment src, long offset, float[] dst, int dstOffset, int count) {
        for (int b = 0; b < count / BLOCK; b++) {
            long block = offset + (long) b * BLOCK_BYTES;
            float d = Float.float16ToFloat(src.get(LittleEndian.SHORT, block));
            int o = dstOffset + b * BLOCK;
            for (int i = 0; i < 16; i++) {
                int q = src.get(ValueLayout.JAVA_BYTE, block + 2 + i) & 0xff;
                dst[o + i] = d * ((q & 0x0f) - 8);
                dst[o + i + 16] = d * ((q >>> 4) - 8);
            }
        }
    }

    @Override
    public void encode(float[] src, int srcOffset, int count, MemorySegment dst, long offset) {
        for (int b = 0; b < count / BLOCK; b++) {
            int s = srcOffset + b * BLOCK;
            float max = Blocks.signedAbsMax(src, s, BLOCK);
            float d = max / -8f;
            float id = d != 0f ? 1f / d : 0f;
            long block = offset + (long) b * BLOCK_BYTES;
            dst.set(LittleEndian.SHORT, block, Float.floatToFloat16(d));
            for (int i = 0; i < 16; i++) {
                float x0 = src[s + i] * id;
                float x1 = src[s + 16 + i] * id;
                int q0 = Math.min(15, (int) (x0 + 8.5f));
                int q1 = Math.min(15, (int) (x1 + 8.5f));
                dst.set(ValueLayout.JAVA_BYTE, block + 2 + i, (byte) (q0 | (q1 << 4)));
            }
        }
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
