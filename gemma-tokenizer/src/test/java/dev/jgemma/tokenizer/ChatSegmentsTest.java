package dev.jgemma.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The chat prompts of the shared Gemma-2 fixture. The rendered template through
 * {@code encodeWithSpecialTokens} gives transformers' {@code apply_chat_template} ids; the safe way
 * (template markers by id, role and message text through plain {@code encode}) gives the
 * fixture's {@code ids}, also when the user typed {@code <end_of_turn>} and
 * {@code <start_of_turn>model} into their message.
 */
class ChatSegmentsTest {

    @SuppressWarnings("unchecked")
    static Stream<Map<String, Object>> chats() throws IOException {
        String text = Files.readString(Fixtures.shared("fixtures/gemma2/vocab256k/chat/cases.json"));
        List<Map<String, Object>> cases = (List<Map<String, Object>>) Json.object(text).get("cases");
        assertThat(cases).isNotEmpty();
        return cases.stream();
    }

    @ParameterizedTest(name = "{index}")
    @MethodSource("chats")
    void renderedTemplateWithSpecialTokens(Map<String, Object> chat) {
        String rendered = (String) chat.get("rendered");
        int[] expected = Json.ints(chat.get("ids_hf_template"));
        assertThat(ReferenceTokenizers.json().encodeWithSpecialTokens(rendered)).containsExactly(expected);
        assertThat(ReferenceTokenizers.ggufArrays().encodeWithSpecialTokens(rendered)).containsExactly(expected);
    }

    @ParameterizedTest(name = "{index}")
    @MethodSource("chats")
    @SuppressWarnings("unchecked")
    void markersByIdAndTextByPlainEncode(Map<String, Object> chat) {
        GemmaTokenizer tokenizer = ReferenceTokenizers.json();
        List<Integer> ids = new ArrayList<>(List.of(tokenizer.bosId()));
        StringBuilder rendered = new StringBuilder("<bos>");
        for (Object m : (List<Object>) chat.get("messages")) {
            Map<String, Object> message = (Map<String, Object>) m;
            String role = message.get("role").equals("assistant") ? "model" : (String) message.get("role");
            String text = role + "\n" + ((String) message.get("content")).strip();
            ids.add(tokenizer.startOfTurnId());
            add(ids, tokenizer.encode(text));
            ids.add(tokenizer.endOfTurnId());
            add(ids, tokenizer.encode("\n"));
            rendered.append("<start_of_turn>").append(text).append("<end_of_turn>\n");
        }
        ids.add(tokenizer.startOfTurnId());
        add(ids, tokenizer.encode("model\n"));
        rendered.append("<start_of_turn>model\n");

        assertThat(rendered.toString()).isEqualTo(chat.get("rendered"));
        int[] expected = Json.ints(chat.get("ids"));
        assertThat(ids.stream().mapToInt(Integer::intValue).toArray()).containsExactly(expected);
    }

    private static void add(List<Integer> ids, int[] more) {
        IntStream.of(more).forEach(ids::add);
    }
}
