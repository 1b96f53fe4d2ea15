package dev.jgemma.core;

import dev.jgemma.core.kernel.Backend;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * How to load and run a model. Immutable; each {@code with}-style method returns a copy.
 *
 * <pre>{@code
 * ModelOptions options = ModelOptions.defaults()
 *         .threads(4)
 *         .maxContext(4096)
 *         .slidingWindow(SlidingWindow.disabled())
 *         .quantizeTo(Quantization.Q4_0);
 * }</pre>
 *
 * @param threads compute threads (default: available processors)
 * @param backend kernel implementation (default: Vector API when enabled, else plain Java)
 * @param slidingWindow the window policy (default: the checkpoint's)
 * @param maxContext the longest sequence a session may hold (default: the checkpoint's maximum)
 * @param queryPreAttnScalar overrides the checkpoint's query scale to {@code value^-0.5}
 * @param prefillBatch how many prompt tokens go through the model together (default 32)
 * @param quantizeTo quantize-on-load: hold F32/F16/BF16 matrices in this scheme, converted into
 *     off-heap memory at load (default: keep the stored types)
 * @param verifyWeights scan every tensor's block scales at load and reject NaN or infinite ones
 *     (default true)
 */
public record ModelOptions(int threads, Backend backend, SlidingWindow slidingWindow, OptionalInt maxContext,
                           OptionalDouble queryPreAttnScalar, int prefillBatch, Optional<Quantization> quantizeTo,
                           boolean verifyWeights) {

    /** Validates every field. */
    public ModelOptions {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        if (backend == null || slidingWindow == null || maxContext == null || queryPreAttnScalar == null || quantizeTo == null) {
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
                OptionalInt.empty(), OptionalDouble.empty(), 32, Optional.empty(), true);
    }

    /** @param n compute threads, at least 1 @return a copy with that thread count */
    public ModelOptions threads(int n) {
        return new ModelOptions(n, backend, slidingWindow, maxContext, queryPreAttnScalar, prefillBatch, quantizeTo, verifyWeights);
    }

    /** @param b the kernel backend @return a copy using it */
    public ModelOptions backend(Backend b) {
        return new ModelOptions(threads, b, slidingWindow, maxContext, queryPreAttnScalar, prefillBatch, quantizeTo, verifyWeights);
    }

    /** @param w the window policy @return a copy using it */
    public ModelOptions slidingWindow(SlidingWindow w) {
        return new ModelOptions(threads, backend, w, maxContext, queryPreAttnScalar, prefillBatch, quantizeTo, verifyWeights);
    }

    /** @param tokens the longest sequence a session may hold @return a copy with that limit */
    public ModelOptions maxContext(int tokens) {
        return new ModelOptions(threads, backend, slidingWindow, OptionalInt.of(tokens), queryPreAttnScalar, prefillBatch, quantizeTo, verifyWeights);
    }

    /** @param scalar queries are scaled by {@code scalar^-0.5} @return a copy with that override */
    public ModelOptions queryPreAttnScalar(double scalar) {
        return new ModelOptions(threads, backend, slidingWindow, maxContext, OptionalDouble.of(scalar), prefillBatch, quantizeTo, verifyWeights);
    }

    /** @param tokens prompt tokens per forward batch @return a copy with that batch size */
    public ModelOptions prefillBatch(int tokens) {
        return new ModelOptions(threads, backend, slidingWindow, maxContext, queryPreAttnScalar, tokens, quantizeTo, verifyWeights);
    }

    /**
     * Quantize-on-load: F32, F16 and BF16 matrices (HF safetensors or GGUF) are converted at load
     * into off-heap memory, with exactly the per-tensor types and bytes {@code llama-quantize}
     * would write for {@code scheme} (the tied embedding included); matrices already quantized are
     * kept as stored. The memory is released when the model is closed.
     *
     * @param scheme the scheme @return a copy that quantizes to it
     */
    public ModelOptions quantizeTo(Quantization scheme) {
        return new ModelOptions(threads, backend, slidingWindow, maxContext, queryPreAttnScalar, prefillBatch,
                Optional.of(scheme), verifyWeights);
    }

    /**
     * @param verify whether to scan every tensor's block scales (plain tensors: values) for NaN and
     *     infinities at load; costs one pass over the scale fields of the file
     * @return a copy with that setting
     */
    public ModelOptions verifyWeights(boolean verify) {
        return new ModelOptions(threads, backend, slidingWindow, maxContext, queryPreAttnScalar, prefillBatch, quantizeTo, verify);
    }
}
