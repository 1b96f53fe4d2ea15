package dev.jgemma.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jgemma.core.format.GgufFile;
import dev.jgemma.core.format.GgufValue;
import dev.jgemma.tokenizer.GemmaTokenizer;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The vocabulary metadata built from tokenizer.json equals the one in the fixture GGUF (written
 * like a real Gemma-2 GGUF), and a tokenizer read back from it encodes like the original.
 */
class GgufVocabularyTest {
    private static final int UNK = 3;

    @Test
    void sameArraysAsTheFixtureGguf() {
        GemmaTokenizer tokenizer = Gemma.loadTokenizer(ChatFixtures.tokenizerJson());
        Map<String, GgufValue> built = GgufVocabulary.of(tokenizer, ChatFixtures.hfFolder());
        try (GgufFile gguf = GgufFile.open(ChatFixtures.gguf())) {
            assertThat(Arrays.equals((String[]) values(built, "tokenizer.ggml.tokens"),
                    (String[]) gguf.array("tokenizer.ggml.tokens").orElseThrow().values())).as("pieces").isTrue();
            assertThat(Arrays.equals((float[]) values(built, "tokenizer.ggml.scores"),
                    (float[]) gguf.array("tokenizer.ggml.scores").orElseThrow().values())).as("scores").isTrue();
            long[] types = (long[]) values(built, "tokenizer.ggml.token_type");
            long[] want = (long[]) gguf.array("tokenizer.ggml.token_type").orElseThrow().values();
            // The one difference: the fixture marks <unk> CONTROL (3); SentencePiece, and so llama.cpp's
            // converter, mark it UNKNOWN (2), which is what we write.
            assertThat(types[UNK]).isEqualTo(2);
            assertThat(want[UNK]).isEqualTo(3);
            types[UNK] = want[UNK];
            assertThat(Arrays.mismatch(types, want)).as("first differing token type").isEqualTo(-1);
            for (String key : new String[] {"tokenizer.ggml.model", "tokenizer.ggml.bos_token_id", "tokenizer.ggml.eos_token_id",
                    "tokenizer.ggml.unknown_token_id", "tokenizer.ggml.padding_token_id", "tokenizer.ggml.add_bos_token",
                    "tokenizer.ggml.add_eos_token", "tokenizer.ggml.add_space_prefix", "tokenizer.chat_template"}) {
                assertThat(built.get(key)).as(key).isEqualTo(gguf.value(key).orElseThrow());
            }
        }
    }

    private static Object values(Map<String, GgufValue> m, String key) {
        return ((GgufValue.Array) m.get(key).value()).values();
    }
}
