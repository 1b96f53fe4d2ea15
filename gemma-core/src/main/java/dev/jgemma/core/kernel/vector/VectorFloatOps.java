package dev.jgemma.core.kernel.vector;

import dev.jgemma.core.kernel.FloatOps;
import dev.jgemma.core.kernel.FormatKernel;
import dev.jgemma.core.tensor.BlockFormat;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FloatOps} on the incubating Vector API, at the machine's preferred vector width. Only
 * loaded (reflectively) when the {@code jdk.incubator.vector} module is present.
 */
public final class VectorFloatOps implements FloatOps {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    @Override
    public float dot(float[] a, int ao, float[] b, int bo, int n) {
        int lanes = F.length();
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        FloatVector acc2 = FloatVector.zero(F);
        FloatVector acc3 = FloatVector.zero(F);
        int i = 0;
        int bound4 = n - 4 * lanes;
        for (; i <= bound4; i += 4 * lanes) {
            acc0 = FloatVector.fromArray(F, a, ao + i).fma(FloatVector.fromArray(F, b, bo + i), acc0);
            acc1 = FloatVector.fromArray(F, a, ao + i + lanes).fma(FloatVector.fromArray(F, b, bo + i + lanes), acc1);
            acc2 = FloatVector.fromArray(F, a, ao + i + 2 * lanes).fma(FloatVector.fromArray(F, b, bo + i + 2 * lanes), acc2);
            acc3 = FloatVector.fromArray(F, a, ao + i + 3 * lanes).fma(FloatVector.fromArray(F, b, bo + i + 3 * lanes), acc3);
        }
        for (; i <= n - lanes; i += lanes) {
            acc0 = FloatVector.fromArray(F, a, ao + i).fma(FloatVector.fromArray(F, b, bo + i), acc0);
        }
        float sum = VectorMath.sum(acc0.add(acc1).add(acc2.add(acc3)));
        for (; i < n; i++) {
            sum = Math.fma(a[ao + i], b[bo + i], sum);
        }
        return sum;
    }

    /**
     * {@link #dot} of one vector with 16 rows at a time (one 4 x 4 tile's worth of accumulators): each row's four accumulators are
     * combined as {@code dot} combines them and stored, then {@link VectorMath#sumEach} adds all
     * rows' lanes at once, in the same order as {@code dot}'s scalar sum.
     */
    @Override
    public void dots(float[] a, int ao, float[] b, int bo, int bStride, int count, int n, float[] out, int outOff) {
        int lanes = F.length();
        if (n % (4 * lanes) != 0) {
            FloatOps.super.dots(a, ao, b, bo, bStride, count, n, out, outOff);
            return;
        }
        float[] acc = buffer(ACCUMULATORS, TILE * lanes);
        float[] sums = VectorMath.lanes();
        int k = 0;
        for (; k + TILE <= count; k += TILE) {
            for (int r = 0; r < TILE; r++) {
                combined(a, ao, b, bo + (k + r) * bStride, n).intoArray(acc, r * lanes);
            }
            VectorMath.sumEach(acc, 0, TILE, sums);
            System.arraycopy(sums, 0, out, outOff + k, TILE);
        }
        for (; k < count; k++) {
            out[outOff + k] = VectorMath.sum(combined(a, ao, b, bo + k * bStride, n));
        }
    }

    /** {@link #dot}'s four accumulators, combined as it combines them, for {@code n} a multiple of four vectors. */
    private static FloatVector combined(float[] a, int ao, float[] b, int bo, int n) {
        int lanes = F.length();
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        FloatVector acc2 = FloatVector.zero(F);
        FloatVector acc3 = FloatVector.zero(F);
        for (int i = 0; i < n; i += 4 * lanes) {
            acc0 = FloatVector.fromArray(F, a, ao + i).fma(FloatVector.fromArray(F, b, bo + i), acc0);
            acc1 = FloatVector.fromArray(F, a, ao + i + lanes).fma(FloatVector.fromArray(F, b, bo + i + lanes), acc1);
            acc2 = FloatVector.fromArray(F, a, ao + i + 2 * lanes).fma(FloatVector.fromArray(F, b, bo + i + 2 * lanes), acc2);
            acc3 = FloatVector.fromArray(F, a, ao + i + 3 * lanes).fma(FloatVector.fromArray(F, b, bo + i + 3 * lanes), acc3);
        }
        return acc0.add(acc1).add(acc2.add(acc3));
    }

    @Override
    public void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
        int lanes = F.length();
        FloatVector va = FloatVector.broadcast(F, alpha);
        int i = 0;
        for (; i <= n - lanes; i += lanes) {
            FloatVector.fromArray(F, x, xo + i).fma(va, FloatVector.fromArray(F, y, yo + i)).intoArray(y, yo + i);
        }
        for (; i < n; i++) {
            y[yo + i] = Math.fma(alpha, x[xo + i], y[yo + i]);
        }
    }

    @Override
    public float sumOfSquares(float[] x, int xo, int n) {
        return dot(x, xo, x, xo, n);
    }

    /**
     * Columns per pass of {@link #dotTile}: the four decoded rows' slice (4 x 768 floats, 12 KB)
     * stays in L1 while every group of four tokens passes over it. Without the passes the rows and
     * the tokens (36 KB each for 2304 columns) evict each other and both stream from L2.
     */
    private static final int PANEL = 768;
    private static final int TILE = 16; // accumulators of a 4 x 4 tile
    private static final ThreadLocal<float[]> ACCUMULATORS = ThreadLocal.withInitial(() -> new float[0]);
    private static final ThreadLocal<float[]> TOKEN = ThreadLocal.withInitial(() -> new float[0]);

    /**
     * Register-blocked: 4 rows x 4 tokens per tile, 16 accumulators, 8 loads per 16 multiply-adds,
     * over {@link #PANEL} columns at a time, every group of four rows in turn before the next
     * panel (so the tokens' panel is loaded from L2 once for all the rows given, not once per four).
     * Between passes a tile's accumulators are stored and reloaded unchanged, so every lane still
     * sums its products in column order, as the one-pass kernels and the fused decode kernels do:
     * the result does not depend on the batch size or on how many rows come at once.
     */
    @Override
    public void dotTile(float[] a, int aOff, int aStride, int rows, MemorySegment b, long bOff, long bStride, int tokens, int n,
                        float[] out, int outOff, int outStride) {
        if (rows == 0 || rows % 4 != 0 || n % F.length() != 0) {
            FloatOps.super.dotTile(a, aOff, aStride, rows, b, bOff, bStride, tokens, n, out, outOff, outStride);
            return;
        }
        int lanes = F.length();
        int groups = rows / 4;
        int tiles = tokens / 4;
        int tiled = 4 * tiles;
        int perGroup = tiles * TILE * lanes;
        if (tiled > 0) {
            float[] acc = buffer(ACCUMULATORS, groups * perGroup);
            for (int k0 = 0; k0 < n; k0 += PANEL) {
                int k1 = Math.min(n, k0 + PANEL);
                for (int g = 0; g < groups; g++) {
                    int ag = aOff + 4 * g * aStride;
                    int o = g * perGroup;
                    for (int t = 0; t < tiles; t++, o += TILE * lanes) {
                        tile4x4(a, ag, aStride, b, 4 * (bOff + 4 * t * bStride), 4 * bStride, k0, k1, acc, o);
                    }
                }
            }
            float[] sums = VectorMath.lanes();
            for (int g = 0; g < groups; g++) {
                for (int t = 0; t < tiles; t++) {
                    VectorMath.sumEach(acc, g * perGroup + t * TILE * lanes, TILE, sums);
                    // a tile's accumulators are token-major: token j of the tile, row r at 4 j + r
                    for (int j = 0; j < 4; j++) {
                        System.arraycopy(sums, 4 * j, out, outOff + (4 * t + j) * outStride + 4 * g, 4);
                    }
                }
            }
        }
        if (tiled < tokens) {
            float[] token = buffer(TOKEN, n);
            for (int t = tiled; t < tokens; t++) {
                MemorySegment.copy(b, ValueLayout.JAVA_FLOAT_UNALIGNED, 4 * (bOff + t * bStride), token, 0, n);
                for (int g = 0; g < groups; g++) {
                    tile4x1(a, aOff + 4 * g * aStride, aStride, token, 0, n, out, outOff + t * outStride + 4 * g);
                }
            }
        }
    }

    /** The batch-of-one tile, {@link #tile4x1}: the same bits as a token of {@link #dotTile} left over from its tiles. */
    @Override
    public void dot4(float[] a, int aOff, int aStride, float[] x, int xOff, int n, float[] out, int outOff) {
        if (n % F.length() != 0) {
            FloatOps.super.dot4(a, aOff, aStride, x, xOff, n, out, outOff);
            return;
        }
        tile4x1(a, aOff, aStride, x, xOff, n, out, outOff);
    }

    /** @return this thread's buffer from {@code buffers}, grown to at least {@code size} floats */
    private static float[] buffer(ThreadLocal<float[]> buffers, int size) {
        float[] b = buffers.get();
        if (b.length < size) {
            b = new float[size];
            buffers.set(b);
        }
        return b;
    }

    /** Columns {@code [k0, k1)} of one 4 x 4 tile; its accumulators live at {@code acc[o ..]}, token-major. */
    private static void tile4x4(float[] a, int aOff, int aStride, MemorySegment b, long bOff, long bStride, int k0, int k1,
                                float[] acc,
                                int o) {
        int l = F.length();
        FloatVector c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33;
        if (k0 == 0) {
            c00 = FloatVector.zero(F);
            c01 = c00; c02 = c00; c03 = c00;
            c10 = c00; c11 = c00; c12 = c00; c13 = c00;
            c20 = c00; c21 = c00; c22 = c00; c23 = c00;
            c30 = c00; c31 = c00; c32 = c00; c33 = c00;
        } else {
            c00 = FloatVector.fromArray(F, acc, o);
            c10 = FloatVector.fromArray(F, acc, o + l);
            c20 = FloatVector.fromArray(F, acc, o + 2 * l);
            c30 = FloatVector.fromArray(F, acc, o + 3 * l);
            c01 = FloatVector.fromArray(F, acc, o + 4 * l);
            c11 = FloatVector.fromArray(F, acc, o + 5 * l);
            c21 = FloatVector.fromArray(F, acc, o + 6 * l);
            c31 = FloatVector.fromArray(F, acc, o + 7 * l);
            c02 = FloatVector.fromArray(F, acc, o + 8 * l);
            c12 = FloatVector.fromArray(F, acc, o + 9 * l);
            c22 = FloatVector.fromArray(F, acc, o + 10 * l);
            c32 = FloatVector.fromArray(F, acc, o + 11 * l);
            c03 = FloatVector.fromArray(F, acc, o + 12 * l);
            c13 = FloatVector.fromArray(F, acc, o + 13 * l);
            c23 = FloatVector.fromArray(F, acc, o + 14 * l);
            c33 = FloatVector.fromArray(F, acc, o + 15 * l);
        }
        int a0 = aOff, a1 = aOff + aStride, a2 = aOff + 2 * aStride, a3 = aOff + 3 * aStride;
        long b0 = bOff, b1 = bOff + bStride, b2 = bOff + 2 * bStride, b3 = bOff + 3 * bStride;
        for (int i = k0; i < k1; i += l) {
            long bi = 4L * i;
            FloatVector w0 = FloatVector.fromArray(F, a, a0 + i);
            FloatVector w1 = FloatVector.fromArray(F, a, a1 + i);
            FloatVector w2 = FloatVector.fromArray(F, a, a2 + i);
            FloatVector w3 = FloatVector.fromArray(F, a, a3 + i);
            FloatVector x = FloatVector.fromMemorySegment(F, b, b0 + bi, LE);
            c00 = w0.fma(x, c00);
            c10 = w1.fma(x, c10);
            c20 = w2.fma(x, c20);
            c30 = w3.fma(x, c30);
            x = FloatVector.fromMemorySegment(F, b, b1 + bi, LE);
            c01 = w0.fma(x, c01);
            c11 = w1.fma(x, c11);
            c21 = w2.fma(x, c21);
            c31 = w3.fma(x, c31);
            x = FloatVector.fromMemorySegment(F, b, b2 + bi, LE);
            c02 = w0.fma(x, c02);
            c12 = w1.fma(x, c12);
            c22 = w2.fma(x, c22);
            c32 = w3.fma(x, c32);
            x = FloatVector.fromMemorySegment(F, b, b3 + bi, LE);
            c03 = w0.fma(x, c03);
            c13 = w1.fma(x, c13);
            c23 = w2.fma(x, c23);
            c33 = w3.fma(x, c33);
        }
        c00.intoArray(acc, o);
        c10.intoArray(acc, o + l);
        c20.intoArray(acc, o + 2 * l);
        c30.intoArray(acc, o + 3 * l);
        c01.intoArray(acc, o + 4 * l);
        c11.intoArray(acc, o + 5 * l);
        c21.intoArray(acc, o + 6 * l);
        c31.intoArray(acc, o + 7 * l);
        c02.intoArray(acc, o + 8 * l);
        c12.intoArray(acc, o + 9 * l);
        c22.intoArray(acc, o + 10 * l);
        c32.intoArray(acc, o + 11 * l);
        c03.intoArray(acc, o + 12 * l);
        c13.intoArray(acc, o + 13 * l);
        c23.intoArray(acc, o + 14 * l);
        c33.intoArray(acc, o + 15 * l);
    }

    private static void tile4x1(float[] a, int aOff, int aStride, float[] b, int bOff, int n, float[] out, int o) {
        FloatVector c0 = FloatVector.zero(F), c1 = c0, c2 = c0, c3 = c0;
        int a0 = aOff, a1 = aOff + aStride, a2 = aOff + 2 * aStride, a3 = aOff + 3 * aStride;
        for (int i = 0; i < n; i += F.length()) {
            FloatVector x = FloatVector.fromArray(F, b, bOff + i);
            c0 = FloatVector.fromArray(F, a, a0 + i).fma(x, c0);
            c1 = FloatVector.fromArray(F, a, a1 + i).fma(x, c1);
            c2 = FloatVector.fromArray(F, a, a2 + i).fma(x, c2);
            c3 = FloatVector.fromArray(F, a, a3 + i).fma(x, c3);
        }
        // Stored here rather than handed to VectorMath.sum4: one call level deeper, C2 declined to
        // inline sum4 ("too big"), the accumulators became heap objects allocated on every
        // iteration, and this loop ran 10x slower (5 us instead of 0.4 us for 4 x 2304).
        float[] lanes = VectorMath.lanes();
        int l = F.length();
        c0.intoArray(lanes, 0);
        c1.intoArray(lanes, l);
        c2.intoArray(lanes, 2 * l);
        c3.intoArray(lanes, 3 * l);
        for (int r = 0; r < 4; r++) {
            out[o + r] = VectorMath.sum(lanes, r * l);
        }
    }

    @Override
    public void geglu(float[] gate, float[] up, int off, int n) {
        int i = off;
        int end = off + n;
        for (; i <= end - F.length(); i += F.length()) {
            geglu(FloatVector.fromArray(F, gate, i), FloatVector.fromArray(F, up, i)).intoArray(gate, i);
        }
        if (i < end) {
            VectorMask<Float> m = F.indexInRange(i, end);
            geglu(FloatVector.fromArray(F, gate, i, m), FloatVector.fromArray(F, up, i, m)).intoArray(gate, i, m);
        }
    }

    private static FloatVector geglu(FloatVector g, FloatVector up) {
        final float sqrt2OverPi = (float) Math.sqrt(2.0 / Math.PI);
        FloatVector inner = g.mul(g).mul(g).mul(0.044715f).add(g).mul(sqrt2OverPi);
        return g.mul(0.5f).mul(VectorMath.tanh(inner).add(1f)).mul(up);
    }

    @Override
    public void softcap(float[] v, int off, int n, float cap) {
        int i = off;
        int end = off + n;
        for (; i <= end - F.length(); i += F.length()) {
            VectorMath.tanh(FloatVector.fromArray(F, v, i).div(cap)).mul(cap).intoArray(v, i);
        }
        if (i < end) {
            VectorMask<Float> m = F.indexInRange(i, end);
            VectorMath.tanh(FloatVector.fromArray(F, v, i, m).div(cap)).mul(cap).intoArray(v, i, m);
        }
    }

    @Override
    public void rmsNorm(float[] in, int inOff, float[] out, int outOff, float[] weight, int n, float eps) {
        float meanSquare = sumOfSquares(in, inOff, n) / n;
        float inv = (float) (1.0 / Math.sqrt(meanSquare + eps));
        for (int i = 0; i < n; i += F.length()) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector.fromArray(F, in, inOff + i, m).mul(inv).mul(FloatVector.fromArray(F, weight, i, m)).intoArray(out, outOff + i, m);
        }
    }

    @Override
    public void rope(float[] v, int off, float[] cos, float[] sin, int tab, int half) {
        for (int i = 0; i < half; i += F.length()) {
            VectorMask<Float> m = F.indexInRange(i, half);
            FloatVector a = FloatVector.fromArray(F, v, off + i, m);
            FloatVector b = FloatVector.fromArray(F, v, off + half + i, m);
            FloatVector c = FloatVector.fromArray(F, cos, tab + i, m);
            FloatVector s = FloatVector.fromArray(F, sin, tab + i, m);
            a.mul(c).sub(b.mul(s)).intoArray(v, off + i, m);
            a.mul(s).add(b.mul(c)).intoArray(v, off + half + i, m);
        }
    }

    @Override
    public void softmax(float[] v, int off, int n) {
        FloatVector maxv = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < n; i += F.length()) {
            VectorMask<Float> m = F.indexInRange(i, n);
            maxv = maxv.lanewise(VectorOperators.MAX, FloatVector.fromArray(F, v, off + i, m), m);
        }
        float max = maxv.reduceLanes(VectorOperators.MAX);
        FloatVector sum = FloatVector.zero(F);
        for (int i = 0; i < n; i += F.length()) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector e = VectorMath.expNonPositive(FloatVector.fromArray(F, v, off + i, m).sub(max));
            e.intoArray(v, off + i, m);
            sum = sum.add(e, m);
        }
        float inv = 1f / VectorMath.sum(sum);
        for (int i = 0; i < n; i += F.length()) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector.fromArray(F, v, off + i, m).mul(inv).intoArray(v, off + i, m);
        }
    }

    @Override
    public FormatKernel formatKernel(BlockFormat format) {
        return VectorFormatKernels.of(format).orElseGet(() -> FloatOps.super.formatKernel(format));
    }
}
