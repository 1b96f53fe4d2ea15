package dev.jgemma.chat;

import dev.jgemma.tokenizer.GemmaTokenizer;
import java.util.Arrays;

/**
 * The Gemma-2 chat format as token ids, exactly what the official template
 * ({@code tokenizer_config.json}'s {@code chat_template}) renders:
 *
 * <pre>
 * &lt;bos&gt;&lt;start_of_turn&gt;user\n{content|trim}&lt;end_of_turn&gt;\n&lt;start_of_turn&gt;model\n{content|trim}&lt;end_of_turn&gt;\n ... &lt;start_of_turn&gt;model\n
 * </pre>
 *
 * The markers {@code <bos>}, {@code <start_of_turn>} and {@code <end_of_turn>} are their special
 * ids; the text between two markers (role name, newline, content) is encoded with special-token
 * parsing off, so text typed by a user can never open or close a turn. Gemma has no system role
 * (the official template raises an error on one): the system text is folded into the first user
 * message as {@code trim(system) + "\n\n" + trim(user)}, the way Gemma 3's official template and
 * most Gemma integrations do it.
 */
final class ChatTemplate {
    private final GemmaTokenizer tokenizer;
    private final int bos;
    private final int startOfTurn;
    private final int endOfTurn;
    private final int[] newline;
    private final int[] generationPrompt;

    ChatTemplate(GemmaTokenizer tokenizer) {
        this.tokenizer = tokenizer;
        this.bos = tokenizer.bosId();
        this.startOfTurn = tokenizer.startOfTurnId();
        this.endOfTurn = tokenizer.endOfTurnId();
        this.newline = tokenizer.encode("\n");
        this.generationPrompt = concat(new int[] {startOfTurn}, tokenizer.encode("model\n"));
    }

    GemmaTokenizer tokenizer() {
        return tokenizer;
    }

    int bos() {
        return bos;
    }

    int endOfTurn() {
        return endOfTurn;
    }

    /** @return {@code <start_of_turn>model\n}: what the model's reply follows */
    int[] generationPrompt() {
        return generationPrompt.clone();
    }

    /** @return {@code <end_of_turn>\n}: what closes every turn */
    int[] closing() {
        return concat(new int[] {endOfTurn}, newline);
    }

    /** @return {@code <start_of_turn>user\n{trim(content)}<end_of_turn>\n} */
    int[] userTurn(String content) {
        return concat(new int[] {startOfTurn}, tokenizer.encode("user\n" + trim(content)), closing());
    }

    /** @return {@code <start_of_turn>model\n{trim(content)}<end_of_turn>\n} for a reply given as text */
    int[] modelTurn(String content) {
        return concat(new int[] {startOfTurn}, tokenizer.encode("model\n" + trim(content)), closing());
    }

    /** @return the generation prompt, the reply's own tokens as the model produced them, the closing */
    int[] modelTurn(int[] replyTokens) {
        return concat(generationPrompt, replyTokens, closing());
    }

    /** @return the first user message's content with the system text folded in front */
    static String foldSystem(String system, String user) {
        return system == null ? user : trim(system) + "\n\n" + trim(user);
    }

    /**
     * Jinja's {@code trim} filter, which is Python's {@code str.strip()}: removes leading and
     * trailing characters that Python considers whitespace (a wider set than
     * {@link String#strip()}: it includes U+001C..U+001F, U+0085 and the no-break spaces).
     */
    static String trim(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && isPythonSpace(s.charAt(from))) {
            from++;
        }
        while (to > from && isPythonSpace(s.charAt(to - 1))) {
            to--;
        }
        return s.substring(from, to);
    }

    /** {@code str.isspace()} for one UTF-16 unit (no whitespace lies outside the BMP). */
    static boolean isPythonSpace(char c) {
        return (c >= '\t' && c <= '\r') || (c >= '\u001c' && c <= ' ') || c == '\u0085' || c == '\u00a0' || c == '\u1680'
                || (c >= '\u2000' && c <= '\u200a') || c == '\u2028' || c == '\u2029' || c == '\u202f' || c == '\u205f'
                || c == '\u3000';
    }

    static int[] concat(int[]... parts) {
        int n = 0;
        for (int[] p : parts) {
            n += p.length;
        }
        int[] out = Arrays.copyOf(parts[0], n);
        int at = parts[0].length;
        for (int i = 1; i < parts.length; i++) {
            System.arraycopy(parts[i], 0, out, at, parts[i].length);
            at += parts[i].length;
        }
        return out;
    }
}
