package dev.jgemma.core;

import dev.jgemma.core.format.GgufFile;
import dev.jgemma.core.format.GgufValue;
import dev.jgemma.core.format.GgufValueType;
import dev.jgemma.core.format.GgufWriter;
import dev.jgemma.core.format.SafetensorsCheckpoint;
import dev.jgemma.core.format.TensorSource;
import dev.jgemma.core.kernel.ComputePool;
import dev.jgemma.core.model.Gemma2Weights;
import dev.jgemma.core.model.QuantizationPlan;
import dev.jgemma.core.model.TensorNames;
import dev.jgemma.core.model.TensorRole;
import dev.jgemma.core.tensor.BlockFormats;
import dev.jgemma.core.tensor.Tensor;
import dev.jgemma.core.tensor.TensorConverter;
import dev.jgemma.core.tensor.TensorType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Writes a quantized GGUF file from a Gemma-2 model (an HF checkpoint folder or a GGUF file), as
 * llama.cpp's {@code llama-quantize} would: the same per-tensor types ({@link Quantization}), the
 * same encoded bytes, the same tensor order and metadata layout. From an F32 GGUF written by
 * llama.cpp's converter the output is byte-identical to llama-quantize's. The result loads in
 * jgemma and in llama.cpp.
 *
 * <p>Streaming: tensors are converted in slabs of rows on {@link #threads} threads and written as
 * they are produced, so memory use stays at a few slabs whatever the model size. The output
 * appears at its path only when complete; on any failure nothing is left behind.
 *
 * <pre>{@code
 * GgufQuantizer.Result r = GgufQuantizer.to(Quantization.Q4_K_M)
 *         .threads(4)
 *         .progress((tensor, done, total) -> System.err.printf("\r%3d%%", 100 * done / total))
 *         .quantize(Path.of("gemma-2-2b-it"), Path.of("gemma-2-2b-it-Q4_K_M.gguf"));
 * System.out.println(r.tensorCount() + " tensors, " + r.bytes() + " bytes");
 * }</pre>
 *
 * <p>From an HF folder, the GGUF carries the model's {@code gemma2.*} metadata (with
 * {@code gemma2.attention.scale} where {@code query_pre_attn_scalar} differs from what a GGUF
 * reader would infer), norms stored as {@code 1 + w} in F32 like llama.cpp's converter, and no
 * vocabulary ({@code tokenizer.ggml.model = "none"}, {@code gemma2.vocab_size}): tokenize with a
 * separate tokenizer. Already-quantized tensors are copied if the scheme keeps their type and
 * otherwise rejected, as llama-quantize does without {@code --allow-requantize}.
 */
public final class GgufQuantizer {
    private static final long SLAB_BYTES = 8L << 20;
    private static final int MIN_ROWS_PER_CHUNK = 4;
    private static final String LM_HEAD = "lm_head.weight";

    /** Receives progress: elements of source tensors processed so far, of a total. */
    @FunctionalInterface
    public interface Progress {
        /**
         * @param tensor the output tensor being written
         * @param done elements processed so far, over all tensors
         * @param total elements of all tensors
         */
        void update(String tensor, long done, long total);
    }

    /**
     * What was written.
     *
     * @param file the GGUF file
     * @param tensorCount tensors written
     * @param bytes the file size
     * @param typeCounts how many tensors of each type
     */
    public record Result(Path file, int tensorCount, long bytes, Map<TensorType, Integer> typeCounts) {
        /** Copies the map. */
        public Result {
            typeCounts = Collections.unmodifiableMap(new EnumMap<>(typeCounts));
        }
    }

    private final Quantization quantization;
    private final int threads;
    private final Progress progress;
    private final Map<String, GgufValue> vocabulary;

    private GgufQuantizer(Quantization quantization, int threads, Progress progress) {
        this(quantization, threads, progress, Map.of());
    }

    private GgufQuantizer(Quantization quantization, int threads, Progress progress, Map<String, GgufValue> vocabulary) {
        this.quantization = quantization;
        this.threads = threads;
        this.progress = progress;
        this.vocabulary = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(vocabulary));
    }

    /**
     * @param quantization the scheme to write
     * @return a quantizer using all processors and reporting no progress
     */
    public static GgufQuantizer to(Quantization quantization) {
        return new GgufQuantizer(quantization, Runtime.getRuntime().availableProcessors(), (t, d, n) -> { });
    }

    /**
     * @param n threads that convert, at least 1
     * @return a copy using that many threads
     */
    public GgufQuantizer threads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + n);
        }
        return new GgufQuantizer(quantization, n, progress, vocabulary);
    }

    /**
     * @param listener called after each slab of rows and each copied tensor, on the calling thread
     * @return a copy reporting to it
     */
    public GgufQuantizer progress(Progress listener) {
        return new GgufQuantizer(quantization, threads, listener, vocabulary);
    }

    /**
     * Metadata describing the vocabulary ({@code tokenizer.ggml.*} keys) to write into a GGUF made
     * from an HF folder, which holds its tokenizer in separate files; gemma-chat's
     * {@code GgufVocabulary} builds it from a tokenizer. Ignored for GGUF input, whose own
     * vocabulary is copied.
     *
     * @param metadata keys starting with {@code tokenizer.}
     * @return a copy writing them
     * @throws IllegalArgumentException if a key does not start with {@code tokenizer.}
     */
    public GgufQuantizer vocabulary(Map<String, GgufValue> metadata) {
        for (String k : metadata.keySet()) {
            if (!k.startsWith("tokenizer.")) {
                throw new IllegalArgumentException("vocabulary metadata keys start with 'tokenizer.', got '" + k + "'");
            }
        }
        return new GgufQuantizer(quantization, threads, progress, new LinkedHashMap<>(metadata));
    }

    /** One tensor of the output: where its values come from and how they are stored. */
    private record Job(String name, Tensor source, TensorType type, Kind kind) {
    }

    private enum Kind {
        /** Stored bytes copied unchanged. */
        COPY,
        /** Decoded and re-encoded in another type. */
        CONVERT,
        /** An HF norm: {@code w} becomes {@code 1 + w} in F32, as GGUF stores it. */
        NORM_PLUS_ONE
    }

    /**
     * Quantizes a model into a GGUF file.
     *
     * @param model an HF checkpoint folder or a GGUF file
     * @param out the GGUF file to write (replaced if it exists; its folder must exist)
     * @return what was written
     * @throws ModelFormatException if the model is malformed, not Gemma-2, holds a NaN or
     *     infinite value, or a tensor's shape or type cannot be stored in the scheme; the message
     *     names the file and tensor
     * @throws UncheckedIOException if the output cannot be written
     */
    public Result quantize(Path model, Path out) {
        boolean hf = Files.isDirectory(model);
        if (!hf && !Files.exists(model)) {
            throw ModelFormatException.of(model, "no such file or folder");
        }
        try (TensorSource source = hf ? SafetensorsCheckpoint.open(model) : GgufFile.open(model)) {
            Gemma2Config config = hf ? Gemma2Config.fromHfConfig(model.resolve("config.json")) : Gemma2Config.fromGguf((GgufFile) source);
            TensorNames names = hf ? TensorNames.HF : TensorNames.GGUF;
            // Every tensor the model needs is present, of the right shape and a readable type.
            Gemma2Weights.load(source, names, config, type -> BlockFormats.find(type).isPresent());
            List<Job> jobs = plan(source, names, config, hf);
            try (GgufWriter writer = GgufWriter.create(out); ComputePool pool = new ComputePool(threads)) {
                if (hf) {
                    hfMetadata(model, config).forEach(writer::put);
                    if (!vocabulary.isEmpty()) {
                        writer.remove("tokenizer.ggml.model");
                        vocabulary.forEach(writer::put);
                    }
                } else {
                    ((GgufFile) source).metadata().forEach((k, v) -> {
                        if (!k.startsWith("split.")) {
                            writer.put(k, v);
                        }
                    });
                }
                writer.put("general.quantization_version", new GgufValue(GgufValueType.UINT32, 2L));
                writer.put("general.file_type", new GgufValue(GgufValueType.UINT32, (long) quantization.fileType()));
                Map<TensorType, Integer> counts = new EnumMap<>(TensorType.class);
                long total = 0;
                for (Job j : jobs) {
                    writer.addTensor(j.name, j.type, j.source.shape());
                    counts.merge(j.type, 1, Integer::sum);
                    total += j.source.elementCount();
                }
                long done = 0;
                for (Job j : jobs) {
                    write(j, writer, pool, done, total);
                    done += j.source.elementCount();
                    progress.update(j.name, done, total);
                }
                writer.finish();
                return new Result(writer.target(), jobs.size(), Files.size(writer.target()), counts);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read back " + out + ": " + e.getMessage(), e);
            }
        }
    }

    private List<Job> plan(TensorSource source, TensorNames names, Gemma2Config config, boolean hf) {
        QuantizationPlan plan = new QuantizationPlan(quantization, names, config.numLayers());
        List<Job> jobs = new ArrayList<>();
        for (Tensor t : source.tensors()) {
            if (hf && t.name().equals(LM_HEAD)) {
                continue; // Gemma-2 ties the output projection to the embedding, as llama.cpp's converter assumes
            }
            String name = t.name();
            Optional<TensorRole.Match> match = TensorRole.of(name, names);
            if (hf) {
                name = match.orElseThrow(() -> ModelFormatException.of(Path.of(t.source()), "tensor '" + t.name()
                        + "' is not one of Gemma-2's tensors; cannot name it in a GGUF file")).nameIn(TensorNames.GGUF);
            }
            if (!BlockFormats.find(t.type()).isPresent()) {
                throw ModelFormatException.of(Path.of(t.source()), "tensor '" + t.name() + "' has type " + t.type()
                        + ", which jgemma cannot read");
            }
            Optional<TensorType> target = plan.typeFor(source.path(), t.name(), t.shape());
            if (target.isEmpty() || target.get() == t.type()) {
                boolean hfNorm = hf && match.isPresent() && match.get().role().isNorm();
                jobs.add(hfNorm ? new Job(name, t, TensorType.F32, Kind.NORM_PLUS_ONE) : new Job(name, t, t.type(), Kind.COPY));
                continue;
            }
            if (t.type() != TensorType.F32 && t.type() != TensorType.F16 && t.type() != TensorType.BF16) {
                throw ModelFormatException.of(Path.of(t.source()), "tensor '" + t.name() + "' is already " + t.type()
                        + "; requantizing to " + target.get() + " is not supported (start from an F32, F16 or BF16 model)");
            }
            if (!TensorConverter.canWrite(target.get())) {
                throw ModelFormatException.of(Path.of(t.source()), "tensor '" + t.name() + "' would need type " + target.get()
                        + ", which jgemma cannot write");
            }
            jobs.add(new Job(name, t, target.get(), Kind.CONVERT));
        }
        jobs.sort(Comparator.comparing(Job::name, GgufQuantizer::llamaTensorOrder));
        return jobs;
    }

    /**
     * llama.cpp's {@code weight_name_comparer}: tensors outside the blocks first, then by block
     * index, then by name.
     */
    static int llamaTensorOrder(String a, String b) {
        int la = blockIndex(a);
        int lb = blockIndex(b);
        return la != lb ? Integer.compare(la, lb) : a.compareTo(b);
    }

    private static int blockIndex(String name) {
        if (!name.startsWith("blk.")) {
            return -1;
        }
        int end = 4;
        while (end < name.length() && end < 14 && Character.isDigit(name.charAt(end))) {
            end++;
        }
        if (end == 4 || end >= name.length() || name.charAt(end) != '.') {
            return -1;
        }
        long v = Long.parseLong(name.substring(4, end));
        return v > Integer.MAX_VALUE ? -1 : (int) v;
    }

    private void write(Job j, GgufWriter writer, ComputePool pool, long doneBefore, long total) {
        Tensor t = j.source;
        switch (j.kind) {
            case COPY -> {
                long bad = BlockFormats.of(t.type()).firstNonFiniteBlock(t.data(), 0, t.elementCount() / t.type().blockSize());
                if (bad >= 0) {
                    throw ModelFormatException.of(Path.of(t.source()), "tensor '" + t.name() + "' (" + t.type()
                            + ") holds a NaN or infinite " + (t.type().blockSize() == 1 ? "value" : "scale") + " in block " + bad);
                }
                writer.writeData(t.data());
            }
            case NORM_PLUS_ONE -> {
                float[] w = t.toFloatArray();
                for (int i = 0; i < w.length; i++) {
                    if (!Float.isFinite(w[i])) {
                        throw ModelFormatException.of(Path.of(t.source()), "tensor '" + t.name() + "' holds " + w[i] + " at index " + i);
                    }
                    w[i] += 1f;
                }
                MemorySegment out = MemorySegment.ofArray(new byte[w.length * 4]);
                BlockFormats.of(TensorType.F32).encode(w, 0, w.length, out, 0);
                writer.writeData(out);
            }
            case CONVERT -> {
                int cols = Math.toIntExact(t.cols());
                long rows = t.rows();
                long rowBytes = j.type.bytesFor(cols);
                int slabRows = (int) Math.max(1, Math.min(rows, SLAB_BYTES / rowBytes));
                float[][] scratch = new float[pool.threads()][cols];
                try (Arena arena = Arena.ofShared()) {
                    MemorySegment slab = arena.allocate(slabRows * rowBytes, 64);
                    for (long start = 0; start < rows; start += slabRows) {
                        long first = start;
                        int n = (int) Math.min(slabRows, rows - start);
                        pool.parallelFor(n, MIN_ROWS_PER_CHUNK, (from, to, worker) ->
                                TensorConverter.convertRows(t, j.type, first + from, first + to, slab, from * rowBytes, scratch[worker]));
                        writer.writeData(slab.asSlice(0, n * rowBytes));
                        progress.update(j.name, doneBefore + (start + n) * cols, total);
                    }
                }
            }
        }
    }

    /** The GGUF metadata llama.cpp's converter writes for a Gemma-2 HF checkpoint, minus the vocabulary. */
    private static Map<String, GgufValue> hfMetadata(Path folder, Gemma2Config c) {
        Map<String, GgufValue> m = new LinkedHashMap<>();
        m.put("general.architecture", str("gemma2"));
        m.put("general.type", str("model"));
        Path name = folder.toAbsolutePath().normalize().getFileName();
        m.put("general.name", str(name == null ? "gemma2" : name.toString()));
        m.put("gemma2.context_length", u32(c.maxPositions()));
        m.put("gemma2.embedding_length", u32(c.hiddenSize()));
        m.put("gemma2.block_count", u32(c.numLayers()));
        m.put("gemma2.feed_forward_length", u32(c.intermediateSize()));
        m.put("gemma2.attention.head_count", u32(c.numHeads()));
        m.put("gemma2.attention.head_count_kv", u32(c.numKvHeads()));
        m.put("gemma2.attention.layer_norm_rms_epsilon", f32(c.rmsNormEps()));
        m.put("gemma2.attention.key_length", u32(c.headDim()));
        m.put("gemma2.attention.value_length", u32(c.headDim()));
        m.put("gemma2.attn_logit_softcapping", f32(c.attnSoftcap()));
        m.put("gemma2.final_logit_softcapping", f32(c.finalSoftcap()));
        m.put("gemma2.attention.sliding_window", u32(c.slidingWindow()));
        float inferred = c.numLayers() == 46
                ? (float) (1.0 / Math.sqrt((double) c.hiddenSize() / c.numHeads()))
                : (float) (1.0 / Math.sqrt(c.headDim()));
        if (Float.compare(inferred, c.queryScale()) != 0) {
            m.put("gemma2.attention.scale", f32(c.queryScale()));
        }
        if (c.ropeTheta() != 10000f) {
            m.put("gemma2.rope.freq_base", f32(c.ropeTheta()));
        }
        m.put("gemma2.vocab_size", u32(c.vocabSize()));
        m.put("tokenizer.ggml.model", str("none"));
        return m;
    }

    private static GgufValue str(String s) {
        return new GgufValue(GgufValueType.STRING, s);
    }

    private static GgufValue u32(long v) {
        return new GgufValue(GgufValueType.UINT32, v);
    }

    private static GgufValue f32(float v) {
        return new GgufValue(GgufValueType.FLOAT32, v);
    }
}
