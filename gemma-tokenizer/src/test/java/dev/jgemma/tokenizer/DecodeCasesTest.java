package dev.jgemma.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The decode-only cases ({@code decode_cases.jsonl}): byte runs, invalid UTF-8 (one U+FFFD per
 * byte piece of an invalid run, as HuggingFace does), special tokens inside runs, '▁' pieces.
 * Each through {@code decode}, {@code decode(skip)} and the streaming decoder, for all loaders.
 */
class DecodeCasesTest {

    static Stream<Arguments> cases() {
        List<Map<String, Object>> lines = Fixtures.jsonLines("fixtures/tokenizer/decode_cases.jsonl");
        assertThat(lines).hasSize(28);
        return Stream.of("json", "gguf-arrays", "sentencepiece").flatMap(loader -> lines.stream()
                .map(line -> Arguments.of(loader, line.get("id"), line)));
    }

    private static GemmaTokenizer tokenizer(String loader) {
        return switch (loader) {
            case "json" -> ReferenceTokenizers.json();
            case "gguf-arrays" -> ReferenceTokenizers.ggufArrays();
            default -> ReferenceTokenizers.sentencePiece();
        };
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void decodesLikeHuggingFace(String loader, String name, Map<String, Object> c) {
        GemmaTokenizer tokenizer = tokenizer(loader);
        int[] ids = Json.ints(c.get("ids"));
        assertThat(tokenizer.decode(ids)).isEqualTo(c.get("decoded"));
        assertThat(tokenizer.decode(ids, true)).isEqualTo(c.get("decoded_skip_special"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void streamsTheSameText(String loader, String name, Map<String, Object> c) {
        GemmaTokenizer tokenizer = tokenizer(loader);
        int[] ids = Json.ints(c.get("ids"));
        assertThat(HuggingFaceCaseContract.stream(tokenizer.newStreamingDecoder(), ids)).isEqualTo(c.get("decoded"));
        assertThat(HuggingFaceCaseContract.stream(tokenizer.newStreamingDecoder(true), ids))
                .isEqualTo(c.get("decoded_skip_special"));
    }
}
