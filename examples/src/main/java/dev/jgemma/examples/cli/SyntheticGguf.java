package dev.jgemma.examples.cli;

import dev.jgemma.core.Gemma2Config;
import dev.jgemma.core.format.GgufValue;
import dev.jgemma.core.format.GgufValueType;
import dev.jgemma.core.format.GgufWriter;
import dev.jgemma.core.tensor.BlockFormat;
import dev.jgemma.core.tensor.BlockFormats;
import dev.jgemma.core.tensor.TensorType;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A random-weight Gemma-2 GGUF of a given shape, written tensor by tensor so that only a few
 * megabytes are ever in memory. The file follows the conventions of llama.cpp's converter (as the
 * shared fixtures do): {@code gemma2.*} metadata, GGUF tensor names, norms stored as {@code 1 + w}
 * in F32, and a placeholder SentencePiece vocabulary ({@code <pad> <eos> <bos> <unk>}, 256 byte
 * tokens, then numbered pieces) so that llama.cpp loads it.
 *
 * @param shape the model shape
 * @param type the storage type of the matrices (norms are always F32)
 * @param seed the random seed: equal seeds give identical files
 */
record SyntheticGguf(Shape shape, TensorType type, long seed) {
    private static final int CHUNK_ELEMENTS = 1 << 20;

    /**
     * A Gemma-2 model shape.
     *
     * @param name a label for {@code general.name}
     * @param vocab vocabulary size
     * @param hidden model width
     * @param layers decoder layers
     * @param heads query heads
     * @param kvHeads key/value heads
     * @param headDim head width
     * @param intermediate GeGLU width
     * @param window sliding window of the even layers
     * @param queryPreAttnScalar queries are scaled by its inverse square root
     * @param context maximum context
     */
    record Shape(String name, int vocab, int hidden, int layers, int heads, int kvHeads, int headDim, int intermediate,
                 int window, double queryPreAttnScalar, int context) {
        static final Shape GEMMA2_2B = new Shape("2b", 256000, 2304, 26, 8, 4, 256, 9216, 4096, 256, 8192);
        static final Shape GEMMA2_9B = new Shape("9b", 256000, 3584, 42, 16, 8, 256, 14336, 4096, 256, 8192);
        static final Shape GEMMA2_27B = new Shape("27b", 256000, 4608, 46, 32, 16, 128, 36864, 4096, 144, 8192);

        /** @param c an HF config @param name a label @return its shape */
        static Shape of(Gemma2Config c, String name) {
            double qpas = 1.0 / ((double) c.queryScale() * c.queryScale());
            return new Shape(name, c.vocabSize(), c.hiddenSize(), c.numLayers(), c.numHeads(), c.numKvHeads(), c.headDim(),
                    c.intermediateSize(), c.slidingWindow(), Math.rint(qpas * 1e4) / 1e4, c.maxPositions());
        }

        /** @return bytes of all weights when the matrices are stored as {@code t} */
        long bytes(TensorType t) {
            long q = (long) heads * headDim;
            long kv = (long) kvHeads * headDim;
            long perLayer = t.bytesFor(q * hidden) + 2 * t.bytesFor(kv * hidden) + t.bytesFor(hidden * q)
                    + 3 * t.bytesFor((long) intermediate * hidden) + 4L * 4 * hidden;
            return t.bytesFor((long) vocab * hidden) + layers * perLayer + 4L * hidden;
        }
    }

    /** Writes the file. */
    void write(Path out) {
        BlockFormat format = BlockFormats.of(type);
        List<Matrix> tensors = tensors();
        try (GgufWriter w = GgufWriter.create(out)) {
            metadata(w);
            for (Matrix m : tensors) {
                w.addTensor(m.name, m.norm ? TensorType.F32 : type, m.rows == 1 ? new long[] {m.cols} : new long[] {m.rows, m.cols});
            }
            float[] values = new float[CHUNK_ELEMENTS];
            MemorySegment seg = MemorySegment.ofArray(new byte[Math.toIntExact(Math.max(TensorType.F32.bytesFor(CHUNK_ELEMENTS),
                    type.bytesFor(CHUNK_ELEMENTS)))]);
            int index = 0;
            for (Matrix m : tensors) {
                BlockFormat f = m.norm ? BlockFormats.of(TensorType.F32) : format;
                SplittableRandom rng = new SplittableRandom(seed * 1_000_003L + index++);
                float bound = m.norm ? 0.1f : (float) Math.sqrt(3.0 / m.cols);
                int rowsPerChunk = Math.max(1, CHUNK_ELEMENTS / m.cols);
                for (long r = 0; r < m.rows; r += rowsPerChunk) {
                    int n = (int) Math.min(rowsPerChunk, m.rows - r) * m.cols;
                    for (int i = 0; i < n; i++) {
                        float u = (rng.nextInt() >> 8) * 0x1p-23f * bound;
                        values[i] = m.norm ? 1f + u : u;
                    }
                    f.encode(values, 0, n, seg, 0);
                    w.writeData(seg.asSlice(0, f.type().bytesFor(n)));
                }
            }
            w.finish();
        }
    }

    private record Matrix(String name, long rows, int cols, boolean norm) { }

    private List<Matrix> tensors() {
        Shape s = shape;
        int q = s.heads() * s.headDim();
        int kv = s.kvHeads() * s.headDim();
        List<Matrix> t = new ArrayList<>();
        t.add(new Matrix("token_embd.weight", s.vocab(), s.hidden(), false));
        for (int l = 0; l < s.layers(); l++) {
            String p = "blk." + l + ".";
            t.add(new Matrix(p + "attn_norm.weight", 1, s.hidden(), true));
            t.add(new Matrix(p + "attn_q.weight", q, s.hidden(), false));
            t.add(new Matrix(p + "attn_k.weight", kv, s.hidden(), false));
            t.add(new Matrix(p + "attn_v.weight", kv, s.hidden(), false));
            t.add(new Matrix(p + "attn_output.weight", s.hidden(), q, false));
            t.add(new Matrix(p + "post_attention_norm.weight", 1, s.hidden(), true));
            t.add(new Matrix(p + "ffn_norm.weight", 1, s.hidden(), true));
            t.add(new Matrix(p + "ffn_gate.weight", s.intermediate(), s.hidden(), false));
            t.add(new Matrix(p + "ffn_up.weight", s.intermediate(), s.hidden(), false));
            t.add(new Matrix(p + "ffn_down.weight", s.hidden(), s.intermediate(), false));
            t.add(new Matrix(p + "post_ffw_norm.weight", 1, s.hidden(), true));
        }
        t.add(new Matrix("output_norm.weight", 1, s.hidden(), true));
        return t;
    }

    private void metadata(GgufWriter w) {
        Shape s = shape;
        str(w, "general.architecture", "gemma2");
        str(w, "general.type", "model");
        str(w, "general.name", "jgemma-synth-" + s.name() + "-" + type.name().toLowerCase(java.util.Locale.ROOT));
        u32(w, "gemma2.context_length", s.context());
        u32(w, "gemma2.embedding_length", s.hidden());
        u32(w, "gemma2.block_count", s.layers());
        u32(w, "gemma2.feed_forward_length", s.intermediate());
        u32(w, "gemma2.attention.head_count", s.heads());
        u32(w, "gemma2.attention.head_count_kv", s.kvHeads());
        f32(w, "gemma2.attention.layer_norm_rms_epsilon", 1e-6f);
        u32(w, "gemma2.attention.key_length", s.headDim());
        u32(w, "gemma2.attention.value_length", s.headDim());
        f32(w, "gemma2.attn_logit_softcapping", 50f);
        f32(w, "gemma2.final_logit_softcapping", 30f);
        u32(w, "gemma2.attention.sliding_window", s.window());
        // llama.cpp scales queries by head_dim^-0.5, or (hidden/heads)^-0.5 for 46 layers; say so if that is wrong.
        double rule = s.layers() == 46 ? (double) s.hidden() / s.heads() : s.headDim();
        if (Math.abs(rule - s.queryPreAttnScalar()) > 1e-6) {
            f32(w, "gemma2.attention.scale", (float) (1.0 / Math.sqrt(s.queryPreAttnScalar())));
        }
        str(w, "tokenizer.ggml.model", "llama");
        str(w, "tokenizer.ggml.pre", "default");
        String[] tokens = new String[s.vocab()];
        float[] scores = new float[s.vocab()];
        long[] types = new long[s.vocab()];
        String[] special = {"<pad>", "<eos>", "<bos>", "<unk>"};
        for (int i = 0; i < tokens.length; i++) {
            if (i < special.length) {
                tokens[i] = special[i];
                types[i] = i == 3 ? 2 : 3; // unknown, control
            } else if (i < special.length + 256) {
                tokens[i] = String.format("<0x%02X>", i - special.length);
                types[i] = 6; // byte
            } else {
                tokens[i] = "\u2581t" + i;
                types[i] = 1; // normal
                scores[i] = -i;
            }
        }
        w.put("tokenizer.ggml.tokens", new GgufValue(GgufValueType.ARRAY, new GgufValue.Array(GgufValueType.STRING, tokens)));
        w.put("tokenizer.ggml.scores", new GgufValue(GgufValueType.ARRAY, new GgufValue.Array(GgufValueType.FLOAT32, scores)));
        w.put("tokenizer.ggml.token_type", new GgufValue(GgufValueType.ARRAY, new GgufValue.Array(GgufValueType.INT32, types)));
        u32(w, "tokenizer.ggml.bos_token_id", 2);
        u32(w, "tokenizer.ggml.eos_token_id", 1);
        u32(w, "tokenizer.ggml.padding_token_id", 0);
        u32(w, "tokenizer.ggml.unknown_token_id", 3);
        w.put("tokenizer.ggml.add_bos_token", new GgufValue(GgufValueType.BOOL, true));
        w.put("tokenizer.ggml.add_eos_token", new GgufValue(GgufValueType.BOOL, false));
        w.put("tokenizer.ggml.add_space_prefix", new GgufValue(GgufValueType.BOOL, false));
        u32(w, "general.quantization_version", 2);
        u32(w, "general.file_type", fileType(type));
    }

    /** llama.cpp's {@code llama_ftype} of a file whose matrices are all of one type. */
    static int fileType(TensorType t) {
        return switch (t) {
            case F32 -> 0;
            case F16 -> 1;
            case Q4_0 -> 2;
            case Q8_0 -> 7;
            case BF16 -> 32;
            default -> throw new IllegalArgumentException("synth cannot write " + t);
        };
    }

    private static void str(GgufWriter w, String k, String v) {
        w.put(k, new GgufValue(GgufValueType.STRING, v));
    }

    private static void u32(GgufWriter w, String k, long v) {
        w.put(k, new GgufValue(GgufValueType.UINT32, v));
    }

    private static void f32(GgufWriter w, String k, float v) {
        w.put(k, new GgufValue(GgufValueType.FLOAT32, v));
    }
}
