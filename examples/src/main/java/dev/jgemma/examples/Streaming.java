package dev.jgemma.examples;

import dev.jgemma.chat.Conversation;
import dev.jgemma.chat.Gemma;
import dev.jgemma.chat.Generation;
import dev.jgemma.chat.Reply;
import java.nio.file.Path;

/**
 * Streams a reply as it is generated: text chunks (always whole characters) go to a callback,
 * then the reply reports why it ended and what it cost.
 */
public final class Streaming {
    private Streaming() {
    }

    /** @param args the model: a .gguf file or an HF checkpoint folder */
    public static void main(String[] args) {
        try (Gemma gemma = Gemma.load(Path.of(args[0]))) {
            Conversation chat = gemma.chat().temperature(0.8).topP(0.95).seed(7).maxTokens(100);
            Generation generation = chat.stream("Write a haiku about the sea.", System.out::print);
            Reply reply = generation.await();
            System.out.println();
            System.out.println(reply.finishReason() + ": " + reply.usage());
        }
    }
}
