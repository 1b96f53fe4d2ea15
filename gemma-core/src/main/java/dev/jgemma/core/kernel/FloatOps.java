package dev.jgemma.core.kernel;

/**
 * The f32 vector primitives every kernel is built from. Two implementations: {@link ScalarFloatOps}
 * (plain Java, the executable specification) and {@code VectorFloatOps} (the incubating Vector
 * API), chosen once by {@link Backend}.
 */
public interface FloatOps {

    /**
     * @return sum of {@code a[ao+i] * b[bo+i]} for {@code i < n}
     * @param a first operand
     * @param ao offset in {@code a}
     * @param b second operand
     * @param bo offset in {@code b}
     * @param n element count
     */
    float dot(float[] a, int ao, float[] b, int bo, int n);

    /**
     * {@code y[yo+i] += alpha * x[xo+i]} for {@code i < n}.
     *
     * @param alpha scale
     * @param x source
     * @param xo offset in {@code x}
     * @param y destination
     * @param yo offset in {@code y}
     * @param n element count
     */
    void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n);

    /**
     * @return sum of squares of {@code x[xo..xo+n)}
     * @param x values
     * @param xo offset
     * @param n count
     */
    float sumOfSquares(float[] x, int xo, int n);
}
