package dev.jgemma.core;

import dev.jgemma.core.format.GgufFile;
import dev.jgemma.core.format.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * Everything that distinguishes one Gemma-2 checkpoint from another, as data: the forward pass
 * reads these fields and has no format- or size-specific branches. Built from an HF
 * {@code config.json} ({@link #fromHfConfig}) or GGUF {@code gemma2.*} metadata
 * ({@link #fromGguf}).
 *
 * @param vocabSize vocabulary size (256000 for released models)
 * @param hiddenSize model width
 * @param numLayers decoder layers
 * @param numHeads query heads
 * @param numKvHeads key/value heads (grouped-query attention: {@code numHeads % numKvHeads == 0})
 * @param headDim width of one head; {@code numHeads * headDim} need not equal {@code hiddenSize}
 * @param intermediateSize GeGLU width
 * @param slidingWindow the checkpoint's sliding-window size on its sliding layers
 * @param layerWindows per layer: the checkpoint's window, or 0 for global attention
 * @param queryScale factor applied to queries before the attention dot product
 *     ({@code query_pre_attn_scalar^-0.5})
 * @param attnSoftcap attention logit soft-cap ({@code cap * tanh(x / cap)}), 0 for none
 * @param finalSoftcap final logit soft-cap, 0 for none
 * @param ropeTheta RoPE base frequency
 * @param rmsNormEps RMSNorm epsilon
 * @param maxPositions longest context the checkpoint was trained for
 * @param normWeightOffset added to stored norm weights: 1 for HF files (which store {@code w} for
 *     {@code x * (1 + w)}), 0 for GGUF files (which store {@code 1 + w})
 */
public record Gemma2Config(
        int vocabSize,
        int hiddenSize,
        int numLayers,
        int numHeads,
        int numKvHeads,
        int headDim,
        int intermediateSize,
        int slidingWindow,
        int[] layerWindows,
        float queryScale,
        float attnSoftcap,
        float finalSoftcap,
        float ropeTheta,
        float rmsNormEps,
        int maxPositions,
        float normWeightOffset) {

    /** Validates every field. */
    public Gemma2Config {
        layerWindows = layerWindows.clone();
        positive("vocab_size", vocabSize);
        positive("hidden_size", hiddenSize);
        positive("num_hidden_layers", numLayers);
        positive("num_attention_heads", numHeads);
        positive("num_key_value_heads", numKvHeads);
        positive("head_dim", headDim);
        positive("intermediate_size", intermediateSize);
        positive("max_position_embeddings", maxPositions);
        if (numHeads % numKvHeads != 0) {
            throw new IllegalArgumentException("num_attention_heads (" + numHeads + ") must be a multiple of num_key_value_heads ("
                    + numKvHeads + ")");
        }
        if (headDim % 2 != 0) {
            throw new IllegalArgumentException("head_dim must be even for RoPE, got " + headDim);
        }
        if (layerWindows.length != numLayers) {
            throw new IllegalArgumentException("layerWindows has " + layerWindows.length + " entries for " + numLayers + " layers");
        }
        for (int w : layerWindows) {
            if (w < 0) {
                throw new IllegalArgumentException("negative sliding window " + w);
            }
        }
        if (!(queryScale > 0) || !Float.isFinite(queryScale)) {
            throw new IllegalArgumentException("query scale must be positive and finite, got " + queryScale);
        }
        if (!(attnSoftcap >= 0) || !(finalSoftcap >= 0) || !(ropeTheta > 0) || !(rmsNormEps > 0)) {
            throw new IllegalArgumentException("soft-caps must be >= 0, rope_theta and rms_norm_eps > 0");
        }
    }

    private static void positive(String field, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(field + " must be positive, got " + value);
        }
    }

    @Override
    public int[] layerWindows() {
        return layerWindows.clone();
    }

    /**
     * @param layer a layer index
     * @return whether the checkpoint uses sliding-window attention there (Gemma-2: even layers)
     */
    public boolean isSlidingLayer(int layer) {
        return layerWindows[layer] > 0;
    }

    /** @return the embedding scale {@code sqrt(hiddenSize)}, rounded to f32 as the reference does */
    public float embeddingScale() {
        return (float) Math.sqrt(hiddenSize);
    }

    /** @return query width {@code numHeads * headDim} */
    public int queryDim() {
        return numHeads * headDim;
    }

    /** @return key/value width {@code numKvHeads * headDim} */
    public int kvDim() {
        return numKvHeads * headDim;
    }

    /**
     * @param queryPreAttnScalar the new {@code query_pre_attn_scalar}
     * @return this config with queries scaled by {@code queryPreAttnScalar^-0.5}
     */
    public Gemma2Config withQueryPreAttnScalar(double queryPreAttnScalar) {
        if (!(queryPreAttnScalar > 0) || !Double.isFinite(queryPreAttnScalar)) {
            throw new IllegalArgumentException("query_pre_attn_scalar must be positive and finite, got " + queryPreAttnScalar);
        }
        return new Gemma2Config(vocabSize, hiddenSize, numLayers, numHeads, numKvHeads, headDim, intermediateSize, slidingWindow,
                layerWindows, (float) (1.0 / Math.sqrt(queryPreAttnScalar)), attnSoftcap, finalSoftcap, ropeTheta, rmsNormEps,
                maxPositions, normWeightOffset);
    }

    /** Gemma-2's layer pattern: the sliding window on even layers, global attention on odd ones. */
    static int[] alternatingWindows(int numLayers, int window) {
        int[] w = new int[numLayers];
        for (int i = 0; i < numLayers; i += 2) {
            w[i] = window;
        }
        return w;
    }

    /**
     * Reads an HF {@code config.json}.
     *
     * @param configJson the file
     * @return the config (norm weight offset 1)
     * @throws ModelFormatException naming the file and field if it is missing, malformed, or not Gemma-2
     */
    public static Gemma2Config fromHfConfig(Path configJson) {
        Map<String, Object> json;
        try {
            json = Json.asObject(Json.parse(Files.readString(configJson)));
        } catch (NoSuchFileException e) {
            throw ModelFormatException.of(configJson, "no such file");
        } catch (IOException e) {
            throw new ModelFormatException(configJson + ": cannot read: " + e.getMessage(), e);
        } catch (Json.JsonException e) {
            throw new ModelFormatException(configJson + ": " + e.getMessage(), e);
        }
        HfFields f = new HfFields(configJson, json);
        Object modelType = json.get("model_type");
        if (modelType != null && !"gemma2".equals(modelType)) {
            throw ModelFormatException.of(configJson, "field 'model_type' is " + Json.describe(modelType) + " '" + modelType
                    + "', expected 'gemma2'");
        }
        int layers = f.integer("num_hidden_layers", null);
        int heads = f.integer("num_attention_heads", null);
        int window = f.integer("sliding_window", 4096);
        try {
            return new Gemma2Config(
                    f.integer("vocab_size", null),
                    f.integer("hidden_size", null),
                    layers,
                    heads,
                    f.integer("num_key_value_heads", heads),
                    f.integer("head_dim", 256),
                    f.integer("intermediate_size", null),
                    window,
                    alternatingWindows(layers, window),
                    (float) (1.0 / Math.sqrt(f.number("query_pre_attn_scalar", 256.0))),
                    (float) f.optionalNumber("attn_logit_softcapping", 50.0),
                    (float) f.optionalNumber("final_logit_softcapping", 30.0),
                    (float) f.number("rope_theta", 10000.0),
                    (float) f.number("rms_norm_eps", 1e-6),
                    f.integer("max_position_embeddings", 8192),
                    1.0f);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(configJson + ": " + e.getMessage(), e);
        }
    }

    /** Typed access to config.json fields with errors that name the file and field. */
    private record HfFields(Path file, Map<String, Object> json) {
        int integer(String key, Integer dflt) {
            Object v = json.get(key);
            if (v == null) {
                if (dflt == null) {
                    throw ModelFormatException.of(file, "missing required field '" + key + "'");
                }
                return dflt;
            }
            if (v instanceof Long l && l > 0 && l <= Integer.MAX_VALUE) {
                return (int) (long) l;
            }
            throw ModelFormatException.of(file, "field '" + key + "' must be a positive integer, found " + Json.describe(v) + " " + v);
        }

        double number(String key, double dflt) {
            Object v = json.get(key);
            if (v == null) {
                return dflt;
            }
            if (v instanceof Number n && Double.isFinite(n.doubleValue()) && n.doubleValue() > 0) {
                return n.doubleValue();
            }
            throw ModelFormatException.of(file, "field '" + key + "' must be a positive number, found " + Json.describe(v) + " " + v);
        }

        /** A soft-cap: absent means the default, JSON null means disabled (0). */
        double optionalNumber(String key, double dflt) {
            if (json.containsKey(key) && json.get(key) == null) {
                return 0;
            }
            return number(key, dflt);
        }
    }

    /**
     * Reads GGUF {@code gemma2.*} metadata. GGUF has no {@code query_pre_attn_scalar}: queries are
     * scaled by {@code gemma2.attention.scale} when present, else by {@code head_dim^-0.5}, except
     * for 46-layer models (27B), which use {@code (hidden / heads)^-0.5}. RoPE theta is 10000
     * unless {@code gemma2.rope.freq_base} is present.
     *
     * @param gguf an open GGUF file
     * @return the config (norm weight offset 0)
     * @throws ModelFormatException naming the file and key if the file is not Gemma-2 or a key is
     *     missing or malformed
     */
    public static Gemma2Config fromGguf(GgufFile gguf) {
        Path file = gguf.path();
        String arch = gguf.string("general.architecture").orElseThrow(() ->
                ModelFormatException.of(file, "missing metadata 'general.architecture'"));
        if (!arch.equals("gemma2")) {
            throw ModelFormatException.of(file, "metadata 'general.architecture' is '" + arch + "', expected 'gemma2'");
        }
        int hidden = ggufInt(gguf, "gemma2.embedding_length", null);
        int layers = ggufInt(gguf, "gemma2.block_count", null);
        int heads = ggufInt(gguf, "gemma2.attention.head_count", null);
        int kvHeads = ggufInt(gguf, "gemma2.attention.head_count_kv", heads);
        int headDim = ggufInt(gguf, "gemma2.attention.key_length", hidden / heads);
        int valueDim = ggufInt(gguf, "gemma2.attention.value_length", headDim);
        if (valueDim != headDim) {
            throw ModelFormatException.of(file, "metadata 'gemma2.attention.value_length' (" + valueDim
                    + ") differs from 'gemma2.attention.key_length' (" + headDim + ")");
        }
        int window = ggufInt(gguf, "gemma2.attention.sliding_window", 4096);
        int vocab = vocabSize(gguf);
        float queryScale;
        if (gguf.number("gemma2.attention.scale").isPresent()) {
            queryScale = (float) (double) gguf.number("gemma2.attention.scale").get();
        } else if (layers == 46) {
            queryScale = (float) (1.0 / Math.sqrt((double) hidden / heads));
        } else {
            queryScale = (float) (1.0 / Math.sqrt(headDim));
        }
        try {
            return new Gemma2Config(
                    vocab, hidden, layers, heads, kvHeads, headDim,
                    ggufInt(gguf, "gemma2.feed_forward_length", null),
                    window,
                    alternatingWindows(layers, window),
                    queryScale,
                    (float) ggufNumber(gguf, "gemma2.attn_logit_softcapping", 50.0),
                    (float) ggufNumber(gguf, "gemma2.final_logit_softcapping", 30.0),
                    (float) ggufNumber(gguf, "gemma2.rope.freq_base", 10000.0),
                    (float) ggufNumber(gguf, "gemma2.attention.layer_norm_rms_epsilon", 1e-6),
                    ggufInt(gguf, "gemma2.context_length", 8192),
                    0f);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(file + ": " + e.getMessage(), e);
        }
    }

    private static int vocabSize(GgufFile gguf) {
        var embedding = gguf.find("token_embd.weight");
        if (embedding.isPresent() && embedding.get().rank() == 2) {
            long rows = embedding.get().dim(0);
            if (rows > 0 && rows <= Integer.MAX_VALUE) {
                return (int) rows;
            }
        }
        var tokens = gguf.array("tokenizer.ggml.tokens");
        if (tokens.isPresent()) {
            return tokens.get().length();
        }
        throw ModelFormatException.of(gguf.path(), "cannot tell the vocabulary size: no 2-D tensor 'token_embd.weight'");
    }

    private static int ggufInt(GgufFile gguf, String key, Integer dflt) {
        var v = gguf.integer(key);
        if (v.isEmpty()) {
            if (dflt == null) {
                throw ModelFormatException.of(gguf.path(), "missing metadata '" + key + "'");
            }
            return dflt;
        }
        long l = v.get();
        if (l <= 0 || l > Integer.MAX_VALUE) {
            throw ModelFormatException.of(gguf.path(), "metadata '" + key + "' must be a positive integer, found " + l);
        }
        return (int) l;
    }

    private static double ggufNumber(GgufFile gguf, String key, double dflt) {
        var v = gguf.number(key);
        if (v.isEmpty()) {
            return dflt;
        }
        double d = v.get();
        if (!Double.isFinite(d) || d < 0) {
            throw ModelFormatException.of(gguf.path(), "metadata '" + key + "' must be a non-negative number, found " + d);
        }
        return d;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Gemma2Config c && vocabSize == c.vocabSize && hiddenSize == c.hiddenSize && numLayers == c.numLayers
                && numHeads == c.numHeads && numKvHeads == c.numKvHeads && headDim == c.headDim
                && intermediateSize == c.intermediateSize && slidingWindow == c.slidingWindow
                && Arrays.equals(layerWindows, c.layerWindows) && Float.compare(queryScale, c.queryScale) == 0
                && Float.compare(attnSoftcap, c.attnSoftcap) == 0 && Float.compare(finalSoftcap, c.finalSoftcap) == 0
                && Float.compare(ropeTheta, c.ropeTheta) == 0 && Float.compare(rmsNormEps, c.rmsNormEps) == 0
                && maxPositions == c.maxPositions && Float.compare(normWeightOffset, c.normWeightOffset) == 0;
    }

    @Override
    public int hashCode() {
        return (vocabSize * 31 + hiddenSize) * 31 + numLayers;
    }

    @Override
    public String toString() {
        return "Gemma2Config[vocab=" + vocabSize + ", hidden=" + hiddenSize + ", layers=" + numLayers + ", heads=" + numHeads
                + ", kvHeads=" + numKvHeads + ", headDim=" + headDim + ", intermediate=" + intermediateSize
                + ", slidingWindow=" + slidingWindow + ", layerWindows=" + Arrays.toString(layerWindows)
                + ", queryScale=" + queryScale + ", attnSoftcap=" + attnSoftcap + ", finalSoftcap=" + finalSoftcap
                + ", ropeTheta=" + ropeTheta + ", rmsNormEps=" + rmsNormEps + ", maxPositions=" + maxPositions
                + ", normWeightOffset=" + normWeightOffset + "]";
    }
}
