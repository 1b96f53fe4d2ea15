package dev.jgemma.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Saved conversations and message lists: what is accepted, and a clear error for everything else. */
class ConversationJsonTest {

    static Gemma model() {
        return TestModels.gguf();
    }

    static void assertRejected(String json, String... messageParts) {
        assertThatThrownBy(() -> model().restore(json)).isInstanceOf(ConversationFormatException.class)
                .hasMessageContainingAll(messageParts);
    }

    @Test
    void aBareMessageArrayRestoresWithRoleAliases() {
        Conversation c = model().restore("""
                [{"role": "system", "content": "Be kind."},
                 {"role": "user", "content": "Hi"},
                 {"role": "assistant", "content": "Hello!"}]""");
        assertThat(c.systemText()).contains("Be kind.");
        assertThat(c.messages()).containsExactly(Message.user("Hi"), Message.model("Hello!"));
        assertThat(model().restore("[]").messages()).isEmpty();
    }

    @Test
    void messageListsParseForTheCli() {
        List<Message> m = Message.listFromJson("""
                [{"role": "user", "content": "a"}, {"role": "MODEL", "content": ""}, {"role": "user", "content": "b\\n"}]""");
        assertThat(m).containsExactly(Message.user("a"), Message.model(""), Message.user("b\n"));
        assertThatThrownBy(() -> Message.listFromJson("{}")).isInstanceOf(ConversationFormatException.class)
                .hasMessageContaining("expected an array");
        assertThatThrownBy(() -> Message.listFromJson("[{\"role\": \"user\"}]")).isInstanceOf(ConversationFormatException.class)
                .hasMessageContaining("[0].content");
        assertThatThrownBy(() -> Message.listFromJson("[{\"role\": \"user\", \"content\": \"x\", \"name\": \"bob\"}]"))
                .isInstanceOf(ConversationFormatException.class).hasMessageContaining("[0]").hasMessageContaining("name");
        assertThatThrownBy(() -> Message.listFromJson("[{\"role\": \"tool\", \"content\": \"x\"}]"))
                .isInstanceOf(ConversationFormatException.class).hasMessageContaining("[0].role").hasMessageContaining("tool");
    }

    @Test
    void malformedJsonNamesTheLineAndColumn() {
        assertRejected("[{\"role\": \"user\",\n \"content\": }]", "malformed JSON", "line 2");
        assertRejected("", "empty");
        assertRejected("[] []", "after the JSON value");
        assertRejected("{\"format\": \"jgemma-conversation\", \"format\": \"x\"}", "malformed JSON", "format");
        assertThatThrownBy(() -> model().restore(null)).isInstanceOf(ConversationFormatException.class);
    }

    @Test
    void theWrapperIsChecked() {
        assertRejected("\"hello\"", "expected a saved conversation");
        assertRejected("{\"messages\": []}", "\"format\"");
        assertRejected("{\"format\": \"jgemma-conversation\", \"version\": 2, \"messages\": []}", "version", "2");
        assertRejected("{\"format\": \"jgemma-conversation\", \"version\": 1, \"messages\": [], \"extra\": 1}", "unknown field", "extra");
        assertRejected("{\"format\": \"jgemma-conversation\", \"version\": 1}", "messages", "expected an array");
        assertRejected("{\"format\": \"jgemma-conversation\", \"version\": 1, \"messages\": {}}", "messages", "expected an array");
    }

    @Test
    void messagesAreChecked() {
        assertRejected("[{\"role\": \"model\", \"content\": \"x\"}]", "messages[0]", "user message should come here");
        assertRejected("[{\"role\": \"user\", \"content\": \"x\"}]", "end with a user message");
        assertRejected("[{\"role\": \"user\", \"content\": \"x\"}, {\"role\": \"system\", \"content\": \"s\"}]", "messages[1]",
                "system message can only come first");
        assertRejected("[{\"role\": \"user\", \"content\": 5}]", "messages[0].content", "expected a string");
        assertRejected("[{\"role\": \"user\", \"content\": null}]", "messages[0].content", "null");
        assertRejected("[\"hi\"]", "messages[0]", "expected an object");
        assertRejected("[{\"role\": \"user\", \"content\": \"x\", \"tokens\": [1]}, {\"role\": \"model\", \"content\": \"y\"}]",
                "messages[0]", "only model messages carry");
    }

    @Test
    void replyTokensAreCheckedAgainstTheVocabularyAndTheContent() {
        int[] hello = model().tokenizer().encode("Hello!");
        String tokens = java.util.Arrays.toString(hello);
        String ok = "[{\"role\": \"user\", \"content\": \"Hi\"}, {\"role\": \"model\", \"content\": \"Hello!\", \"tokens\": " + tokens + "}]";
        Conversation c = model().restore(ok);
        int[] all = c.tokens();
        assertThat(java.util.Arrays.copyOfRange(all, all.length - hello.length - 2, all.length - 2)).containsExactly(hello);
        assertRejected(ok.replace("\"Hello!\",", "\"Hullo!\","), "messages[1]", "decode to \"Hello!\"", "remove \"tokens\"");
        assertRejected(ok.replace(tokens, "[256000]"), "messages[1].tokens[0]", "[0, 256000)");
        assertRejected(ok.replace(tokens, "[-1]"), "messages[1].tokens[0]");
        assertRejected(ok.replace(tokens, "[1.5]"), "messages[1].tokens[0]");
        assertRejected(ok.replace(tokens, "\"abc\""), "messages[1].tokens", "expected an array");
    }

    @Test
    void settingsAreChecked() {
        String head = "{\"format\": \"jgemma-conversation\", \"version\": 1, \"messages\": [], \"settings\": ";
        assertRejected(head + "{\"temperature\": -1}}", "settings.temperature", "temperature must be");
        assertRejected(head + "{\"temperature\": \"hot\"}}", "settings.temperature", "expected a number");
        assertRejected(head + "{\"topK\": 1.5}}", "settings.topK", "expected an integer");
        assertRejected(head + "{\"maxTokens\": 0}}", "settings.maxTokens");
        assertRejected(head + "{\"maxTokens\": 99999999999}}", "settings.maxTokens");
        assertRejected(head + "{\"stopStrings\": [\"\"]}}", "settings.stopStrings");
        assertRejected(head + "{\"logitBias\": {\"x\": 1}}}", "settings.logitBias", "not a token id");
        assertRejected(head + "{\"logitBias\": {\"5\": \"+Infinity\"}}}", "settings.logitBias.5");
        assertRejected(head + "{\"overflowPolicy\": \"PANIC\"}}", "settings.overflowPolicy", "PANIC");
        assertRejected(head + "{\"speed\": 3}}", "unknown setting", "speed");
        assertRejected(head + "[]}", "settings", "expected an object");
        Conversation c = model().restore(head + "{\"temperature\": 1, \"seed\": -3, \"logitBias\": {\"7\": \"-Infinity\"}}}");
        assertThat(c.settings().seed()).hasValue(-3);
        assertThat(c.settings().sampling().logitBias()).containsEntry(7, Float.NEGATIVE_INFINITY);
    }
}
