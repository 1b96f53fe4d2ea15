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
     * Two rows at a time: four rows of nibble unpacking in one method exceed C2's inlining budget
     * and the vector operations left over fall back to Java. Each row still has one accumulator
     * summed in element order, so the result is what four rows at once would give.
     */
    @Override
    public void dot4(MemorySegment w, long offset, long rowBytes, float[] x, int n, float[] out, int outOff, float[] scratch,
                     FloatOps ops) {
        FloatVector[] sums = new FloatVector[4];
        dot2(w, offset, rowBytes, x, n, sums, 0);
        dot2(w, offset + 2 * rowBytes, rowBytes, x, n, sums, 2);
        VectorMath.sum4(sums[0], sums[1], sums[2], sums[3], out, outOff);
    }

    private static void dot2(MemorySegment w, long offset, long rowBytes, float[] x, int n, FloatVector[] sums, int at) {
        FloatVector c0 = FloatVector.zero(F);
        FloatVector c1 = c0;
        for (int b = 0; b < n / BLOCK; b++) {
            long b0 = offset + (long) b * BLOCK_BYTES;
            long b1 = b0 + rowBytes;
            float d0 = scale(w, b0);
            float d1 = scale(w, b1);
            // Element order as in dotTile: all low nibbles (elements 0..15), then all high ones.
            for (int p = 0; p < HALF; p += F.length()) {
                FloatVector xv = FloatVector.fromArray(F, x, b * BLOCK + p);
                c0 = low(w, b0 + 2 + p).mul(d0).fma(xv, c0);
                c1 = low(w, b1 + 2 + p).mul(d1).fma(xv, c1);
            }
            for (int p = 0; p < HALF; p += F.length()) {
                FloatVector xv = FloatVector.fromArray(F, x, b * BLOCK + HALF + p);
                c0 = high(w, b0 + 2 + p).mul(d0).fma(xv, c0);
                c1 = high(w, b1 + 2 + p).mul(d1).fma(xv, c1);
            }
        }
        sums[at] = c0;
        sums[at + 1] = c1;
    }
}
