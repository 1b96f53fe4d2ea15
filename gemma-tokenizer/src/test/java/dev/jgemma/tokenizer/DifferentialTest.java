package dev.jgemma.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;

/**
 * Cases that are not in the repository: HuggingFace {@code tokenizers} itself (the Rust library,
 * through DJL, offline) against our tokenizers on seeded random mixes and on real paragraphs found
 * on this machine. The GGUF-style arrays must agree with tokenizer.json on all of them.
 */
class DifferentialTest {
    private static HuggingFaceTokenizer huggingFace;
    private static List<String> texts;
    /** HuggingFace's ids for each text, computed once. */
    private static List<long[]> expectedIds;

    @BeforeAll
    static void load() throws IOException {
        huggingFace = HuggingFaceTokenizer.newInstance(Fixtures.tokenizerJson(),
                Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false"));
        texts = new ArrayList<>(TextCorpus.randomMixes(3000, 20240611L));
        texts.addAll(TextCorpus.machineParagraphs(1_000_000));
        expectedIds = texts.stream().map(text -> huggingFace.encode(text).getIds()).toList();
    }

    @AfterAll
    static void close() {
        if (huggingFace != null) {
            huggingFace.close();
        }
    }

    @Test
    void encodeMatchesHuggingFace(TestReporter reporter) {
        GemmaTokenizer ours = ReferenceTokenizers.json();
        long chars = 0;
        long tokens = 0;
        assertThat(texts.size()).isGreaterThan(3000);
        for (int i = 0; i < texts.size(); i++) {
            String text = texts.get(i);
            long[] expected = expectedIds.get(i);
            assertThat(ours.encodeWithSpecialTokens(text)).as(text).containsExactly(toInts(expected));
            chars += text.length();
            tokens += expected.length;
        }
        reporter.publishEntry("compared", texts.size() + " texts, " + chars + " chars, " + tokens + " tokens");
        System.out.println("DifferentialTest: " + texts.size() + " texts, " + chars + " chars, " + tokens + " tokens");
    }

    @Test
    void decodeMatchesHuggingFace() {
        GemmaTokenizer ours = ReferenceTokenizers.json();
        for (int i = 0; i < 3000; i++) {
            long[] ids = expectedIds.get(i);
            assertThat(ours.decode(toInts(ids))).as(texts.get(i)).isEqualTo(huggingFace.decode(ids, false));
            assertThat(ours.decode(toInts(ids), true)).as(texts.get(i)).isEqualTo(huggingFace.decode(ids, true));
        }
    }

    @Test
    void ggufArraysMatchTokenizerJson() {
        GemmaTokenizer json = ReferenceTokenizers.json();
        GemmaTokenizer arrays = ReferenceTokenizers.ggufArrays();
        GemmaTokenizer spmScored = ReferenceTokenizers.spmScoredArrays();
        for (String text : texts) {
            int[] expected = json.encodeWithSpecialTokens(text);
            assertThat(arrays.encodeWithSpecialTokens(text)).as(text).containsExactly(expected);
            assertThat(spmScored.encodeWithSpecialTokens(text)).as(text).containsExactly(expected);
            assertThat(arrays.encode(text)).as(text).containsExactly(json.encode(text));
        }
    }

    private static int[] toInts(long[] ids) {
        return LongStream.of(ids).mapToInt(Math::toIntExact).toArray();
    }
}
