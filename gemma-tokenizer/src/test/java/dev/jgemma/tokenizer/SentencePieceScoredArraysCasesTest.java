package dev.jgemma.tokenizer;

/**
 * The public cases through {@link GemmaTokenizer#fromVocabulary}, with SentencePiece's score
 * convention (-(id - 473) for NORMAL pieces, 0 for all others, so the '▁' runs and 'in' share
 * score 0): merge ranks must still follow HuggingFace, in particular for runs of more than 31 spaces.
 */
class SentencePieceScoredArraysCasesTest extends HuggingFaceCaseContract {
    @Override
    GemmaTokenizer tokenizer() {
        return ReferenceTokenizers.spmScoredArrays();
    }
}
