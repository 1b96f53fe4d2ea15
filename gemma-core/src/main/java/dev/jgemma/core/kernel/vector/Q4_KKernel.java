package dev.jgemma.core.kernel.vector;

import static dev.jgemma.core.kernel.vector.VectorFormatKernels.B;
import static dev.jgemma.core.kernel.vector.VectorFormatKernels.F;
import static dev.jgemma.core.kernel.vector.VectorFormatKernels.I;
import static dev.jgemma.core.kernel.vector.VectorFormatKernels.LE;

import dev.jgemma.core.kernel.FloatOps;
import dev.jgemma.core.kernel.FormatKernel;
import dev.jgemma.core.tensor.TensorType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Q4_K: super-blocks of 256 elements, f16 {@code d} and {@code dmin}, 12 bytes of packed 6-bit
 * sub-block scales and mins, then 128 bytes of nibbles; each 64 elements take 32 bytes, the
 * first 32 in the low nibbles, the next 32 in the high nibbles. Element =
 * {@code (d * scale) * q - dmin * min}, which {@code BlockFormat.decode} rounds after the
 * multiplication and after the subtraction. Here it is one {@code fma(q, d * scale, -dmin * min)}
 * with the same bits: {@code d * scale} (11 by 6 significant bits) and its product with a 4-bit
 * {@code q} are exact in f32, so the multiplication never rounds.
 *
 * <p>The eight scales and mins of a super-block are unpacked in registers too (two byte shuffles
 * instead of sixteen scalar extractions, which took as long as the 256 nibbles: decoding went
 * from 3.6 to 5.2 GB/s on one thread); the nibbles are sign-extended to ints (x86 has no byte
 * shifts, and C2 falls back to Java for them), split with int AND and shift and converted to
 * floats.
 *
 * <p>{@link #dot4} fuses decoding into one accumulator per row, one row at a time as for Q4_0
 * (four rows per loop exceed what C2 inlines; two measured no better), in the order of
 * {@link FloatOps#dotTile}, unpacking each super-block's scales as it reaches it so that the
 * weights are read in one sequential pass. One thread, 2304 columns: 4.3 GB/s against 3.2 for
 * decoding four rows and running {@code dotTile} on a 425 MB matrix (read from memory), 4.8
 * against 3.6 on 1.3 MB (cached). Unpacking the four rows' scales in a first pass was as fast
 * on cached weights but lost 30% on the large matrix.
 *
 * <p>No method here takes or returns a vector: C2 inlines {@code decode} into
 * {@code TiledMatmul} (next to Q6_K's), and when the caller is past its node budget it refuses
 * to inline our own small helpers, whose vectors are then boxed on every iteration (seen in the
 * benchmark for a Q6_K helper, and with 8 lanes for a helper here). The Vector API's methods are
 * force-inlined whatever the budget; a refused {@code decode} or {@link #scales} only costs a
 * call.
 */
final class Q4_KKernel implements FormatKernel {
    private static final int BLOCK = 256;
    private static final int BLOCK_BYTES = 144;
    private static final VectorSpecies<Byte> B16 = ByteVector.SPECIES_128;
    /*
     * Lane j < 8 is scale j, lane 8 + j min j (ggml's get_scale_min_k4), from the block's bytes 4..15:
     * (P >> shift & low) | (Q >> 2 & 0x30), i.e. the low bits from byte P and the top two bits of byte Q.
     */
    private static final VectorShuffle<Byte> P = VectorShuffle.fromArray(B16,
            new int[] {4, 5, 6, 7, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15}, 0);
    private static final VectorShuffle<Byte> Q = VectorShuffle.fromArray(B16,
            new int[] {0, 0, 0, 0, 4, 5, 6, 7, 0, 0, 0, 0, 8, 9, 10, 11}, 0);
    private static final int[] P_SHIFT = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 4, 4, 4};
    private static final int[] P_MASK = {63, 63, 63, 63, 15, 15, 15, 15, 63, 63, 63, 63, 15, 15, 15, 15};
    private static final int[] Q_MASK = {0, 0, 0, 0, 0x30, 0x30, 0x30, 0x30, 0, 0, 0, 0, 0x30, 0x30, 0x30, 0x30};
    private static final boolean[] MIN = {false, false, false, false, false, false, false, false,
        true, true, true, true, true, true, true, true};

    @Override
    public TensorType type() {
        return TensorType.Q4_K;
    }

    /**
     * The scales ({@code d} times the 6-bit scale) and mins ({@code dmin} times the 6-bit min) of
     * the eight sub-blocks of one super-block, each the same f32 product as in
     * {@code BlockFormat.decode}.
     *
     * @param w the weights
     * @param block byte offset of the super-block
     * @param dst receives scale {@code j} at {@code o + j} and min {@code j} at {@code o + 8 + j}
     * @param o where they go
     */
    static void scales(MemorySegment w, long block, float[] dst, int o) {
        int dd = w.get(ValueLayout.JAVA_INT_UNALIGNED, block);
        float d = Float.float16ToFloat((short) dd);
        float dmin = Float.float16ToFloat((short) (dd >>> 16));
        ByteVector v = ByteVector.fromMemorySegment(B16, w, block, LE);
        ByteVector p = v.rearrange(P);
        ByteVector q = v.rearrange(Q);
        for (int h = 0; h < 16; h += I.length()) { // once with 16 lanes, twice with 8
            int part = h / I.length();
            IntVector pi = (IntVector) p.convertShape(VectorOperators.B2I, I, part);
            IntVector qi = (IntVector) q.convertShape(VectorOperators.B2I, I, part);
            IntVector six = pi.lanewise(VectorOperators.ASHR, IntVector.fromArray(I, P_SHIFT, h)).and(IntVector.fromArray(I, P_MASK, h))
                    .or(qi.lanewise(VectorOperators.ASHR, 2).and(IntVector.fromArray(I, Q_MASK, h)));
            FloatVector factor = FloatVector.broadcast(F, d).blend(dmin, VectorMask.fromArray(F, MIN, h));
            ((FloatVector) six.convert(VectorOperators.I2F, 0)).mul(factor).intoArray(dst, o + h);
        }
    }

    @Override
    public void decode(MemorySegment w, long offset, float[] dst, int dstOffset, int n) {
        float[] sm = new float[16];
        for (int b = 0; b < n / BLOCK; b++) {
            long block = offset + (long) b * BLOCK_BYTES;
            scales(w, block, sm, 0);
            for (int chunk = 0; chunk < 4; chunk++) {
                float d1 = sm[2 * chunk];
                float d2 = sm[2 * chunk + 1];
                float m1 = -sm[8 + 2 * chunk];
                float m2 = -sm[8 + 2 * chunk + 1];
                long q = block + 16 + 32 * chunk;
                int y = dstOffset + b * BLOCK + 64 * chunk;
                for (int p = 0; p < 32; p += F.length()) {
                    IntVector v = (IntVector) ByteVector.fromMemorySegment(B, w, q + p, LE).convertShape(VectorOperators.B2I, I, 0);
                    ((FloatVector) v.and(0xf).convert(VectorOperators.I2F, 0)).fma(d1, m1).intoArray(dst, y + p);
                    ((FloatVector) v.lanewise(VectorOperators.ASHR, 4).and(0xf).convert(VectorOperators.I2F, 0)).fma(d2, m2)
                            .intoArray(dst, y + 32 + p);
                }
            }
        }
    }

    /** One row at a time; {@code scratch} holds the current super-block's scales and mins. */
    @Override
    public void dot4(MemorySegment w, long offset, long rowBytes, float[] x, int n, float[] out, int outOff, float[] scratch,
                     FloatOps ops) {
        for (int r = 0; r < 4; r++) {
            out[outOff + r] = dot(w, offset + r * rowBytes, x, n, scratch);
        }
    }

    /** One row: each lane sums its elements in order (the low nibbles of a chunk, then its high nibbles). */
    private static float dot(MemorySegment w, long offset, float[] x, int n, float[] sm) {
        FloatVector c = FloatVector.zero(F);
        for (int b = 0; b < n / BLOCK; b++) {
            long block = offset + (long) b * BLOCK_BYTES;
            scales(w, block, sm, 0);
            for (int chunk = 0; chunk < 4; chunk++) {
                float d1 = sm[2 * chunk];
                float d2 = sm[2 * chunk + 1];
                float m1 = -sm[8 + 2 * chunk];
                float m2 = -sm[8 + 2 * chunk + 1];
                long q = block + 16 + 32 * chunk;
                int xo = b * BLOCK + 64 * chunk;
                for (int p = 0; p < 32; p += F.length()) {
                    IntVector v = (IntVector) ByteVector.fromMemorySegment(B, w, q + p, LE).convertShape(VectorOperators.B2I, I, 0);
                    FloatVector lo = (FloatVector) v.and(0xf).convert(VectorOperators.I2F, 0);
                    c = lo.fma(d1, m1).fma(FloatVector.fromArray(F, x, xo + p), c);
                }
                for (int p = 0; p < 32; p += F.length()) {
                    IntVector v = (IntVector) ByteVector.fromMemorySegment(B, w, q + p, LE).convertShape(VectorOperators.B2I, I, 0);
                    FloatVector hi = (FloatVector) v.lanewise(VectorOperators.ASHR, 4).and(0xf).convert(VectorOperators.I2F, 0);
                    c = hi.fma(d2, m2).fma(FloatVector.fromArray(F, x, xo + 32 + p), c);
                }
            }
        }
        float[] lanes = VectorMath.lanes();
        c.intoArray(lanes, 0);
        return VectorMath.sum(lanes, 0);
    }
}
