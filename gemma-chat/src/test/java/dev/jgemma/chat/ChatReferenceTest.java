package dev.jgemma.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jgemma.core.sampling.Sampler;
import dev.jgemma.core.sampling.SamplingParameters;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every chat case of the {@code vocab256k} fixture through the public API, for both formats:
 * the prompt ids equal the ones HuggingFace produces for the official template, the greedy reply
 * equals the 24 tokens Google's gemma_pytorch generates and their decoded text, and every step's
 * logits match the reference's top-64 and log-sum-exp. Earlier turns are given with
 * {@link Conversation#add}; the incremental path (history in the cache, only new tokens read) is
 * checked against the same references.
 */
class ChatReferenceTest {
    /** Logit tolerance against gemma_pytorch (f32 compute; the fixture weights are exact in both formats). */
    static final double LOGIT_TOLERANCE = 2e-3;

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (TestModels.Format f : TestModels.Format.values()) {
            for (Map<String, Object> c : ChatFixtures.cases()) {
                out.add(Arguments.of(f, c.get("name")));
            }
        }
        return out.stream();
    }

    /** A greedy picker that keeps every step's logits. */
    static final class Recorder implements TokenPicker {
        final Sampler greedy = new Sampler(SamplingParameters.greedy(), 0);
        final List<float[]> steps = new ArrayList<>();

        @Override
        public int pick(float[] logits) {
            steps.add(logits.clone());
            return greedy.sample(logits);
        }

        @Override
        public void accept(int token) {
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> run(Map<String, Object> chatCase) {
        return (Map<String, Object>) ((Map<String, Object>) chatCase.get("runs")).get("ids");
    }

    /** Adds all messages but the last as history; returns the last (user) message. */
    @SuppressWarnings("unchecked")
    static String addHistory(Conversation c, Map<String, Object> chatCase) {
        List<Map<String, Object>> messages = (List<Map<String, Object>>) chatCase.get("messages");
        List<Message> history = new ArrayList<>();
        for (Map<String, Object> m : messages.subList(0, messages.size() - 1)) {
            history.add(new Message(Message.Role.parse((String) m.get("role")), (String) m.get("content")));
        }
        c.add(history);
        Map<String, Object> last = messages.getLast();
        assertThat(last.get("role")).isEqualTo("user");
        return (String) last.get("content");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void promptGreedyTokensTextAndLogitsMatchTheReference(TestModels.Format format, String name) {
        Map<String, Object> chatCase = ChatFixtures.chatCase(name);
        Map<String, Object> run = run(chatCase);
        int[] prompt = ChatFixtures.ints(chatCase.get("ids"));
        int[] greedy = ChatFixtures.ints(run.get("greedy"));

        Recorder recorder = new Recorder();
        Conversation c = format.model().chat().maxTokens(greedy.length).pickers(s -> recorder);
        String last = addHistory(c, chatCase);
        Reply reply = c.send(last);

        int[] tokens = c.tokens();
        assertThat(Arrays.copyOf(tokens, prompt.length)).as("prompt ids").containsExactly(prompt);
        assertThat(reply.tokens()).as("greedy tokens").containsExactly(Arrays.stream(greedy).boxed().toArray(Integer[]::new));
        assertThat(reply.text()).as("decoded text").isEqualTo(run.get("decoded"));
        assertThat(reply.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(reply.usage().promptTokens()).as("a fresh conversation reads the whole prompt").isEqualTo(prompt.length);
        assertThat(reply.usage().generatedTokens()).isEqualTo(greedy.length);
        assertThat(tokens).as("one <bos>, at the start").startsWith(2);
        assertThat(Arrays.stream(tokens).filter(t -> t == 2).count()).isEqualTo(1);

        assertStepsMatch(recorder.steps, run, name);
        float[] row0 = ChatFixtures.floats(ChatFixtures.vocab256k().resolve((String) run.get("row0_file")));
        float[] ours = recorder.steps.getFirst();
        double maxDiff = 0;
        for (int i = 0; i < row0.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(ours[i] - row0[i]));
        }
        assertThat(maxDiff).as("max |logit - reference| over the whole first row").isLessThan(LOGIT_TOLERANCE);
    }

    @SuppressWarnings("unchecked")
    static void assertStepsMatch(List<float[]> steps, Map<String, Object> run, String name) {
        List<Map<String, Object>> top = (List<Map<String, Object>>) run.get("top64");
        List<Object> lse = (List<Object>) run.get("logsumexp");
        assertThat(steps).hasSize(top.size());
        for (int step = 0; step < top.size(); step++) {
            float[] logits = steps.get(step);
            int[] ids = ChatFixtures.ints(top.get(step).get("ids"));
            List<Object> values = (List<Object>) top.get(step).get("values");
            for (int k = 0; k < ids.length; k++) {
                assertThat((double) logits[ids[k]]).as("%s step %d logit of %d", name, step, ids[k])
                        .isCloseTo(((Number) values.get(k)).doubleValue(), org.assertj.core.data.Offset.offset(LOGIT_TOLERANCE));
            }
            double max = Double.NEGATIVE_INFINITY;
            for (float l : logits) {
                max = Math.max(max, l);
            }
            double sum = 0;
            for (float l : logits) {
                sum += Math.exp(l - max);
            }
            assertThat(max + Math.log(sum)).as("%s step %d log-sum-exp", name, step)
                    .isCloseTo(((Number) lse.get(step)).doubleValue(), org.assertj.core.data.Offset.offset(LOGIT_TOLERANCE));
        }
    }

    /**
     * The third turn of the three-turn case, with the first exchange already in the cache: the
     * second exchange is sent, taken back (the cache is rewound), given as history, and the
     * third message only reads its new tokens, yet the reply is the reference.
     */
    @ParameterizedTest
    @EnumSource(TestModels.Format.class)
    @SuppressWarnings("unchecked")
    void laterTurnsReadOnlyTheirNewTokensAndStillMatchTheReference(TestModels.Format format) {
        Map<String, Object> chatCase = ChatFixtures.chatCase("three-turns");
        List<Map<String, Object>> m = (List<Map<String, Object>>) chatCase.get("messages");
        int[] prompt = ChatFixtures.ints(chatCase.get("ids"));
        int[] greedy = ChatFixtures.ints(run(chatCase).get("greedy"));

        Conversation c = format.model().chat().maxTokens(3);
        c.add(Message.user((String) m.get(0).get("content")), Message.model((String) m.get(1).get("content")));
        int firstExchange = c.tokens().length;
        Reply detour = c.send((String) m.get(2).get("content"));
        // The fixture ids: the "Three." user turn is 7 tokens, "<start_of_turn>model\n" 3.
        assertThat(detour.usage().promptTokens()).isEqualTo(firstExchange + 7 + 3);
        c.undo();
        assertThat(c.cachedTokens()).as("undo rewinds the cache to the first exchange").isEqualTo(firstExchange);

        c.add(Message.user((String) m.get(2).get("content")), Message.model((String) m.get(3).get("content")));
        c.maxTokens(greedy.length);
        Reply reply = c.send((String) m.get(4).get("content"));
        assertThat(reply.usage().promptTokens()).as("only the tokens after the cached first exchange")
                .isEqualTo(prompt.length - firstExchange);
        assertThat(Arrays.copyOf(c.tokens(), prompt.length)).containsExactly(prompt);
        assertThat(reply.tokens()).containsExactly(Arrays.stream(greedy).boxed().toArray(Integer[]::new));
        assertThat(reply.text()).isEqualTo(run(chatCase).get("decoded"));
    }

    /** The HF-template variant of the literal-marker case shows why the markers must be ids: user text stays text. */
    @Test
    void userTextWithTurnMarkersStaysText() {
        Map<String, Object> chatCase = ChatFixtures.chatCase("literal-end-of-turn");
        int[] ids = ChatFixtures.ints(chatCase.get("ids"));
        int[] hfTemplate = ChatFixtures.ints(chatCase.get("ids_hf_template"));
        Conversation c = TestModels.gguf().chat().maxTokens(1);
        c.send(addHistory(c, chatCase));
        int[] tokens = Arrays.copyOf(c.tokens(), ids.length);
        assertThat(tokens).containsExactly(ids).isNotEqualTo(hfTemplate);
        // <start_of_turn> and <end_of_turn> appear only as the template's own markers: two user-turn
        // markers and the generation prompt's <start_of_turn>.
        assertThat(Arrays.stream(tokens).filter(t -> t == 106).count()).isEqualTo(2);
        assertThat(Arrays.stream(tokens).filter(t -> t == 107).count()).isEqualTo(1);
    }
}
