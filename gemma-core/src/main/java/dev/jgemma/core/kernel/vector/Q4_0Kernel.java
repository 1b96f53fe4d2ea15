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
 * Q4_0 (blocks of an f16 scale and 16 bytes of nibbles; element {@code i < 16} is the low nibble
 * of byte {@code i}, element {@code i + 16} its high nibble, both offset by 8): the nibbles are
 * split, widened to floats and scaled in registers, a vector at a time.
 */
final class Q4_0Kernel implements FormatKernel {
    private static final int BLOCK = 32;
    private static final int BLOCK_BYTES = 18;

    @Override
    public TensorType type() {
        return TensorType.Q4_0;
    }

    @Override
    public void decode(MemorySegment w, long offset, float[] dst, int dstOffset, int n) {
        for (int b = 0; b < n / BLOCK; b++) {
            long o = offset + (long) b * BLOCK_BYTES;
            float d = Float.float16ToFloat(w.get(LittleEndian.SHORT, o));
            int out = dstOffset + b * BLOCK;
            for (int p = 0; p < BLOCK / 2; p += F.length()) {
                ByteVector v = ByteVector.fromMemorySegment(B, w, o + 2 + p, LE);
                ((FloatVector) v.and((byte) 0x0f).sub((byte) 8).convertShape(VectorOperators.B2F, F, 0)).mul(d).intoArray(dst, out + p);
                ((FloatVector) v.lanewise(VectorOperators.LSHR, 4).sub((byte) 8).convertShape(VectorOperators.B2F, F, 0)).mul(d)
                        .intoArray(dst, out + BLOCK / 2 + p);
            }
        }
    }
}
