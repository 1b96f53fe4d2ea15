package dev.jgemma.core.kernel.vector;

import static dev.jgemma.core.kernel.vector.VectorFormatKernels.I;
import static dev.jgemma.core.kernel.vector.VectorFormatKernels.LE;
import static dev.jgemma.core.kernel.vector.VectorFormatKernels.S;

import dev.jgemma.core.tensor.TensorType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/** BF16: each value widened exactly by a 16-bit shift in registers. */
final class BF16Kernel extends PlainKernel {
    BF16Kernel() {
        super(2);
    }

    @Override
    public TensorType type() {
        return TensorType.BF16;
    }

    @Override
    FloatVector load(MemorySegment w, long offset) {
        IntVector bits = (IntVector) ShortVector.fromMemorySegment(S, w, offset, LE).convertShape(VectorOperators.S2I, I, 0);
        return bits.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }
}
