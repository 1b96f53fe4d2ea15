package dev.jgemma.core.kernel;

import dev.jgemma.core.Backend;
import dev.jgemma.core.tensor.BlockFormats;
import dev.jgemma.core.tensor.Tensor;
import dev.jgemma.core.tensor.TensorType;
import java.util.EnumMap;
import java.util.Map;

/**
 * The one small interface the forward pass computes through: batched matrix products on weights
 * in their stored format, run on a dedicated {@link ComputePool}, plus the f32 primitives of the
 * chosen {@link Backend}. Created once per model.
 */
public final class Kernels implements AutoCloseable {
    private static final int MIN_ROWS_PER_CHUNK = 16;

    private final Backend backend;
    private final FloatOps ops;
    private final ComputePool pool;
    private final Map<TensorType, MatmulKernel> matmuls = new EnumMap<>(TensorType.class);
    private final ThreadLocal<float[]> scratch = ThreadLocal.withInitial(() -> new float[0]);

    /**
     * @param backend which implementation runs
     * @param threads compute threads, the caller included
     */
    public Kernels(Backend backend, int threads) {
        this.backend = backend;
        this.ops = Backends.floatOps(backend);
        this.pool = new ComputePool(threads);
        for (TensorType t : TensorType.values()) {
            BlockFormats.find(t).ifPresent(f -> matmuls.put(t, new TiledMatmul(ops.formatKernel(f), ops)));
        }
    }

    /** @return the backend in use */
    public Backend backend() {
        return backend;
    }

    /** @return the f32 primitives of the backend */
    public FloatOps ops() {
        return ops;
    }

    /** @return the compute threads */
    public ComputePool pool() {
        return pool;
    }

    /**
     * @param type a storage type
     * @return whether a matmul kernel exists for it
     */
    public boolean supports(TensorType type) {
        return matmuls.containsKey(type);
    }

    /**
     * {@code out[b * rows + r] = w[r, :] . x[b, :]} for a batch of inputs, in parallel over rows.
     *
     * @param w weights {@code [rows, cols]} in their stored type
     * @param x {@code batch} rows of {@code cols} floats
     * @param batch number of input rows
     * @param out receives {@code batch} rows of {@code rows} floats
     */
    public void matmul(Tensor w, float[] x, int batch, float[] out) {
        MatmulKernel kernel = matmuls.get(w.type());
        if (kernel == null) {
            throw new IllegalArgumentException("no kernel for tensor type " + w.type() + " of '" + w.name() + "'");
        }
        int rows = Math.toIntExact(w.rows());
        int need = kernel.scratchSize(w);
        // Parallel over groups of rows, so that every tile of the batched path is full height.
        int groups = (rows + TiledMatmul.ROWS - 1) / TiledMatmul.ROWS;
        pool.parallelFor(groups, MIN_ROWS_PER_CHUNK / TiledMatmul.ROWS, (from, to, worker) -> {
            float[] s = scratch.get();
            if (s.length < need) {
                s = new float[need];
                scratch.set(s);
            }
            kernel.compute(w, x, batch, out, rows, from * TiledMatmul.ROWS, Math.min(rows, to * TiledMatmul.ROWS), s);
        });
    }

    @Override
    public void close() {
        pool.close();
    }
}
