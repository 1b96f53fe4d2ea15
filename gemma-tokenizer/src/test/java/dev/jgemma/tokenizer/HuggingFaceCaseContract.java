package dev.jgemma.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The public HuggingFace cases ({@code cases.jsonl}), which every loader with HuggingFace behaviour
 * must reproduce exactly: ids, ids with BOS, decoded text, decoded text without special tokens,
 * and the same text again through the streaming decoder.
 */
abstract class HuggingFaceCaseContract {
    private static final String CASES = "dev.jgemma.tokenizer.PublicCase#all";
    private static final List<String> SPECIAL_TEXTS =
            List.of("<pad>", "<eos>", "<bos>", "<unk>", "<start_of_turn>", "<end_of_turn>");

    abstract GemmaTokenizer tokenizer();

    @ParameterizedTest(name = "{0}")
    @MethodSource(CASES)
    void encodesLikeHuggingFace(PublicCase c) {
        assertThat(tokenizer().encodeWithSpecialTokens(c.text())).as(c.text()).containsExactly(c.ids());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(CASES)
    void encodesWithBosLikeHuggingFace(PublicCase c) {
        assertThat(tokenizer().encodeWithSpecialTokens(c.text(), true)).as(c.text()).containsExactly(c.idsWithBos());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(CASES)
    void plainEncodeDiffersOnlyWhereSpecialTokenTextAppears(PublicCase c) {
        GemmaTokenizer tokenizer = tokenizer();
        int[] plain = tokenizer.encode(c.text());
        if (SPECIAL_TEXTS.stream().noneMatch(c.text()::contains)) {
            assertThat(plain).as(c.text()).containsExactly(c.ids());
            assertThat(tokenizer.encode(c.text(), true)).containsExactly(c.idsWithBos());
        } else {
            assertThat(IntStream.of(plain).filter(tokenizer::isSpecial).toArray()).as("special ids from plain text").isEmpty();
            assertThat(tokenizer.decode(plain)).isEqualTo(c.decoded());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(CASES)
    void decodesLikeHuggingFace(PublicCase c) {
        assertThat(tokenizer().decode(c.ids())).isEqualTo(c.decoded());
        assertThat(tokenizer().decode(c.idsWithBos(), true)).isEqualTo(c.decodedWithBosSkipSpecial());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(CASES)
    void streamingDecodeEqualsDecode(PublicCase c) {
        assertThat(stream(tokenizer().newStreamingDecoder(), c.ids())).isEqualTo(c.decoded());
        assertThat(stream(tokenizer().newStreamingDecoder(true), c.idsWithBos())).isEqualTo(c.decodedWithBosSkipSpecial());
    }

    /** Feeds ids one by one; checks every piece of output is whole characters (no lone surrogate). */
    static String stream(StreamingDecoder decoder, int[] ids) {
        StringBuilder text = new StringBuilder();
        for (int id : ids) {
            String part = decoder.accept(id);
            assertWholeCharacters(part, ids);
            text.append(part);
        }
        String rest = decoder.flush();
        assertWholeCharacters(rest, ids);
        return text.append(rest).toString();
    }

    private static void assertWholeCharacters(String part, int[] ids) {
        if (!part.isEmpty()) {
            assertThat(Character.isLowSurrogate(part.charAt(0))).as("output starts mid-character for %s", Arrays.toString(ids)).isFalse();
            assertThat(Character.isHighSurrogate(part.charAt(part.length() - 1))).as("output ends mid-character").isFalse();
        }
    }
}
