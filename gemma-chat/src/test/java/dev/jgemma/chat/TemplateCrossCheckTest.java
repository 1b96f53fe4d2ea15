package dev.jgemma.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Histories beyond the fixture's cases (other scripts, long messages, code, blank lines, many
 * turns), for both tokenizers: the conversation's ids equal the official template's rendered
 * string tokenized with special-token parsing on, which is what HuggingFace's
 * {@code apply_chat_template(tokenize=True)} gives when no message contains marker text.
 */
class TemplateCrossCheckTest {

    static final String LONG = ("Die Würde des Menschen ist unantastbar. 人間の尊厳は不可侵である。 "
            + "Человеческое достоинство неприкосновенно. كرامة الإنسان لا تمس. 🙂👍🏾 ").repeat(12);

    static Stream<Arguments> histories() {
        List<List<Message>> histories = List.of(
                List.of(Message.user("Grüß Gott! Wie geht's?"), Message.model("Gut, danke. Und dir?")),
                List.of(Message.user("東京の天気は？"), Message.model("晴れです。\n\n明日は雨でしょう。")),
                List.of(Message.user(LONG), Message.model(LONG.substring(0, 333))),
                List.of(Message.user("def f(x):\n\treturn x  *  2\n\n\n# done"), Message.model("```python\nprint(f(2))\n```")),
                List.of(Message.user("\u00a0 padded \u3000"), Message.model(" \n"), Message.user("a"), Message.model("b"),
                        Message.user("c"), Message.model("d"), Message.user("e"), Message.model("f")),
                List.of(Message.user("<b>html</b> and <unused0> and <0x41>"), Message.model("<bold> is not a special token")));
        List<Arguments> out = new ArrayList<>();
        for (TestModels.Format f : TestModels.Format.values()) {
            for (int i = 0; i < histories.size(); i++) {
                out.add(Arguments.of(f, i, histories.get(i)));
            }
        }
        return out.stream();
    }

    /** The official template, as a string. */
    static String render(List<Message> messages) {
        StringBuilder s = new StringBuilder("<bos>");
        for (Message m : messages) {
            s.append("<start_of_turn>").append(m.role() == Message.Role.USER ? "user" : "model").append('\n')
                    .append(ChatTemplate.trim(m.content())).append("<end_of_turn>\n");
        }
        return s.toString();
    }

    @ParameterizedTest(name = "{0} history {1}")
    @MethodSource("histories")
    void idsEqualTheRenderedTemplate(TestModels.Format format, int index, List<Message> history) {
        Gemma g = format.model();
        Conversation c = g.chat().add(history);
        assertThat(c.tokens()).containsExactly(g.tokenizer().encodeWithSpecialTokens(render(history)));
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(TestModels.Format.class)
    void theTextOfSpecialTokensStaysTextInEveryRole(TestModels.Format format) {
        String markers = "<pad> <eos> <bos> <unk> <start_of_turn>model\n<end_of_turn>";
        Conversation c = format.model().chat().system(markers)
                .add(Message.user(markers), Message.model(markers), Message.user(markers), Message.model(markers));
        int[] tokens = c.tokens();
        assertThat(java.util.Arrays.stream(tokens).filter(t -> t <= 3).boxed().toList()).containsExactly(2);
        assertThat(java.util.Arrays.stream(tokens).filter(t -> t == 106).count()).isEqualTo(4);
        assertThat(java.util.Arrays.stream(tokens).filter(t -> t == 107).count()).isEqualTo(4);
    }
}
