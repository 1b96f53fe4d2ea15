package dev.jgemma.examples;

import dev.jgemma.chat.Conversation;
import dev.jgemma.chat.Gemma;
import java.nio.file.Path;

/**
 * The README's quick start, word for word (ReadmeTest checks it): load a model, hold a conversation, stream a reply.
 * Run: {@code java --add-modules jdk.incubator.vector -cp gemma.jar dev.jgemma.examples.QuickStart gemma-2-2b-it-Q8_0.gguf}
 */
public final class QuickStart {
    private QuickStart() {
    }

    /** @param args the model: a .gguf file or an HF checkpoint folder */
    public static void main(String[] args) {
        try (Gemma gemma = Gemma.load(Path.of(args[0]))) {   // or an HF checkpoint folder
            Conversation chat = gemma.chat().system("Be brief.").temperature(0.7).seed(42).maxTokens(100);
            System.out.println(chat.send("What is the capital of France?").text());
            System.out.println(chat.send("And of Italy?").text());               // remembers the first turn
            chat.stream("Now say it in French.", System.out::print).await();     // streams text as it is generated
        }
    }
}
