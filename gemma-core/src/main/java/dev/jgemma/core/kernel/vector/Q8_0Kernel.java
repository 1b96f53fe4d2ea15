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
 * Q8_0: blocks of 32 elements, an f16 scale {@code d} and 32 signed bytes {@code q}, element =
 * {@code d * q}. The bytes are sign-extended to floats in registers and scaled; the fused
 * {@link #dot4} multiplies the very same {@code d * q} values with the input in the order of
 * {@link FloatOps#dotTile}. (The loops live here rather than in a base class shared with Q4_0:
 * a virtual call returning a vector defeats C2's inlining and the vectors get boxed.)
 */
final class Q8_0Kernel implements FormatKernel {
    private static final int BLOCK = 32;
    private static final int BLOCK_BYTES = 34;

    @Override
    public TensorType type() {
        return TensorType.Q8_0;
    }

    private static FloatVector quants(MemorySegment w, long at) {
        return (FloatVector) ByteVector.fromMemorySegment(B, w, at, LE).convertShape(VectorOperators.B2F, F, 0);
    }

    private static float scale(MemorySegment w, long block) {
        return Float.float16ToFloat(w.get(LittleEndian.SHORT, block));
    }

    @Override
    public void decode(MemorySegment w, long offset, float[] dst, int dstOffset, int n) {
        for (int b = 0; b < n / BLOCK; b++) {
            long block = offset + (long) b * BLOCK_BYTES;
            float d = scale(w, block);
            for (int p = 0; p < BLOCK; p += F.length()) {
                quants(w, block + 2 + p).mul(d).intoArray(dst, dstOffset + b * BLOCK + p);
            }
        }
    }

    @Override
    public void dot4(MemorySegment w, long offset, long rowBytes, float[] x, int n, float[] out, int outOff, float[] scratch,
                     FloatOps ops) {
        FloatVector c0 = FloatVector.zero(F);
        FloatVector c1 = c0;
        FloatVector c2 = c0;
        FloatVector c3 = c0;
        for (int b = 0; b < n / BLOCK; b++) {
            long b0 = offset + (long) b * BLOCK_BYTES;
            long b1 = b0 + rowBytes;
            long b2 = b1 + rowBytes;
            long b3 = b2 + rowBytes;
            float d0 = scale(w, b0);
            float d1 = scale(w, b1);
            float d2 = scale(w, b2);
            float d3 = scale(w, b3);
            for (int p = 0; p < BLOCK; p += F.length()) {
                FloatVector xv = FloatVector.fromArray(F, x, b * BLOCK + p);
                c0 = quants(w, b0 + 2 + p).mul(d0).fma(xv, c0);
                c1 = quants(w, b1 + 2 + p).mul(d1).fma(xv, c1);
                c2 = quants(w, b2 + 2 + p).mul(d2).fma(xv, c2);
                c3 = quants(w, b3 + 2 + p).mul(d3).fma(xv, c3);
            }
        }
        VectorMath.sum4(c0, c1, c2, c3, out, outOff);
    }
}
