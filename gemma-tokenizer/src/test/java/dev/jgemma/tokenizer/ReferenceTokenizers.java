package dev.jgemma.tokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.json.JsonFactory;

/**
 * The tokenizers under test, loaded once per test JVM (loading the 256k vocabulary takes a
 * moment), and the GGUF-style arrays of the real vocabulary, built independently of the code
 * under test from tokenizer.json the way a Gemma GGUF stores them.
 */
final class ReferenceTokenizers {
    private static GemmaTokenizer json;
    private static GemmaTokenizer sentencePiece;
    private static GemmaTokenizer ggufArrays;
    private static GemmaTokenizer spmScoredArrays;
    private static GgufVocabulary vocabulary;

    private ReferenceTokenizers() {
    }

    /** From the real tokenizer.json. */
    static synchronized GemmaTokenizer json() {
        if (json == null) {
            json = GemmaTokenizer.fromTokenizerJson(Fixtures.tokenizerJson());
        }
        return json;
    }

    /** From the shared SentencePiece model of the same vocabulary. */
    static synchronized GemmaTokenizer sentencePiece() {
        if (sentencePiece == null) {
            sentencePiece = GemmaTokenizer.fromSentencePieceModel(Fixtures.shared("fixtures/tokenizer/gemma-tokenizer.model"));
        }
        return sentencePiece;
    }

    /**
     * From GGUF-style arrays exactly as the shared Gemma-2 GGUF fixture stores them: scores -id for
     * NORMAL pieces and 0 for all others.
     */
    static synchronized GemmaTokenizer ggufArrays() {
        if (ggufArrays == null) {
            GgufVocabulary v = vocabulary();
            ggufArrays = GemmaTokenizer.fromVocabulary("gguf-arrays", v.pieces(), v.scores(), v.types());
        }
        return ggufArrays;
    }

    /**
     * From GGUF-style arrays with SentencePiece's score convention (as real Gemma GGUFs carry it):
     * -(id - 473) for NORMAL pieces from the first learned merge on, 0 for all others.
     */
    static synchronized GemmaTokenizer spmScoredArrays() {
        if (spmScoredArrays == null) {
            GgufVocabulary v = vocabulary();
            float[] scores = new float[v.types().length];
            for (int id = 0; id < scores.length; id++) {
                scores[id] = v.types()[id] == TokenType.NORMAL.code() && id >= 473 ? -(id - 473) : 0f;
            }
            spmScoredArrays = GemmaTokenizer.fromVocabulary("spm-scored-arrays", v.pieces(), scores, v.types());
        }
        return spmScoredArrays;
    }

    /** Pieces, scores and token types of tokenizer.json as a Gemma GGUF stores them. */
    record GgufVocabulary(List<String> pieces, float[] scores, int[] types) {
    }

    private static final Pattern BYTE_PIECE = Pattern.compile("<0x[0-9A-F]{2}>");

    static synchronized GgufVocabulary vocabulary() {
        if (vocabulary != null) {
            return vocabulary;
        }
        String[] pieces = new String[1 << 18];
        int size = 0;
        List<long[]> added = new ArrayList<>(); // {id, special}
        try (JsonParser p = new JsonFactory().createParser(Files.newInputStream(Fixtures.tokenizerJson()))) {
            p.nextToken();
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = p.currentName();
                p.nextToken();
                if (name.equals("added_tokens")) {
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        long id = -1;
                        boolean special = false;
                        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                            String field = p.currentName();
                            JsonToken v = p.nextToken();
                            if (field.equals("id")) {
                                id = p.getLongValue();
                            } else if (field.equals("special")) {
                                special = v == JsonToken.VALUE_TRUE;
                            } else {
                                p.skipChildren();
                            }
                        }
                        added.add(new long[] {id, special ? 1 : 0});
                    }
                } else if (name.equals("model")) {
                    while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                        String field = p.currentName();
                        p.nextToken();
                        if (field.equals("vocab")) {
                            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                                String piece = p.currentName();
                                p.nextToken();
                                int id = p.getIntValue();
                                pieces[id] = piece;
                                size = Math.max(size, id + 1);
                            }
                        } else {
                            p.skipChildren();
                        }
                    }
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int[] types = new int[size];
        float[] scores = new float[size];
        for (int id = 0; id < size; id++) {
            types[id] = BYTE_PIECE.matcher(pieces[id]).matches() ? TokenType.BYTE.code() : TokenType.NORMAL.code();
        }
        for (long[] token : added) {
            types[(int) token[0]] = token[1] == 1 ? TokenType.CONTROL.code() : TokenType.USER_DEFINED.code();
        }
        for (int id = 0; id < size; id++) {
            scores[id] = types[id] == TokenType.NORMAL.code() ? -id : 0f;
        }
        vocabulary = new GgufVocabulary(List.of(Arrays.copyOf(pieces, size)), scores, types);
        return vocabulary;
    }
}
