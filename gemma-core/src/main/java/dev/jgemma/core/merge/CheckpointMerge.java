package dev.jgemma.core.merge;

import dev.jgemma.core.Gemma2Config;
import dev.jgemma.core.ModelFormatException;
import dev.jgemma.core.eval.ProgressListener;
import dev.jgemma.core.format.GgufFile;
import dev.jgemma.core.format.SafetensorsCheckpoint;
import dev.jgemma.core.format.TensorSource;
import dev.jgemma.core.tensor.Tensor;
import dev.jgemma.core.tensor.TensorConverter;
import dev.jgemma.core.tensor.TensorType;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Merges same-architecture checkpoints tensor by tensor ("merging model iterations", as the
 * Gemma-2 report does): a weighted average, or SLERP of two. Streams a few rows at a time, so a
 * 9B merge never needs the whole model in memory. Quantized inputs are dequantized. Inputs whose
 * configs, tensor names or shapes differ are rejected with the first mismatch.
 *
 * <p>HF folders merge into an HF folder ({@code config.json}, {@code model.safetensors}, and the
 * tokenizer files of the first input); GGUF files merge into a {@code .gguf} file carrying the
 * first input's metadata and vocabulary (norms stay F32; matrices may be quantized with the
 * {@code type} argument). The output is written under a temporary name and moved into place when
 * complete: a failed merge leaves nothing behind.
 *
 * <pre>{@code
 * CheckpointMerge.merge(List.of(run1, run2, run3), MergeMethod.linear(0.5, 0.3, 0.2),
 *         Path.of("merged"), TensorType.BF16, ProgressListener.NONE);
 * }</pre>
 */
public final class CheckpointMerge {
    private static final int CHUNK_FLOATS = 1 << 20;
    private static final Set<TensorType> SAFETENSORS_TYPES = Set.of(TensorType.F32, TensorType.F16, TensorType.BF16);

    private CheckpointMerge() {
    }

    /**
     * @param inputs HF checkpoint folders or GGUF files, all of one format
     * @param method how to combine them
     * @param out the output folder, or a {@code .gguf} file for GGUF inputs (must not exist yet)
     * @param type the matrices' output type (F32, F16 or BF16; for GGUF also a quantized type
     *     jgemma can write), or null to keep the first input's type (F32 for quantized inputs)
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
            write(opened, method, out, type, progress);
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

    private static void write(List<Opened> in, MergeMethod method, Path out, TensorType type, ProgressListener progress) {
        Opened first = in.getFirst();
        boolean ggufOut = out.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".gguf");
        if (ggufOut != first.isGguf()) {
            throw new IllegalArgumentException(ggufOut
                    ? "a .gguf output needs GGUF inputs (merge HF folders into a folder, then quantize)"
                    : "GGUF inputs need a .gguf output");
        }
        if (type != null && !(ggufOut ? TensorConverter.canWrite(type) : SAFETENSORS_TYPES.contains(type))) {
            throw new IllegalArgumentException("cannot write " + type + " tensors to " + (ggufOut ? "GGUF" : "safetensors"));
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put("merged_by", "jgemma " + method);
        List<Tensor> tensors = new ArrayList<>(first.source().tensors());
        try (MergeOutput output = ggufOut ? new GgufOutput(out, (GgufFile) first.source())
                : new HfFolderOutput(out, first.path(), meta)) {
            List<TensorType> types = new ArrayList<>();
            for (Tensor t : tensors) {
                TensorType tt = outputType(t, type, ggufOut);
                types.add(tt);
                output.declare(t.name(), tt, t.shape());
            }
            for (int i = 0; i < tensors.size(); i++) {
                Tensor t = tensors.get(i);
                List<Tensor> parts = in.stream().map(o -> o.source().get(t.name())).toList();
                mergeTensor(parts, method, types.get(i), output);
                progress.progress(i + 1, tensors.size(), i + 1);
            }
            output.commit();
        }
    }

    /**
     * The requested type for matrices whose rows fit its blocks; 1-D tensors (norms) stay F32 in
     * GGUF, as llama.cpp keeps them; without a request, plain input types are kept and quantized
     * ones become F32.
     */
    static TensorType outputType(Tensor t, TensorType requested, boolean gguf) {
        if (gguf && t.rank() == 1) {
            return TensorType.F32;
        }
        if (requested != null && t.cols() % requested.blockSize() == 0) {
            return requested;
        }
        TensorType input = t.type();
        return input == TensorType.F16 || input == TensorType.BF16 || input == TensorType.F32 ? input : TensorType.F32;
    }

    /** Streams one tensor: rows in chunks, combined in double precision, appended to the writer. */
    static void mergeTensor(List<Tensor> parts, MergeMethod method, TensorType type, MergeOutput output) {
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
            output.append(type, out, 0, n * cols);
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
}
