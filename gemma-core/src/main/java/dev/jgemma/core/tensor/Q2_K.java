package dev.jgemma.core.tensor;

import java.lang.foreign.MemorySegment;

/**
 * GGML Q2_K: super-blocks of 256 elements in 16 groups of 16. Layout: 16 bytes of group scales
 * (low nibble: scale, high nibble: min), 64 bytes of 2-bit values, then f16 {@code d} and f16
 * {@code dmin}. Each half of 128 elements takes 32 bytes of values; group {@code g} of a half uses
 * bit pair {@code g / 2} of bytes {@code 0..15} (even {@code g}) or {@code 16..31} (odd {@code g}).
 * Element = {@code d * scale * q - dmin * min}. 84 bytes per super-block. Decoding only.
 */
final class Q2_K implements BlockFormat {
    static final int BLOCK = 256;
    static final int BLOCK_BYTES = 84;

    @Override
    public TensorType type() {
        return TensorType.Q2_K;
    }

    @Override
    public void decode(MemorySegment src, long offset, float[] dst, int dstOffset, int count) {
        byte[] b = new byte[BLOCK_BYTES];
        for (int blk = 0; blk < count / BLOCK; blk++) {
            Blocks.read(src, offset + (long) blk * BLOCK_BYTES, b);
            float d = Blocks.f16(b, 80);
            float min = Blocks.f16(b, 82);
            int y = dstOffset + blk * BLOCK;
            int is = 0;
            for (int half = 0; half < 2; half++) {
                int q = 16 + 32 * half;
                for (int shift = 0; shift < 8; shift += 2) {
                    for (int part = 0; part < 2; part++) {
                        int sc = b[is++] & 0xff;
                        float dl = d * (sc & 0xf);
                        float ml = min * (sc >>> 4);
                        for (int l = 0; l < 16; l++) {
                            dst[y++] = dl * (((b[q + 16 * part + l] & 0xff) >>> shift) & 3) - ml;
                        }
                    }
                }
            }
        }
    }

    @Override
    public long firstNonFiniteBlock(MemorySegment src, long offset, long blocks) {
        return Blocks.firstNonFiniteF16(src, offset, blocks, BLOCK_BYTES, 80, 82);
    }
}
