package dev.jgemma.core.model;

import dev.jgemma.core.format.TensorSource;
import dev.jgemma.core.kernel.ComputePool;
import dev.jgemma.core.tensor.Tensor;
import dev.jgemma.core.tensor.TensorConverter;
import dev.jgemma.core.tensor.TensorType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Quantize-on-load: a view of another {@link TensorSource} in which every F32, F16 or BF16 matrix
 * the {@link QuantizationPlan} assigns a type has been converted into off-heap memory owned by a
 * shared {@link Arena}; other tensors (norms, matrices already quantized) are the source's own.
 * Closing the view frees the converted tensors and closes the source.
 */
public final class QuantizedTensorSource implements TensorSource {
    private static final int MIN_ROWS_PER_CHUNK = 8;

    private final TensorSource source;
    private final Arena arena;
    private final Map<String, Tensor> tensors;

    private QuantizedTensorSource(TensorSource source, Arena arena, Map<String, Tensor> tensors) {
        this.source = source;
        this.arena = arena;
        this.tensors = Collections.unmodifiableMap(tensors);
    }

    /**
     * Converts the planned tensors of {@code source}, in parallel over rows.
     *
     * @param source the weights as stored; owned by the result from now on (left open on failure)
     * @param plan which type each tensor gets
     * @param pool the threads that convert
     * @return the converted view
     * @throws dev.jgemma.core.ModelFormatException naming the tensor if a matrix cannot be
     *     converted (a row size no type of the plan fits, a NaN or infinite value)
     */
    public static QuantizedTensorSource of(TensorSource source, QuantizationPlan plan, ComputePool pool) {
        Arena arena = Arena.ofShared();
        try {
            Map<String, Tensor> out = new LinkedHashMap<>();
            float[][] scratch = new float[pool.threads()][];
            for (Tensor t : source.tensors()) {
                Optional<TensorType> target = plan.typeFor(source.path(), t.name(), t.shape());
                boolean convertible = t.type() == TensorType.F32 || t.type() == TensorType.F16 || t.type() == TensorType.BF16;
                if (target.isEmpty() || target.get() == t.type() || !convertible) {
                    out.put(t.name(), t);
                    continue;
                }
                out.put(t.name(), convert(t, target.get(), arena, pool, scratch));
            }
            return new QuantizedTensorSource(source, arena, out);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static Tensor convert(Tensor t, TensorType target, Arena arena, ComputePool pool, float[][] scratch) {
        int cols = Math.toIntExact(t.cols());
        long rowBytes = target.bytesFor(cols);
        MemorySegment data = arena.allocate(Math.multiplyExact(rowBytes, t.rows()), 64);
        pool.parallelFor(Math.toIntExact(t.rows()), MIN_ROWS_PER_CHUNK, (from, to, worker) -> {
            if (scratch[worker] == null || scratch[worker].length < cols) {
                scratch[worker] = new float[cols];
            }
            TensorConverter.convertRows(t, target, from, to, data, from * rowBytes, scratch[worker]);
        });
        return new Tensor(t.name(), target, t.shape(), data, t.source());
    }

    @Override
    public Path path() {
        return source.path();
    }

    @Override
    public Collection<Tensor> tensors() {
        return tensors.values();
    }

    @Override
    public Optional<Tensor> find(String name) {
        return Optional.ofNullable(tensors.get(name));
    }

    @Override
    public void close() {
        try {
            source.close();
        } finally {
            arena.close();
        }
    }
}
