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
 * Q6_K: super-blocks of 256 elements in 16 groups of 16: 128 bytes {@code ql} of low nibbles,
 * 64 bytes {@code qh} of high bit pairs, 16 signed 8-bit group scales, then the f16 {@code d}.
 * In each half of 128 elements, element {@code l + 32k} ({@code l < 32}) takes the low
 * ({@code k < 2}) or high nibble of {@code ql[l + 32 (k % 2)]} and bits {@code 2k, 2k + 1} of
 * {@code qh[l]}. Element = {@code (d * scale) * (q - 32)}, rounded after each multiplication as
 * {@code BlockFormat.decode} does. The sixteen {@code d * scale} products are computed with
 * scalar code; the bytes are sign-extended to ints in registers (no byte shifts on x86), the
 * 6-bit values assembled with int AND, shifts and OR, and converted to floats.
 */
final class Q6_KKernel implements FormatKernel {
    private static final int BLOCK = 256;
    private static final int BLOCK_BYTES = 210;

    @Override
    public TensorType type() {
        return TensorType.Q6_K;
    }

    /**
     * @param w the weights
     * @param block byte offset of the super-block
     * @param dst receives {@code d * scale g} at {@code o + g}, {@code g < 16}
     * @param o where they go
     */
    static void scales(MemorySegment w, long block, float[] dst, int o) {
        float d = Float.float16ToFloat(w.get(LittleEndian.SHORT, block + 208));
        for (int g = 0; g < 16; g++) {
            dst[o + g] = d * w.get(ValueLayout.JAVA_BYTE, block + 192 + g);
        }
    }

    /** @return {@code F.length()} bytes from {@code at}, sign-extended to ints */
    private static IntVector bytes(MemorySegment w, long at) {
        return (IntVector) ByteVector.fromMemorySegment(B, w, at, LE).convertShape(VectorOperators.B2I, I, 0);
    }

    /** @return the 6-bit values of nibbles {@code lo} (in bits 0-3) and bit pairs {@code hi} (in bits 4-5), minus 32, as floats */
    private static FloatVector q(IntVector lo, IntVector hi) {
        return (FloatVector) lo.and(0xf).or(hi.and(0x30)).sub(32).convert(VectorOperators.I2F, 0);
    }

    @Override
    public void decode(MemorySegment w, long offset, float[] dst, int dstOffset, int n) {
        float[] ds = new float[16];
        for (int b = 0; b < n / BLOCK; b++) {
            long block = offset + (long) b * BLOCK_BYTES;
            scales(w, block, ds, 0);
            for (int half = 0; half < 2; half++) {
                long ql = block + 64 * half;
                long qh = block + 128 + 32 * half;
                int y = dstOffset + b * BLOCK + 128 * half;
                for (int l = 0; l < 32; l += F.length()) {
                    int g = 8 * half + l / 16;
                    IntVector a = bytes(w, ql + l);
                    IntVector c = bytes(w, ql + 32 + l);
                    IntVector h = bytes(w, qh + l);
                    q(a, h.lanewise(VectorOperators.LSHL, 4)).mul(ds[g]).intoArray(dst, y + l);
                    q(c, h.lanewise(VectorOperators.LSHL, 2)).mul(ds[g + 2]).intoArray(dst, y + 32 + l);
                    q(a.lanewise(VectorOperators.ASHR, 4), h).mul(ds[g + 4]).intoArray(dst, y + 64 + l);
                    q(c.lanewise(VectorOperators.ASHR, 4), h.lanewise(VectorOperators.ASHR, 2)).mul(ds[g + 6]).intoArray(dst, y + 96 + l);
                }
            }
        }
    }
}
