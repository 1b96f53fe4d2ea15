package dev.jgemma.bench;

import dev.jgemma.core.tensor.BlockFormat;
import dev.jgemma.core.tensor.BlockFormats;
import dev.jgemma.core.tensor.Tensor;
import dev.jgemma.core.tensor.TensorType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

/** Random weight matrices in any storage type, off-heap as mapped weights are, for the benchmarks. */
final class RandomWeights {
    private RandomWeights() {
    }

    /**
     * @param arena owns the memory
     * @param type the storage type
     * @param shape {@code "ROWSxCOLS"}
     * @param seed the random seed
     * @return a matrix of uniform values in [-1, 1) scaled by {@code 1/sqrt(cols)}
     */
    static Tensor matrix(Arena arena, TensorType type, String shape, long seed) {
        String[] rc = shape.split("x");
        int rows = Integer.parseInt(rc[0]);
        int cols = Integer.parseInt(rc[1]);
        BlockFormat format = BlockFormats.of(type);
        long rowBytes = type.bytesFor(cols);
        MemorySegment data = arena.allocate(rowBytes * rows, 64);
        SplittableRandom rng = new SplittableRandom(seed);
        float[] row = new float[cols];
        float bound = (float) Math.sqrt(3.0 / cols);
        for (int r = 0; r < rows; r++) {
            fill(rng, row, bound);
            format.encode(row, 0, cols, data, r * rowBytes);
        }
        return new Tensor("bench." + type + "." + shape, type, new long[] {rows, cols}, data, "benchmark");
    }

    /** @return {@code n} values uniform in [-1, 1) */
    static float[] vector(int n, long seed) {
        float[] v = new float[n];
        fill(new SplittableRandom(seed), v, 1f);
        return v;
    }

    private static void fill(SplittableRandom rng, float[] v, float bound) {
        for (int i = 0; i < v.length; i++) {
            v[i] = (rng.nextInt() >> 8) * 0x1p-23f * bound;
        }
    }
}
