package dev.jgemma.core.kernel.vector;

import static dev.jgemma.core.kernel.vector.VectorFormatKernels.B;
import static dev.jgemma.core.kernel.vector.VectorFormatKernels.F;
import static dev.jgemma.core.kernel.vector.VectorFormatKernels.LE;

import dev.jgemma.core.kernel.FloatOps;
import dev.jgemma.core.kernel.FormatKernel;
import dev.jgemma.core.tensor.LittleEndian;
import dev.jgemma.core.tensor.TensorType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Q4_0: blocks of 32 elements, an f16 scale {@code d} and 16 bytes of nibbles; element
 * {@code i < 16} is the low nibble of byte {@code i}, element {@code i + 16} its high nibble,
 * both offset by 8. Only byte AND/XOR/SUB and the byte-to-float widening are used (x86 has no
 * byte shifts, and C2 falls back to Java for them): the high nibble {@code h} is isolated in
 * place, {@code (16 h) ^ 0x80} read as a signed byte is {@code 16 (h - 8)}, and the exact
 * scaling by 1/16 gives {@code h - 8}. The fused {@link #dot4} multiplies the same
 * {@code d * q} values as {@link #decode} in the order of {@link FloatOps#dotTile}.
 */
final class Q4_0Kernel implements FormatKernel {
    private static final int BLOCK = 32;
    private static final int HALF = 16;
    private static final int BLOCK_BYTES = 18;

    @Override
    public TensorType type() {
        return TensorType.Q4_0;
    }

    private static FloatVector low(MemorySegment w, long at) {
        return (FloatVector) ByteVector.fromMemorySegment(B, w, at, LE).and((byte) 0x0f).sub((byte) 8)
                .convertShape(VectorOperators.B2F, F, 0);
    }

    private static FloatVector high(MemorySegment w, long at) {
        FloatVector sixteenths = (FloatVector) ByteVector.fromMemorySegment(B, w, at, LE).and((byte) 0xf0)
                .lanewise(VectorOperators.XOR, (byte) 0x80).convertShape(VectorOperators.B2F, F, 0);
        return sixteenths.mul(0.0625f);
    }

    private static float scale(MemorySegment w, long block) {
        return Float.float16ToFloat(w.get(LittleEndian.SHORT, block));
    }

    @Override
    public void decode(MemorySegment w, long offset, float[] dst, int dstOffset, int n) {
        for (int b = 0; b < n / BLOCK; b++) {
            long block = offset + (long) b * BLOCK_BYTES;
            float d = scale(w, block);
            int o = dstOffset + b * BLOCK;
            for (int p = 0; p < HALF; p += F.length()) {
                low(w, block + 2 + p).mul(d).intoArray(dst, o + p);
                high(w, block + 2 + p).mul(d).intoArray(dst, o + HALF + p);
            }
        }
    }

    /**
     * One row at a time, four times: with two or four rows per loop the nibble unpacking exceeds
     * what C2 inlines and the leftover vector operations fall back to Java (measured: one row
     * 5.7 GB/s, two rows 2.3, four rows 0.14 on one thread). Each row has one accumulator summed
     * in element order, as in {@link FloatOps#dotTile}.
     */
    @Override
    public void dot4(MemorySegment w, long offset, long rowBytes, float[] x, int n, float[] out, int outOff, float[] scratch,
                     FloatOps ops) {
        for (int r = 0; r < 4; r++) {
            out[outOff + r] = dot(w, offset + r * rowBytes, x, n);
        }
    }

    private static float dot(MemorySegment w, long offset, float[] x, int n) {
        FloatVector c = FloatVector.zero(F);
        for (int b = 0; b < n / BLOCK; b++) {
            long block = offset + (long) b * BLOCK_BYTES;
            float d = scale(w, block);
            for (int p = 0; p < HALF; p += F.length()) {
                c = low(w, block + 2 + p).mul(d).fma(FloatVector.fromArray(F, x, b * BLOCK + p), c);
            }
            for (int p = 0; p < HALF; p += F.length()) {
                c = high(w, block + 2 + p).mul(d).fma(FloatVector.fromArray(F, x, b * BLOCK + HALF + p), c);
            }
        }
        return VectorMath.sum(c);
    }
}
