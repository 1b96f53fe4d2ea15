package dev.jgemma.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jgemma.chat.GenerationSettings;
import dev.jgemma.chat.Gemma;
import dev.jgemma.examples.ExampleFixtures;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gemma generate} on the fixture model: the chat reply of the reference cases (text out,
 * exactly), message files, plain continuation, raw ids, and one-line errors.
 */
class GenerateCommandTest {
    /** gemma_pytorch's 24 greedy tokens and their text for the fixture's single-turn case. */
    static final String SINGLE_TURN = " होंílicawh reconcili reconcili reconcili reconcili reconciliowaniuSPLITClikпульwhwh妈妈PolePolePolePolePetra"
            + " travellingUserAccountukka travelling";
    static final String SINGLE_TURN_IDS = "160369 174246 17705 231578 231578 231578 231578 231578 111792 158795 26057 164026 17705 17705"
            + " 42130 71520 71520 71520 71520 112570 29405 195717 97044 29405";
    static final String TWO_TURNS = "Poleukkaukkaukkaukkaukkaukkaukkaന厖letifoquefoquefoque在中国sixsixukka ZitFileNotFoundFileNotFound"
            + " Landau Landau Landau";

    record Result(int status, String out, String err) {
    }

    static Result gemma(String... argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = GemmaCli.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static String gguf() {
        return ExampleFixtures.gguf().toString();
    }

    @Test
    void aChatPromptPrintsExactlyTheReferenceReply() {
        Result r = gemma("generate", "--model", gguf(), "--prompt", "Write a haiku about the sea.", "--chat", "--max-tokens", "24",
                "--greedy", "--threads", "2");
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo(SINGLE_TURN + "\n");
        Result ids = gemma("generate", "--model", gguf(), "--prompt", "Write a haiku about the sea.", "--chat", "--max-tokens", "24",
                "--print-ids", "--stats");
        assertThat(ids.out()).isEqualTo(SINGLE_TURN_IDS + "\n");
        assertThat(ids.err()).contains("finish: LENGTH", "16 prompt tokens", "24 generated");
    }

    @Test
    void aMessagesFileGetsTheNextReplyForBothFormats(@TempDir Path dir) throws Exception {
        Path messages = Files.writeString(dir.resolve("m.json"), """
                [{"role": "user", "content": "What is the capital of France?"},
                 {"role": "assistant", "content": "The capital of France is Paris."},
                 {"role": "user", "content": "And how many people live there?"}]""");
        Result r = gemma("generate", "--model", gguf(), "--messages", messages.toString(), "--max-tokens", "24");
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo(TWO_TURNS + "\n");
        Result hf = gemma("generate", "--model", ExampleFixtures.vocab256k().resolve("hf-bf16").toString(), "--tokenizer",
                ExampleFixtures.tokenizerJson().toString(), "--messages", messages.toString(), "--max-tokens", "24");
        assertThat(hf.status()).as(hf.err()).isZero();
        assertThat(hf.out()).isEqualTo(TWO_TURNS + "\n");
    }

    @Test
    void aPlainPromptIsContinuedWithoutTheChatFormat() {
        Result r = gemma("generate", "--model", gguf(), "--prompt", "The capital of France is", "--max-tokens", "6");
        assertThat(r.status()).as(r.err()).isZero();
        try (Gemma g = Gemma.load(ExampleFixtures.gguf())) {
            String expected = g.complete("The capital of France is", GenerationSettings.defaults().maxTokens(6)).text();
            assertThat(r.out()).isEqualTo(expected + "\n");
        }
    }

    @Test
    void sampledRepliesAreReproducibleWithASeed() {
        String[] argv = {"generate", "--model", gguf(), "--prompt", "Hi", "--chat", "--temperature", "0.9", "--top-k", "40",
            "--top-p", "0.95", "--min-p", "0.01", "--repeat-penalty", "1.1", "--seed", "3", "--max-tokens", "8"};
        Result a = gemma(argv);
        assertThat(a.status()).as(a.err()).isZero();
        assertThat(gemma(argv).out()).isEqualTo(a.out());
    }

    @Test
    void rawTokensModeIsUnchanged() {
        Result r = gemma("generate", "--model", gguf(), "--tokens", "2,106,1645,108,5559,476,203472,1105,573,4176,235265,107,108,106,2516,108",
                "--max-tokens", "24", "--greedy", "--print-ids");
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo(SINGLE_TURN_IDS + "\n");
        assertThat(gemma("generate", "--model", gguf(), "--tokens", "2", "--print-ids").err()).contains("add --greedy");
    }

    @Test
    void badCombinationsAreOneLineErrors(@TempDir Path dir) throws Exception {
        String m = gguf();
        assertError(gemma("generate", "--model", m), "exactly one of --prompt, --messages or --tokens");
        assertError(gemma("generate", "--model", m, "--prompt", "x", "--tokens", "2"), "exactly one of");
        assertError(gemma("generate", "--model", m, "--prompt", "x", "--system", "s"), "--system needs --chat");
        assertError(gemma("generate", "--model", m, "--tokens", "2", "--greedy", "--temperature", "1"), "not to raw --tokens");
        assertError(gemma("generate", "--model", m, "--prompt", "x", "--greedy", "--temperature", "0.7"), "exclude each other");
        assertError(gemma("generate", "--model", m, "--prompt", "x", "--top-p", "2"), "topP");
        assertError(gemma("generate", "--model", m, "--prompt", "x", "--seed", "abc"), "--seed needs an integer");
        assertError(gemma("generate", "--model", m, "--prompt", "x", "--max-tokens", "0"), "maxTokens");
        assertError(gemma("generate", "--model", m, "--prompt", "x", "--stop", ""), "stop string");
        assertError(gemma("generate", "--model", m, "--prompt", "x", "--tokenizer", dir.resolve("none.json").toString()),
                "--tokenizer");
        Path endsWithModel = Files.writeString(dir.resolve("a.json"),
                "[{\"role\": \"user\", \"content\": \"a\"}, {\"role\": \"model\", \"content\": \"b\"}]");
        assertError(gemma("generate", "--model", m, "--messages", endsWithModel.toString()), "must end with a user message");
        Path broken = Files.writeString(dir.resolve("b.json"), "[{\"role\": \"user\", \"content\": ");
        assertError(gemma("generate", "--model", m, "--messages", broken.toString()), "malformed JSON");
        Path twoUsers = Files.writeString(dir.resolve("c.json"),
                "[{\"role\": \"user\", \"content\": \"a\"}, {\"role\": \"user\", \"content\": \"b\"}]");
        assertError(gemma("generate", "--model", m, "--messages", twoUsers.toString()), "c.json");
        assertThat(gemma("generate", "--model", ExampleFixtures.vocab256k().resolve("hf-bf16").toString(), "--prompt", "x")
                .err()).contains("no tokenizer.json or tokenizer.model").contains("--tokenizer");
    }

    static void assertError(Result r, String message) {
        assertThat(r.status()).as(r.err()).isNotZero();
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains(message);
        assertThat(r.err().strip().lines().count()).as(r.err()).isEqualTo(1);
    }
}
