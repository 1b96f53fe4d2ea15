package dev.jgemma.core.kernel.vector;

import static dev.jgemma.core.kernel.vector.VectorFormatKernels.B;
import static dev.jgemma.core.kernel.vector.VectorFormatKernels.F;
import static dev.jgemma.core.kernel.vector.VectorFormatKernels.I;
import static dev.jgemma.core.kernel.vector.VectorFormatKernels.LE;

import dev.jgemma.core.kernel.FormatKernel;
import dev.jgemma.core.tensor.LittleEndian;
import dev.jgemma.core.tensor.TensorType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Q4_K: super-blocks of 256 elements, f16 {@code d} and {@code dmin}, 12 bytes of packed 6-bit
 * sub-block scales and mins, then 128 bytes of nibbles; each 64 elements take 32 bytes, the
 * first 32 in the low nibbles, the next 32 in the high nibbles. Element =
 * {@code (d * scale) * q - dmin * min}, rounded after the multiplication and after the
 * subtraction exactly as {@code BlockFormat.decode} does. The eight scales and mins of a
 * super-block are unpacked with scalar code; the nibbles are sign-extended to ints in registers
 * (x86 has no byte shifts, and C2 falls back to Java for them), split with int AND and shift,
 * and converted to floats.
 */
final class Q4_KKernel implements FormatKernel {
    private static final int BLOCK = 256;
    private static final int BLOCK_BYTES = 144;

    @Override
    public TensorType type() {
        return TensorType.Q4_K;
    }

    /**
     * The scales (d times the 6-bit scale) and mins (dmin times the 6-bit min) of the eight
     * sub-blocks of one super-block, ggml's {@code get_scale_min_k4}.
     *
     * @param w the weights
     * @param block byte offset of the super-block
     * @param dst receives {@code scale j} at {@code o + j} and {@code min j} at {@code o + 8 + j}
     * @param o where they go
     */
    static void scales(MemorySegment w, long block, float[] dst, int o) {
        float d = Float.float16ToFloat(w.get(LittleEndian.SHORT, block));
        float dmin = Float.float16ToFloat(w.get(LittleEndian.SHORT, block + 2));
        long s = block + 4;
        for (int j = 0; j < 4; j++) {
            int a = w.get(ValueLayout.JAVA_BYTE, s + j) & 0xff; // scale j (low 6), high bits of scale j + 4
            int m = w.get(ValueLayout.JAVA_BYTE, s + j + 4) & 0xff; // min j (low 6), high bits of min j + 4
            int c = w.get(ValueLayout.JAVA_BYTE, s + j + 8) & 0xff; // low 4 bits of scale and min j + 4
            dst[o + j] = d * (a & 63);
            dst[o + 8 + j] = dmin * (m & 63);
            dst[o + 4 + j] = d * ((c & 0xf) | (a >>> 6) << 4);
            dst[o + 12 + j] = dmin * ((c >>> 4) | (m >>> 6) << 4);
        }
    }

    /** @return {@code F.length()} bytes from {@code at}, sign-extended to ints */
    private static IntVector bytes(MemorySegment w, long at) {
        return (IntVector) ByteVector.fromMemorySegment(B, w, at, LE).convertShape(VectorOperators.B2I, I, 0);
    }

    private static FloatVector low(IntVector q) {
        return (FloatVector) q.and(0xf).convert(VectorOperators.I2F, 0);
    }

    private static FloatVector high(IntVector q) {
        return (FloatVector) q.lanewise(VectorOperators.ASHR, 4).and(0xf).convert(VectorOperators.I2F, 0);
    }

    @Override
    public void decode(MemorySegment w, long offset, float[] dst, int dstOffset, int n) {
        float[] sm = new float[16];
        for (int b = 0; b < n / BLOCK; b++) {
            long block = offset + (long) b * BLOCK_BYTES;
            scales(w, block, sm, 0);
            for (int chunk = 0; chunk < 4; chunk++) {
                float d1 = sm[2 * chunk];
                float m1 = sm[8 + 2 * chunk];
                float d2 = sm[2 * chunk + 1];
                float m2 = sm[8 + 2 * chunk + 1];
                long q = block + 16 + 32 * chunk;
                int y = dstOffset + b * BLOCK + 64 * chunk;
                for (int p = 0; p < 32; p += F.length()) {
                    IntVector v = bytes(w, q + p);
                    low(v).mul(d1).sub(m1).intoArray(dst, y + p);
                    high(v).mul(d2).sub(m2).intoArray(dst, y + 32 + p);
                }
            }
        }
    }
}
