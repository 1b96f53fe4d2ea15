package dev.jgemma.core.kernel;

/** Plain-Java {@link FloatOps}: the reference every faster implementation must match. */
final class ScalarFloatOps implements FloatOps {
    @Override
    public float dot(float[] a, int ao, float[] b, int bo, int n) {
        float s0 = 0f;
        float s1 = 0f;
        float s2 = 0f;
        float s3 = 0f;
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            s0 = Math.fma(a[ao + i], b[bo + i], s0);
            s1 = Math.fma(a[ao + i + 1], b[bo + i + 1], s1);
            s2 = Math.fma(a[ao + i + 2], b[bo + i + 2], s2);
            s3 = Math.fma(a[ao + i + 3], b[bo + i + 3], s3);
        }
        for (; i < n; i++) {
            s0 = Math.fma(a[ao + i], b[bo + i], s0);
        }
        return (s0 + s1) + (s2 + s3);
    }

    @Override
    public void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i++) {
            y[yo + i] = Math.fma(alpha, x[xo + i], y[yo + i]);
        }
    }

    @Override
    public float sumOfSquares(float[] x, int xo, int n) {
        return dot(x, xo, x, xo, n);
    }
}
