package dev.jgemma.core.kernel;

import dev.jgemma.core.Backend;
import dev.jgemma.core.tensor.BlockFormats;
import dev.jgemma.core.tensor.Tensor;
import dev.jgemma.core.tensor.TensorType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one small interface the forward pass computes through: batched matrix products on weights
 * in their stored format, run on a dedicated {@link ComputePool}, plus the f32 primitives of the
 * chosen {@link Backend}. Created once per model.
 */
public final class Kernels implements AutoCloseable {
    private static final int MIN_ROWS_PER_CHUNK = 16;
    /** On a tensor's first use, rows are checked then multiplied in pieces of about this size, so the kernel reads them from L2. */
    private static final long CHECK_PIECE_BYTES = 256 * 1024;

    private final Backend backend;
    private final FloatOps ops;
    private final ComputePool pool;
    private final Map<TensorType, MatmulKernel> matmuls = new EnumMap<>(TensorType.class);
    private final ThreadLocal<float[]> scratch = ThreadLocal.withInitial(() -> new float[0]);
    private final ThreadLocal<MemorySegment> staging = ThreadLocal.withInitial(() -> MemorySegment.NULL);
    /** Tensors still to be checked for NaN/infinite scales on their first use; empty once all have been. */
    private final Set<Tensor> unverified = ConcurrentHashMap.newKeySet();

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
        if (!unverified.isEmpty() && unverified.contains(w)) {
            matmulVerifying(kernel, w, x, batch, out);
            return;
        }
        int rows = Math.toIntExact(w.rows());
        int need = kernel.scratchSize(w);
        MemorySegment staged = stage(x, batch, batch * Math.toIntExact(w.cols()));
        // Parallel over groups of rows, so that every tile of the batched path is full height.
        int groups = (rows + TiledMatmul.ROWS - 1) / TiledMatmul.ROWS;
        pool.parallelFor(groups, MIN_ROWS_PER_CHUNK / TiledMatmul.ROWS, (from, to, worker) -> {
            float[] s = scratch(need);
            kernel.compute(w, x, staged, batch, out, rows, from * TiledMatmul.ROWS, Math.min(rows, to * TiledMatmul.ROWS), s);
        });
    }

    /**
     * The first product with a tensor registered by {@link #verifyOnFirstUse}: each worker checks
     * a piece of its rows, then multiplies it while the piece is still in cache. Same rows, same
     * kernel, same results as {@link #matmul}; the pieces start at multiples of
     * {@link TiledMatmul#ROWS}. If any block is bad nothing is returned: the error names the first.
     */
    private void matmulVerifying(MatmulKernel kernel, Tensor w, float[] x, int batch, float[] out) {
        int rows = Math.toIntExact(w.rows());
        int need = kernel.scratchSize(w);
        MemorySegment staged = stage(x, batch, batch * Math.toIntExact(w.cols()));
        int groups = (rows + TiledMatmul.ROWS - 1) / TiledMatmul.ROWS;
        int piece = (int) Math.max(1, CHECK_PIECE_BYTES / Math.max(1, w.rowBytes()) / TiledMatmul.ROWS) * TiledMatmul.ROWS;
        AtomicLong firstBad = new AtomicLong(Long.MAX_VALUE);
        pool.parallelFor(groups, MIN_ROWS_PER_CHUNK / TiledMatmul.ROWS, (from, to, worker) -> {
            float[] s = scratch(need);
            int end = Math.min(rows, to * TiledMatmul.ROWS);
            for (int r = from * TiledMatmul.ROWS; r < end; r += piece) {
                int pieceEnd = Math.min(end, r + piece);
                long bad = WeightCheck.firstBadBlock(w, r, pieceEnd);
                if (bad >= 0) {
                    firstBad.accumulateAndGet(bad, Math::min);
                    return; // the rest of this chunk lies after the bad block
                }
                kernel.compute(w, x, staged, batch, out, rows, r, pieceEnd, s);
            }
        });
        if (firstBad.get() != Long.MAX_VALUE) {
            throw WeightCheck.corrupt(w, firstBad.get());
        }
        unverified.remove(w);
    }

    /**
     * Decodes one row of a weight matrix (an embedding lookup), checking that row first if the
     * tensor is still to be checked.
     *
     * @param w the matrix
     * @param row the row
     * @param dst receives {@code w.cols()} values
     * @param dstOffset where the first goes
     * @throws dev.jgemma.core.ModelFormatException if the row holds a NaN or infinite scale
     */
    public void decodeRow(Tensor w, int row, float[] dst, int dstOffset) {
        if (!unverified.isEmpty() && unverified.contains(w)) {
            long bad = WeightCheck.firstBadBlock(w, row, row + 1);
            if (bad >= 0) {
                throw WeightCheck.corrupt(w, bad);
            }
        }
        w.decodeRow(row, dst, dstOffset);
    }

    /**
     * Registers weight matrices to be checked for NaN and infinite scales (plain types: values)
     * the first time {@link #matmul} multiplies with them; until then {@link #decodeRow} checks
     * each row it decodes. Tensors of types without a block format are ignored (no kernel computes
     * with them).
     *
     * @param tensors the matrices
     */
    public void verifyOnFirstUse(Collection<Tensor> tensors) {
        for (Tensor t : tensors) {
            if (WeightCheck.checkable(t)) {
                unverified.add(t);
            }
        }
    }

    /** @return how many registered tensors have not been checked yet (0 once every matrix has been used) */
    public int unverifiedCount() {
        return unverified.size();
    }

    /**
     * The batch as the micro-kernel reads it: the first {@code n} inputs copied into this thread's
     * 64-byte-aligned staging segment, which the workers then read. A Java array's elements start
     * 16 bytes into the object, so every 512-bit load from one would straddle two cache lines
     * (measured: the batched micro-kernel runs 25 to 45% faster on aligned inputs). A single
     * vector is not copied: the fused decode kernels read it from the array, and a view of the
     * array serves the few rows left over from their groups of four.
     */
    private MemorySegment stage(float[] x, int batch, int n) {
        if (batch == 1) {
            return MemorySegment.ofArray(x);
        }
        MemorySegment s = staging.get();
        if (s.byteSize() < 4L * n) {
            s = Arena.ofAuto().allocate(4L * n, 64);
            staging.set(s);
        }
        MemorySegment.copy(x, 0, s, ValueLayout.JAVA_FLOAT_UNALIGNED, 0, n);
        return s;
    }

    private float[] scratch(int need) {
        float[] s = scratch.get();
        if (s.length < need) {
            s = new float[need];
            scratch.set(s);
        }
        return s;
    }

    @Override
    public void close() {
        pool.close();
    }
}
