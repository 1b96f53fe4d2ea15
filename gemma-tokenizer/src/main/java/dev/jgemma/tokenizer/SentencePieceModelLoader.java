package dev.jgemma.tokenizer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads a SentencePiece {@code tokenizer.model}: a serialized {@code sentencepiece.ModelProto}
 * (proto2). Only the fields that encoding needs are read:
 * <pre>
 * ModelProto      1 pieces (repeated SentencePiece), 2 trainer_spec, 3 normalizer_spec
 * SentencePiece   1 piece (string), 2 score (float), 3 type (enum, absent = NORMAL)
 * TrainerSpec     3 model_type (absent = UNIGRAM), 35 byte_fallback,
 *                 40 unk_id (absent = 0), 41 bos_id (1), 42 eos_id (2), 43 pad_id (-1)
 * NormalizerSpec  1 name, 2 precompiled_charsmap, 3 add_dummy_prefix (absent = true),
 *                 4 remove_extra_whitespaces (absent = true), 5 escape_whitespaces (absent = true)
 * </pre>
 * The result encodes like SentencePiece's BPE model: the text is normalized (' ' to '▁'), then
 * USER_DEFINED pieces are matched longest-first and frozen, then merges by piece score with ties
 * going to the leftmost pair, and unknown characters fall back to bytes.
 */
final class SentencePieceModelLoader {
    private static final int BPE = 2;
    private static final String[] MODEL_TYPES = {"?", "UNIGRAM", "BPE", "WORD", "CHAR"};

    private final String source;
    private char[] pool = new char[1 << 20];
    private int poolSize;
    private int[] offsets = new int[1 << 16];
    private float[] scores = new float[1 << 16];
    private TokenType[] types = new TokenType[1 << 16];
    private int count;
    private int modelType = 1;
    private boolean byteFallback;
    private int unkId = 0;
    private int bosId = 1;
    private int eosId = 2;
    private int padId = -1;
    private boolean sawNormalizer;
    private String normalizerName = "";
    private int charsmapLength;
    private boolean addDummyPrefix = true;
    private boolean removeExtraWhitespaces = true;
    private boolean escapeWhitespaces = true;

    private SentencePieceModelLoader(String source) {
        this.source = source;
    }

    static ModelData load(Path file) {
        String source = file.toString();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new TokenizerException(source, "cannot read the file (" + e + ")", e);
        }
        return new SentencePieceModelLoader(source).parse(bytes);
    }

    private TokenizerException fail(String problem) {
        return new TokenizerException(source, problem);
    }

    private ModelData parse(byte[] bytes) {
        if (bytes.length == 0) {
            throw fail("the file is empty");
        }
        ProtoReader model = new ProtoReader(source, bytes, 0, bytes.length);
        while (model.hasMore()) {
            int tag = model.readTag();
            int field = tag >>> 3;
            int wire = tag & 7;
            if (field == 1 && wire == ProtoReader.LENGTH_DELIMITED) {
                readPiece(model.readMessage());
            } else if (field == 2 && wire == ProtoReader.LENGTH_DELIMITED) {
                readTrainerSpec(model.readMessage());
            } else if (field == 3 && wire == ProtoReader.LENGTH_DELIMITED) {
                readNormalizerSpec(model.readMessage());
            } else {
                model.skip(wire);
            }
        }
        return assemble();
    }

    private void readPiece(ProtoReader in) {
        int start = -1;
        int length = 0;
        float score = 0f;
        TokenType type = TokenType.NORMAL;
        while (in.hasMore()) {
            int tag = in.readTag();
            switch (tag) {
                case 1 << 3 | ProtoReader.LENGTH_DELIMITED -> {
                    length = in.readLength();
                    start = in.position();
                    in.skipBytes(length);
                }
                case 2 << 3 | ProtoReader.FIXED32 -> score = Float.intBitsToFloat(in.readFixed32());
                case 3 << 3 | ProtoReader.VARINT -> {
                    long code = in.readVarint();
                    if (code < 1 || code > 6) {
                        throw fail("piece " + count + " has type " + code + ", valid types are 1..6 (NORMAL..BYTE)");
                    }
                    type = TokenType.fromCode((int) code);
                }
                default -> in.skip(tag & 7);
            }
        }
        if (start < 0) {
            throw fail("piece " + count + " has no text (field 1)");
        }
        if (count == offsets.length - 1) {
            int grown = offsets.length * 2;
            offsets = Arrays.copyOf(offsets, grown);
            scores = Arrays.copyOf(scores, grown);
            types = Arrays.copyOf(types, grown);
        }
        appendUtf8(in.bytes(), start, length);
        scores[count] = score;
        types[count] = type;
        count++;
        offsets[count] = poolSize;
    }

    /** Decodes the piece's UTF-8 straight into the pool (ASCII fast path). */
    private void appendUtf8(byte[] bytes, int start, int length) {
        if (pool.length - poolSize < length) {
            pool = Arrays.copyOf(pool, Math.max(pool.length * 2, poolSize + length));
        }
        boolean ascii = true;
        for (int i = 0; i < length; i++) {
            byte b = bytes[start + i];
            if (b < 0) {
                ascii = false;
                break;
            }
            pool[poolSize + i] = (char) b;
        }
        if (ascii) {
            poolSize += length;
            return;
        }
        String text = new String(bytes, start, length, StandardCharsets.UTF_8);
        text.getChars(0, text.length(), pool, poolSize);
        poolSize += text.length();
    }

    private void readTrainerSpec(ProtoReader in) {
        while (in.hasMore()) {
            int tag = in.readTag();
            int field = tag >>> 3;
            int wire = tag & 7;
            if (wire != ProtoReader.VARINT) {
                in.skip(wire);
                continue;
            }
            long value = in.readVarint();
            switch (field) {
                case 3 -> modelType = (int) value;
                case 35 -> byteFallback = value != 0;
                case 40 -> unkId = (int) value;
                case 41 -> bosId = (int) value;
                case 42 -> eosId = (int) value;
                case 43 -> padId = (int) value;
                default -> {
                }
            }
        }
    }

    private void readNormalizerSpec(ProtoReader in) {
        sawNormalizer = true;
        while (in.hasMore()) {
            int tag = in.readTag();
            int field = tag >>> 3;
            int wire = tag & 7;
            if (wire == ProtoReader.LENGTH_DELIMITED && (field == 1 || field == 2)) {
                int length = in.readLength();
                if (field == 1) {
                    normalizerName = new String(in.bytes(), in.position(), length, StandardCharsets.UTF_8);
                } else {
                    charsmapLength = length;
                }
                in.skipBytes(length);
            } else if (wire == ProtoReader.VARINT && field >= 3 && field <= 5) {
                boolean value = in.readVarint() != 0;
                switch (field) {
                    case 3 -> addDummyPrefix = value;
                    case 4 -> removeExtraWhitespaces = value;
                    default -> escapeWhitespaces = value;
                }
            } else {
                in.skip(wire);
            }
        }
    }

    private ModelData assemble() {
        if (count == 0) {
            throw fail("the model has no pieces (is this a SentencePiece .model file?)");
        }
        if (modelType != BPE) {
            String name = modelType > 0 && modelType < MODEL_TYPES.length ? MODEL_TYPES[modelType] : "#" + modelType;
            throw fail("model type " + name + " is not supported (only BPE, as in Gemma's tokenizer.model)");
        }
        if (!sawNormalizer) {
            throw fail("the model has no normalizer_spec; its defaults (add_dummy_prefix, remove_extra_whitespaces) "
                    + "are not Gemma's and are not supported");
        }
        if (charsmapLength > 0) {
            throw fail("normalizer \"" + Strings.escape(normalizerName) + "\" with a precompiled character map is "
                    + "not supported (Gemma's tokenizer.model uses \"identity\")");
        }
        if (addDummyPrefix || removeExtraWhitespaces) {
            throw fail("normalizer options add_dummy_prefix=" + addDummyPrefix + ", remove_extra_whitespaces="
                    + removeExtraWhitespaces + " are not supported (Gemma's tokenizer.model sets both to false)");
        }
        PieceTable pieces = PieceTable.of(source, Arrays.copyOf(pool, poolSize), Arrays.copyOf(offsets, count + 1));
        TokenType[] pieceTypes = Arrays.copyOf(types, count);
        boolean[] mergeable = new boolean[count];
        int added = 0;
        for (int id = 0; id < count; id++) {
            if (pieceTypes[id] == TokenType.UNUSED) {
                throw fail("piece " + id + " (\"" + Strings.escape(pieces.piece(id)) + "\") is UNUSED; "
                        + "UNUSED pieces are not supported");
            }
            if (Float.isNaN(scores[id])) {
                throw fail("piece " + id + " (\"" + Strings.escape(pieces.piece(id)) + "\") has score NaN");
            }
            mergeable[id] = pieceTypes[id] == TokenType.NORMAL || pieceTypes[id] == TokenType.USER_DEFINED;
            if (pieceTypes[id] == TokenType.USER_DEFINED && pieces.length(id) > 0) {
                added++;
            }
        }
        int[] addedIds = new int[added];
        int at = 0;
        for (int id = 0; id < count; id++) {
            if (pieceTypes[id] == TokenType.USER_DEFINED && pieces.length(id) > 0) {
                addedIds[at++] = id;
            }
        }
        checkId("unk_id", unkId, false);
        checkId("bos_id", bosId, true);
        checkId("eos_id", eosId, true);
        checkId("pad_id", padId, false);
        ScoreRules rules = new ScoreRules(pieces, Arrays.copyOf(scores, count), mergeable);
        boolean[] special = ModelData.specialSet(pieces, pieceTypes, null);
        return new ModelData(source, pieces, pieceTypes, rules, addedIds,
                special, false, escapeWhitespaces, byteFallback, unkId, bosId, eosId, padId);
    }

    private void checkId(String field, int id, boolean required) {
        if ((id < 0 && required) || id >= count || id < -1) {
            throw fail("trainer_spec." + field + " is " + id + ", not a piece id (0.." + (count - 1) + ")");
        }
    }
}
