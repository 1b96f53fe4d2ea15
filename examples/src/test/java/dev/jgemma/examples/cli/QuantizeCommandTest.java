package dev.jgemma.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gemma quantize} and {@code --quantize} end to end on the calm fixture (llama-quantize's outputs). */
class QuantizeCommandTest {
    @TempDir
    Path dir;

    private static Path calm() {
        String prop = System.getProperty("jgemma.shared");
        Path p = (prop != null ? Path.of(prop) : Path.of("..", "..", "shared")).resolve("fixtures/gemma2/calm");
        if (!Files.isDirectory(p)) {
            if (System.getenv("CI") != null) {
                fail("reference fixtures missing at " + p.toAbsolutePath() + " (required in CI)");
            }
            assumeTrue(false, "reference fixtures missing at " + p.toAbsolutePath());
        }
        return p;
    }

    private record Run(int status, String out, String err) {
    }

    private static Run gemma(String... argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = GemmaCli.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void writesTheFileLlamaQuantizeWrites() throws IOException {
        Path out = dir.resolve("calm-q4_k_m.gguf");
        Run r = gemma("quantize", "--model", calm().resolve("gguf/model-f32.gguf").toString(), "--type", "Q4_K_M",
                "--out", out.toString(), "--threads", "2");
        assertThat(r.status).as(r.err).isZero();
        assertThat(r.out).startsWith("wrote " + out.toAbsolutePath() + ": 46 tensors (F32 x17, Q4_K x24, Q6_K x5)");
        assertThat(r.err).as("no progress bar without a terminal").isEmpty();
        assertThat(Files.mismatch(out, calm().resolve("gguf/model-q4_k_m.gguf"))).isEqualTo(-1L);
    }

    @Test
    void fromAnHfFolderItNotesTheMissingVocabulary() {
        Path out = dir.resolve("calm-q8_0.gguf");
        Run r = gemma("quantize", "--model", calm().resolve("hf-f32").toString(), "--type", "q8_0", "--out", out.toString());
        assertThat(r.status).as(r.err).isZero();
        assertThat(r.err).contains("no vocabulary");
        Run info = gemma("info", "--model", out.toString());
        assertThat(info.status).as(info.err).isZero();
        assertThat(info.out).contains("token_embd.weight").contains("Q8_0");
    }

    @Test
    void fromAnHfFolderWithATokenizerTheGgufChatsLikeTheReference() {
        Path vocab = calm().resolveSibling("vocab256k");
        Path out = dir.resolve("v-q8_0.gguf");
        Run r = gemma("quantize", "--model", vocab.resolve("hf-bf16").toString(), "--type", "q8_0", "--out", out.toString(),
                "--tokenizer", TokenizeCommandTest.tokenizerJson().toString());
        assertThat(r.status).as(r.err).isZero();
        assertThat(r.err).doesNotContain("no vocabulary");
        // gemma_pytorch's greedy reply for the fixture's single-turn chat case (vocab256k/chat/cases.json).
        Run chat = gemma("generate", "--model", out.toString(), "--prompt", "Write a haiku about the sea.", "--chat",
                "--max-tokens", "24", "--threads", "2");
        assertThat(chat.status).as(chat.err).isZero();
        assertThat(chat.out).startsWith(" होंílicawh reconcili reconcili reconcili reconcili reconciliowaniuSPLITClik");
    }

    @Test
    void badFlagsAreOneLineUsageErrors() {
        Run r = gemma("quantize", "--model", calm().resolve("hf-f32").toString(), "--type", "q3_k", "--out", dir.resolve("x.gguf").toString());
        assertThat(r.status).isEqualTo(2);
        assertThat(r.err.strip()).isEqualTo("gemma quantize: --type: unknown quantization 'q3_k' (supported: q8_0, q4_0, q4_k, q6_k, q4_k_m)");
        Run noFolder = gemma("quantize", "--model", calm().resolve("hf-f32").toString(), "--type", "q4_0",
                "--out", dir.resolve("missing/x.gguf").toString());
        assertThat(noFolder.status).isEqualTo(2);
        assertThat(noFolder.err).contains("no such folder");
    }

    @Test
    void requantizingIsAnErrorNamingTheTensorAndLeavesNoFile() throws IOException {
        Path out = dir.resolve("re.gguf");
        Run r = gemma("quantize", "--model", calm().resolve("gguf/model-q8_0.gguf").toString(), "--type", "q4_0", "--out", out.toString());
        assertThat(r.status).isEqualTo(1);
        assertThat(r.err).contains("tensor 'token_embd.weight' is already Q8_0");
        try (var files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void quantizeOnLoadGivesTheQ4_0FilesGreedyTokens() {
        // calm manifest: greedy tokens of prompt p1-len7 under the q4_0 weight set (gemma_pytorch).
        Run r = gemma("generate", "--model", calm().resolve("hf-f32").toString(), "--quantize", "q4_0",
                "--tokens", "2,675,651,599,9,752,672", "--max-tokens", "16", "--greedy", "--threads", "2");
        assertThat(r.status).as(r.err).isZero();
        Run file = gemma("generate", "--model", calm().resolve("gguf/model-q4_0.gguf").toString(),
                "--tokens", "2,675,651,599,9,752,672", "--max-tokens", "16", "--greedy", "--threads", "2");
        assertThat(r.out).isEqualTo(file.out);
    }
}
