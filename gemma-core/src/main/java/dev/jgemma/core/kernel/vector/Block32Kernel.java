package dev.jgemma.core.kernel.vector;

import static dev.jgemma.core.kernel.vector.VectorFormatKernels.F;

import dev.jgemma.core.kernel.FloatOps;
import dev.jgemma.core.kernel.FormatKernel;
import dev.jgemma.core.tensor.LittleEndian;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The loops shared by the GGML types whose blocks are 32 elements led by an f16 scale
 * {@code d} (element = {@code d * q}): a subclass only says how to widen one vector of
 * {@code q} values in registers. Decoding stores {@code d * q}; the fused {@link #dot4}
 * multiplies the very same {@code d * q} values with the input in the order of
 * {@link FloatOps#dotTile}.
 */
abstract sealed class Block32Kernel implements FormatKernel permits Q8_0Kernel, Q4_0Kernel {
    static final int BLOCK = 32;

    private final int blockBytes;

    Block32Kernel(int blockBytes) {
        this.blockBytes = blockBytes;
    }

    /**
     * @param w the weights
     * @param block byte offset of a block
     * @param p the first of {@code F.length()} elements of the block
     * @return those elements' {@code q} values as floats
     */
    abstract FloatVector quants(MemorySegment w, long block, int p);

    private static float scale(MemorySegment w, long block) {
        return Float.float16ToFloat(w.get(LittleEndian.SHORT, block));
    }

    @Override
    public final void decode(MemorySegment w, long offset, float[] dst, int dstOffset, int n) {
        for (int b = 0; b < n / BLOCK; b++) {
            long block = offset + (long) b * blockBytes;
            float d = scale(w, block);
            for (int p = 0; p < BLOCK; p += F.length()) {
                quants(w, block, p).mul(d).intoArray(dst, dstOffset + b * BLOCK + p);
            }
        }
    }

    @Override
    public final void dot4(MemorySegment w, long offset, long rowBytes, float[] x, int n, float[] out, int outOff,
                           float[] scratch, FloatOps ops) {
        FloatVector c0 = FloatVector.zero(F);
        FloatVector c1 = c0;
        FloatVector c2 = c0;
        FloatVector c3 = c0;
        for (int b = 0; b < n / BLOCK; b++) {
            long b0 = offset + (long) b * blockBytes;
            long b1 = b0 + rowBytes;
            long b2 = b1 + rowBytes;
            long b3 = b2 + rowBytes;
            float d0 = scale(w, b0);
            float d1 = scale(w, b1);
            float d2 = scale(w, b2);
            float d3 = scale(w, b3);
            for (int p = 0; p < BLOCK; p += F.length()) {
                FloatVector xv = FloatVector.fromArray(F, x, b * BLOCK + p);
                c0 = quants(w, b0, p).mul(d0).fma(xv, c0);
                c1 = quants(w, b1, p).mul(d1).fma(xv, c1);
                c2 = quants(w, b2, p).mul(d2).fma(xv, c2);
                c3 = quants(w, b3, p).mul(d3).fma(xv, c3);
            }
        }
        VectorMath.sum4(c0, c1, c2, c3, out, outOff);
    }
}
