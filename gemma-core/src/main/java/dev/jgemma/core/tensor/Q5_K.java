package dev.jgemma.core.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * GGML Q5_K: super-blocks of 256 elements in 8 sub-blocks of 32. Layout: f16 {@code d}, f16
 * {@code dmin}, 12 bytes of 6-bit scales and mins (as Q4_K), 32 bytes {@code qh} of fifth bits
 * (bit pair {@code 2c, 2c+1} of byte {@code l} for element {@code l} of the low and high half of
 * 64-element chunk {@code c}), then 128 bytes of low nibbles laid out as Q4_K. Element =
 * {@code d * scale * q - dmin * min}. 176 bytes per super-block.
 */
final class Q5_K implements BlockFormat {
    static final int BLOCK = 256;
    static final int BLOCK_BYTES = 176;

    @Override
    public TensorType type() {
        return TensorType.Q5_K;
    }

    @Override
    public void decode(MemorySegment src, long offset, float[] dst, int dstOffset, int count) {
        byte[] b = new byte[BLOCK_BYTES];
        for (int blk = 0; blk < count / BLOCK; blk++) {
            Blocks.read(src, offset + (long) blk * BLOCK_BYTES, b);
            float d = Blocks.f16(b, 0);
            float min = Blocks.f16(b, 2);
            int y = dstOffset + blk * BLOCK;
            int u1 = 1;
            int u2 = 2;
            for (int chunk = 0; chunk < 4; chunk++) {
                int sm1 = Blocks.scaleMinK4(2 * chunk, b, 4);
                int sm2 = Blocks.scaleMinK4(2 * chunk + 1, b, 4);
                float d1 = d * (sm1 & 0xff);
                float m1 = min * (sm1 >>> 8);
                float d2 = d * (sm2 & 0xff);
                float m2 = min * (sm2 >>> 8);
                int ql = 48 + 32 * chunk;
                for (int l = 0; l < 32; l++) {
                    dst[y + l] = d1 * ((b[ql + l] & 0xf) + ((b[16 + l] & u1) != 0 ? 16 : 0)) - m1;
                }
                for (int l = 0; l < 32; l++) {
                    dst[y + 32 + l] = d2 * (((b[ql + l] & 0xff) >>> 4) + ((b[16 + l] & u2) != 0 ? 16 : 0)) - m2;
                }
                y += 64;
                u1 <<= 2;
                u2 <<= 2;
            }
        }
    }

    /** {@code quantize_row_q5_K_ref}: per sub-block {@code make_qkx2_quants(32, 31, ...)}. */
    @Override
    public void encode(float[] src, int srcOffset, int count, MemorySegment dst, long offset) {
        SubBlockQuantizer q = new SubBlockQuantizer(31, -0.5f, 0.1f, 15);
        int[] qh = new int[32];
        for (int blk = 0; blk < count / BLOCK; blk++) {
            int x = srcOffset + blk * BLOCK;
            long block = offset + (long) blk * BLOCK_BYTES;
            q.quantize(src, x);
            q.writeScales(dst, block, block + 4);
            Arrays.fill(qh, 0);
            int m1 = 1;
            int m2 = 2;
            for (int chunk = 0; chunk < 4; chunk++) {
                for (int j = 0; j < 32; j++) {
                    int l1 = q.levels[64 * chunk + j];
                    if (l1 > 15) {
                        l1 -= 16;
                        qh[j] |= m1;
                    }
                    int l2 = q.levels[64 * chunk + 32 + j];
                    if (l2 > 15) {
                        l2 -= 16;
                        qh[j] |= m2;
                    }
                    dst.set(ValueLayout.JAVA_BYTE, block + 48 + 32 * chunk + j, (byte) (l1 | l2 << 4));
                }
                m1 <<= 2;
                m2 <<= 2;
            }
            for (int j = 0; j < 32; j++) {
                dst.set(ValueLayout.JAVA_BYTE, block + 16 + j, (byte) qh[j]);
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
