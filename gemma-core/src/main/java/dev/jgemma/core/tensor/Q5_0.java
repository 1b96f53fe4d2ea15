package dev.jgemma.core.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * GGML Q5_0: blocks of 32 elements, each an f16 scale {@code d}, a little-endian 32-bit word
 * {@code qh} holding every element's fifth bit (bit {@code i} for element {@code i}), and 16 bytes
 * of low nibbles laid out as in Q4_0; element = {@code d * (q - 16)}. 22 bytes per block.
 */
final class Q5_0 implements BlockFormat {
    static final int BLOCK = 32;
    static final int BLOCK_BYTES = 22;

    @Override
    public TensorType type() {
        return TensorType.Q5_0;
    }

    @Override
    public void decode(MemorySegment src, long offset, float[] dst, int dstOffset, int count) {
        for (int blk = 0; blk < count / BLOCK; blk++) {
            long block = offset + (long) blk * BLOCK_BYTES;
            float d = Float.float16ToFloat(src.get(LittleEndian.SHORT, block));
            int qh = src.get(LittleEndian.INT, block + 2);
            int o = dstOffset + blk * BLOCK;
            for (int j = 0; j < 16; j++) {
                int q = src.get(ValueLayout.JAVA_BYTE, block + 6 + j) & 0xff;
                int h0 = ((qh >>> j) << 4) & 0x10;
                int h1 = (qh >>> (j + 12)) & 0x10;
                dst[o + j] = (((q & 0x0f) | h0) - 16) * d;
                dst[o + j + 16] = (((q >>> 4) | h1) - 16) * d;
            }
        }
    }

    @Override
    public void encode(float[] src, int srcOffset, int count, MemorySegment dst, long offset) {
        for (int blk = 0; blk < count / BLOCK; blk++) {
            int s = srcOffset + blk * BLOCK;
            float max = Blocks.signedAbsMax(src, s, BLOCK);
            float d = max / -16;
            float id = d != 0f ? 1f / d : 0f;
            long block = offset + (long) blk * BLOCK_BYTES;
            Blocks.putF16(dst, block, d);
            int qh = 0;
            for (int j = 0; j < 16; j++) {
                float x0 = src[s + j] * id;
                float x1 = src[s + 16 + j] * id;
                int q0 = Math.min(31, (byte) (int) (x0 + 16.5f));
                int q1 = Math.min(31, (byte) (int) (x1 + 16.5f));
                dst.set(ValueLayout.JAVA_BYTE, block + 6 + j, (byte) ((q0 & 0x0f) | ((q1 & 0x0f) << 4)));
                qh |= ((q0 & 0x10) >>> 4) << j;
                qh |= ((q1 & 0x10) >>> 4) << (j + 16);
            }
            dst.set(LittleEndian.INT, block + 2, qh);
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
