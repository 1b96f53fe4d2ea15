package dev.jgemma.core.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jgemma.core.Backend;
import dev.jgemma.core.ModelFormatException;
import dev.jgemma.core.tensor.BlockFormats;
import dev.jgemma.core.tensor.Tensor;
import dev.jgemma.core.tensor.TensorType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link Kernels#verifyOnFirstUse}: the first product with a registered matrix checks it piece by
 * piece (here matrices of several pieces, an odd row count, one and two threads) and gives the
 * same bits as an unchecked product; a bad block anywhere fails the product with the first one.
 */
class FirstUseCheckTest {
    private static final int COLS = 1024;
    private static final int ROWS = 1027; // > one 256 KiB piece in every type, not a multiple of 4

    private static Tensor matrix(Arena arena, TensorType type, String name) {
        float[] v = new float[ROWS * COLS];
        SplittableRandom r = new SplittableRandom(11);
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian() * 0.1f;
        }
        MemorySegment m = arena.allocate(type.bytesFor((long) ROWS * COLS));
        BlockFormats.of(type).encode(v, 0, v.length, m, 0);
        return new Tensor(name, type, new long[] {ROWS, COLS}, m, "/models/test.gguf");
    }

    private static float[] input(int batch) {
        float[] x = new float[batch * COLS];
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }

    @ParameterizedTest
    @EnumSource(value = TensorType.class, names = {"F32", "BF16", "Q8_0", "Q4_0"})
    void theCheckedFirstProductEqualsAnUncheckedOne(TensorType type) {
        for (int threads : new int[] {1, 2}) {
            for (int batch : new int[] {1, 5}) {
                try (Arena arena = Arena.ofShared(); Kernels k = new Kernels(Backend.best(), threads)) {
                    Tensor w = matrix(arena, type, "w");
                    float[] x = input(batch);
                    float[] plain = new float[batch * ROWS];
                    k.matmul(w, x, batch, plain);
                    k.verifyOnFirstUse(List.of(w));
                    assertThat(k.unverifiedCount()).isEqualTo(1);
                    float[] checked = new float[batch * ROWS];
                    k.matmul(w, x, batch, checked);
                    assertThat(k.unverifiedCount()).isZero();
                    assertThat(checked).as(type + ", " + threads + " threads, batch " + batch).containsExactly(plain);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = TensorType.class, names = {"BF16", "Q8_0"})
    void theFirstBadBlockIsReportedWhicheverThreadFindsIt(TensorType type) {
        try (Arena arena = Arena.ofShared(); Kernels k = new Kernels(Backend.best(), 2)) {
            Tensor w = matrix(arena, type, "blk.9.ffn_up.weight");
            long rowBytes = w.rowBytes();
            // Two bad blocks far apart, in pieces that different workers take; the earlier is reported.
            int firstRow = 700;
            int blockBytes = type == TensorType.BF16 ? 2 : 34;
            short inf = type == TensorType.BF16 ? (short) 0x7f80 : (short) 0x7c00;
            w.data().set(ValueLayout.JAVA_SHORT_UNALIGNED, firstRow * rowBytes + 5L * blockBytes, inf);
            w.data().set(ValueLayout.JAVA_SHORT_UNALIGNED, 1020 * rowBytes, inf);
            String where = type == TensorType.BF16 ? "a NaN or infinite value at row 700, column 5"
                    : "a NaN or infinite scale in block 5 of row 700";
            k.verifyOnFirstUse(List.of(w));
            for (int attempt = 0; attempt < 2; attempt++) {
                assertThatThrownBy(() -> k.matmul(w, input(1), 1, new float[ROWS]))
                        .isInstanceOf(ModelFormatException.class)
                        .hasMessage("/models/test.gguf: tensor 'blk.9.ffn_up.weight' (" + type + ") holds " + where + ": the file is corrupt");
            }
            assertThat(k.unverifiedCount()).isEqualTo(1);
            // Rows before the bad one decode; the bad row does not.
            k.decodeRow(w, 699, new float[COLS], 0);
            assertThatThrownBy(() -> k.decodeRow(w, firstRow, new float[COLS], 0)).isInstanceOf(ModelFormatException.class)
                    .hasMessageContaining(where);
        }
    }
}
