package dev.jgemma.core.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * GGML Q4_K: super-blocks of 256 elements in 8 sub-blocks of 32. Layout: f16 {@code d}, f16
 * {@code dmin}, 12 bytes of 6-bit sub-block scales and mins (ggml's {@code get_scale_min_k4}
 * packing), then 128 bytes of 4-bit values: each 64 elements take 32 bytes, the first 32 in the
 * low nibbles and the next 32 in the high nibbles. Element = {@code d * scale * q - dmin * min}.
 * 144 bytes per super-block.
 */
final class Q4_K implements BlockFormat {
    static final int BLOCK = 256;
    static final int BLOCK_BYTES = 144;

    @Override
    public TensorType type() {
        return TensorType.Q4_K;
    }

    @Override
    public void decode(MemorySegment src, long offset, float[] dst, int dstOffset, int count) {
        byte[] b = new byte[BLOCK_BYTES];
        for (int blk = 0; blk < count / BLOCK; blk++) {
            Blocks.read(src, offset + (long) blk * BLOCK_BYTES, b);
            float d = Blocks.f16(b, 0);
            float min = Blocks.f16(b, 2);
            int y = dstOffset + blk * BLOCK;
            for (int chunk = 0; chunk < 4; chunk++) {
                int sm1 = Blocks.scaleMinK4(2 * chunk, b, 4);
                int sm2 = Blocks.scaleMinK4(2 * chunk + 1, b, 4);
                float d1 = d * (sm1 & 0xff);
                float m1 = min * (sm1 >>> 8);
                float d2 = d * (sm2 & 0xff);
                float m2 = min * (sm2 >>> 8);
                int q = 16 + 32 * chunk;
                for (int l = 0; l < 32; l++) {
                    dst[y + l] = d1 * (b[q + l] & 0xf) - m1;
                }
                for (int l = 0; l < 32; l++) {
                    dst[y + 32 + l] = d2 * ((b[q + l] & 0xff) >>> 4) - m2;
                }
                y += 64;
            }
        }
    }

    /** {@code quantize_row_q4_K_ref}: per sub-block {@code make_qkx2_quants(32, 15, ...)}. */
    @Override
    public void encode(float[] src, int srcOffset, int count, MemorySegment dst, long offset) {
        SubBlockQuantizer q = new SubBlockQuantizer(15, -1f, 0.1f, 20);
        for (int blk = 0; blk < count / BLOCK; blk++) {
            int x = srcOffset + blk * BLOCK;
            long block = offset + (long) blk * BLOCK_BYTES;
            q.quantize(src, x);
            q.writeScales(dst, block, block + 4);
            for (int chunk = 0; chunk < 4; chunk++) {
                for (int l = 0; l < 32; l++) {
                    int lo = q.levels[64 * chunk + l];
                    int hi = q.levels[64 * chunk + 32 + l];
                    dst.set(ValueLayout.JAVA_BYTE, block + 16 + 32 * chunk + l, (byte) (lo | hi << 4));
                }
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
