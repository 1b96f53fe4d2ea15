package dev.jgemma.core;

import dev.jgemma.core.format.GgufValue;
import dev.jgemma.core.format.GgufValueType;
import dev.jgemma.core.format.GgufWriter;
import dev.jgemma.core.model.TensorNames;
import dev.jgemma.core.tensor.TensorType;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Writes random-weight F32 Gemma-2 GGUF files of any shape, laid out as llama.cpp's converter
 * does, for tests on shapes no fixture has (odd layer counts, one KV head, query width different
 * from hidden, rows that are not a multiple of 256, an explicit {@code gemma2.attention.scale}).
 *
 * @param vocab vocabulary size
 * @param hidden model width
 * @param layers decoder layers
 * @param heads query heads
 * @param kvHeads key/value heads
 * @param headDim head width
 * @param ffn GeGLU width
 * @param attentionScale value of {@code gemma2.attention.scale}, or NaN to omit the key
 */
record SyntheticGemma(int vocab, int hidden, int layers, int heads, int kvHeads, int headDim, int ffn, float attentionScale) {

    /** @return the tensors, GGUF names to shapes, in converter order */
    Map<String, long[]> shapes() {
        Map<String, long[]> s = new LinkedHashMap<>();
        TensorNames n = TensorNames.GGUF;
        s.put(n.embedding(), new long[] {vocab, hidden});
        for (int i = 0; i < layers; i++) {
            s.put(TensorNames.layer(n.attnNorm(), i), new long[] {hidden});
            s.put(TensorNames.layer(n.query(), i), new long[] {(long) heads * headDim, hidden});
            s.put(TensorNames.layer(n.key(), i), new long[] {(long) kvHeads * headDim, hidden});
            s.put(TensorNames.layer(n.value(), i), new long[] {(long) kvHeads * headDim, hidden});
            s.put(TensorNames.layer(n.attnOutput(), i), new long[] {hidden, (long) heads * headDim});
            s.put(TensorNames.layer(n.postAttnNorm(), i), new long[] {hidden});
            s.put(TensorNames.layer(n.preFfnNorm(), i), new long[] {hidden});
            s.put(TensorNames.layer(n.gate(), i), new long[] {ffn, hidden});
            s.put(TensorNames.layer(n.up(), i), new long[] {ffn, hidden});
            s.put(TensorNames.layer(n.down(), i), new long[] {hidden, ffn});
            s.put(TensorNames.layer(n.postFfnNorm(), i), new long[] {hidden});
        }
        s.put(n.finalNorm(), new long[] {hidden});
        return s;
    }

    /** Writes the model with weights from {@code seed}; {@code poison}, if not null, gets one NaN. */
    Path write(Path file, long seed, String poison) {
        Random rnd = new Random(seed);
        try (GgufWriter w = GgufWriter.create(file)) {
            w.put("general.architecture", v(GgufValueType.STRING, "gemma2"));
            w.put("general.name", v(GgufValueType.STRING, "synthetic"));
            w.put("gemma2.context_length", u32(512));
            w.put("gemma2.embedding_length", u32(hidden));
            w.put("gemma2.block_count", u32(layers));
            w.put("gemma2.feed_forward_length", u32(ffn));
            w.put("gemma2.attention.head_count", u32(heads));
            w.put("gemma2.attention.head_count_kv", u32(kvHeads));
            w.put("gemma2.attention.layer_norm_rms_epsilon", v(GgufValueType.FLOAT32, 1e-6f));
            w.put("gemma2.attention.key_length", u32(headDim));
            w.put("gemma2.attention.value_length", u32(headDim));
            w.put("gemma2.attn_logit_softcapping", v(GgufValueType.FLOAT32, 50f));
            w.put("gemma2.final_logit_softcapping", v(GgufValueType.FLOAT32, 30f));
            w.put("gemma2.attention.sliding_window", u32(8));
            if (!Float.isNaN(attentionScale)) {
                w.put("gemma2.attention.scale", v(GgufValueType.FLOAT32, attentionScale));
            }
            w.put("general.file_type", u32(0));
            Map<String, long[]> shapes = shapes();
            shapes.forEach((name, shape) -> w.addTensor(name, TensorType.F32, shape));
            shapes.forEach((name, shape) -> {
                int n = (int) (shape.length == 1 ? shape[0] : shape[0] * shape[1]);
                ByteBuffer b = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
                float scale = shape.length == 1 ? 0.1f : (float) (1 / Math.sqrt(shape[shape.length - 1]));
                for (int i = 0; i < n; i++) {
                    float x = (float) rnd.nextGaussian() * scale;
                    b.putFloat(shape.length == 1 ? 1 + x : x);
                }
                if (name.equals(poison)) {
                    b.putFloat(4 * (n / 2), Float.NaN);
                }
                w.writeData(MemorySegment.ofArray(b.array()));
            });
            w.finish();
        }
        return file;
    }

    private static GgufValue v(GgufValueType t, Object o) {
        return new GgufValue(t, o);
    }

    private static GgufValue u32(long x) {
        return new GgufValue(GgufValueType.UINT32, x);
    }
}
