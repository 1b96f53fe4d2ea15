/**
 * The fluent multi-turn conversation API for Gemma-2: load a model with its tokenizer, hold
 * conversations in the official chat format, sample, stream, cancel, save and restore.
 * Entry point: {@link dev.jgemma.chat.Gemma}.
 */
module dev.jgemma.chat {
    requires transitive dev.jgemma.core;
    requires transitive dev.jgemma.tokenizer;
    requires org.slf4j;
    requires tools.jackson.core;

    exports dev.jgemma.chat;
}
