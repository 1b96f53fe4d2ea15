package dev.jgemma.core.kernel.vector;

import static dev.jgemma.core.kernel.vector.VectorFormatKernels.F;

import dev.jgemma.core.kernel.FloatOps;
import dev.jgemma.core.kernel.FormatKernel;
import dev.jgemma.core.tensor.BlockFormats;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The loops shared by the unquantized types (F32, BF16): a subclass only says how to load
 * one vector of elements as floats. The fused {@link #dot4} sums in the order of
 * {@link FloatOps#dotTile}.
 */
abstract sealed class PlainKernel implements FormatKernel permits F32Kernel, BF16Kernel {
    private final int elementBytes;

    PlainKernel(int elementBytes) {
        this.elementBytes = elementBytes;
    }

    /**
     * @param w the weights
     * @param offset byte offset of the first of {@code F.length()} elements
     * @return them as floats
     */
    abstract FloatVector load(MemorySegment w, long offset);

    @Override
    public void decode(MemorySegment w, long offset, float[] dst, int dstOffset, int n) {
        int i = 0;
        for (; i + F.length() <= n; i += F.length()) {
            load(w, offset + (long) elementBytes * i).intoArray(dst, dstOffset + i);
        }
        if (i < n) { // a ragged tail, one element at a time
            BlockFormats.of(type()).decode(w, offset + (long) elementBytes * i, dst, dstOffset + i, n - i);
        }
    }

    @Override
    public final void dot4(MemorySegment w, long offset, long rowBytes, float[] x, int n, float[] out, int outOff,
                           float[] scratch, FloatOps ops) {
        if (n % F.length() != 0) {
            FormatKernel.super.dot4(w, offset, rowBytes, x, n, out, outOff, scratch, ops);
            return;
        }
        FloatVector c0 = FloatVector.zero(F);
        FloatVector c1 = c0;
        FloatVector c2 = c0;
        FloatVector c3 = c0;
        long o1 = offset + rowBytes;
        long o2 = o1 + rowBytes;
        long o3 = o2 + rowBytes;
        for (int i = 0; i < n; i += F.length()) {
            long at = (long) elementBytes * i;
            FloatVector xv = FloatVector.fromArray(F, x, i);
            c0 = load(w, offset + at).fma(xv, c0);
            c1 = load(w, o1 + at).fma(xv, c1);
            c2 = load(w, o2 + at).fma(xv, c2);
            c3 = load(w, o3 + at).fma(xv, c3);
        }
        VectorMath.sum4(c0, c1, c2, c3, out, outOff);
    }
}
