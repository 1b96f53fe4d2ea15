package dev.jgemma.examples;

import dev.jgemma.chat.Conversation;
import dev.jgemma.chat.Gemma;
import java.nio.file.Path;

/**
 * The README's quick start: load a model, hold a two-turn conversation.
 * Run: {@code java --add-modules jdk.incubator.vector -cp gemma.jar dev.jgemma.examples.QuickStart gemma-2-2b-it-Q8_0.gguf}
 */
public final class QuickStart {
    private QuickStart() {
    }

    /** @param args the model: a .gguf file or an HF checkpoint folder */
    public static void main(String[] args) {
        try (Gemma gemma = Gemma.load(Path.of(args[0]))) {
            Conversation chat = gemma.chat().system("Be brief.").temperature(0.7).seed(42).maxTokens(100);
            System.out.println(chat.send("What is the capital of France?").text());
            System.out.println(chat.send("And of Italy?").text());
        }
    }
}
