package dev.jgemma.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Long and repetitive input: 100,000 repeated characters complete (the heap merger is
 * O(n log n)) and give the same ids as an independent reference BPE or, for space runs, the
 * structure documented for HuggingFace and SentencePiece. No timing assertions.
 */
class PathologicalInputTest {
    private static final int N = 100_000;

    private static int[] reference(String text) {
        return ReferenceBpe.get().encode(text).stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void hundredThousandLettersMatchTheReference() {
        String text = "a".repeat(N);
        int[] ids = ReferenceTokenizers.json().encode(text);
        assertThat(ids).containsExactly(reference(text));
        assertThat(ReferenceTokenizers.json().decode(ids)).isEqualTo(text);
        assertThat(ReferenceTokenizers.ggufArrays().encode(text)).containsExactly(ids);
        assertThat(ReferenceTokenizers.sentencePiece().encode(text)).containsExactly(ids);
    }

    @Test
    void hundredThousandSpacesFollowTheDocumentedRunRules() {
        GemmaTokenizer hf = ReferenceTokenizers.json();
        int spaces16 = 139 + 14;
        // HF: (n div 16 - 1) pieces of 16 spaces, then one piece of 16 + n mod 16
        assertThat(hf.encode(" ".repeat(N))).hasSize(N / 16).containsOnly(spaces16);
        int[] plusOne = hf.encode(" ".repeat(N + 1));
        assertThat(Arrays.copyOf(plusOne, plusOne.length - 1)).hasSize(N / 16 - 1).containsOnly(spaces16);
        assertThat(plusOne[plusOne.length - 1]).isEqualTo(139 + 15);
        assertThat(hf.encode(" ".repeat(N) + "x")).containsExactly(reference(" ".repeat(N) + "x"));
        assertThat(ReferenceTokenizers.ggufArrays().encode(" ".repeat(N))).containsExactly(hf.encode(" ".repeat(N)));
        // SentencePiece: greedy runs of 31 (id 168), then the rest (25 spaces: id 162)
        int[] spm = ReferenceTokenizers.sentencePiece().encode(" ".repeat(N));
        assertThat(Arrays.copyOf(spm, spm.length - 1)).hasSize(N / 31).containsOnly(168);
        assertThat(spm[spm.length - 1]).isEqualTo(139 + 23);
    }

    @Test
    void hundredThousandNewlinesTabsAndMetaspaces() {
        GemmaTokenizer hf = ReferenceTokenizers.json();
        assertThat(hf.encode("\n".repeat(N))).containsExactly(reference("\n".repeat(N)));
        assertThat(hf.encode("\t".repeat(N))).containsExactly(reference("\t".repeat(N)));
        assertThat(hf.encode("\u2581".repeat(N))).containsExactly(reference("\u2581".repeat(N)));
        assertThat(hf.encode("ab".repeat(N / 2))).containsExactly(reference("ab".repeat(N / 2)));
        assertThat(hf.encode("\uD83E\uDEE8".repeat(N / 4))).hasSize(N).doesNotContain(hf.unkId());
    }

    @Test
    void longRandomWordsMatchTheReference() {
        Random random = new Random(42);
        String[] alphabets = {"ab ", "aeiou \t", "ab\u2581 ", "xyz01 ", "日本語 の", "\uD83D\uDE00a "};
        for (int round = 0; round < 60; round++) {
            String alphabet = alphabets[round % alphabets.length];
            int[] codePoints = alphabet.codePoints().toArray();
            int length = 1 + random.nextInt(round < 30 ? 40 : 1500);
            String text = IntStream.range(0, length).map(i -> codePoints[random.nextInt(codePoints.length)])
                    .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
            int[] expected = reference(text);
            assertThat(ReferenceTokenizers.json().encodeWithSpecialTokens(text)).as(text).containsExactly(expected);
            assertThat(ReferenceTokenizers.ggufArrays().encodeWithSpecialTokens(text)).as(text).containsExactly(expected);
        }
    }
}
