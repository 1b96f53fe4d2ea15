package dev.jgemma.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jgemma.tokenizer.GemmaTokenizer;
import dev.jgemma.tokenizer.TokenType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Streaming and stop strings through a real conversation. The token sequences are either the
 * reference greedy replies of the fixture or scripted (the model runs, a script picks the
 * tokens) to produce exactly the hard cases: characters split over byte-fallback tokens, stop
 * strings across and inside tokens.
 */
class StreamingTest {

    /** Picks the scripted tokens in order, then {@code <end_of_turn>}. */
    static final class Script implements TokenPicker {
        private final int[] tokens;
        private int next;

        Script(int... tokens) {
            this.tokens = tokens;
        }

        @Override
        public int pick(float[] logits) {
            return next < tokens.length ? tokens[next++] : 107;
        }

        @Override
        public void accept(int token) {
        }
    }

    static Gemma model() {
        return TestModels.gguf();
    }

    /** Text whose characters the vocabulary lacks, so it encodes with byte-fallback pieces. */
    static final String RARE = "\uD840\uDC0B\uD83E\uDEE8\u2E3B"; // U+2000B, U+1FAE8, U+2E3B

    static void assertWholeCharacters(List<String> chunks) {
        for (String c : chunks) {
            assertThat(c).doesNotContain("\uFFFD");
            for (int i = 0; i < c.length(); i++) {
                char ch = c.charAt(i);
                if (Character.isHighSurrogate(ch)) {
                    assertThat(i + 1 < c.length() && Character.isLowSurrogate(c.charAt(i + 1))).as("chunk %s splits a pair", c).isTrue();
                    i++;
                } else {
                    assertThat(Character.isLowSurrogate(ch)).as("chunk %s starts inside a pair", c).isFalse();
                }
            }
        }
    }

    @Test
    void multiByteCharactersSplitOverByteTokensStreamWhole() {
        GemmaTokenizer t = model().tokenizer();
        String text = "Caf\u00e9 " + RARE + " ok " + RARE;
        int[] tokens = t.encode(text);
        long bytePieces = Arrays.stream(tokens).filter(id -> t.tokenType(id) == TokenType.BYTE).count();
        assertThat(bytePieces).as("the rare characters use byte fallback").isGreaterThanOrEqualTo(8);

        List<String> chunks = new ArrayList<>();
        Conversation c = model().chat().maxTokens(100).pickers(s -> new Script(tokens));
        Reply r = c.stream("Say something rare.", chunks::add).await();
        assertThat(r.finishReason()).isEqualTo(FinishReason.STOP_TOKEN);
        assertThat(r.text()).isEqualTo(text);
        assertThat(String.join("", chunks)).isEqualTo(text);
        assertWholeCharacters(chunks);
        assertThat(r.tokens()).containsExactly(Arrays.stream(tokens).boxed().toArray(Integer[]::new));
        // The reply is remembered token for token.
        int[] all = c.tokens();
        assertThat(Arrays.copyOfRange(all, all.length - tokens.length - 2, all.length - 2)).containsExactly(tokens);
    }

    @Test
    void aBrokenByteSequenceBecomesReplacementCharactersAsHuggingFaceDecodes() {
        GemmaTokenizer t = model().tokenizer();
        int e2 = t.idOf("<0xE2>").orElseThrow();
        int[] tokens = ChatTemplate.concat(t.encode("a"), new int[] {e2}, t.encode(" b"));
        List<String> chunks = new ArrayList<>();
        Reply r = model().chat().maxTokens(10).pickers(s -> new Script(tokens)).stream("x", chunks::add).await();
        assertThat(r.text()).isEqualTo(t.decode(tokens)).contains("\uFFFD");
        assertThat(String.join("", chunks)).isEqualTo(r.text());
    }

    @Test
    void aStopStringAcrossTheReferenceReplysTokensCutsItThere() {
        Map<String, Object> chatCase = ChatFixtures.chatCase("single-turn");
        @SuppressWarnings("unchecked")
        Map<String, Object> run = (Map<String, Object>) ((Map<String, Object>) chatCase.get("runs")).get("ids");
        int[] greedy = ChatFixtures.ints(run.get("greedy"));
        String decoded = (String) run.get("decoded");
        GemmaTokenizer t = model().tokenizer();
        // Two characters either side of the boundary between the 8th and 9th reference tokens.
        int boundary = t.decode(Arrays.copyOf(greedy, 8)).length();
        String stop = decoded.substring(boundary - 2, boundary + 2);
        String expected = decoded.substring(0, decoded.indexOf(stop));
        assertThat(expected.length()).isGreaterThan(10);

        Gemma g = model();
        List<String> chunks = new ArrayList<>();
        Conversation c = g.chat().maxTokens(24).stopStrings(stop);
        Reply r = c.stream("Write a haiku about the sea.", chunks::add).await();
        assertThat(r.finishReason()).isEqualTo(FinishReason.STOP_STRING);
        assertThat(r.text()).isEqualTo(expected);
        assertThat(String.join("", chunks)).isEqualTo(expected);
        assertThat(chunks).noneMatch(s -> s.contains(stop.substring(0, 2) + stop.charAt(2)));
        assertThat(c.messages().get(1).content()).isEqualTo(expected);
        assertRemembered(c, expected);

        // The next turn continues from the trimmed reply exactly like a fresh read of that history.
        String saved = c.toJson();
        Reply next = c.send("Again.");
        Reply fresh = g.restore(saved).send("Again.");
        assertThat(next.tokens()).isEqualTo(fresh.tokens());
    }

    @Test
    void aStopStringStartingInsideATokenKeepsTheTextBeforeIt() {
        GemmaTokenizer t = model().tokenizer();
        int[] tokens = t.encode("The weather is lovely today, isn't it?");
        // "ely t" starts inside the piece "▁lovely" and ends inside "▁today".
        Conversation c = model().chat().maxTokens(50).stopStrings("ely t").pickers(s -> new Script(tokens));
        List<String> chunks = new ArrayList<>();
        Reply r = c.stream("Talk about the weather.", chunks::add).await();
        assertThat(r.finishReason()).isEqualTo(FinishReason.STOP_STRING);
        assertThat(r.text()).isEqualTo("The weather is lov");
        assertThat(String.join("", chunks)).isEqualTo("The weather is lov");
        assertRemembered(c, "The weather is lov");
        // The cache was rewound to the agreeing tokens: the next turn reads the rest, then continues.
        c.pickers(null).maxTokens(3);
        Reply next = c.send("And tomorrow?");
        int promptEnd = c.tokens().length - next.tokens().size() - 2;
        assertThat(next.tokens()).isEqualTo(ConversationTest.freshGreedy(model(), Arrays.copyOf(c.tokens(), promptEnd), 3));
    }

    @Test
    void stopStringsAreMatchedOnTheTextOnlyAndCanBeSeveral() {
        GemmaTokenizer t = model().tokenizer();
        int[] tokens = t.encode("one two three four");
        Reply r = model().chat().stopStrings("four", " thr").pickers(s -> new Script(tokens)).send("Count.");
        assertThat(r.text()).isEqualTo("one two");
        assertThat(r.tokens()).containsExactly(Arrays.stream(tokens).boxed().limit(r.tokens().size()).toArray(Integer[]::new));
    }

    /** The model turn in the history decodes to exactly the reply text. */
    static void assertRemembered(Conversation c, String text) {
        int[] all = c.tokens();
        int start = all.length - 2;
        while (!(all[start - 3] == 106 && all[start - 2] == 2516 && all[start - 1] == 108)) {
            start--;
        }
        assertThat(all[all.length - 2]).isEqualTo(107);
        assertThat(model().tokenizer().decode(Arrays.copyOfRange(all, start, all.length - 2))).isEqualTo(text);
    }
}
