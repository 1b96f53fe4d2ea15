package dev.jgemma.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The tokenizer.json loader on small synthetic files: both merge formats, and every kind of bad file. */
class TokenizerJsonLoaderTest {

    static Path resource(String name) {
        try {
            return Path.of(TokenizerJsonLoaderTest.class.getResource("/tokenizer-json/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny.json", "tiny-array-merges.json", "tiny-merges-before-vocab.json"})
    void loadsBothMergeFormatsInAnyOrder(String file) {
        GemmaTokenizer tokenizer = GemmaTokenizer.fromTokenizerJson(resource(file));
        int ab = tokenizer.idOf("ab").getAsInt();
        int abc = tokenizer.idOf("abc").getAsInt();
        int meta = tokenizer.idOf("\u2581").getAsInt();
        int metaAb = tokenizer.idOf("\u2581ab").getAsInt();
        int c = tokenizer.idOf("c").getAsInt();
        // '▁ab': a+b (rank 0) merges before ▁+a (rank 2), and there is no rule ▁ + ab
        assertThat(tokenizer.encode("abc ab c")).containsExactly(abc, meta, ab, meta, c);
        assertThat(tokenizer.encode(" a")).containsExactly(tokenizer.idOf("\u2581a").getAsInt());
        assertThat(metaAb).isEqualTo(271);
        assertThat(tokenizer.encode("ab", true)).containsExactly(tokenizer.bosId(), ab);
        // 'x' has no piece: byte fallback to <0x78>
        assertThat(tokenizer.encode("ax")).containsExactly(tokenizer.idOf("a").getAsInt(), tokenizer.idOf("<0x78>").getAsInt());
        assertThat(tokenizer.decode(tokenizer.encode("abc ab cx\n<td>"))).isEqualTo("abc ab cx\n<td>");
        assertThat(tokenizer.encode("<td>")).containsExactly(7);
        assertThat(tokenizer.encode("<end_of_turn>")).doesNotContain(5);
        assertThat(tokenizer.encodeWithSpecialTokens("<end_of_turn>")).containsExactly(5);
        assertThat(tokenizer.vocabularySize()).isEqualTo(8 + 256 + 12);
        assertThat(tokenizer.source()).isEqualTo(resource(file).toString());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "truncated.json            | malformed or truncated JSON at line",
        "malformed.json            | malformed or truncated JSON at line",
        "unigram.json              | model type \"Unigram\" is not supported (only \"BPE\"",
        "wordpiece.json            | model type \"WordPiece\" is not supported",
        "vocab-gap.json            | the vocabulary has no piece for id 267",
        "duplicate-id.json         | the vocabulary has duplicate id 268 (pieces \"ab\" and \"abc\")",
        "duplicate-piece.json      | the piece \"ab\" appears twice in the vocabulary (ids 268 and 269)",
        "merge-unknown-piece.json  | merge #5 \"b q\" uses \"q\", which is not in the vocabulary",
        "merge-result-missing.json | merge #5 \"c a\" produces \"ca\", which is not in the vocabulary",
        "pre-tokenizer.json        | a pre_tokenizer is not supported",
        "normalizer-nfkc.json      | normalizer NFKC is not supported",
        "added-token-lstrip.json   | added token \"<td>\" (id 7) sets \"lstrip\": true, which is not supported",
        "added-token-wrong-id.json | added token \"<td>\" has id 9, but the vocabulary has \"<0x01>\" there",
        "no-model.json             | there is no \"model\" section",
        "not-an-object.json        | expected a JSON object at the top level",
    })
    void rejectsBadFilesWithTheFileAndTheProblem(String file, String problem) {
        Path path = resource(file);
        assertThatThrownBy(() -> GemmaTokenizer.fromTokenizerJson(path))
                .isInstanceOf(TokenizerException.class)
                .hasMessageStartingWith(path + ": ")
                .hasMessageContaining(problem)
                .satisfies(e -> assertThat(((TokenizerException) e).source()).isEqualTo(path.toString()));
    }

    @Test
    void loadPicksTheLoaderFromNameOrContent(@TempDir Path dir) throws IOException {
        Path json = resource("tiny.json");
        assertThat(GemmaTokenizer.load(json).vocabularySize()).isEqualTo(276);
        Path noExtension = Files.copy(json, dir.resolve("tokenizer"));
        assertThat(GemmaTokenizer.load(noExtension).vocabularySize()).isEqualTo(276);
        Path model = Fixtures.shared("fixtures/tokenizer/gemma-tokenizer.model");
        assertThat(GemmaTokenizer.load(model).pieceOf(226)).isEqualTo("<0x09>");
        assertThatThrownBy(() -> GemmaTokenizer.load(dir.resolve("missing")))
                .isInstanceOf(TokenizerException.class).hasMessageContaining("cannot read the file");
    }

    @Test
    void rejectsMissingAndEmptyFiles(@TempDir Path dir) throws IOException {
        Path missing = dir.resolve("nope.json");
        assertThatThrownBy(() -> GemmaTokenizer.fromTokenizerJson(missing))
                .isInstanceOf(TokenizerException.class).hasMessageStartingWith(missing + ": cannot read the file");
        Path empty = Files.writeString(dir.resolve("empty.json"), "");
        assertThatThrownBy(() -> GemmaTokenizer.fromTokenizerJson(empty))
                .isInstanceOf(TokenizerException.class).hasMessage(empty + ": the file is empty");
    }

    @Test
    void rejectsTheRealFileCutAnywhere(@TempDir Path dir) throws IOException {
        byte[] real = Files.readAllBytes(Fixtures.tokenizerJson());
        for (int cut : new int[] {10, 5_000, real.length / 2, real.length - 3}) {
            Path file = dir.resolve("cut-" + cut + ".json");
            Files.write(file, java.util.Arrays.copyOf(real, cut));
            assertThatThrownBy(() -> GemmaTokenizer.fromTokenizerJson(file))
                    .isInstanceOf(TokenizerException.class)
                    .hasMessageStartingWith(file + ": malformed or truncated JSON at line");
        }
    }
}
