package dev.jgemma.core.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * GGML Q5_1: blocks of 32 elements, each an f16 scale {@code d}, an f16 minimum {@code m}, a
 * little-endian 32-bit word of fifth bits and 16 bytes of low nibbles (as in Q5_0); element =
 * {@code q * d + m}. 24 bytes per block.
 */
final class Q5_1 implements BlockFormat {
    static final int BLOCK = 32;
    static final int BLOCK_BYTES = 24;

    @Override
    public TensorType type() {
        return TensorType.Q5_1;
    }

    @Override
    public void decode(MemorySegment src, long offset, float[] dst, int dstOffset, int count) {
        for (int blk = 0; blk < count / BLOCK; blk++) {
            long block = offset + (long) blk * BLOCK_BYTES;
            float d = Float.float16ToFloat(src.get(LittleEndian.SHORT, block));
            float m = Float.float16ToFloat(src.get(LittleEndian.SHORT, block + 2));
            int qh = src.get(LittleEndian.INT, block + 4);
            int o = dstOffset + blk * BLOCK;
            for (int j = 0; j < 16; j++) {
                int q = src.get(ValueLayout.JAVA_BYTE, block + 8 + j) & 0xff;
                int h0 = ((qh >>> j) << 4) & 0x10;
                int h1 = (qh >>> (j + 12)) & 0x10;
                dst[o + j] = ((q & 0x0f) | h0) * d + m;
                dst[o + j + 16] = ((q >>> 4) | h1) * d + m;
            }
        }
    }

    @Override
    public void encode(float[] src, int srcOffset, int count, MemorySegment dst, long offset) {
        for (int blk = 0; blk < count / BLOCK; blk++) {
            int s = srcOffset + blk * BLOCK;
            float min = Blocks.min(src, s, BLOCK);
            float max = Blocks.max(src, s, BLOCK);
            float d = (max - min) / 31;
            float id = d != 0f ? 1f / d : 0f;
            long block = offset + (long) blk * BLOCK_BYTES;
            Blocks.putF16(dst, block, d);
            Blocks.putF16(dst, block + 2, min);
            int qh = 0;
            for (int j = 0; j < 16; j++) {
                float x0 = (src[s + j] - min) * id;
                float x1 = (src[s + 16 + j] - min) * id;
                int q0 = (int) (x0 + 0.5f) & 0xff;
                int q1 = (int) (x1 + 0.5f) & 0xff;
                dst.set(ValueLayout.JAVA_BYTE, block + 8 + j, (byte) ((q0 & 0x0f) | ((q1 & 0x0f) << 4)));
                qh |= ((q0 & 0x10) >>> 4) << j;
                qh |= ((q1 & 0x10) >>> 4) << (j + 16);
            }
            dst.set(LittleEndian.INT, block + 4, qh);
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
