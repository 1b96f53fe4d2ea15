package dev.jgemma.core.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jgemma.core.Backend;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link FloatOps#dots} (attention scores over cached keys, many at once) gives every row exactly
 * the bits of {@link FloatOps#dot}, for head widths the batched path takes and ones it leaves to
 * the plain loop, and for counts with and without a partial group of rows.
 */
class FloatOpsDotsTest {

    @Test
    void manyDotsEqualOneDotEach() {
        for (Backend backend : new Backend[] {Backend.best(), Backend.SCALAR}) {
            check(backend);
        }
    }

    private static void check(Backend backend) {
        FloatOps ops = Backends.floatOps(backend);
        SplittableRandom r = new SplittableRandom(7);
        for (int n : new int[] {256, 128, 96, 40}) {
            int stride = 3 * n + 5;
            for (int count : new int[] {1, 15, 16, 37}) {
                float[] a = new float[n + 3];
                float[] b = new float[11 + count * stride];
                for (int i = 0; i < a.length; i++) {
                    a[i] = (float) r.nextGaussian();
                }
                for (int i = 0; i < b.length; i++) {
                    b[i] = (float) r.nextGaussian();
                }
                float[] got = new float[count + 2];
                ops.dots(a, 3, b, 11, stride, count, n, got, 2);
                for (int k = 0; k < count; k++) {
                    assertThat(got[2 + k]).as("%s n=%d count=%d row %d", backend, n, count, k)
                            .isEqualTo(ops.dot(a, 3, b, 11 + k * stride, n));
                }
            }
        }
    }
}
