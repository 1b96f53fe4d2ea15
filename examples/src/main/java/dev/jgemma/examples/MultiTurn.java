package dev.jgemma.examples;

import dev.jgemma.chat.Conversation;
import dev.jgemma.chat.Gemma;
import dev.jgemma.chat.Message;
import dev.jgemma.chat.Reply;
import java.nio.file.Path;

/**
 * A conversation that remembers: earlier turns stay in the KV cache, so each message only reads
 * its own tokens. Also: history given as messages, fork, undo, and save/restore as JSON.
 */
public final class MultiTurn {
    private MultiTurn() {
    }

    /** @param args the model: a .gguf file or an HF checkpoint folder */
    public static void main(String[] args) {
        try (Gemma gemma = Gemma.load(Path.of(args[0]))) {
            Conversation chat = gemma.chat().system("You are a terse assistant.").maxTokens(40)
                    .add(Message.user("My name is Ada."), Message.model("Nice to meet you, Ada."));
            Reply reply = chat.send("What is my name?");
            System.out.println("model: " + reply.text());
            System.out.println("  (" + reply.usage().promptTokens() + " prompt tokens read)");

            reply = chat.send("And what did I just ask you?");
            System.out.println("model: " + reply.text());
            System.out.println("  (only " + reply.usage().promptTokens() + " new prompt tokens: the rest was cached)");

            Conversation other = chat.fork().undo();   // the same history minus the last exchange
            System.out.println("fork:  " + other.send("What is my favourite colour?").text());

            String saved = chat.toJson();              // system text, settings, messages
            Conversation restored = gemma.restore(saved);
            System.out.println("restored " + restored.messages().size() + " messages; next reply: "
                    + restored.send("Thanks!").text());
        }
    }
}
