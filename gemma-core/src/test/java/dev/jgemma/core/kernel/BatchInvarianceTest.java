package dev.jgemma.core.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.jgemma.core.Backend;
import dev.jgemma.core.tensor.BlockFormats;
import dev.jgemma.core.tensor.Tensor;
import dev.jgemma.core.tensor.TensorType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The whole batched product through {@link Kernels#matmul}: every token of a batch gets the same
 * bits as the same token multiplied alone (the fused decode path), whatever the batch size, with
 * row counts that leave partial row blocks and partial four-row groups, three column panels, and
 * batches that leave partial four-token tiles. Each result is also checked against a
 * double-precision product of the decoded weights.
 */
class BatchInvarianceTest {
    private static final int COLS = 1792; // two 768-column panels and part of a third
    private static final int ROWS = 2 * TiledMatmul.BLOCK_ROWS + 6; // two row blocks, then 4 + 2 rows

    @ParameterizedTest
    @EnumSource(value = TensorType.class, names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_K", "Q6_K"})
    void aBatchEqualsItsTokensOneByOne(TensorType type) {
        SplittableRandom r = new SplittableRandom(3);
        float[] v = new float[ROWS * COLS];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian() * 0.1f;
        }
        int maxBatch = 37;
        float[] x = new float[maxBatch * COLS];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        for (Backend backend : new Backend[] {Backend.best(), Backend.SCALAR}) {
            try (Arena arena = Arena.ofShared(); Kernels k = new Kernels(backend, 2)) {
                MemorySegment m = arena.allocate(type.bytesFor((long) ROWS * COLS));
                BlockFormats.of(type).encode(v, 0, v.length, m, 0);
                Tensor w = new Tensor("w", type, new long[] {ROWS, COLS}, m, "/models/test.gguf");
                float[] decoded = new float[ROWS * COLS];
                BlockFormats.of(type).decode(m, 0, decoded, 0, decoded.length);

                float[][] single = new float[maxBatch][ROWS];
                float[] one = new float[COLS];
                for (int t = 0; t < maxBatch; t++) {
                    System.arraycopy(x, t * COLS, one, 0, COLS);
                    k.matmul(w, one, 1, single[t]);
                    for (int row = 0; row < ROWS; row++) {
                        double exact = 0;
                        for (int i = 0; i < COLS; i++) {
                            exact += (double) decoded[row * COLS + i] * one[i];
                        }
                        assertThat((double) single[t][row]).as("%s %s row %d token %d", type, backend, row, t)
                                .isCloseTo(exact, within(1e-4 * (1 + Math.abs(exact))));
                    }
                }
                for (int batch : new int[] {2, 4, 7, 16, 37}) {
                    float[] out = new float[batch * ROWS];
                    k.matmul(w, x, batch, out);
                    for (int t = 0; t < batch; t++) {
                        float[] row = new float[ROWS];
                        System.arraycopy(out, t * ROWS, row, 0, ROWS);
                        assertThat(row).as("%s %s batch %d token %d", type, backend, batch, t).containsExactly(single[t]);
                    }
                }
            }
        }
    }
}
