package dev.jgemma.core.kernel.vector;

import java.util.stream.IntStream;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Transcendental functions from additions, multiplications and divisions only. The Vector API's
 * own {@code TANH}/{@code EXP} give different bits before and after the JIT intrinsifies them (a
 * Java fallback, then a vector math library), so the same input could round differently in the
 * first and the hundredth forward pass; IEEE basic operations round the same everywhere.
 */
final class VectorMath {
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    private static final float ROUND = 12582912f; // 1.5 * 2^23: adding it rounds to an integer

    private VectorMath() {
    }

    /**
     * @param y arguments at most 0 (below -87 they count as -87: the result is then below 2^-125)
     * @return {@code e^y}, within 2 ulp (Cephes {@code expf} polynomial)
     */
    static FloatVector expNonPositive(FloatVector y) {
        y = y.max(-87f);
        FloatVector shifted = y.mul(LOG2E).add(ROUND);
        FloatVector k = shifted.sub(ROUND);
        FloatVector r = k.mul(-LN2_HI).add(y);
        r = k.mul(-LN2_LO).add(r);
        FloatVector p = r.mul(1.9875691500e-4f).add(1.3981999507e-3f);
        p = p.mul(r).add(8.3334519073e-3f);
        p = p.mul(r).add(4.1665795894e-2f);
        p = p.mul(r).add(1.6666665459e-1f);
        p = p.mul(r).add(5.0000001201e-1f);
        p = p.mul(r.mul(r)).add(r).add(1f);
        IntVector exponent = shifted.reinterpretAsInts().sub(0x4B400000 - 127).lanewise(VectorOperators.LSHL, 23);
        return p.mul(exponent.reinterpretAsFloats());
    }

    /** @param x any values @return {@code tanh(x)}, within about 1e-7 absolute */
    static FloatVector tanh(FloatVector x) {
        FloatVector a = x.abs().min(40f);
        FloatVector e = expNonPositive(a.mul(-2f));
        FloatVector t = e.neg().add(1f).div(e.add(1f));
        // copy the sign of x (tanh is odd); NaN stays NaN through the arithmetic above
        return t.reinterpretAsInts().or(x.reinterpretAsInts().and(0x80000000)).reinterpretAsFloats();
    }

    private static final ThreadLocal<float[]> LANES = ThreadLocal.withInitial(() -> new float[4 * VectorFloatOps.F.length()]);

    /** @return this thread's buffer of four vectors' lanes, for {@link #sum(float[], int)} */
    static float[] lanes() {
        return LANES.get();
    }

    /**
     * The lanes' sum, added left to right. {@code reduceLanes(ADD)} leaves the order open, and the
     * JIT's order differs from the interpreter's; extracting lanes one by one defeats the JIT's
     * inlining budget. Storing the vector and adding the floats is exact, fast and the same in
     * every execution mode.
     *
     * @param v a vector
     * @return {@code v[0] + v[1] + ...}, left to right
     */
    static float sum(FloatVector v) {
        float[] lanes = LANES.get();
        v.intoArray(lanes, 0);
        return sum(lanes, 0);
    }

    /**
     * {@link #sum(FloatVector)} of four vectors at once, into {@code out[o .. o + 4)}.
     *
     * @param a first vector
     * @param b second
     * @param c third
     * @param d fourth
     * @param out the sums
     * @param o where the first goes
     */
    static void sum4(FloatVector a, FloatVector b, FloatVector c, FloatVector d, float[] out, int o) {
        float[] lanes = LANES.get();
        int n = VectorFloatOps.F.length();
        a.intoArray(lanes, 0);
        b.intoArray(lanes, n);
        c.intoArray(lanes, 2 * n);
        d.intoArray(lanes, 3 * n);
        out[o] = sum(lanes, 0);
        out[o + 1] = sum(lanes, n);
        out[o + 2] = sum(lanes, 2 * n);
        out[o + 3] = sum(lanes, 3 * n);
    }

    /** Lane {@code i} of vector {@code v} of a block sits at {@code v * length + i}: gathering with it reads lane {@code i} of each vector. */
    private static final int[] TRANSPOSE = IntStream.range(0, VectorFloatOps.F.length()).map(i -> i * VectorFloatOps.F.length()).toArray();

    /**
     * {@link #sum(float[], int)} of {@code count} stored vectors at once: {@code sums[v]} = the
     * lanes of the vector at {@code src[off + v * length ..]} added left to right. The vectors are
     * read transposed (lane {@code i} of {@code length} vectors at a time, by a gather) and their
     * lane vectors added in lane order, so every sum is exactly the scalar loop's, in a sixth of the
     * instructions and without its chain of dependent additions.
     *
     * @param src stored vectors, one after another
     * @param off where the first starts
     * @param count how many (a multiple of the vector length)
     * @param sums receives {@code count} sums
     */
    static void sumEach(float[] src, int off, int count, float[] sums) {
        int n = VectorFloatOps.F.length();
        for (int v = 0; v < count; v += n) {
            int base = off + v * n;
            FloatVector s = FloatVector.fromArray(VectorFloatOps.F, src, base, TRANSPOSE, 0);
            for (int i = 1; i < n; i++) {
                s = s.add(FloatVector.fromArray(VectorFloatOps.F, src, base + i, TRANSPOSE, 0));
            }
            s.intoArray(sums, v);
        }
    }

    /**
     * @param lanes stored lanes
     * @param off where the vector starts
     * @return the sum of the vector's lanes, left to right
     */
    static float sum(float[] lanes, int off) {
        float s = lanes[off];
        for (int i = 1; i < VectorFloatOps.F.length(); i++) {
            s += lanes[off + i];
        }
        return s;
    }
}
