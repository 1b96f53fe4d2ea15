package dev.jgemma.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * All 217 added tokens ({@code added_tokens.jsonl}): matched whole in text (alone, between letters,
 * between spaces), decoded, and dropped by skip-special only when flagged special; for the
 * tokenizer.json loader and the GGUF-style arrays.
 */
class AddedTokensTest {

    static Stream<Arguments> probes() {
        List<Map<String, Object>> lines = Fixtures.jsonLines("fixtures/tokenizer/added_tokens.jsonl");
        assertThat(lines).hasSize(217);
        return Stream.of("json", "gguf-arrays").flatMap(loader -> lines.stream()
                .map(line -> Arguments.of(loader, ((Number) line.get("id")).intValue(), line)));
    }

    private static GemmaTokenizer tokenizer(String loader) {
        return loader.equals("json") ? ReferenceTokenizers.json() : ReferenceTokenizers.ggufArrays();
    }

    @ParameterizedTest(name = "{0} id {1}")
    @MethodSource("probes")
    void matchedWholeWithSpecialTokenParsing(String loader, int id, Map<String, Object> probe) {
        GemmaTokenizer tokenizer = tokenizer(loader);
        String content = (String) probe.get("content");
        assertThat(tokenizer.pieceOf(id)).isEqualTo(content);
        assertThat(tokenizer.idOf(content)).hasValue(id);
        assertThat(tokenizer.encodeWithSpecialTokens(content)).containsExactly(Json.ints(probe.get("encode_alone")));
        assertThat(tokenizer.encodeWithSpecialTokens("x" + content + "y"))
                .containsExactly(Json.ints(probe.get("encode_x_content_y")));
        assertThat(tokenizer.encodeWithSpecialTokens("a " + content + " b"))
                .containsExactly(Json.ints(probe.get("encode_a_space_content_space_b")));
    }

    @ParameterizedTest(name = "{0} id {1}")
    @MethodSource("probes")
    void plainEncodeMatchesOnlyNonSpecialTokens(String loader, int id, Map<String, Object> probe) {
        GemmaTokenizer tokenizer = tokenizer(loader);
        String content = (String) probe.get("content");
        boolean special = (Boolean) probe.get("special");
        assertThat(tokenizer.isSpecial(id)).isEqualTo(special);
        int[] plain = tokenizer.encode("x" + content + "y");
        if (special) {
            assertThat(IntStream.of(plain).filter(tokenizer::isSpecial).toArray()).isEmpty();
            assertThat(tokenizer.decode(plain)).isEqualTo("x" + content + "y");
        } else {
            assertThat(plain).containsExactly(Json.ints(probe.get("encode_x_content_y")));
        }
    }

    @ParameterizedTest(name = "{0} id {1}")
    @MethodSource("probes")
    void decodes(String loader, int id, Map<String, Object> probe) {
        GemmaTokenizer tokenizer = tokenizer(loader);
        assertThat(tokenizer.decode(new int[] {id})).isEqualTo(probe.get("decode"));
        assertThat(tokenizer.decode(new int[] {id}, true)).isEqualTo(probe.get("decode_skip_special"));
    }
}
