package dev.jgemma.core;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.function.Consumer;

/**
 * How to load and run a model. Immutable: each setter-style method returns a validated copy.
 *
 * <pre>{@code
 * ModelOptions options = ModelOptions.defaults()
 *         .threads(4)
 *         .maxContext(4096)
 *         .slidingWindow(SlidingWindow.disabled())
 *         .quantizeTo(Quantization.Q4_0)
 *         .kvCacheType(KvCacheType.F16);
 * }</pre>
 */
public final class ModelOptions {
    private int threads;
    private Backend backend;
    private SlidingWindow slidingWindow;
    private OptionalInt maxContext;
    private OptionalDouble queryPreAttnScalar;
    private int prefillBatch;
    private Optional<Quantization> quantizeTo;
    private WeightVerification verifyWeights;
    private KvCacheType kvCacheType;

    private ModelOptions() {
    }

    /**
     * @return the defaults: all processors, best backend, checkpoint windows and context, exact f32
     *     KV cache, weights checked on first use
     */
    public static ModelOptions defaults() {
        ModelOptions o = new ModelOptions();
        o.threads = Runtime.getRuntime().availableProcessors();
        o.backend = Backend.best();
        o.slidingWindow = SlidingWindow.checkpoint();
        o.maxContext = OptionalInt.empty();
        o.queryPreAttnScalar = OptionalDouble.empty();
        o.prefillBatch = 128;
        o.quantizeTo = Optional.empty();
        o.verifyWeights = WeightVerification.ON_FIRST_USE;
        o.kvCacheType = KvCacheType.F32;
        return o;
    }

    /** The one way to change a field: copy, change, validate. */
    private ModelOptions with(Consumer<ModelOptions> change) {
        ModelOptions c = new ModelOptions();
        c.threads = threads;
        c.backend = backend;
        c.slidingWindow = slidingWindow;
        c.maxContext = maxContext;
        c.queryPreAttnScalar = queryPreAttnScalar;
        c.prefillBatch = prefillBatch;
        c.quantizeTo = quantizeTo;
        c.verifyWeights = verifyWeights;
        c.kvCacheType = kvCacheType;
        change.accept(c);
        c.validate();
        return c;
    }

    private void validate() {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        if (backend == null || slidingWindow == null || quantizeTo == null || kvCacheType == null || verifyWeights == null) {
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

    /** @return compute threads (default: available processors) */
    public int threads() {
        return threads;
    }

    /** @return the kernel implementation (default: Vector API when enabled, else plain Java) */
    public Backend backend() {
        return backend;
    }

    /** @return the window policy (default: the checkpoint's) */
    public SlidingWindow slidingWindow() {
        return slidingWindow;
    }

    /** @return the longest sequence a session may hold (default: the checkpoint's maximum) */
    public OptionalInt maxContext() {
        return maxContext;
    }

    /** @return the override of the checkpoint's query scale, if any */
    public OptionalDouble queryPreAttnScalar() {
        return queryPreAttnScalar;
    }

    /** @return prompt tokens processed together (default 128) */
    public int prefillBatch() {
        return prefillBatch;
    }

    /** @return the quantize-on-load scheme, if any */
    public Optional<Quantization> quantizeTo() {
        return quantizeTo;
    }

    /** @return when block scales are checked for NaN and infinities (default {@link WeightVerification#ON_FIRST_USE}) */
    public WeightVerification verifyWeights() {
        return verifyWeights;
    }

    /** @return how the KV cache stores keys and values (default F32, exact) */
    public KvCacheType kvCacheType() {
        return kvCacheType;
    }

    /** @param n compute threads, at least 1 @return a copy with that thread count */
    public ModelOptions threads(int n) {
        return with(o -> o.threads = n);
    }

    /** @param b the kernel backend @return a copy using it */
    public ModelOptions backend(Backend b) {
        return with(o -> o.backend = b);
    }

    /** @param w the window policy @return a copy using it */
    public ModelOptions slidingWindow(SlidingWindow w) {
        return with(o -> o.slidingWindow = w);
    }

    /** @param tokens the longest sequence a session may hold @return a copy with that limit */
    public ModelOptions maxContext(int tokens) {
        return with(o -> o.maxContext = OptionalInt.of(tokens));
    }

    /** @param scalar queries are scaled by {@code scalar^-0.5} @return a copy with that override */
    public ModelOptions queryPreAttnScalar(double scalar) {
        return with(o -> o.queryPreAttnScalar = OptionalDouble.of(scalar));
    }

    /** @param tokens prompt tokens per forward batch @return a copy with that batch size */
    public ModelOptions prefillBatch(int tokens) {
        return with(o -> o.prefillBatch = tokens);
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
        Objects.requireNonNull(scheme, "scheme");
        return with(o -> o.quantizeTo = Optional.of(scheme));
    }

    /**
     * @param mode when to check block scales (plain tensors: values) for NaN and infinities:
     *     {@link WeightVerification#ON_FIRST_USE} (default: each matrix on its first product, so
     *     loading only maps the file), {@link WeightVerification#EAGER} (the whole file at load) or
     *     {@link WeightVerification#OFF}
     * @return a copy with that setting
     */
    public ModelOptions verifyWeights(WeightVerification mode) {
        return with(o -> o.verifyWeights = mode);
    }

    /**
     * @param type how sessions store keys and values: F32 (exact), F16, BF16 or Q8_0 (smaller,
     *     approximate; Q8_0 needs a head dimension that is a multiple of 32)
     * @return a copy with that cache type
     */
    public ModelOptions kvCacheType(KvCacheType type) {
        return with(o -> o.kvCacheType = type);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ModelOptions o && threads == o.threads && backend == o.backend
                && slidingWindow.equals(o.slidingWindow) && maxContext.equals(o.maxContext)
                && queryPreAttnScalar.equals(o.queryPreAttnScalar) && prefillBatch == o.prefillBatch
                && quantizeTo.equals(o.quantizeTo) && verifyWeights == o.verifyWeights && kvCacheType == o.kvCacheType;
    }

    @Override
    public int hashCode() {
        return Objects.hash(threads, backend, slidingWindow, maxContext, queryPreAttnScalar, prefillBatch, quantizeTo, verifyWeights,
                kvCacheType);
    }

    @Override
    public String toString() {
        return "ModelOptions[threads=" + threads + ", backend=" + backend + ", slidingWindow=" + slidingWindow + ", maxContext="
                + maxContext + ", queryPreAttnScalar=" + queryPreAttnScalar + ", prefillBatch=" + prefillBatch + ", quantizeTo="
                + quantizeTo + ", verifyWeights=" + verifyWeights + ", kvCacheType=" + kvCacheType + "]";
    }
}
