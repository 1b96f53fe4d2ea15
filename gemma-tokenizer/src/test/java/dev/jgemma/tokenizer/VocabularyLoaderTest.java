package dev.jgemma.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The GGUF-style arrays loader: merge order from scores, added tokens from types, and bad arrays. */
class VocabularyLoaderTest {

    /** A tiny GGUF-like vocabulary: specials, bytes, then NORMAL pieces with score -id. */
    private static List<String> pieces(String... normal) {
        List<String> pieces = new ArrayList<>(List.of("<pad>", "<eos>", "<bos>", "<unk>", "<end_of_turn>", "<td>"));
        for (int b = 0; b < 256; b++) {
            pieces.add(String.format("<0x%02X>", b));
        }
        pieces.addAll(List.of(normal));
        return pieces;
    }

    private static int[] types(List<String> pieces) {
        int[] types = new int[pieces.size()];
        Arrays.fill(types, 1);
        types[0] = types[1] = types[2] = types[4] = 3;
        types[3] = 2;
        types[5] = 4;
        for (int b = 0; b < 256; b++) {
            types[6 + b] = 6;
        }
        return types;
    }

    private static float[] scores(int[] types) {
        float[] scores = new float[types.length];
        for (int id = 0; id < scores.length; id++) {
            scores[id] = types[id] == 1 ? -id : 0f;
        }
        return scores;
    }

    @Test
    void higherScoresMergeFirst() {
        List<String> pieces = pieces("a", "b", "c", "bc", "ab");
        int[] types = types(pieces);
        GemmaTokenizer byId = GemmaTokenizer.fromVocabulary("tiny", pieces, scores(types), types);
        // "bc" (id 265) scores higher than "ab" (id 266): a + (b c)
        assertThat(byId.encode("abc")).containsExactly(262, 265);
        float[] flipped = scores(types);
        flipped[266] = 10f;
        GemmaTokenizer byScore = GemmaTokenizer.fromVocabulary("tiny", pieces, flipped, types);
        assertThat(byScore.encode("abc")).containsExactly(266, 264);
    }

    @Test
    void equalScoresMergeInIdOrderNotLeftmostFirst() {
        // SentencePiece stores user-defined whitespace runs with score 0; HF ranks them by id, so
        // 4 spaces become ▁▁ + ▁▁ merged to ▁▁▁▁, never ▁▁▁ + ▁ (which leftmost-first would give).
        List<String> pieces = pieces("\u2581", "\u2581\u2581", "\u2581\u2581\u2581", "\u2581\u2581\u2581\u2581",
                "\u2581".repeat(5));
        int[] types = types(pieces);
        for (int id = 263; id < types.length; id++) {
            types[id] = 4;
        }
        float[] scores = new float[types.length];
        GemmaTokenizer t = GemmaTokenizer.fromVocabulary("runs", pieces, scores, types);
        assertThat(t.encode("     ")).containsExactly(266);
        assertThat(t.encode("      ")).as("6 spaces: 4 + 2").containsExactly(265, 263);
        // literal ▁ runs in the text are user-defined tokens, matched longest first
        assertThat(t.encode("\u2581".repeat(6))).containsExactly(266, 262);
    }

    @Test
    void addedTokensFollowTheTypes() {
        List<String> pieces = pieces("a", "<", ">", "t", "d");
        int[] types = types(pieces);
        GemmaTokenizer t = GemmaTokenizer.fromVocabulary("types", pieces, scores(types), types);
        assertThat(t.encode("a<td>a")).containsExactly(262, 5, 262);
        assertThat(t.encode("<end_of_turn>")).doesNotContain(4);
        assertThat(t.encodeWithSpecialTokens("<end_of_turn><bos>")).containsExactly(4, 2);
        assertThat(t.isSpecial(4)).isTrue();
        assertThat(t.isSpecial(5)).isFalse();
        assertThat(t.decode(new int[] {2, 262, 4}, true)).isEqualTo("a");
        assertThat(t.endOfTurnId()).isEqualTo(4);
        assertThat(t.startOfTurnId()).isEqualTo(-1);
    }

    @Test
    void rejectsBadArrays() {
        List<String> pieces = pieces("a");
        int[] types = types(pieces);
        float[] scores = scores(types);
        assertThatThrownBy(() -> GemmaTokenizer.fromVocabulary("model.gguf", pieces, Arrays.copyOf(scores, 10), types))
                .isInstanceOf(TokenizerException.class)
                .hasMessage("model.gguf: the arrays differ in length: 263 pieces, 10 scores, 263 token types");
        List<String> gap = new ArrayList<>(pieces);
        gap.set(100, null);
        assertThatThrownBy(() -> GemmaTokenizer.fromVocabulary("model.gguf", gap, scores, types))
                .hasMessage("model.gguf: the vocabulary has no piece for id 100 (ids must run from 0 to 262 without gaps)");
        List<String> duplicate = new ArrayList<>(pieces);
        duplicate.set(262, "<td>");
        assertThatThrownBy(() -> GemmaTokenizer.fromVocabulary("model.gguf", duplicate, scores, types))
                .hasMessage("model.gguf: the piece \"<td>\" appears twice in the vocabulary (ids 5 and 262)");
        int[] badType = types.clone();
        badType[262] = 7;
        assertThatThrownBy(() -> GemmaTokenizer.fromVocabulary("model.gguf", pieces, scores, badType))
                .hasMessage("model.gguf: piece 262 (\"a\") has token type 7, valid types are 1..6 (NORMAL..BYTE)");
        List<String> noBos = new ArrayList<>(pieces);
        noBos.set(2, "<s>");
        assertThatThrownBy(() -> GemmaTokenizer.fromVocabulary("model.gguf", noBos, scores, types))
                .hasMessage("model.gguf: the vocabulary has no <bos> piece");
        assertThatThrownBy(() -> GemmaTokenizer.fromVocabulary("model.gguf", List.of(), new float[0], new int[0]))
                .hasMessage("model.gguf: the vocabulary is empty");
    }
}
