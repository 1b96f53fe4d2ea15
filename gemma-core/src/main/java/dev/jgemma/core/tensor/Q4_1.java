package dev.jgemma.core.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * GGML Q4_1: blocks of 32 elements, each an f16 scale {@code d}, an f16 minimum {@code m} and 16
 * bytes of 4-bit values; element {@code i < 16} is the low nibble of byte {@code i}, element
 * {@code i + 16} its high nibble, and element = {@code nibble * d + m}. 20 bytes per block.
 */
final class Q4_1 implements BlockFormat {
    static final int BLOCK = 32;
    static final int BLOCK_BYTES = 20;

    @Override
    public TensorType type() {
        return TensorType.Q4_1;
    }

    @Override
    public void decode(MemorySegment src, long offset, float[] dst, int dstOffset, int count) {
        byte[] b = new byte[BLOCK_BYTES];
        for (int blk = 0; blk < count / BLOCK; blk++) {
            Blocks.read(src, offset + (long) blk * BLOCK_BYTES, b);
            float d = Blocks.f16(b, 0);
            float m = Blocks.f16(b, 2);
            int o = dstOffset + blk * BLOCK;
            for (int j = 0; j < 16; j++) {
                int q = b[4 + j] & 0xff;
                dst[o + j] = (q & 0x0f) * d + m;
                dst[o + j + 16] = (q >>> 4) * d + m;
            }
        }
    }

    @Override
    public void encode(float[] src, int srcOffset, int count, MemorySegment dst, long offset) {
        for (int blk = 0; blk < count / BLOCK; blk++) {
            int s = srcOffset + blk * BLOCK;
            float min = Blocks.min(src, s, BLOCK);
            float max = Blocks.max(src, s, BLOCK);
            float d = (max - min) / 15;
            float id = d != 0f ? 1f / d : 0f;
            long block = offset + (long) blk * BLOCK_BYTES;
            Blocks.putF16(dst, block, d);
            Blocks.putF16(dst, block + 2, min);
            for (int j = 0; j < 16; j++) {
                float x0 = (src[s + j] - min) * id;
                float x1 = (src[s + 16 + j] - min) * id;
                int q0 = Math.min(15, (byte) (int) (x0 + 0.5f));
                int q1 = Math.min(15, (byte) (int) (x1 + 0.5f));
                dst.set(ValueLayout.JAVA_BYTE, block + 4 + j, (byte) (q0 | (q1 << 4)));
            }
        }
    }

    @Override
    public boolean canEncode() {
        return true;
    }

    @Override
    public long firstNonFiniteBlock(MemorySegment src, long offset, long blocks) {
        return Blocks.firstNonFiniteF16(src, offset, blocks, BLOCK_BYTES, 0, 2);
    }
}
