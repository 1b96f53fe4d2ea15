package dev.jgemma.core;

import dev.jgemma.core.format.GgufFile;
import dev.jgemma.core.format.SafetensorsCheckpoint;
import dev.jgemma.core.format.TensorSource;
import dev.jgemma.core.kernel.Kernels;
import dev.jgemma.core.kernel.WeightCheck;
import dev.jgemma.core.model.ForwardPass;
import dev.jgemma.core.model.Gemma2Weights;
import dev.jgemma.core.model.QuantizationPlan;
import dev.jgemma.core.model.QuantizedTensorSource;
import dev.jgemma.core.model.TensorNames;
import dev.jgemma.core.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A loaded Gemma-2 model: memory-mapped weights in their stored format, the config, and the
 * compute kernels. Immutable and thread-safe: any number of {@link Session}s, on any threads,
 * share one model. Closing it unmaps the weights and stops its compute threads.
 *
 * <pre>{@code
 * try (Gemma2Model model = Gemma2Model.load(Path.of("gemma-2-2b-it-Q8_0.gguf"))) {
 *     Session session = model.newSession();
 *     float[] logits = session.prefill(2, 106, 1645);
 *     System.out.println("next token: " + Session.argmax(logits));
 * }
 * }</pre>
 *
 * <p>Formats: a GGUF file (F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q2_K, Q3_K, Q4_K, Q5_K
 * and Q6_K tensors, in any per-tensor mixture such as Q4_K_M), or an HF checkpoint folder with
 * {@code config.json} and {@code model.safetensors} (or shards listed in
 * {@code model.safetensors.index.json}) in F32, F16 or BF16. A tensor of another type (the IQ
 * types, for instance) is rejected with an error naming the tensor and its type.
 * {@link ModelOptions#quantizeTo} holds F32/F16/BF16 weights quantized in memory instead. Block
 * scales (and plain values) are checked for NaN and infinities on each matrix's first use, or at
 * load, or not at all ({@link ModelOptions#verifyWeights(WeightVerification)}).
 */
public final class Gemma2Model implements AutoCloseable {

    /** The weight file formats jgemma reads. */
    public enum Format {
        /** A single llama.cpp GGUF file. */
        GGUF,
        /** An HF folder: config.json plus safetensors. */
        SAFETENSORS
    }

    private final Path path;
    private final Format format;
    private final Gemma2Config config;
    private final ModelOptions options;
    private final TensorSource tensors;
    private final Gemma2Weights weights;
    private final Kernels kernels;
    private final ForwardPass pass;
    private final int maxContext;
    private volatile boolean closed;

    private Gemma2Model(Path path, Format format, Gemma2Config config, ModelOptions options, TensorSource tensors,
                        Gemma2Weights weights, Kernels kernels) {
        this.path = path;
        this.format = format;
        this.config = config;
        this.options = options;
        this.tensors = tensors;
        this.weights = weights;
        this.kernels = kernels;
        this.maxContext = options.maxContext().orElse(config.maxPositions());
        int[] windows = options.slidingWindow().resolve(config);
        this.pass = new ForwardPass(config, weights, kernels, windows, Math.min(options.prefillBatch(), maxContext), maxContext,
                options.kvCacheType());
    }

    /**
     * Loads a model with default options.
     *
     * @param path a {@code .gguf} file or an HF checkpoint folder
     * @return the model; close it when done
     * @throws ModelFormatException if the files are missing, malformed, or do not describe a
     *     Gemma-2 model jgemma can run; the message names the file and tensor or field
     */
    public static Gemma2Model load(Path path) {
        return load(path, ModelOptions.defaults());
    }

    /**
     * Loads a model.
     *
     * @param path a {@code .gguf} file or an HF checkpoint folder
     * @param options threads, backend, sliding windows, context limit, query-scale override
     * @return the model; close it when done
     * @throws ModelFormatException if the files are missing, malformed, or do not describe a
     *     Gemma-2 model jgemma can run; the message names the file and tensor or field
     */
    public static Gemma2Model load(Path path, ModelOptions options) {
        if (Files.isDirectory(path)) {
            Gemma2Config config = Gemma2Config.fromHfConfig(path.resolve("config.json"));
            SafetensorsCheckpoint checkpoint = SafetensorsCheckpoint.open(path);
            return assemble(path, Format.SAFETENSORS, config, checkpoint, TensorNames.HF, options);
        }
        if (!Files.exists(path)) {
            throw ModelFormatException.of(path, "no such file or folder");
        }
        GgufFile gguf = GgufFile.open(path);
        Gemma2Config config;
        try {
            config = Gemma2Config.fromGguf(gguf);
        } catch (RuntimeException e) {
            gguf.close();
            throw e;
        }
        return assemble(path, Format.GGUF, config, gguf, TensorNames.GGUF, options);
    }

    private static Gemma2Model assemble(Path path, Format format, Gemma2Config config, TensorSource stored, TensorNames names,
                                        ModelOptions options) {
        TensorSource source = stored;
        Kernels kernels = null;
        try {
            if (options.queryPreAttnScalar().isPresent()) {
                config = config.withQueryPreAttnScalar(options.queryPreAttnScalar().getAsDouble());
            }
            options.slidingWindow().resolve(config); // rejects per-layer lists of the wrong length early
            kernels = new Kernels(options.backend(), options.threads());
            if (options.quantizeTo().isPresent()) {
                QuantizationPlan plan = new QuantizationPlan(options.quantizeTo().get(), names, config.numLayers());
                source = QuantizedTensorSource.of(stored, plan, kernels.pool());
            }
            if (options.verifyWeights() == WeightVerification.EAGER) {
                WeightCheck.verify(source, kernels.pool());
            }
            Gemma2Weights weights = Gemma2Weights.load(source, names, config, kernels::supports);
            if (options.verifyWeights() == WeightVerification.ON_FIRST_USE) {
                kernels.verifyOnFirstUse(weights.matrices());
            }
            return new Gemma2Model(path, format, config, options, source, weights, kernels);
        } catch (RuntimeException e) {
            if (kernels != null) {
                kernels.close();
            }
            source.close();
            if (e instanceof IllegalArgumentException && !(e instanceof GemmaException)) {
                throw new ModelFormatException(path + ": " + e.getMessage(), e);
            }
            throw e;
        }
    }

    /** @return a new, empty session using the model's window policy */
    public Session newSession() {
        ensureOpen();
        return new Session(this, pass);
    }

    /** @return the config in force (with any query-scale override applied) */
    public Gemma2Config config() {
        return config;
    }

    /** @return the options the model was loaded with */
    public ModelOptions options() {
        return options;
    }

    /** @return the per-layer attention windows in force, 0 for global */
    public int[] layerWindows() {
        return pass.windows();
    }

    /** @return the file or folder loaded */
    public Path path() {
        return path;
    }

    /** @return the weight file format */
    public Format format() {
        return format;
    }

    /** @return the kernel backend in use */
    public Backend backend() {
        return kernels.backend();
    }

    /** @return the longest sequence a session may hold */
    public int maxContext() {
        return maxContext;
    }

    /** @return the number of weights (parameters) */
    public long parameterCount() {
        long n = 0;
        for (Tensor t : tensors.tensors()) {
            n += t.elementCount();
        }
        return n;
    }

    /** @return bytes of weight data mapped from disk */
    public long mappedBytes() {
        return tensors.mappedBytes();
    }

    /** @return the underlying tensors (for tools: info, quantize, merge) */
    public TensorSource tensors() {
        return tensors;
    }

    void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the model " + path + " is closed");
        }
    }

    /** Unmaps the weights and stops the compute threads. Sessions fail afterwards. Idempotent. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            kernels.close();
            tensors.close();
        }
    }
}
