package dev.jgemma.core.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Small helpers shared by the block formats: f16 fields, ggml's rounding, and the scan for
 * non-finite block scales. Package-private: the formats are the only users.
 */
final class Blocks {
    /** ggml's {@code GROUP_MAX_EPS}: below this a group counts as all zero. */
    static final float GROUP_MAX_EPS = 1e-15f;

    private Blocks() {
    }

    /** @return the f16 at {@code pos} of a block copied into {@code b}, widened to f32 */
    /** The value of largest magnitude among {@code n} values (the first on ties), as ggml's Q4_0/Q5_0 quantizers pick it. */
    static float signedAbsMax(float[] src, int from, int n) {
        float amax = 0f;
        float max = 0f;
        for (int i = from; i < from + n; i++) {
            float v = src[i];
            if (amax < Math.abs(v)) {
                amax = Math.abs(v);
                max = v;
            }
        }
        return max;
    }

    /** The smallest of {@code n} values (NaN is skipped), as ggml's Q4_1/Q5_1 quantizers find it. */
    static float min(float[] src, int from, int n) {
        float min = Float.MAX_VALUE;
        for (int i = from; i < from + n; i++) {
            if (src[i] < min) {
                min = src[i];
            }
        }
        return min;
    }

    /** The largest of {@code n} values (NaN is skipped), as ggml's Q4_1/Q5_1 quantizers find it. */
    static float max(float[] src, int from, int n) {
        float max = -Float.MAX_VALUE;
        for (int i = from; i < from + n; i++) {
            if (src[i] > max) {
                max = src[i];
            }
        }
        return max;
    }

    static float f16(byte[] b, int pos) {
        return Float.float16ToFloat((short) ((b[pos] & 0xff) | (b[pos + 1] << 8)));
    }

    /** Writes {@code value} rounded to f16 (to nearest even, as ggml's {@code GGML_FP32_TO_FP16}). */
    static void putF16(MemorySegment dst, long pos, float value) {
        dst.set(LittleEndian.SHORT, pos, Float.floatToFloat16(value));
    }

    /** @return {@code value} rounded through f16 and back, as ggml reads back a scale it just stored */
    static float roundF16(float value) {
        return Float.float16ToFloat(Float.floatToFloat16(value));
    }

    /** Copies one block out of {@code src} into {@code buf}. */
    static void read(MemorySegment src, long pos, byte[] buf) {
        MemorySegment.copy(src, ValueLayout.JAVA_BYTE, pos, buf, 0, buf.length);
    }

    /**
     * ggml's {@code nearest_int}: adds 1.5 * 2^23 so that the float adder rounds to the nearest
     * integer (ties to even) and reads the integer back from the mantissa bits. Exact for
     * {@code |value| <= 4194303}; reproduced bit for bit outside that range too.
     */
    static int nearestInt(float value) {
        float shifted = value + 12582912f;
        return (Float.floatToRawIntBits(shifted) & 0x007fffff) - 0x00400000;
    }

    /** @return whether the f16 bit pattern is NaN or an infinity */
    static boolean nonFiniteF16(short bits) {
        return (bits & 0x7c00) == 0x7c00;
    }

    /**
     * Scans the f16 fields at the given offsets inside each block.
     *
     * @return the index of the first block holding a NaN or infinite field, or -1
     */
    static long firstNonFiniteF16(MemorySegment src, long offset, long blocks, int blockBytes, int... fieldOffsets) {
        for (long b = 0; b < blocks; b++) {
            long block = offset + b * blockBytes;
            for (int field : fieldOffsets) {
                if (nonFiniteF16(src.get(LittleEndian.SHORT, block + field))) {
                    return b;
                }
            }
        }
        return -1;
    }

    /**
     * The 6-bit scale and min of sub-block {@code j} of a Q4_K/Q5_K block, packed in 12 bytes
     * starting at {@code pos} of {@code b} (ggml's {@code get_scale_min_k4}).
     *
     * @return {@code scale | min << 8}
     */
    static int scaleMinK4(int j, byte[] b, int pos) {
        int sc;
        int m;
        if (j < 4) {
            sc = b[pos + j] & 63;
            m = b[pos + j + 4] & 63;
        } else {
            sc = (b[pos + j + 4] & 0xf) | (((b[pos + j - 4] & 0xff) >>> 6) << 4);
            m = ((b[pos + j + 4] & 0xff) >>> 4) | (((b[pos + j] & 0xff) >>> 6) << 4);
        }
        return sc | m << 8;
    }
}
