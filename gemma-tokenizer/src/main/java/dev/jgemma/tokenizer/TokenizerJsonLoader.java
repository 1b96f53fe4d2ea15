package dev.jgemma.tokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.TokenStreamFactory;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.JacksonIOException;
import tools.jackson.core.json.JsonFactory;

/**
 * Reads a HuggingFace {@code tokenizer.json} with Jackson's streaming parser: no tree, no
 * {@code String} per merge (merge texts are resolved straight from the parser's char buffer), the
 * vocabulary straight into a {@link PieceTable}.
 *
 * <p>Accepts what Gemma's file uses and rejects, with a message, what this tokenizer would not
 * reproduce: a model type other than BPE, a pre-tokenizer, a normalizer other than
 * {@code Replace(' ', '▁')}, a decoder other than {@code Replace('▁', ' ') + ByteFallback + Fuse},
 * dropout, subword prefixes or suffixes, {@code ignore_merges}, and added tokens with
 * lstrip/rstrip/single_word.
 */
final class TokenizerJsonLoader {
    /**
     * Property names stay canonicalized: without that Jackson reads bytes through a
     * {@code Reader}, which is slower; interning 256,000 vocabulary names would be wasted work.
     */
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .disable(TokenStreamFactory.Feature.INTERN_PROPERTY_NAMES)
            .build();
    /** Guard against absurd ids that would make us allocate gigabytes. */
    private static final int MAX_ID = PieceTable.MAX_PIECES;

    private final String source;
    private final List<AddedToken> addedTokens = new ArrayList<>();
    private boolean escapeSpaces;
    private String modelType;
    private boolean vocabIsArray;
    private String unkToken;
    private boolean byteFallback;
    /** A model option we cannot honour; reported after the model type, which matters more. */
    private String unsupportedOption;
    private String[] vocab;
    private PieceTable pieces;
    private MergeTable merges;
    private int mergeCount;
    private MergeListResolver resolver;
    /** Merges seen before the vocabulary (not Gemma's order), resolved once it is known. */
    private List<String[]> pendingMerges;

    private record AddedToken(int id, String content, boolean special, boolean normalized) {
    }

    private TokenizerJsonLoader(String source) {
        this.source = source;
    }

    static ModelData load(Path file) {
        String source = file.toString();
        // Streamed, not read whole: a 17 MB array would be one more large allocation for the GC.
        try (InputStream in = Files.newInputStream(file)) {
            return new TokenizerJsonLoader(source).parse(in);
        } catch (IOException e) {
            throw new TokenizerException(source, "cannot read the file (" + e + ")", e);
        }
    }

    private ModelData parse(InputStream in) {
        try (JsonParser p = FACTORY.createParser(ObjectReadContext.empty(), in)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw fail("the file is empty");
            }
            if (first != JsonToken.START_OBJECT) {
                throw fail("expected a JSON object at the top level, found " + first);
            }
            boolean sawModel = false;
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "added_tokens" -> parseAddedTokens(p, value);
                    case "normalizer" -> parseNormalizer(p, value);
                    case "pre_tokenizer" -> {
                        if (value != JsonToken.VALUE_NULL) {
                            throw fail("a pre_tokenizer is not supported (Gemma's tokenizer.json has \"pre_tokenizer\": null)");
                        }
                    }
                    case "decoder" -> parseDecoder(p, value);
                    case "model" -> {
                        parseModel(p, value);
                        sawModel = true;
                    }
                    default -> p.skipChildren();
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT) {
                throw fail("malformed JSON at the top level");
            }
            if (p.nextToken() != null) {
                throw fail("unexpected content after the top-level object at " + where(p.currentTokenLocation()));
            }
            if (!sawModel) {
                throw fail("there is no \"model\" section");
            }
        } catch (JacksonIOException e) {
            throw new TokenizerException(source, "cannot read the file (" + e.getCause() + ")", e);
        } catch (JacksonException e) {
            throw new TokenizerException(source, "malformed or truncated JSON at " + where(e.getLocation()) + ": "
                    + e.getOriginalMessage(), e);
        }
        return finish();
    }

    private static String where(TokenStreamLocation location) {
        if (location == null || location == TokenStreamLocation.NA) {
            return "an unknown position";
        }
        return "line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    private TokenizerException fail(String problem) {
        return new TokenizerException(source, problem);
    }

    private void expect(JsonToken actual, JsonToken expected, String what) {
        if (actual != expected) {
            throw fail(what + " must be " + describe(expected) + ", found " + describe(actual));
        }
    }

    private static String describe(JsonToken token) {
        if (token == null) {
            return "the end of the file";
        }
        return switch (token) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT -> "an integer";
            case VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> token.toString();
        };
    }

    // ---- added_tokens ----------------------------------------------------------------------

    private void parseAddedTokens(JsonParser p, JsonToken value) {
        if (value == JsonToken.VALUE_NULL) {
            return;
        }
        expect(value, JsonToken.START_ARRAY, "\"added_tokens\"");
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            expect(t, JsonToken.START_OBJECT, "an entry of \"added_tokens\"");
            int id = -1;
            String content = null;
            boolean special = false;
            boolean normalized = false;
            String unsupported = null;
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                switch (name) {
                    case "id" -> id = readId(p, v, "the id of an added token");
                    case "content" -> {
                        expect(v, JsonToken.VALUE_STRING, "the content of an added token");
                        content = p.getString();
                    }
                    case "special" -> special = v == JsonToken.VALUE_TRUE;
                    case "normalized" -> normalized = v == JsonToken.VALUE_TRUE;
                    case "single_word", "lstrip", "rstrip" -> {
                        if (v == JsonToken.VALUE_TRUE) {
                            unsupported = name;
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (id < 0 || content == null) {
                throw fail("an entry of \"added_tokens\" lacks its \"id\" or \"content\"");
            }
            if (unsupported != null) {
                throw fail("added token \"" + Strings.escape(content) + "\" (id " + id + ") sets \"" + unsupported
                        + "\": true, which is not supported");
            }
            addedTokens.add(new AddedToken(id, content, special, normalized));
        }
    }

    private int readId(JsonParser p, JsonToken v, String what) {
        expect(v, JsonToken.VALUE_NUMBER_INT, what);
        long id = p.getLongValue();
        if (id < 0 || id >= MAX_ID) {
            throw fail(what + " is " + id + ", outside 0.." + (MAX_ID - 1));
        }
        return (int) id;
    }

    // ---- normalizer and decoder --------------------------------------------------------------

    /** A normalizer or decoder step, as far as we need to know it. */
    private record Step(String type, String pattern, String content, List<Step> children) {
    }

    private Step parseStep(JsonParser p, JsonToken value, String what, String childrenKey) {
        expect(value, JsonToken.START_OBJECT, what);
        String type = null;
        String pattern = null;
        String content = null;
        List<Step> children = new ArrayList<>();
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if (name.equals("type") && v == JsonToken.VALUE_STRING) {
                type = p.getString();
            } else if (name.equals("content") && v == JsonToken.VALUE_STRING) {
                content = p.getString();
            } else if (name.equals("pattern") && v == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                    String kind = p.currentName();
                    JsonToken pv = p.nextToken();
                    if (kind.equals("String") && pv == JsonToken.VALUE_STRING) {
                        pattern = p.getString();
                    } else {
                        p.skipChildren();
                        pattern = "\u0000" + kind; // a regex or other pattern: never equal to what we accept
                    }
                }
            } else if (name.equals(childrenKey) && v == JsonToken.START_ARRAY) {
                JsonToken c;
                while ((c = p.nextToken()) != JsonToken.END_ARRAY) {
                    children.add(parseStep(p, c, what, childrenKey));
                }
            } else {
                p.skipChildren();
            }
        }
        return new Step(type, pattern, content, children);
    }

    private void parseNormalizer(JsonParser p, JsonToken value) {
        if (value == JsonToken.VALUE_NULL) {
            return;
        }
        Step normalizer = parseStep(p, value, "\"normalizer\"", "normalizers");
        List<Step> steps = "Sequence".equals(normalizer.type()) ? normalizer.children() : List.of(normalizer);
        for (Step step : steps) {
            if ("Replace".equals(step.type()) && " ".equals(step.pattern()) && "\u2581".equals(step.content())) {
                escapeSpaces = true;
            } else {
                throw fail("normalizer " + describe(step) + " is not supported (Gemma's tokenizer.json has "
                        + "Replace(' ' -> '\u2581') only)");
            }
        }
    }

    private void parseDecoder(JsonParser p, JsonToken value) {
        if (value == JsonToken.VALUE_NULL) {
            throw fail("\"decoder\" is null; Gemma's tokenizer.json has Sequence[Replace('\u2581' -> ' '), "
                    + "ByteFallback, Fuse], which this tokenizer implements");
        }
        Step decoder = parseStep(p, value, "\"decoder\"", "decoders");
        List<Step> steps = "Sequence".equals(decoder.type()) ? decoder.children() : List.of(decoder);
        List<String> kinds = new ArrayList<>();
        for (Step step : steps) {
            if ("Replace".equals(step.type()) && "\u2581".equals(step.pattern()) && " ".equals(step.content())) {
                kinds.add("Replace");
            } else if ("ByteFallback".equals(step.type()) || "Fuse".equals(step.type())) {
                kinds.add(step.type());
            } else {
                throw fail("decoder " + describe(step) + " is not supported (Gemma's tokenizer.json has "
                        + "Sequence[Replace('\u2581' -> ' '), ByteFallback, Fuse])");
            }
        }
        if (!kinds.equals(List.of("Replace", "ByteFallback", "Fuse"))) {
            throw fail("decoder Sequence" + kinds + " is not supported (Gemma's tokenizer.json has "
                    + "Sequence[Replace, ByteFallback, Fuse])");
        }
    }

    private static String describe(Step step) {
        StringBuilder out = new StringBuilder(String.valueOf(step.type()));
        if (step.pattern() != null || step.content() != null) {
            out.append("('").append(Strings.escape(String.valueOf(step.pattern()))).append("' -> '")
                    .append(Strings.escape(String.valueOf(step.content()))).append("')");
        }
        return out.toString();
    }

    // ---- model -----------------------------------------------------------------------------------

    private void parseModel(JsonParser p, JsonToken value) {
        expect(value, JsonToken.START_OBJECT, "\"model\"");
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "type" -> {
                    expect(v, JsonToken.VALUE_STRING, "the model type");
                    modelType = p.getString();
                }
                case "unk_token" -> unkToken = v == JsonToken.VALUE_NULL ? null : p.getValueAsString();
                case "byte_fallback" -> byteFallback = v == JsonToken.VALUE_TRUE;
                case "dropout" -> {
                    if (v != JsonToken.VALUE_NULL && p.getDoubleValue() != 0.0) {
                        unsupportedOption = "BPE dropout (" + p.getDoubleValue() + ") is not supported";
                    }
                }
                case "continuing_subword_prefix", "end_of_word_suffix" -> {
                    if (v != JsonToken.VALUE_NULL && !p.getValueAsString("").isEmpty()) {
                        unsupportedOption = "\"" + name + "\" (\"" + Strings.escape(p.getValueAsString(""))
                                + "\") is not supported";
                    }
                }
                case "ignore_merges" -> {
                    if (v == JsonToken.VALUE_TRUE) {
                        unsupportedOption = "\"ignore_merges\": true is not supported";
                    }
                }
                case "vocab" -> parseVocab(p, v);
                case "merges" -> parseMerges(p, v);
                default -> p.skipChildren();
            }
        }
    }

    private void parseVocab(JsonParser p, JsonToken value) {
        if (value == JsonToken.START_ARRAY) {
            vocabIsArray = true; // a Unigram vocabulary: [[piece, score], ...]
            p.skipChildren();
            return;
        }
        expect(value, JsonToken.START_OBJECT, "the vocabulary (\"model\".\"vocab\")");
        String[] byId = new String[1 << 16];
        int count = 0;
        int maxId = -1;
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String piece = p.currentName();
            JsonToken idToken = p.nextToken();
            long id = idToken == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : -1;
            if (id < 0 || id >= MAX_ID) {
                readId(p, idToken, "the id of vocabulary piece \"" + Strings.escape(piece) + "\""); // throws
            }
            int at = (int) id;
            if (at >= byId.length) {
                byId = Arrays.copyOf(byId, Math.max(at + 1, byId.length * 2));
            }
            if (byId[at] != null) {
                throw fail("the vocabulary has duplicate id " + id + " (pieces \"" + Strings.escape(byId[at])
                        + "\" and \"" + Strings.escape(piece) + "\")");
            }
            byId[at] = piece;
            maxId = Math.max(maxId, at);
            count++;
        }
        if (count == 0) {
            throw fail("the vocabulary is empty");
        }
        vocab = Arrays.copyOf(byId, maxId + 1);
        pieces = PieceTable.of(source, vocab); // reports gaps and duplicate pieces
        if (pendingMerges != null) {
            MergeListResolver late = new MergeListResolver(source, pieces, merges);
            for (int rank = 0; rank < pendingMerges.size(); rank++) {
                char[] l = pendingMerges.get(rank)[0].toCharArray();
                char[] r = pendingMerges.get(rank)[1].toCharArray();
                late.add(rank, l, 0, l.length, r, 0, r.length);
            }
            late.flush();
            pendingMerges = null;
        }
    }

    private void parseMerges(JsonParser p, JsonToken value) {
        expect(value, JsonToken.START_ARRAY, "\"merges\"");
        if (merges == null) {
            merges = new MergeTable(vocab != null ? vocab.length * 9 / 4 : 1 << 16);
        }
        if (pieces != null && resolver == null) {
            resolver = new MergeListResolver(source, pieces, merges);
        }
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t == JsonToken.VALUE_STRING) {
                char[] text = p.getStringCharacters();
                int start = p.getStringOffset();
                int end = start + p.getStringLength();
                int space = -1;
                for (int i = start; i < end; i++) {
                    if (text[i] == ' ') {
                        if (space >= 0) {
                            space = -2;
                            break;
                        }
                        space = i;
                    }
                }
                if (space < 0) {
                    throw fail("merge #" + (mergeCount + 1) + " \"" + Strings.escape(new String(text, start, end - start))
                            + "\" is not two pieces separated by one space");
                }
                if (pieces != null) {
                    resolver.add(mergeCount, text, start, space, text, space + 1, end);
                } else {
                    defer(new String(text, start, space - start), new String(text, space + 1, end - space - 1));
                }
            } else if (t == JsonToken.START_ARRAY) {
                JsonToken first = p.nextToken();
                String left = first == JsonToken.VALUE_STRING ? p.getString() : null;
                JsonToken second = p.nextToken();
                String right = second == JsonToken.VALUE_STRING ? p.getString() : null;
                if (left == null || right == null || p.nextToken() != JsonToken.END_ARRAY) {
                    throw fail("merge #" + (mergeCount + 1) + " must be a pair of strings [\"a\", \"b\"]");
                }
                if (pieces != null) {
                    resolver.add(mergeCount, left.toCharArray(), 0, left.length(), right.toCharArray(), 0, right.length());
                } else {
                    defer(left, right);
                }
            } else {
                throw fail("merge #" + (mergeCount + 1) + " must be a string \"a b\" or an array [\"a\", \"b\"], found "
                        + describe(t));
            }
            mergeCount++;
        }
        if (resolver != null) {
            resolver.flush();
        }
    }

    private void defer(String left, String right) {
        if (pendingMerges == null) {
            pendingMerges = new ArrayList<>();
        }
        pendingMerges.add(new String[] {left, right});
    }

    // ---- assembly -------------------------------------------------------------------------------

    private ModelData finish() {
        if (modelType == null && !vocabIsArray && merges != null) {
            modelType = "BPE"; // files written before "type" existed
        }
        if (modelType == null) {
            throw fail("the model has no \"type\"");
        }
        if (!modelType.equals("BPE")) {
            throw fail("model type \"" + Strings.escape(modelType) + "\" is not supported (only \"BPE\", as in Gemma's tokenizer.json)");
        }
        if (unsupportedOption != null) {
            throw fail(unsupportedOption);
        }
        if (vocab == null) {
            throw fail(vocabIsArray ? "the BPE vocabulary (\"model\".\"vocab\") is an array; it must be an object {piece: id}"
                    : "the model has no vocabulary (\"model\".\"vocab\")");
        }
        if (merges == null) {
            throw fail("the model has no \"merges\"");
        }
        int size = vocab.length;
        TokenType[] types = new TokenType[size];
        char[] pool = pieces.pool();
        for (int id = 0; id < size; id++) {
            types[id] = ModelData.byteValue(pool, pieces.start(id), pieces.end(id)) >= 0 ? TokenType.BYTE : TokenType.NORMAL;
        }
        boolean[] flagged = new boolean[size];
        int[] addedIds = new int[addedTokens.size()];
        int unkId = unkToken != null ? pieces.idOf(unkToken) : -1;
        if (unkToken != null && unkId < 0) {
            throw fail("the unknown token \"" + Strings.escape(unkToken) + "\" is not in the vocabulary");
        }
        for (int i = 0; i < addedTokens.size(); i++) {
            AddedToken token = addedTokens.get(i);
            if (token.id() >= size || !vocab[token.id()].equals(token.content())) {
                throw fail("added token \"" + Strings.escape(token.content()) + "\" has id " + token.id()
                        + ", but the vocabulary has " + (token.id() < size
                                ? "\"" + Strings.escape(vocab[token.id()]) + "\" there"
                                : "only " + size + " ids"));
            }
            if (token.normalized() && escapeSpaces && token.content().indexOf(' ') >= 0) {
                throw fail("added token \"" + Strings.escape(token.content()) + "\" (id " + token.id()
                        + ") is \"normalized\" and contains a space, which is not supported");
            }
            addedIds[i] = token.id();
            flagged[token.id()] = token.special();
            types[token.id()] = token.special()
                    ? (token.id() == unkId ? TokenType.UNKNOWN : TokenType.CONTROL)
                    : TokenType.USER_DEFINED;
        }
        if (unkId >= 0) {
            types[unkId] = TokenType.UNKNOWN;
        }
        int bosId = requiredPiece("<bos>");
        int eosId = requiredPiece("<eos>");
        int padId = pieces.idOf("<pad>");
        boolean[] special = ModelData.specialSet(pieces, types, flagged);
        return new ModelData(source, pieces, types, merges, addedIds, special, true, escapeSpaces,
                byteFallback, unkId, bosId, eosId, padId);
    }

    private int requiredPiece(String piece) {
        int id = pieces.idOf(piece);
        if (id < 0) {
            throw fail("the vocabulary has no " + piece + " piece");
        }
        return id;
    }
}
