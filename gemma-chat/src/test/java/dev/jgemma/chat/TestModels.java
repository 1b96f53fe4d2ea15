package dev.jgemma.chat;

import java.util.function.Supplier;

/**
 * The two formats of the {@code vocab256k} fixture, loaded once per test JVM and shared by the
 * tests that do not close them: the HF folder with the cached tokenizer.json, and the Q8_0 GGUF
 * with the tokenizer from its metadata. Two compute threads: the CI machine is small.
 */
final class TestModels {
    private static Gemma hf;
    private static Gemma gguf;

    private TestModels() {
    }

    /** The formats, by name, for parameterized tests. */
    enum Format {
        HF(TestModels::hf), GGUF(TestModels::gguf);

        private final Supplier<Gemma> model;

        Format(Supplier<Gemma> model) {
            this.model = model;
        }

        Gemma model() {
            return model.get();
        }
    }

    static synchronized Gemma hf() {
        if (hf == null) {
            hf = openHf();
        }
        return hf;
    }

    static synchronized Gemma gguf() {
        if (gguf == null) {
            gguf = openGguf();
        }
        return gguf;
    }

    /** @return a new instance of the HF model (for tests that close it) */
    static Gemma openHf() {
        return Gemma.builder(ChatFixtures.hfFolder()).threads(2).tokenizer(ChatFixtures.tokenizerJson()).build();
    }

    /** @return a new instance of the GGUF model (for tests that close it) */
    static Gemma openGguf() {
        return Gemma.builder(ChatFixtures.gguf()).threads(2).build();
    }
}
