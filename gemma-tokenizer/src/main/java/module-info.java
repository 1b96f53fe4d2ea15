module dev.jgemma.tokenizer {
    requires tools.jackson.core;
    exports dev.jgemma.tokenizer;
}
