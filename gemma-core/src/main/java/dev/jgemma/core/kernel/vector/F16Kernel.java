package dev.jgemma.core.kernel.vector;

import static dev.jgemma.core.kernel.vector.VectorFormatKernels.I;
import static dev.jgemma.core.kernel.vector.VectorFormatKernels.LE;
import static dev.jgemma.core.kernel.vector.VectorFormatKernels.S;

import dev.jgemma.core.tensor.TensorType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * IEEE binary16, widened exactly in registers: the 15 magnitude bits shifted into an f32 and
 * multiplied by 2^112 (which also normalises subnormals), infinities and NaNs given the f32
 * all-ones exponent, then the sign.
 */
final class F16Kernel extends PlainKernel {
    F16Kernel() {
        super(2);
    }

    @Override
    public TensorType type() {
        return TensorType.F16;
    }

    @Override
    FloatVector load(MemorySegment w, long offset) {
        IntVector h = (IntVector) ShortVector.fromMemorySegment(S, w, offset, LE).convertShape(VectorOperators.S2I, I, 0);
        IntVector magnitude = h.and(0x7fff);
        IntVector shifted = magnitude.lanewise(VectorOperators.LSHL, 13);
        FloatVector finite = shifted.reinterpretAsFloats().mul(0x1p112f);
        VectorMask<Integer> special = magnitude.compare(VectorOperators.GE, 0x7c00);
        IntVector bits = finite.reinterpretAsInts().blend(shifted.or(0x7f800000), special);
        return bits.or(h.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats();
    }
}
