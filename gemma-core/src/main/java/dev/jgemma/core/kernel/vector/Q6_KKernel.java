package dev.jgemma.core.kernel.vector;

import static dev.jgemma.core.kernel.vector.VectorFormatKernels.B;
import static dev.jgemma.core.kernel.vector.VectorFormatKernels.F;
import static dev.jgemma.core.kernel.vector.VectorFormatKernels.I;
import static dev.jgemma.core.kernel.vector.VectorFormatKernels.LE;

import dev.jgemma.core.kernel.FloatOps;
import dev.jgemma.core.kernel.FormatKernel;
import dev.jgemma.core.tensor.LittleEndian;
import dev.jgemma.core.tensor.TensorType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Q6_K: super-blocks of 256 elements in 16 groups of 16: 128 bytes {@code ql} of low nibbles,
 * 64 bytes {@code qh} of high bit pairs, 16 signed 8-bit group scales, then the f16 {@code d}.
 * Each half of 128 elements is four quarters of 32: element {@code l} of quarter {@code k} takes
 * the low ({@code k < 2}) or high nibble of {@code ql[l + 32 (k % 2)]} and bits {@code 2k, 2k + 1}
 * of {@code qh[l]}. Element = {@code (d * scale) * (q - 32)}, rounded after each multiplication
 * as {@code BlockFormat.decode} does.
 *
 * <p>The sixteen {@code d * scale} products are widened in registers; the bytes are sign-extended
 * to ints (no byte shifts on x86) and the 6-bit values assembled with int shifts, AND and OR.
 * One loop body serves all eight quarters (shift counts vary per quarter): a body assembling
 * four quarters per load of {@code qh} ran at a third of the speed (C2 refused to inline its
 * fourth helper call, over its node budget). No method here takes or returns a vector (see {@link Q4_KKernel}): C2 inlines
 * {@code decode} into {@code TiledMatmul} and, past its node budget there, refused a small helper
 * returning the quants, which were then boxed on every iteration.
 *
 * <p>{@link #dot4} fuses decoding into one accumulator per row, one row at a time, in the order
 * of {@link FloatOps#dotTile}, widening each super-block's scales as it reaches it. One thread,
 * 2304 columns: 3.5 to 3.9 GB/s against 3.4 for decoding four rows and running {@code dotTile}
 * on a 620 MB matrix (read from memory), 3.9 to 4.0 against 3.5 to 3.8 on 1.9 MB (cached); the
 * default also varied between 2.1 and 3.5 GB/s from one JVM to the next (its compiled form
 * depends on which kernels share {@code FormatKernel.dot4}). Two rows per loop were slower.
 */
final class Q6_KKernel implements FormatKernel {
    private static final int BLOCK = 256;
    private static final int BLOCK_BYTES = 210;

    @Override
    public TensorType type() {
        return TensorType.Q6_K;
    }

    /**
     * @param w the weights
     * @param block byte offset of the super-block
     * @param dst receives {@code d * scale g} at {@code o + g}, {@code g < 16}
     * @param o where they go
     */
    static void scales(MemorySegment w, long block, float[] dst, int o) {
        float d = Float.float16ToFloat(w.get(LittleEndian.SHORT, block + 208));
        ByteVector s = ByteVector.fromMemorySegment(ByteVector.SPECIES_128, w, block + 192, LE);
        for (int g = 0; g < 16; g += F.length()) { // once with 16 lanes, twice with 8
            ((FloatVector) s.convertShape(VectorOperators.B2F, F, g / F.length())).mul(d).intoArray(dst, o + g);
        }
    }

    @Override
    public void decode(MemorySegment w, long offset, float[] dst, int dstOffset, int n) {
        float[] ds = new float[16];
        for (int b = 0; b < n / BLOCK; b++) {
            long block = offset + (long) b * BLOCK_BYTES;
            scales(w, block, ds, 0);
            for (int i = 0; i < 8; i++) { // quarter k = i % 4 of half i / 4
                int half = i >> 2;
                int k = i & 3;
                long ql = block + 64 * half + 32 * (k & 1);
                long qh = block + 128 + 32 * half;
                int y = dstOffset + b * BLOCK + 32 * i;
                int loShift = 4 * (k >> 1); // the low or the high nibble
                int hiShift = 2 * k; // bits 2k, 2k + 1 of qh, moved to bits 4, 5
                for (int l = 0; l < 32; l += F.length()) {
                    IntVector lo = (IntVector) ByteVector.fromMemorySegment(B, w, ql + l, LE).convertShape(VectorOperators.B2I, I, 0);
                    IntVector hi = (IntVector) ByteVector.fromMemorySegment(B, w, qh + l, LE).convertShape(VectorOperators.B2I, I, 0);
                    IntVector q = lo.lanewise(VectorOperators.ASHR, loShift).and(0xf)
                            .or(hi.lanewise(VectorOperators.LSHL, 4).lanewise(VectorOperators.ASHR, hiShift).and(0x30));
                    ((FloatVector) q.sub(32).convert(VectorOperators.I2F, 0)).mul(ds[2 * i + l / 16]).intoArray(dst, y + l);
                }
            }
        }
    }

    /**
     * One row at a time; {@code scratch} holds the current super-block's {@code d * scale}
     * products. With 8 lanes the default (decode four rows, then {@code dotTile}) runs instead:
     * this loop measured 35% slower there.
     */
    @Override
    public void dot4(MemorySegment w, long offset, long rowBytes, float[] x, int n, float[] out, int outOff, float[] scratch,
                     FloatOps ops) {
        if (F.length() != 16) {
            FormatKernel.super.dot4(w, offset, rowBytes, x, n, out, outOff, scratch, ops);
            return;
        }
        for (int r = 0; r < 4; r++) {
            out[outOff + r] = dot(w, offset + r * rowBytes, x, n, scratch);
        }
    }

    /** One row, each lane summing its elements in order. */
    private static float dot(MemorySegment w, long offset, float[] x, int n, float[] ds) {
        FloatVector c = FloatVector.zero(F);
        for (int b = 0; b < n / BLOCK; b++) {
            long block = offset + (long) b * BLOCK_BYTES;
            scales(w, block, ds, 0);
            for (int i = 0; i < 8; i++) {
                int half = i >> 2;
                int k = i & 3;
                long ql = block + 64 * half + 32 * (k & 1);
                long qh = block + 128 + 32 * half;
                int loShift = 4 * (k >> 1);
                int hiShift = 2 * k;
                int xo = b * BLOCK + 32 * i;
                for (int l = 0; l < 32; l += F.length()) {
                    IntVector lo = (IntVector) ByteVector.fromMemorySegment(B, w, ql + l, LE).convertShape(VectorOperators.B2I, I, 0);
                    IntVector hi = (IntVector) ByteVector.fromMemorySegment(B, w, qh + l, LE).convertShape(VectorOperators.B2I, I, 0);
                    IntVector q = lo.lanewise(VectorOperators.ASHR, loShift).and(0xf)
                            .or(hi.lanewise(VectorOperators.LSHL, 4).lanewise(VectorOperators.ASHR, hiShift).and(0x30));
                    FloatVector v = (FloatVector) q.sub(32).convert(VectorOperators.I2F, 0);
                    c = v.mul(ds[2 * i + l / 16]).fma(FloatVector.fromArray(F, x, xo + l), c);
                }
            }
        }
        float[] lanes = VectorMath.lanes();
        c.intoArray(lanes, 0);
        return VectorMath.sum(lanes, 0);
    }
}
