package dev.jgemma.tokenizer;

/**
 * The public cases through {@link GemmaTokenizer#fromVocabulary}, with the arrays exactly as the
 * shared Gemma-2 GGUF stores them (scores -id for NORMAL pieces, 0 for the others; the 6 special
 * added tokens CONTROL, the other added tokens USER_DEFINED, byte pieces BYTE).
 */
class GgufArraysCasesTest extends HuggingFaceCaseContract {
    @Override
    GemmaTokenizer tokenizer() {
        return ReferenceTokenizers.ggufArrays();
    }
}
