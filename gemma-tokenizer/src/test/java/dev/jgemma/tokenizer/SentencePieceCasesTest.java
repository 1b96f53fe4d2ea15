package dev.jgemma.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link GemmaTokenizer#fromSentencePieceModel} against the ids Google's SentencePiece produced for
 * every public case ({@code spm_cases.jsonl}).
 */
class SentencePieceCasesTest {
    private static final String CASES = "dev.jgemma.tokenizer.PublicCase#all";

    private static GemmaTokenizer tokenizer() {
        return ReferenceTokenizers.sentencePiece();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(CASES)
    void encodesLikeSentencePiece(PublicCase c) {
        assertThat(tokenizer().encodeWithSpecialTokens(c.text())).as(c.text()).containsExactly(c.sentencePieceIds());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(CASES)
    void plainEncodeNeverProducesTurnMarkers(PublicCase c) {
        GemmaTokenizer tokenizer = tokenizer();
        int[] plain = tokenizer.encode(c.text());
        if (!c.text().contains("<start_of_turn>") && !c.text().contains("<end_of_turn>")) {
            assertThat(plain).containsExactly(c.sentencePieceIds());
        } else {
            assertThat(IntStream.of(plain).filter(tokenizer::isSpecial).toArray()).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(CASES)
    void decodesAndStreams(PublicCase c) {
        String expected = tokenizer().decode(c.sentencePieceIds());
        assertThat(expected).isEqualTo(c.text().replace('\u2581', ' '));
        assertThat(HuggingFaceCaseContract.stream(tokenizer().newStreamingDecoder(), c.sentencePieceIds())).isEqualTo(expected);
    }

    @Test
    void vocabularyMatchesTheJsonOneExceptTheTabPiece() {
        GemmaTokenizer spm = tokenizer();
        GemmaTokenizer hf = ReferenceTokenizers.json();
        assertThat(spm.vocabularySize()).isEqualTo(256_000);
        for (int id = 0; id < spm.vocabularySize(); id++) {
            if (id != 226) {
                assertThat(spm.pieceOf(id)).isEqualTo(hf.pieceOf(id));
            }
        }
        assertThat(spm.pieceOf(226)).isEqualTo("<0x09>");
        assertThat(hf.pieceOf(226)).isEqualTo("\t");
        assertThat(List.of(spm.padId(), spm.eosId(), spm.bosId(), spm.unkId(), spm.startOfTurnId(), spm.endOfTurnId()))
                .containsExactly(0, 1, 2, 3, 106, 107);
        assertThat(spm.tokenType(106)).isEqualTo(TokenType.USER_DEFINED);
        assertThat(spm.isSpecial(106)).isTrue();
    }

    @Test
    void documentedDifferencesFromHuggingFace() {
        GemmaTokenizer spm = tokenizer();
        String spaces32 = " ".repeat(32);
        assertThat(spm.encode(spaces32)).containsExactly(168, 235248);
        assertThat(ReferenceTokenizers.json().encode(spaces32)).containsExactly(153, 153);
        assertThat(spm.encodeWithSpecialTokens("<bos>")).containsExactly(235322, 14084, 235313);
        assertThat(spm.encodeWithSpecialTokens("<unused99>")).containsExactly(255999);
        assertThat(spm.encode("\t".repeat(32))).containsExactly(255998, 226);
    }
}
