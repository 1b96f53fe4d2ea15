package dev.jgemma.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jgemma.examples.ExampleFixtures;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gemma chat} driven through its input: replies stream, slash commands work. */
class ChatCommandTest {

    static String chat(String input, String... flags) throws Exception {
        ChatCommand command = new ChatCommand(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), false);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] argv = new String[flags.length + 2];
        argv[0] = "--model";
        argv[1] = ExampleFixtures.gguf().toString();
        System.arraycopy(flags, 0, argv, 2, flags.length);
        Args args = new Args("chat", argv, command.valuedFlags(), command.switches());
        int status = command.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aSessionWithEveryCommand(@TempDir Path dir) throws Exception {
        Path saved = dir.resolve("chat.json");
        String out = chat(String.join("\n",
                "Write a haiku about the sea.",
                "/stats",
                "/save " + saved,
                "/undo",
                "/undo",
                "/load " + saved,
                "/stats",
                "/reset",
                "/bogus",
                "/load " + dir.resolve("missing.json"),
                "",
                "/help",
                "/quit",
                "never read"), "--max-tokens", "24", "--threads", "2");
        assertThat(out).startsWith("> ");
        assertThat(out).contains(GenerateCommandTest.SINGLE_TURN + "\n(reached --max-tokens)");
        assertThat(out).contains("16 prompt tokens", "24 generated", "42 of 8192 context tokens used, 2 messages");
        assertThat(out).contains("(saved 2 messages to " + saved + ")");
        assertThat(out).contains("(took back the last exchange; 0 messages left)");
        assertThat(out).contains("(there is nothing to undo: the conversation is empty)");
        assertThat(out).contains("(loaded 2 messages from " + saved + ")");
        assertThat(out).contains("(conversation cleared)", "(unknown command /bogus", "(cannot load", "/save FILE");
        assertThat(Files.readString(saved)).contains("\"format\" : \"jgemma-conversation\"");
    }

    @Test
    void endOfInputLeavesQuietly() throws Exception {
        assertThat(chat("", "--system", "Be brief.")).isEqualTo("> \n");
    }
}
