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
 * One loop body serves all eight quarters (shift counts vary per quarter): a body that assembles
 * four quarters from one load of {@code qh} exceeds C2's inlining budget and runs at a third of
 * the speed.
 *
 * <p>No fused {@code dot4}: one row at a time, decoding into the multiply-adds measured no faster
 * than the default (decode four rows, then {@link FloatOps#dotTile}) with 16 lanes (3.2 against
 * 3.3 GB/s on one thread, 9216 x 2304) and 45% slower with 8; two rows per loop were slower still.
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

    /** @return {@code F.length()} bytes from {@code at}, sign-extended to ints */
    private static IntVector bytes(MemorySegment w, long at) {
        return (IntVector) ByteVector.fromMemorySegment(B, w, at, LE).convertShape(VectorOperators.B2I, I, 0);
    }

    /**
     * @return element {@code l ..} of quarter {@code k}, minus 32: the nibble of {@code ql} at bit
     *     {@code 4 (k / 2)}, the bit pair of {@code qh} at bit {@code 2k} (shifted to bits 4, 5)
     */
    private static FloatVector quants(MemorySegment w, long ql, long qh, int k) {
        IntVector lo = bytes(w, ql).lanewise(VectorOperators.ASHR, 4 * (k >> 1)).and(0xf);
        IntVector hi = bytes(w, qh).lanewise(VectorOperators.LSHL, 4).lanewise(VectorOperators.ASHR, 2 * k).and(0x30);
        return (FloatVector) lo.or(hi).sub(32).convert(VectorOperators.I2F, 0);
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
                for (int l = 0; l < 32; l += F.length()) {
                    quants(w, ql + l, qh + l, k).mul(ds[2 * i + l / 16]).intoArray(dst, y + l);
                }
            }
        }
    }
}
