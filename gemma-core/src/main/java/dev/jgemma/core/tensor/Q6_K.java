package dev.jgemma.core.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * GGML Q6_K: super-blocks of 256 elements in 16 groups of 16. Layout: 128 bytes {@code ql} of low
 * nibbles, 64 bytes {@code qh} of high bit pairs, 16 signed 8-bit group scales, then the f16
 * super-block scale {@code d}. Each half of 128 elements uses 64 bytes of {@code ql} and 32 of
 * {@code qh}: element {@code l + 32k} ({@code l < 32}, {@code k < 4}) takes the low ({@code k} even)
 * or high nibble of {@code ql[l + 32 (k % 2)]} and bits {@code 2k, 2k+1} of {@code qh[l]}.
 * Element = {@code d * scale * (q - 32)}. 210 bytes per super-block.
 */
final class Q6_K implements BlockFormat {
    static final int BLOCK = 256;
    static final int BLOCK_BYTES = 210;

    @Override
    public TensorType type() {
        return TensorType.Q6_K;
    }

    @Override
    public void decode(MemorySegment src, long offset, float[] dst, int dstOffset, int count) {
        byte[] b = new byte[BLOCK_BYTES];
        for (int blk = 0; blk < count / BLOCK; blk++) {
            Blocks.read(src, offset + (long) blk * BLOCK_BYTES, b);
            float d = Blocks.f16(b, 208);
            int y = dstOffset + blk * BLOCK;
            for (int half = 0; half < 2; half++) {
                int ql = 64 * half;
                int qh = 128 + 32 * half;
                int sc = 192 + 8 * half;
                for (int l = 0; l < 32; l++) {
                    int is = l / 16;
                    int h = b[qh + l] & 0xff;
                    int q1 = ((b[ql + l] & 0xf) | ((h & 3) << 4)) - 32;
                    int q2 = ((b[ql + l + 32] & 0xf) | (((h >>> 2) & 3) << 4)) - 32;
                    int q3 = (((b[ql + l] & 0xff) >>> 4) | (((h >>> 4) & 3) << 4)) - 32;
                    int q4 = (((b[ql + l + 32] & 0xff) >>> 4) | (((h >>> 6) & 3) << 4)) - 32;
                    dst[y + l] = d * b[sc + is] * q1;
                    dst[y + l + 32] = d * b[sc + is + 2] * q2;
                    dst[y + l + 64] = d * b[sc + is + 4] * q3;
                    dst[y + l + 96] = d * b[sc + is + 6] * q4;
                }
                y += 128;
            }
        }
    }

    /** {@code quantize_row_q6_K_ref}: per group {@code make_qx_quants(16, 32, x, L, 1, NULL)}. */
    @Override
    public void encode(float[] src, int srcOffset, int count, MemorySegment dst, long offset) {
        int[] levels = new int[BLOCK];
        float[] scales = new float[16];
        for (int blk = 0; blk < count / BLOCK; blk++) {
            int x = srcOffset + blk * BLOCK;
            long block = offset + (long) blk * BLOCK_BYTES;
            float maxScale = 0;
            float maxAbsScale = 0;
            for (int g = 0; g < 16; g++) {
                float scale = KQuantSearch.qx(16, 32, src, x + 16 * g, levels, 16 * g);
                scales[g] = scale;
                float abs = Math.abs(scale);
                if (abs > maxAbsScale) {
                    maxAbsScale = abs;
                    maxScale = scale;
                }
            }
            if (maxAbsScale < Blocks.GROUP_MAX_EPS) {
                dst.asSlice(block, BLOCK_BYTES).fill((byte) 0);
                continue;
            }
            float iscale = -128f / maxScale;
            Blocks.putF16(dst, block + 208, 1 / iscale);
            float d = Blocks.roundF16(1 / iscale);
            for (int g = 0; g < 16; g++) {
                byte s = (byte) Math.min(127, Blocks.nearestInt(iscale * scales[g]));
                dst.set(ValueLayout.JAVA_BYTE, block + 192 + g, s);
                float dl = d * s;
                if (dl == 0f) {
                    continue;
                }
                for (int i = 0; i < 16; i++) {
                    int l = Blocks.nearestInt(src[x + 16 * g + i] / dl);
                    levels[16 * g + i] = Math.max(-32, Math.min(31, l)) + 32;
                }
            }
            for (int half = 0; half < 2; half++) {
                int base = 128 * half;
                long ql = block + 64 * half;
                long qh = block + 128 + 32 * half;
                for (int l = 0; l < 32; l++) {
                    int l0 = levels[base + l];
                    int l1 = levels[base + l + 32];
                    int l2 = levels[base + l + 64];
                    int l3 = levels[base + l + 96];
                    dst.set(ValueLayout.JAVA_BYTE, ql + l, (byte) ((l0 & 0xf) | ((l2 & 0xf) << 4)));
                    dst.set(ValueLayout.JAVA_BYTE, ql + l + 32, (byte) ((l1 & 0xf) | ((l3 & 0xf) << 4)));
                    dst.set(ValueLayout.JAVA_BYTE, qh + l, (byte) ((l0 >>> 4) | ((l1 >>> 4) << 2) | ((l2 >>> 4) << 4) | ((l3 >>> 4) << 6)));
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
        return Blocks.firstNonFiniteF16(src, offset, blocks, BLOCK_BYTES, 208);
    }
}
