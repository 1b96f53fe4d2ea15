package dev.jgemma.core.kernel.vector;

import static dev.jgemma.core.kernel.vector.VectorFormatKernels.B;
import static dev.jgemma.core.kernel.vector.VectorFormatKernels.F;
import static dev.jgemma.core.kernel.vector.VectorFormatKernels.LE;

import dev.jgemma.core.tensor.TensorType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Q4_0: an f16 scale and 16 bytes of nibbles per block; element {@code i < 16} is the low nibble
 * of byte {@code i}, element {@code i + 16} its high nibble, both offset by 8. The nibbles are
 * split and widened in registers.
 */
final class Q4_0Kernel extends Block32Kernel {
    Q4_0Kernel() {
        super(18);
    }

    @Override
    public TensorType type() {
        return TensorType.Q4_0;
    }

    @Override
    FloatVector quants(MemorySegment w, long block, int p) {
        ByteVector v;
        if (p < BLOCK / 2) {
            v = ByteVector.fromMemorySegment(B, w, block + 2 + p, LE).and((byte) 0x0f);
        } else {
            v = ByteVector.fromMemorySegment(B, w, block + 2 + p - BLOCK / 2, LE).lanewise(VectorOperators.LSHR, 4);
        }
        return (FloatVector) v.sub((byte) 8).convertShape(VectorOperators.B2F, F, 0);
    }
}
