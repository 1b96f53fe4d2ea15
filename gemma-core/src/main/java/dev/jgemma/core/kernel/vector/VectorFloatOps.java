package dev.jgemma.core.kernel.vector;

import dev.jgemma.core.kernel.FloatOps;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FloatOps} on the incubating Vector API, at the machine's preferred vector width. Only
 * loaded (reflectively) when the {@code jdk.incubator.vector} module is present.
 */
public final class VectorFloatOps implements FloatOps {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

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
        float sum = acc0.add(acc1).add(acc2.add(acc3)).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            sum = Math.fma(a[ao + i], b[bo + i], sum);
        }
        return sum;
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
}
