package dev.jgemma.core.kernel.vector;

import static dev.jgemma.core.kernel.vector.VectorFormatKernels.F;
import static dev.jgemma.core.kernel.vector.VectorFormatKernels.I;
import static dev.jgemma.core.kernel.vector.VectorFormatKernels.LE;
import static dev.jgemma.core.kernel.vector.VectorFormatKernels.S;

import dev.jgemma.core.kernel.FormatKernel;
import dev.jgemma.core.tensor.LittleEndian;
import dev.jgemma.core.tensor.TensorType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/** BF16: each value is widened by a 16-bit shift in registers (exact). */
final class BF16Kernel implements FormatKernel {
    @Override
    public TensorType type() {
        return TensorType.BF16;
    }

    static FloatVector load(MemorySegment w, long offset) {
        IntVector bits = (IntVector) ShortVector.fromMemorySegment(S, w, offset, LE).convertShape(VectorOperators.S2I, I, 0);
        return bits.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    @Override
    public void decode(MemorySegment w, long offset, float[] dst, int dstOffset, int n) {
        int i = 0;
        for (; i + F.length() <= n; i += F.length()) {
            load(w, offset + 2L * i).intoArray(dst, dstOffset + i);
        }
        for (; i < n; i++) {
            dst[dstOffset + i] = Float.intBitsToFloat(w.get(LittleEndian.SHORT, offset + 2L * i) << 16);
        }
    }
}
