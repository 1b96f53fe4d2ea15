package dev.jgemma.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The public cases through {@link GemmaTokenizer#fromVocabulary}, with the arrays exactly as the
 * shared Gemma-2 GGUF stores them (scores -id for NORMAL pieces, 0 for the others; the 6 special
 * added tokens CONTROL, the other added tokens USER_DEFINED, byte pieces BYTE).
 */
class GgufArraysCasesTest extends HuggingFaceCaseContract {
    @Override
    GemmaTokenizer tokenizer() {
        return ReferenceTokenizers.ggufArrays();
    }

    @Test
    void arraysHaveTheTypeCountsOfTheFixtureGguf() {
        ReferenceTokenizers.GgufVocabulary v = ReferenceTokenizers.vocabulary();
        Map<Integer, Long> counts = IntStream.of(v.types()).boxed()
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        // vocab256k/README.md: BYTE 255, CONTROL 6, NORMAL 255528, USER_DEFINED 211
        assertThat(counts).containsOnly(Map.entry(6, 255L), Map.entry(3, 6L), Map.entry(1, 255_528L), Map.entry(4, 211L));
        assertThat(v.scores()[473]).isEqualTo(-473f);
        assertThat(v.scores()[139]).isZero();
        assertThat(v.pieces().get(226)).isEqualTo("\t");
        assertThat(tokenizer().tokenType(226)).isEqualTo(TokenType.NORMAL);
    }
}
