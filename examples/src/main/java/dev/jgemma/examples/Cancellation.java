package dev.jgemma.examples;

import dev.jgemma.chat.Conversation;
import dev.jgemma.chat.Gemma;
import dev.jgemma.chat.Generation;
import dev.jgemma.chat.Reply;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Cancels a long reply after one second: it stops within one token, keeps what it generated,
 * and the conversation goes on.
 */
public final class Cancellation {
    private Cancellation() {
    }

    /** @param args the model: a .gguf file or an HF checkpoint folder */
    public static void main(String[] args) {
        try (Gemma gemma = Gemma.load(Path.of(args[0]))) {
            Conversation chat = gemma.chat().maxTokens(4000);
            Generation story = chat.stream("Tell me a very long story.", System.out::print);
            CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS).execute(story::cancel);
            Reply partial = story.await();
            System.out.println();
            System.out.println(partial.finishReason() + " after " + partial.tokens().size() + " tokens");

            Reply next = chat.maxTokens(50).send("Sorry, a shorter one please.");
            System.out.println(next.text());
            System.out.println(next.finishReason() + ": " + next.usage());
        }
    }
}
