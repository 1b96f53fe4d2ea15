package dev.jgemma.core.merge;

import dev.jgemma.core.Gemma2Config;
import dev.jgemma.core.ModelFormatException;
import dev.jgemma.core.eval.ProgressListener;
import dev.jgemma.core.format.GgufFile;
import dev.jgemma.core.format.SafetensorsCheckpoint;
import dev.jgemma.core.format.SafetensorsWriter;
import dev.jgemma.core.format.TensorSource;
import dev.jgemma.core.tensor.Tensor;
import dev.jgemma.core.tensor.TensorType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Merges same-architecture checkpoints tensor by tensor ("merging model iterations", as the
 * Gemma-2 report does): a weighted average, or SLERP of two. Streams a few rows at a time, so a
 * 9B merge never needs the whole model in memory. Quantized inputs are dequantized. Inputs whose
 * configs, tensor names or shapes differ are rejected with the first mismatch.
 *
 * <p>The output is an HF checkpoint folder ({@code config.json}, {@code model.safetensors}, and
 * the tokenizer files of the first input) written under a temporary name and moved into place
 * when complete: a failed merge leaves nothing behind.
 *
 * <pre>{@code
 * CheckpointMerge.merge(List.of(run1, run2, run3), MergeMethod.linear(0.5, 0.3, 0.2),
 *         Path.of("merged"), TensorType.BF16, ProgressListener.NONE);
 * }</pre>
 */
public final class CheckpointMerge {
    private static final int CHUNK_FLOATS = 1 << 20;
    private static final List<String> COPIED = List.of("tokenizer.json", "tokenizer.model", "tokenizer_config.json",
            "special_tokens_map.json", "generation_config.json");

    private CheckpointMerge() {
    }

    /**
     * @param inputs HF checkpoint folders or GGUF files, all of one format
     * @param method how to combine them
     * @param out the output folder (must not exist yet)
     * @param type F32, F16 or BF16, or null to keep the first input's type (F32 for quantized)
     * @param progress told after each tensor
     * @throws ModelFormatException if the inputs differ in config, names or shapes
     * @throws IllegalArgumentException if the arguments do not fit each other
     * @throws UncheckedIOException if the output cannot be written
     */
    public static void merge(List<Path> inputs, MergeMethod method, Path out, TensorType type, ProgressListener progress) {
        if (inputs.size() < 2) {
            throw new IllegalArgumentException("merging needs at least two inputs, got " + inputs.size());
        }
        if (method instanceof MergeMethod.Linear l && l.weights().length != inputs.size()) {
            throw new IllegalArgumentException(l.weights().length + " weights given for " + inputs.size() + " inputs");
        }
        if (method instanceof MergeMethod.Slerp && inputs.size() != 2) {
            throw new IllegalArgumentException("slerp merges exactly two inputs, got " + inputs.size());
        }
        if (Files.exists(out)) {
            throw new IllegalArgumentException("output " + out + " already exists");
        }
        List<Opened> opened = new ArrayList<>();
        try {
            for (Path p : inputs) {
                opened.add(Opened.of(p));
            }
            checkSame(opened);
            writeHf(opened, method, out, type, progress);
        } finally {
            opened.forEach(o -> o.source().close());
        }
    }

    /** An input's tensors and config. */
    private record Opened(Path path, TensorSource source, Gemma2Config config) {
        static Opened of(Path p) {
            if (Files.isDirectory(p)) {
                Gemma2Config c = Gemma2Config.fromHfConfig(p.resolve("config.json"));
                return new Opened(p, SafetensorsCheckpoint.open(p), c);
            }
            GgufFile g = GgufFile.open(p);
            try {
                return new Opened(p, g, Gemma2Config.fromGguf(g));
            } catch (RuntimeException e) {
                g.close();
                throw e;
            }
        }

        boolean isGguf() {
            return source instanceof GgufFile;
        }
    }

    private static void checkSame(List<Opened> in) {
        Opened first = in.getFirst();
        for (Opened o : in.subList(1, in.size())) {
            if (o.isGguf() != first.isGguf()) {
                throw new IllegalArgumentException("inputs mix formats: " + first.path() + " and " + o.path()
                        + " (merge GGUF files with GGUF files, HF folders with HF folders)");
            }
            for (RecordComponent rc : Gemma2Config.class.getRecordComponents()) {
                Object a = get(rc, first.config());
                Object b = get(rc, o.config());
                if (!Objects.deepEquals(a, b)) {
                    throw ModelFormatException.of(o.path(), "config field " + rc.getName() + " is " + show(b) + " but "
                            + first.path() + " has " + show(a));
                }
            }
            List<Tensor> ta = new ArrayList<>(first.source().tensors());
            for (Tensor t : ta) {
                Tensor u = o.source().find(t.name()).orElseThrow(() ->
                        ModelFormatException.of(o.path(), "missing tensor '" + t.name() + "' that " + first.path() + " has"));
                if (!Arrays.equals(t.shape(), u.shape())) {
                    throw ModelFormatException.of(o.path(), "tensor '" + t.name() + "' has shape " + Arrays.toString(u.shape())
                            + " but " + first.path() + " has " + Arrays.toString(t.shape()));
                }
            }
            for (Tensor u : o.source().tensors()) {
                if (first.source().find(u.name()).isEmpty()) {
                    throw ModelFormatException.of(o.path(), "has tensor '" + u.name() + "' that " + first.path() + " lacks");
                }
            }
        }
    }

    private static Object get(RecordComponent rc, Gemma2Config c) {
        try {
            return rc.getAccessor().invoke(c);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String show(Object v) {
        return v instanceof int[] a ? Arrays.toString(a) : String.valueOf(v);
    }

    private static void writeHf(List<Opened> in, MergeMethod method, Path out, TensorType type, ProgressListener progress) {
        Opened first = in.getFirst();
        if (first.isGguf()) {
            throw new IllegalArgumentException("GGUF inputs need a .gguf output");
        }
        Path abs = out.toAbsolutePath();
        Path parent = abs.getParent();
        Path temp;
        try {
            Files.createDirectories(parent);
            temp = Files.createTempDirectory(parent, "." + abs.getFileName() + "-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
        }
        boolean done = false;
        try {
            List<Tensor> tensors = new ArrayList<>(first.source().tensors());
            List<SafetensorsWriter.Entry> entries = new ArrayList<>();
            for (Tensor t : tensors) {
                entries.add(new SafetensorsWriter.Entry(t.name(), outputType(t.type(), type), t.shape()));
            }
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("format", "pt");
            meta.put("merged_by", "jgemma " + method);
            try (SafetensorsWriter w = SafetensorsWriter.create(temp.resolve(SafetensorsCheckpoint.SINGLE), entries, meta)) {
                for (int i = 0; i < tensors.size(); i++) {
                    Tensor t = tensors.get(i);
                    List<Tensor> parts = in.stream().map(o -> o.source().get(t.name())).toList();
                    mergeTensor(parts, method, w);
                    progress.progress(i + 1, tensors.size(), i + 1);
                }
                w.commit();
            }
            Files.copy(first.path().resolve("config.json"), temp.resolve("config.json"));
            for (String f : COPIED) {
                Path src = first.path().resolve(f);
                if (Files.isRegularFile(src)) {
                    Files.copy(src, temp.resolve(f));
                }
            }
            Files.move(temp, abs, StandardCopyOption.ATOMIC_MOVE);
            done = true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
        } finally {
            if (!done) {
                deleteTree(temp);
            }
        }
    }

    static TensorType outputType(TensorType input, TensorType requested) {
        if (requested != null) {
            return requested;
        }
        return input == TensorType.F16 || input == TensorType.BF16 ? input : TensorType.F32;
    }

    /** Streams one tensor: rows in chunks, combined in double precision, appended to the writer. */
    static void mergeTensor(List<Tensor> parts, MergeMethod method, SafetensorsWriter w) {
        Tensor first = parts.getFirst();
        int cols = Math.toIntExact(first.cols());
        long rows = first.rows();
        int rowsPerChunk = Math.max(1, CHUNK_FLOATS / Math.max(1, cols));
        double[] coef = coefficients(parts, method);
        float[][] in = new float[parts.size()][rowsPerChunk * cols];
        float[] out = new float[rowsPerChunk * cols];
        for (long r0 = 0; r0 < rows; r0 += rowsPerChunk) {
            int n = (int) Math.min(rowsPerChunk, rows - r0);
            for (int p = 0; p < parts.size(); p++) {
                for (int r = 0; r < n; r++) {
                    parts.get(p).decodeRow(r0 + r, in[p], r * cols);
                }
            }
            for (int i = 0; i < n * cols; i++) {
                double acc = 0;
                for (int p = 0; p < coef.length; p++) {
                    acc += coef[p] * in[p][i];
                }
                out[i] = (float) acc;
            }
            w.append(out, 0, n * cols);
        }
    }

    /**
     * The per-input factors: normalised weights for a linear merge; for SLERP the two
     * {@code sin((1-t)θ)/sin θ} and {@code sin(tθ)/sin θ} factors, θ being the angle between the
     * flattened tensors (linear interpolation when they are nearly parallel or one is zero).
     */
    static double[] coefficients(List<Tensor> parts, MergeMethod method) {
        return switch (method) {
            case MergeMethod.Linear l -> {
                double[] w = l.weights();
                double sum = Arrays.stream(w).sum();
                for (int i = 0; i < w.length; i++) {
                    w[i] /= sum;
                }
                yield w;
            }
            case MergeMethod.Slerp s -> {
                double t = s.t();
                if (t == 0 || t == 1) {
                    yield new double[] {1 - t, t};
                }
                double[] dots = dots(parts.get(0), parts.get(1));
                double norms = Math.sqrt(dots[1]) * Math.sqrt(dots[2]);
                double cos = norms == 0 ? 1 : Math.clamp(dots[0] / norms, -1, 1);
                if (Math.abs(cos) > 0.9995) {
                    yield new double[] {1 - t, t};
                }
                double theta = Math.acos(cos);
                double sin = Math.sin(theta);
                yield new double[] {Math.sin((1 - t) * theta) / sin, Math.sin(t * theta) / sin};
            }
        };
    }

    /** @return {a.b, a.a, b.b} over the flattened tensors, streamed by rows */
    private static double[] dots(Tensor a, Tensor b) {
        int cols = Math.toIntExact(a.cols());
        float[] ra = new float[cols];
        float[] rb = new float[cols];
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (long r = 0; r < a.rows(); r++) {
            a.decodeRow(r, ra, 0);
            b.decodeRow(r, rb, 0);
            for (int i = 0; i < cols; i++) {
                ab += (double) ra[i] * rb[i];
                aa += (double) ra[i] * ra[i];
                bb += (double) rb[i] * rb[i];
            }
        }
        return new double[] {ab, aa, bb};
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // best effort: a temp folder whose deletion failed is hidden (dot-prefixed)
        }
    }
}
