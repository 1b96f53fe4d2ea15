package dev.jgemma.core;

import dev.jgemma.core.kernel.Backend;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * How to load and run a model. Immutable; each {@code with}-style method returns a copy.
 *
 * <pre>{@code
 * ModelOptions options = ModelOptions.defaults()
 *         .threads(4)
 *         .maxContext(4096)
 *         .slidingWindow(SlidingWindow.disabled());
 * }</pre>
 *
 * @param threads compute threads (default: available processors)
 * @param backend kernel implementation (default: Vector API when enabled, else plain Java)
 * @param slidingWindow the window policy (default: the checkpoint's)
 * @param maxContext the longest sequence a session may hold (default: the checkpoint's maximum)
 * @param queryPreAttnScalar overrides the checkpoint's query scale to {@code value^-0.5}
 * @param prefillBatch how many prompt tokens go through the model together (default 32)
 */
public record ModelOptions(int threads, Backend backend, SlidingWindow slidingWindow, OptionalInt maxContext,
                           OptionalDouble queryPreAttnScalar, int prefillBatch) {

    /** Validates every field. */
    public ModelOptions {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        if (backend == null || slidingWindow == null || maxContext == null || queryPreAttnScalar == null) {
            throw new IllegalArgumentException("options must not be null");
        }
        if (backend == Backend.VECTOR && !Backend.vectorAvailable()) {
            throw new IllegalArgumentException("the VECTOR backend needs the JVM flag " + Backend.VECTOR_FLAG);
        }
        if (maxContext.isPresent() && maxContext.getAsInt() < 1) {
            throw new IllegalArgumentException("maxContext must be at least 1, got " + maxContext.getAsInt());
        }
        if (queryPreAttnScalar.isPresent() && !(queryPreAttnScalar.getAsDouble() > 0 && Double.isFinite(queryPreAttnScalar.getAsDouble()))) {
            throw new IllegalArgumentException("queryPreAttnScalar must be positive, got " + queryPreAttnScalar.getAsDouble());
        }
        if (prefillBatch < 1 || prefillBatch > 4096) {
            throw new IllegalArgumentException("prefillBatch must be in 1..4096, got " + prefillBatch);
        }
    }

    /** @return the defaults: all processors, best backend, checkpoint windows, checkpoint context */
    public static ModelOptions defaults() {
        return new ModelOptions(Runtime.getRuntime().availableProcessors(), Backend.best(), SlidingWindow.checkpoint(),
                OptionalInt.empty(), OptionalDouble.empty(), 32);
    }

    /** @param n compute threads, at least 1 @return a copy with that thread count */
    public ModelOptions threads(int n) {
        return new ModelOptions(n, backend, slidingWindow, maxContext, queryPreAttnScalar, prefillBatch);
    }

    /** @param b the kernel backend @return a copy using it */
    public ModelOptions backend(Backend b) {
        return new ModelOptions(threads, b, slidingWindow, maxContext, queryPreAttnScalar, prefillBatch);
    }

    /** @param w the window policy @return a copy using it */
    public ModelOptions slidingWindow(SlidingWindow w) {
        return new ModelOptions(threads, backend, w, maxContext, queryPreAttnScalar, prefillBatch);
    }

    /** @param tokens the longest sequence a session may hold @return a copy with that limit */
    public ModelOptions maxContext(int tokens) {
        return new ModelOptions(threads, backend, slidingWindow, OptionalInt.of(tokens), queryPreAttnScalar, prefillBatch);
    }

    /** @param scalar queries are scaled by {@code scalar^-0.5} @return a copy with that override */
    public ModelOptions queryPreAttnScalar(double scalar) {
        return new ModelOptions(threads, backend, slidingWindow, maxContext, OptionalDouble.of(scalar), prefillBatch);
    }

    /** @param tokens prompt tokens per forward batch @return a copy with that batch size */
    public ModelOptions prefillBatch(int tokens) {
        return new ModelOptions(threads, backend, slidingWindow, maxContext, queryPreAttnScalar, tokens);
    }
}
