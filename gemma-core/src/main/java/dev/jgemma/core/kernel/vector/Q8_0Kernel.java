package dev.jgemma.core.kernel.vector;

import static dev.jgemma.core.kernel.vector.VectorFormatKernels.B;
import static dev.jgemma.core.kernel.vector.VectorFormatKernels.F;
import static dev.jgemma.core.kernel.vector.VectorFormatKernels.LE;

import dev.jgemma.core.tensor.TensorType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/** Q8_0: an f16 scale and 32 signed bytes per block, the bytes sign-extended to floats in registers. */
final class Q8_0Kernel extends Block32Kernel {
    Q8_0Kernel() {
        super(34);
    }

    @Override
    public TensorType type() {
        return TensorType.Q8_0;
    }

    @Override
    FloatVector quants(MemorySegment w, long block, int p) {
        return (FloatVector) ByteVector.fromMemorySegment(B, w, block + 2 + p, LE).convertShape(VectorOperators.B2F, F, 0);
    }
}
