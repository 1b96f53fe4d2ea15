package dev.jgemma.tokenizer;

/** The public cases through {@link GemmaTokenizer#fromTokenizerJson}. */
class TokenizerJsonCasesTest extends HuggingFaceCaseContract {
    @Override
    GemmaTokenizer tokenizer() {
        return ReferenceTokenizers.json();
    }
}
