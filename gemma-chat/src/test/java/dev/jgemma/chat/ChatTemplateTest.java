package dev.jgemma.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The template's text rules: Jinja's trim (Python's whitespace) and the system fold. */
class ChatTemplateTest {

    @Test
    void trimRemovesWhatPythonCallsWhitespace() {
        assertThat(ChatTemplate.trim("  \n\t  Hello,   how are\tyou?  \n\n ")).isEqualTo("Hello,   how are\tyou?");
        assertThat(ChatTemplate.trim("\u00a0\u3000\u2003\u0085\u001c x \u202f\u205f\u2028\u000b\u000c")).isEqualTo("x");
        // Not whitespace for Python: zero-width space, BOM, and everything else.
        assertThat(ChatTemplate.trim("\u200bx\ufeff")).isEqualTo("\u200bx\ufeff");
        assertThat(ChatTemplate.trim("")).isEmpty();
        assertThat(ChatTemplate.trim(" \n ")).isEmpty();
    }

    @Test
    void pythonWhitespaceIsExactlyTheStrIsspaceSet() {
        // The 29 UTF-16 code units for which CPython's str.isspace() is true.
        String python = "\t\n\u000b\u000c\r\u001c\u001d\u001e\u001f \u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
                + "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000";
        int count = 0;
        for (char c = 0; c < Character.MAX_VALUE; c++) {
            if (ChatTemplate.isPythonSpace(c)) {
                assertThat(python.indexOf(c)).as("U+%04X", (int) c).isGreaterThanOrEqualTo(0);
                count++;
            }
        }
        assertThat(count).isEqualTo(python.length());
    }

    @Test
    void theSystemTextIsFoldedIntoTheFirstUserMessage() {
        assertThat(ChatTemplate.foldSystem(null, " hi ")).isEqualTo(" hi ");
        assertThat(ChatTemplate.foldSystem(" Be brief.\n", " hi ")).isEqualTo("Be brief.\n\nhi");
    }

    @Test
    void theWhitespaceCaseRendersAsTheOfficialTemplate() {
        Map<String, Object> c = ChatFixtures.chatCase("whitespace");
        Conversation chat = TestModels.gguf().chat().maxTokens(1);
        chat.send("  \n\t  Hello,   how are\tyou?  \n\n ");
        int[] ids = ChatFixtures.ints(c.get("ids"));
        assertThat(java.util.Arrays.copyOf(chat.tokens(), ids.length)).containsExactly(ids);
    }
}
