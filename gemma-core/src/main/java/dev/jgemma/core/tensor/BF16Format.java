package dev.jgemma.core.tensor;

import java.lang.foreign.MemorySegment;

/** bfloat16 (the upper half of an f32), 2 bytes per element. */
final class BF16Format implements BlockFormat {
    @Override
    public TensorType type() {
        return TensorType.BF16;
    }

    @Override
    public void decode(MemorySegment src, long offset, float[] dst, int dstOffset, int count) {
        for (int i = 0; i < count; i++) {
            dst[dstOffset + i] = Float.intBitsToFloat(src.get(LittleEndian.SHORT, offset + 2L * i) << 16);
        }
    }

    @Override
    public void encode(float[] src, int srcOffset, int count, MemorySegment dst, long offset) {
        for (int i = 0; i < count; i++) {
            dst.set(LittleEndian.SHORT, offset + 2L * i, toBf16(src[srcOffset + i]));
        }
    }

    /** Round-to-nearest-even conversion, NaN kept quiet, as GGML's {@code ggml_compute_fp32_to_bf16}. */
    static short toBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if ((bits & 0x7fffffff) > 0x7f800000) {
            return (short) ((bits >>> 16) | 64);
        }
        return (short) ((bits + (0x7fff + ((bits >>> 16) & 1))) >>> 16);
    }

    @Override
    public boolean canEncode() {
        return true;
    }

    @Override
    public long firstNonFiniteBlock(MemorySegment src, long offset, long blocks) {
        for (long i = 0; i < blocks; i++) {
            if ((src.get(LittleEndian.SHORT, offset + 2 * i) & 0x7f80) == 0x7f80) {
                return i;
            }
        }
        return -1;
    }
}
