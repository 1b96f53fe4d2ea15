package dev.jgemma.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI contract: flags, outputs, one-line errors and exit codes. */
class GemmaCliTest {
    @TempDir
    Path tmp;

    record Result(int status, String out, String err) { }

    static Result run(String... argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = GemmaCli.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Path tiny() {
        Path shared = Path.of(System.getProperty("jgemma.shared", "../../shared"));
        Path tiny = shared.resolve("fixtures/gemma2/tiny");
        if (!Files.isDirectory(tiny)) {
            if (System.getenv("CI") != null) {
                fail("fixtures missing at " + tiny.toAbsolutePath());
            }
            assumeThat(false).as("fixtures missing").isTrue();
        }
        return tiny;
    }

    @Test
    void generatePrintsGreedyIds() {
        Result r = run("generate", "--model", tiny().resolve("gguf/model-q8_0.gguf").toString(), "--tokens", "2,470,63,285,385",
                "--max-tokens", "16", "--greedy", "--print-ids", "--threads", "2");
        assertThat(r.status()).as(r.err()).isZero();
        // gemma_pytorch's greedy tokens for prompt p1-len5 on the q8_0 weights (tiny/manifest.json).
        assertThat(r.out().trim()).isEqualTo("385 385 385 385 385 385 385 385 385 14 14 14 281 281 110 110");
    }

    @Test
    void logitsWritesEveryPosition() throws IOException {
        Path out = tmp.resolve("l.f32");
        Result r = run("logits", "--model", tiny().resolve("hf-f32").toString(), "--tokens", "2,470,63,285,385", "--out", out.toString(),
                "--window", "4");
        assertThat(r.status()).as(r.err()).isZero();
        byte[] bytes = Files.readAllBytes(out);
        assertThat(bytes).hasSize(5 * 512 * 4);
        float[] actual = new float[5 * 512];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(actual);
        float[] expected = new float[5 * 512];
        ByteBuffer.wrap(Files.readAllBytes(tiny().resolve("expected/f32/p1-len5.logits.f32"))).order(ByteOrder.LITTLE_ENDIAN)
                .asFloatBuffer().get(expected);
        // A 5-token prompt never reaches a window of 4 on all positions; rows 0..3 equal the default window's.
        for (int i = 0; i < 4 * 512; i++) {
            assertThat(Math.abs(actual[i] - expected[i])).isLessThan(5e-3f);
        }
    }

    @Test
    void infoListsConfigAndTensors() {
        Result r = run("info", "--model", tiny().resolve("gguf/model-q4_0.gguf").toString());
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("layers:       4", "blk.0.attn_q.weight", "Q4_0", "token_embd.weight", "Q8_0");
    }

    @Test
    void usageErrorsAreOneLine() {
        Result unknownFlag = run("generate", "--modle", "x");
        assertThat(unknownFlag.status()).isEqualTo(2);
        assertThat(unknownFlag.err().strip()).doesNotContain("\n").contains("unknown flag --modle");

        Result missing = run("logits", "--model", tmp.resolve("absent.gguf").toString(), "--tokens", "2", "--out", "x");
        assertThat(missing.status()).isEqualTo(2);
        assertThat(missing.err().strip()).doesNotContain("\n").contains("no such file");

        Result badTokens = run("logits", "--model", tiny().resolve("hf-f32").toString(), "--tokens", "2,x", "--out", "x");
        assertThat(badTokens.status()).isEqualTo(2);
        assertThat(badTokens.err()).contains("comma-separated integers");

        Result unknownCommand = run("frobnicate");
        assertThat(unknownCommand.status()).isEqualTo(2);
        assertThat(unknownCommand.err()).contains("unknown command 'frobnicate'");
    }

    @Test
    void modelErrorsAreOneLineWithoutStackTrace() throws IOException {
        Path bogus = tmp.resolve("bogus.gguf");
        Files.writeString(bogus, "not a model at all");
        Result r = run("info", "--model", bogus.toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err().strip()).doesNotContain("\n").doesNotContain("Exception").contains("not a GGUF file");

        Result oov = run("generate", "--model", tiny().resolve("hf-f32").toString(), "--tokens", "2,99999", "--greedy", "--print-ids");
        assertThat(oov.status()).isEqualTo(1);
        assertThat(oov.err()).contains("99999", "outside the vocabulary");
        assertThat(tmp.resolve("x")).doesNotExist();
    }

    @Test
    void helpListsCommands() {
        Result r = run("help");
        assertThat(r.status()).isZero();
        assertThat(r.out()).contains("info", "logits", "generate");
        assertThat(run("help", "logits").out()).contains("--tokens", "--out", "--no-window");
    }
}
