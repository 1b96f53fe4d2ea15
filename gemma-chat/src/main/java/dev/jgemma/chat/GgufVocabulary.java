package dev.jgemma.chat;

import dev.jgemma.core.ModelFormatException;
import dev.jgemma.core.format.GgufValue;
import dev.jgemma.core.format.GgufValueType;
import dev.jgemma.tokenizer.GemmaTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * A tokenizer as GGUF metadata, the way llama.cpp's converter stores Gemma's vocabulary
 * ({@code tokenizer.ggml.*}: SentencePiece "llama" model, pieces, scores, token types, special
 * ids, and the chat template of {@code tokenizer_config.json} when there is one), so that a GGUF
 * made from an HF folder carries its tokenizer.
 *
 * <pre>{@code
 * GgufQuantizer.to(Quantization.Q4_K_M)
 *         .vocabulary(GgufVocabulary.of(Gemma.loadTokenizer(folder), folder))
 *         .quantize(folder, Path.of("model-Q4_K_M.gguf"));
 * }</pre>
 *
 * <p>Scores: a {@code tokenizer.json} holds merges, not scores; pieces then get the score
 * {@code -id} (normal pieces) or 0 (others), the reconstruction under which SentencePiece-style
 * merging by score reproduces HuggingFace's merge order (jgemma's array loader treats ties by id,
 * so it matches HuggingFace exactly).
 */
public final class GgufVocabulary {
    private GgufVocabulary() {
    }

    /**
     * @param tokenizer the tokenizer
     * @param folder the HF folder it came from (for {@code tokenizer_config.json}), or null
     * @return the metadata, in llama.cpp's key order
     * @throws ModelFormatException if {@code tokenizer_config.json} exists but is malformed
     */
    public static Map<String, GgufValue> of(GemmaTokenizer tokenizer, Path folder) {
        int n = tokenizer.vocabularySize();
        String[] pieces = new String[n];
        float[] scores = new float[n];
        long[] types = new long[n];
        for (int id = 0; id < n; id++) {
            pieces[id] = tokenizer.pieceOf(id);
            types[id] = tokenizer.tokenType(id).code();
            scores[id] = tokenizer.tokenType(id) == dev.jgemma.tokenizer.TokenType.NORMAL ? -id : 0f;
        }
        Map<String, GgufValue> m = new LinkedHashMap<>();
        m.put("tokenizer.ggml.model", new GgufValue(GgufValueType.STRING, "llama"));
        m.put("tokenizer.ggml.pre", new GgufValue(GgufValueType.STRING, "default"));
        m.put("tokenizer.ggml.tokens", new GgufValue(GgufValueType.ARRAY, new GgufValue.Array(GgufValueType.STRING, pieces)));
        m.put("tokenizer.ggml.scores", new GgufValue(GgufValueType.ARRAY, new GgufValue.Array(GgufValueType.FLOAT32, scores)));
        m.put("tokenizer.ggml.token_type", new GgufValue(GgufValueType.ARRAY, new GgufValue.Array(GgufValueType.INT32, types)));
        putId(m, "tokenizer.ggml.bos_token_id", tokenizer.bosId());
        putId(m, "tokenizer.ggml.eos_token_id", tokenizer.eosId());
        putId(m, "tokenizer.ggml.unknown_token_id", tokenizer.unkId());
        putId(m, "tokenizer.ggml.padding_token_id", tokenizer.padId());
        m.put("tokenizer.ggml.add_bos_token", new GgufValue(GgufValueType.BOOL, true));
        m.put("tokenizer.ggml.add_eos_token", new GgufValue(GgufValueType.BOOL, false));
        m.put("tokenizer.ggml.add_space_prefix", new GgufValue(GgufValueType.BOOL, false));
        if (folder != null) {
            String template = chatTemplate(folder.resolve("tokenizer_config.json"));
            if (template != null) {
                m.put("tokenizer.chat_template", new GgufValue(GgufValueType.STRING, template));
            }
        }
        return m;
    }

    private static void putId(Map<String, GgufValue> m, String key, int id) {
        if (id >= 0) {
            m.put(key, new GgufValue(GgufValueType.UINT32, (long) id));
        }
    }

    /** The top-level "chat_template" string of tokenizer_config.json, or null. */
    private static String chatTemplate(Path config) {
        if (!Files.isRegularFile(config)) {
            return null;
        }
        try (JsonParser p = new JsonFactory().createParser(ObjectReadContext.empty(), Files.readString(config))) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw ModelFormatException.of(config, "expected a JSON object");
            }
            String template = null;
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (name.equals("chat_template") && value == JsonToken.VALUE_STRING) {
                    template = p.getString();
                } else {
                    p.skipChildren();
                }
            }
            return template;
        } catch (IOException e) {
            throw new ModelFormatException(config + ": cannot read: " + e.getMessage(), e);
        } catch (JacksonException e) {
            throw new ModelFormatException(config + ": malformed JSON: " + e.getOriginalMessage(), e);
        }
    }
}
