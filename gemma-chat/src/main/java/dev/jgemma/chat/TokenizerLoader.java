package dev.jgemma.chat;

import dev.jgemma.core.Gemma2Model;
import dev.jgemma.core.ModelFormatException;
import dev.jgemma.core.format.GgufFile;
import dev.jgemma.core.format.GgufValue;
import dev.jgemma.tokenizer.GemmaTokenizer;
import dev.jgemma.tokenizer.TokenizerException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Finds and loads the tokenizer that goes with a model: an explicit file, else the
 * {@code tokenizer.json} or {@code tokenizer.model} next to an HF checkpoint, else the
 * vocabulary in a GGUF file's metadata. Every failure is a {@link ModelFormatException} naming
 * the file and what is wrong.
 */
final class TokenizerLoader {
    static final String TOKENS = "tokenizer.ggml.tokens";
    static final String SCORES = "tokenizer.ggml.scores";
    static final String TYPES = "tokenizer.ggml.token_type";

    private TokenizerLoader() {
    }

    /**
     * @param model the loaded model
     * @param explicit a tokenizer file chosen by the user, or null
     * @return the tokenizer, checked against the model
     */
    static GemmaTokenizer load(Gemma2Model model, Path explicit) {
        GemmaTokenizer tokenizer;
        if (explicit != null) {
            tokenizer = fromFile(explicit);
        } else if (model.tensors() instanceof GgufFile gguf) {
            tokenizer = fromGguf(gguf);
        } else {
            tokenizer = fromFolder(model.path());
        }
        check(tokenizer, model);
        return tokenizer;
    }

    static GemmaTokenizer fromFolder(Path folder) {
        Path json = folder.resolve("tokenizer.json");
        Path spm = folder.resolve("tokenizer.model");
        if (Files.isRegularFile(json)) {
            return fromFile(json);
        }
        if (Files.isRegularFile(spm)) {
            return fromFile(spm);
        }
        throw ModelFormatException.of(folder, "no tokenizer.json or tokenizer.model in this folder; pass the tokenizer file "
                + "with Gemma.builder(path).tokenizer(file) (gemma CLI: --tokenizer FILE)");
    }

    static GemmaTokenizer fromFile(Path file) {
        if (Files.isDirectory(file)) {
            return fromFolder(file);
        }
        if (!Files.isRegularFile(file)) {
            throw ModelFormatException.of(file, "no such tokenizer file");
        }
        try {
            if (file.getFileName().toString().endsWith(".gguf")) {
                try (GgufFile gguf = GgufFile.open(file)) {
                    return fromGguf(gguf);
                }
            }
            return GemmaTokenizer.load(file); // tokenizer.json by name or content, else tokenizer.model
        } catch (TokenizerException e) {
            throw new ModelFormatException(e.getMessage(), e);
        }
    }

    /** Reads the vocabulary arrays of a GGUF file (the tokenizer module knows nothing of GGUF). */
    static GemmaTokenizer fromGguf(GgufFile gguf) {
        Path path = gguf.path();
        String kind = gguf.string("tokenizer.ggml.model").orElseThrow(() -> ModelFormatException.of(path,
                "no tokenizer in the metadata (missing 'tokenizer.ggml.model'); pass a tokenizer.json or tokenizer.model"));
        if (!kind.equals("llama")) {
            throw ModelFormatException.of(path, "metadata 'tokenizer.ggml.model' is '" + kind
                    + "' but Gemma uses a SentencePiece (llama) tokenizer");
        }
        String[] pieces = switch (array(gguf, TOKENS).values()) {
            case String[] s -> s;
            default -> throw ModelFormatException.of(path, "metadata '" + TOKENS + "' should be an array of strings");
        };
        float[] scores = switch (array(gguf, SCORES).values()) {
            case float[] f -> f;
            case double[] d -> toFloats(d);
            default -> throw ModelFormatException.of(path, "metadata '" + SCORES + "' should be an array of floats");
        };
        int[] types = switch (array(gguf, TYPES).values()) {
            case long[] l -> toInts(path, l);
            default -> throw ModelFormatException.of(path, "metadata '" + TYPES + "' should be an array of integers");
        };
        if (scores.length != pieces.length || types.length != pieces.length) {
            throw ModelFormatException.of(path, "tokenizer arrays differ in length: " + pieces.length + " tokens, "
                    + scores.length + " scores, " + types.length + " token types");
        }
        GemmaTokenizer tokenizer;
        try {
            tokenizer = GemmaTokenizer.fromVocabulary(path.toString(), List.of(pieces), scores, types);
        } catch (TokenizerException e) {
            throw new ModelFormatException(e.getMessage(), e);
        }
        checkId(gguf, "tokenizer.ggml.bos_token_id", tokenizer.bosId());
        checkId(gguf, "tokenizer.ggml.eos_token_id", tokenizer.eosId());
        return tokenizer;
    }

    private static GgufValue.Array array(GgufFile gguf, String key) {
        return gguf.array(key).orElseThrow(() -> ModelFormatException.of(gguf.path(), "missing tokenizer metadata '" + key + "'"));
    }

    private static void checkId(GgufFile gguf, String key, int found) {
        gguf.integer(key).ifPresent(id -> {
            if (id != found) {
                throw ModelFormatException.of(gguf.path(), "metadata '" + key + "' is " + id + " but that token's piece is not where "
                        + "the vocabulary has it (id " + found + ")");
            }
        });
    }

    private static int[] toInts(Path path, long[] values) {
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            if (values[i] < 0 || values[i] > 6) {
                throw ModelFormatException.of(path, "metadata '" + TYPES + "' has type " + values[i] + " at index " + i
                        + " (valid: 1..6)");
            }
            out[i] = (int) values[i];
        }
        return out;
    }

    private static float[] toFloats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    /** The tokenizer must be a Gemma chat tokenizer whose ids the model can embed. */
    private static void check(GemmaTokenizer t, Gemma2Model model) {
        if (t.startOfTurnId() < 0 || t.endOfTurnId() < 0) {
            throw new ModelFormatException(t.source() + ": the vocabulary has no <start_of_turn>/<end_of_turn> tokens; "
                    + "it is not a Gemma chat tokenizer");
        }
        int vocab = model.config().vocabSize();
        if (t.vocabularySize() > vocab) {
            throw new ModelFormatException(t.source() + ": the tokenizer has " + t.vocabularySize() + " tokens but the model "
                    + model.path() + " embeds only " + vocab + "; they do not belong together");
        }
    }
}
