package dev.jgemma.core.tensor;

import java.lang.foreign.MemorySegment;

/**
 * GGML Q3_K: super-blocks of 256 elements in 16 groups of 16. Layout: 32 bytes {@code hmask} (the
 * third bit of each value, inverted: a clear bit subtracts 4), 64 bytes of low 2-bit values, 12
 * bytes of 6-bit signed group scales (offset by 32; low nibbles in bytes 0..7, high bit pairs in
 * bytes 8..11), then the f16 super-block scale {@code d}. Element = {@code d * (scale - 32) * q}
 * with {@code q} in {@code -4..3}. 110 bytes per super-block. Decoding only.
 */
final class Q3_K implements BlockFormat {
    static final int BLOCK = 256;
    static final int BLOCK_BYTES = 110;

    @Override
    public TensorType type() {
        return TensorType.Q3_K;
    }

    @Override
    public void decode(MemorySegment src, long offset, float[] dst, int dstOffset, int count) {
        byte[] b = new byte[BLOCK_BYTES];
        int[] scales = new int[16];
        for (int blk = 0; blk < count / BLOCK; blk++) {
            Blocks.read(src, offset + (long) blk * BLOCK_BYTES, b);
            float dAll = Blocks.f16(b, 108);
            for (int j = 0; j < 16; j++) {
                int low = j < 8 ? b[96 + j] & 0xf : (b[96 + j - 8] & 0xff) >>> 4;
                int high = ((b[96 + 8 + j % 4] & 0xff) >>> (2 * (j / 4))) & 3;
                scales[j] = (low | high << 4) - 32;
            }
            int y = dstOffset + blk * BLOCK;
            int is = 0;
            int m = 1;
            for (int half = 0; half < 2; half++) {
                int q = 32 + 32 * half;
                for (int shift = 0; shift < 8; shift += 2) {
                    for (int part = 0; part < 2; part++) {
                        float dl = dAll * scales[is++];
                        for (int l = 0; l < 16; l++) {
                            int low = ((b[q + 16 * part + l] & 0xff) >>> shift) & 3;
                            int sub = (b[16 * part + l] & m) != 0 ? 0 : 4;
                            dst[y++] = dl * (low - sub);
                        }
                    }
                    m <<= 1;
                }
            }
        }
    }

    @Override
    public long firstNonFiniteBlock(MemorySegment src, long offset, long blocks) {
        return Blocks.firstNonFiniteF16(src, offset, blocks, BLOCK_BYTES, 108);
    }
}
