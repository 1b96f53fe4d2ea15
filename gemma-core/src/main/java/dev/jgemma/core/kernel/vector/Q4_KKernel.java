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
 * per super-block instead of sixteen scalar extractions, which took as long as the 256 nibbles:
 * decoding went from 3.6 to 5.2 GB/s on one thread); the nibbles are sign-extended to ints (x86
 * has no byte shifts, and C2 falls back to Java for them), split with int AND and shift and
 * converted to floats. {@link #dot4} fuses decoding into one accumulator per row, one row at a
 * time as for Q4_0 (four rows per loop exceed what C2 inlines; two measured no better), in the
 * order of {@link FloatOps#dotTile}: 15 to 25% faster than decoding four rows and running
 * {@code dotTile} (4.0 to 4.5 against 3.2 to 3.7 GB/s on one thread, 2304 columns).
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

    /**
     * {@link #scales} with scalar code, for {@link #decode} with 8 lanes: there the vector version
     * takes {@code decode} past C2's inlining budget (measured with {@code -XX:MaxVectorSize=32}:
     * the nibble vectors were boxed, 0.8 instead of 3 GB/s).
     */
    static void scalarScales(MemorySegment w, long block, float[] dst, int o) {
        int dd = w.get(ValueLayout.JAVA_INT_UNALIGNED, block);
        float d = Float.float16ToFloat((short) dd);
        float dmin = Float.float16ToFloat((short) (dd >>> 16));
        long sm = w.get(ValueLayout.JAVA_LONG_UNALIGNED, block + 4); // bytes 0..7 of the 12
        int hi = w.get(ValueLayout.JAVA_INT_UNALIGNED, block + 12); // bytes 8..11
        for (int j = 0; j < 4; j++) {
            int a = (int) (sm >>> (8 * j)) & 0xff; // scale j (low 6 bits), top bits of scale j + 4
            int m = (int) (sm >>> (8 * j + 32)) & 0xff; // min j (low 6 bits), top bits of min j + 4
            int c = (hi >>> (8 * j)) & 0xff; // low 4 bits of scale and min j + 4
            dst[o + j] = d * (a & 63);
            dst[o + 8 + j] = dmin * (m & 63);
            dst[o + 4 + j] = d * ((c & 0xf) | (a >>> 6) << 4);
            dst[o + 12 + j] = dmin * ((c >>> 4) | (m >>> 6) << 4);
        }
    }

    /** @return {@code F.length()} bytes from {@code at}, sign-extended to ints */
    private static IntVector bytes(MemorySegment w, long at) {
        return (IntVector) ByteVector.fromMemorySegment(B, w, at, LE).convertShape(VectorOperators.B2I, I, 0);
    }

    @Override
    public void decode(MemorySegment w, long offset, float[] dst, int dstOffset, int n) {
        float[] sm = new float[16];
        for (int b = 0; b < n / BLOCK; b++) {
            long block = offset + (long) b * BLOCK_BYTES;
            if (F.length() == 16) {
                scales(w, block, sm, 0);
            } else {
                scalarScales(w, block, sm, 0);
            }
            for (int chunk = 0; chunk < 4; chunk++) {
                float d1 = sm[2 * chunk];
                float d2 = sm[2 * chunk + 1];
                float m1 = -sm[8 + 2 * chunk];
                float m2 = -sm[8 + 2 * chunk + 1];
                long q = block + 16 + 32 * chunk;
                int y = dstOffset + b * BLOCK + 64 * chunk;
                for (int p = 0; p < 32; p += F.length()) {
                    IntVector v = bytes(w, q + p);
                    ((FloatVector) v.and(0xf).convert(VectorOperators.I2F, 0)).fma(d1, m1).intoArray(dst, y + p);
                    ((FloatVector) v.lanewise(VectorOperators.ASHR, 4).and(0xf).convert(VectorOperators.I2F, 0)).fma(d2, m2)
                            .intoArray(dst, y + 32 + p);
                }
            }
        }
    }

    /** The four rows' scales and mins are unpacked first, into {@code scratch} (16 floats per super-block). */
    @Override
    public void dot4(MemorySegment w, long offset, long rowBytes, float[] x, int n, float[] out, int outOff, float[] scratch,
                     FloatOps ops) {
        int blocks = n / BLOCK;
        for (int r = 0; r < 4; r++) {
            for (int b = 0; b < blocks; b++) {
                scales(w, offset + r * rowBytes + (long) b * BLOCK_BYTES, scratch, 16 * (r * blocks + b));
            }
        }
        for (int r = 0; r < 4; r++) {
            out[outOff + r] = dot(w, offset + r * rowBytes, x, n, scratch, 16 * r * blocks);
        }
    }

    /** One row: each lane sums its elements in order (the low nibbles of a chunk, then its high nibbles). */
    private static float dot(MemorySegment w, long offset, float[] x, int n, float[] sm, int so) {
        FloatVector c = FloatVector.zero(F);
        for (int b = 0; b < n / BLOCK; b++) {
            long block = offset + (long) b * BLOCK_BYTES;
            for (int chunk = 0; chunk < 4; chunk++) {
                int s = so + 16 * b + 2 * chunk;
                float d1 = sm[s];
                float d2 = sm[s + 1];
                float m1 = -sm[s + 8];
                float m2 = -sm[s + 9];
                long q = block + 16 + 32 * chunk;
                int xo = b * BLOCK + 64 * chunk;
                for (int p = 0; p < 32; p += F.length()) {
                    FloatVector lo = (FloatVector) bytes(w, q + p).and(0xf).convert(VectorOperators.I2F, 0);
                    c = lo.fma(d1, m1).fma(FloatVector.fromArray(F, x, xo + p), c);
                }
                for (int p = 0; p < 32; p += F.length()) {
                    FloatVector hi = (FloatVector) bytes(w, q + p).lanewise(VectorOperators.ASHR, 4).and(0xf).convert(VectorOperators.I2F, 0);
                    c = hi.fma(d2, m2).fma(FloatVector.fromArray(F, x, xo + 32 + p), c);
                }
            }
        }
        return VectorMath.sum(c);
    }
}
