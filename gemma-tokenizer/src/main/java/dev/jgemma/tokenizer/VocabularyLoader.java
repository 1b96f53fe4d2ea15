package dev.jgemma.tokenizer;

import java.util.List;

/**
 * Builds the tokenizer from GGUF-style arrays (pieces, scores, token types), with HuggingFace
 * behaviour: USER_DEFINED pieces are added tokens (CONTROL and UNKNOWN ones too, but only with
 * special-token parsing), merges are derived by {@link MergeDerivation}.
 */
final class VocabularyLoader {
    private VocabularyLoader() {
    }

    static ModelData load(String source, List<String> pieceList, float[] scores, int[] tokenTypes) {
        String name = source == null ? "vocabulary" : source;
        if (pieceList == null || scores == null || tokenTypes == null) {
            throw new TokenizerException(name, "pieces, scores and token types are all required");
        }
        int size = pieceList.size();
        if (scores.length != size || tokenTypes.length != size) {
            throw new TokenizerException(name, "the arrays differ in length: " + size + " pieces, " + scores.length
                    + " scores, " + tokenTypes.length + " token types");
        }
        if (size == 0) {
            throw new TokenizerException(name, "the vocabulary is empty");
        }
        String[] array = pieceList.toArray(new String[0]);
        PieceTable pieces = PieceTable.of(name, array);
        TokenType[] types = new TokenType[size];
        boolean[] mergeable = new boolean[size];
        int added = 0;
        for (int id = 0; id < size; id++) {
            int code = tokenTypes[id];
            if (code < 1 || code > 6) {
                throw new TokenizerException(name, "piece " + id + " (\"" + Strings.escape(array[id])
                        + "\") has token type " + code + ", valid types are 1..6 (NORMAL..BYTE)");
            }
            if (Float.isNaN(scores[id])) {
                throw new TokenizerException(name, "piece " + id + " (\"" + Strings.escape(array[id]) + "\") has score NaN");
            }
            types[id] = TokenType.fromCode(code);
            mergeable[id] = types[id] != TokenType.BYTE;
            if (isAdded(types[id]) && !array[id].isEmpty()) {
                added++;
            }
        }
        int[] addedIds = new int[added];
        int at = 0;
        int unkId = -1;
        boolean hasBytes = false;
        for (int id = 0; id < size; id++) {
            if (isAdded(types[id]) && !array[id].isEmpty()) {
                addedIds[at++] = id;
            }
            if (types[id] == TokenType.UNKNOWN && unkId < 0) {
                unkId = id;
            }
            hasBytes |= types[id] == TokenType.BYTE;
        }
        if (unkId < 0) {
            unkId = pieces.idOf("<unk>");
        }
        MergeTable merges = MergeDerivation.derive(pieces, scores, mergeable);
        boolean[] special = ModelData.specialSet(pieces, types, null);
        return new ModelData(name, pieces, types, merges, addedIds, special,
                true, true, hasBytes, unkId, required(name, pieces, "<bos>"), required(name, pieces, "<eos>"),
                pieces.idOf("<pad>"));
    }

    private static boolean isAdded(TokenType type) {
        return type == TokenType.USER_DEFINED || type == TokenType.CONTROL || type == TokenType.UNKNOWN;
    }

    static int required(String source, PieceTable pieces, String piece) {
        int id = pieces.idOf(piece);
        if (id < 0) {
            throw new TokenizerException(source, "the vocabulary has no " + piece + " piece");
        }
        return id;
    }
}
