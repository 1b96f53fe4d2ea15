package dev.jgemma.core.kernel.vector;

import static dev.jgemma.core.kernel.vector.VectorFormatKernels.B;
import static dev.jgemma.core.kernel.vector.VectorFormatKernels.F;
import static dev.jgemma.core.kernel.vector.VectorFormatKernels.LE;

import dev.jgemma.core.kernel.FormatKernel;
import dev.jgemma.core.tensor.LittleEndian;
import dev.jgemma.core.tensor.TensorType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Q8_0 (blocks of an f16 scale and 32 signed bytes): the bytes are widened to floats in
 * registers and scaled, a vector at a time.
 */
final class Q8_0Kernel implements FormatKernel {
    private static final int BLOCK = 32;
    private static final int BLOCK_BYTES = 34;

    @Override
    public TensorType type() {
        return TensorType.Q8_0;
    }

    @Override
    public void decode(MemorySegment w, long offset, float[] dst, int dstOffset, int n) {
        for (int b = 0; b < n / BLOCK; b++) {
            long o = offset + (long) b * BLOCK_BYTES;
            float d = Float.float16ToFloat(w.get(LittleEndian.SHORT, o));
            for (int p = 0; p < BLOCK; p += F.length()) {
                FloatVector q = (FloatVector) ByteVector.fromMemorySegment(B, w, o + 2 + p, LE).convertShape(VectorOperators.B2F, F, 0);
                q.mul(d).intoArray(dst, dstOffset + b * BLOCK + p);
            }
        }
    }
}
