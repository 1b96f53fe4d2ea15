package dev.jgemma.core.kernel.vector;

import static dev.jgemma.core.kernel.vector.VectorFormatKernels.F;
import static dev.jgemma.core.kernel.vector.VectorFormatKernels.LE;

import dev.jgemma.core.tensor.LittleEndian;
import dev.jgemma.core.tensor.TensorType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

/** F32, read straight from the mapped file. */
final class F32Kernel extends PlainKernel {
    F32Kernel() {
        super(4);
    }

    @Override
    public TensorType type() {
        return TensorType.F32;
    }

    @Override
    FloatVector load(MemorySegment w, long offset) {
        return FloatVector.fromMemorySegment(F, w, offset, LE);
    }

    @Override
    public void decode(MemorySegment w, long offset, float[] dst, int dstOffset, int n) {
        MemorySegment.copy(w, LittleEndian.FLOAT, offset, dst, dstOffset, n);
    }
}
