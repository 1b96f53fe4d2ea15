package dev.jgemma.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jgemma.core.Gemma2Model;
import dev.jgemma.core.ModelOptions;
import dev.jgemma.core.Session;
import dev.jgemma.core.format.GgufFile;
import dev.jgemma.core.tensor.TensorType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gemma synth} writes a loadable GGUF in llama.cpp's conventions; {@code gemma bench} measures it. */
class SynthAndBenchCommandTest {
    @TempDir
    Path dir;

    record Run(int status, String out, String err) { }

    static Run gemma(String... argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = GemmaCli.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    Path tinyConfig(double queryPreAttnScalar) throws IOException {
        Path config = dir.resolve("config.json");
        Files.writeString(config, """
                {"model_type": "gemma2", "vocab_size": 300, "hidden_size": 64, "num_hidden_layers": 4,
                 "num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 16, "intermediate_size": 96,
                 "sliding_window": 8, "query_pre_attn_scalar": %s, "max_position_embeddings": 64}
                """.formatted(queryPreAttnScalar));
        return config;
    }

    @Test
    void synthWritesAModelThatLoadsAndRuns() throws IOException {
        Path config = tinyConfig(16);
        for (String type : new String[] {"f32", "f16", "bf16", "q8_0", "q4_0"}) {
            Path file = dir.resolve("tiny-" + type + ".gguf");
            Run r = gemma("synth", "--shape", config.toString(), "--type", type, "--out", file.toString(), "--seed", "3");
            assertThat(r.status()).as(r.err()).isZero();
            assertThat(r.out()).contains("wrote " + file);
            try (GgufFile g = GgufFile.open(file)) {
                assertThat(g.string("general.architecture")).contains("gemma2");
                assertThat(g.integer("gemma2.block_count")).contains(4L);
                assertThat(g.integer("gemma2.attention.sliding_window")).contains(8L);
                assertThat(g.array("tokenizer.ggml.tokens").orElseThrow().length()).isEqualTo(300);
                assertThat(((String[]) g.array("tokenizer.ggml.tokens").orElseThrow().values())[2]).isEqualTo("<bos>");
                assertThat(g.value("gemma2.attention.scale")).isEmpty(); // head_dim 16 = query_pre_attn_scalar
                assertThat(g.get("blk.0.ffn_down.weight").type()).isEqualTo(TensorType.valueOf(type.toUpperCase(java.util.Locale.ROOT)));
                assertThat(g.get("blk.0.ffn_down.weight").shape()).containsExactly(64, 96);
                assertThat(g.get("output_norm.weight").type()).isEqualTo(TensorType.F32);
                assertThat(g.integer("general.file_type")).contains((long) SyntheticGguf.fileType(g.get("blk.0.attn_q.weight").type()));
            }
            try (Gemma2Model m = Gemma2Model.load(file, ModelOptions.defaults().threads(1))) {
                assertThat(m.config().hiddenSize()).isEqualTo(64);
                assertThat(m.config().queryScale()).isEqualTo(0.25f);
                float[] logits = m.newSession().prefill(2, 7, 9);
                assertThat(logits).hasSize(300);
                for (float v : logits) {
                    assertThat(v).isFinite();
                }
                assertThat(Session.argmax(logits)).isBetween(0, 299);
            }
        }
        // Equal seeds give identical files; another seed does not.
        Path again = dir.resolve("again.gguf");
        Path other = dir.resolve("other.gguf");
        gemma("synth", "--shape", config.toString(), "--type", "q8_0", "--out", again.toString(), "--seed", "3");
        gemma("synth", "--shape", config.toString(), "--type", "q8_0", "--out", other.toString(), "--seed", "4");
        assertThat(Files.mismatch(again, dir.resolve("tiny-q8_0.gguf"))).isEqualTo(-1);
        assertThat(Files.mismatch(other, again)).isNotEqualTo(-1);
    }

    @Test
    void synthRecordsAQueryScaleThatLlamaCppWouldNotInfer() throws IOException {
        Path file = dir.resolve("scaled.gguf");
        assertThat(gemma("synth", "--shape", tinyConfig(32).toString(), "--type", "f32", "--out", file.toString()).status()).isZero();
        try (Gemma2Model m = Gemma2Model.load(file, ModelOptions.defaults().threads(1))) {
            assertThat(m.config().queryScale()).isEqualTo((float) (1 / Math.sqrt(32)));
        }
    }

    @Test
    void realShapesHaveTheReleasedSizes() {
        assertThat(SynthCommand.shape("2b").bytes(TensorType.Q8_0)).isBetween(2_770_000_000L, 2_790_000_000L);
        assertThat(SynthCommand.shape("9b")).isEqualTo(SyntheticGguf.Shape.GEMMA2_9B);
        SyntheticGguf.Shape s27 = SynthCommand.shape("27B");
        assertThat(s27.queryPreAttnScalar()).isEqualTo((double) s27.hidden() / s27.heads());
    }

    @Test
    void benchReportsSpeedsAndMemory() throws IOException {
        Path file = dir.resolve("bench.gguf");
        gemma("synth", "--shape", tinyConfig(16).toString(), "--type", "q8_0", "--out", file.toString());
        Run json = gemma("bench", "--model", file.toString(), "--prompt-tokens", "12", "--gen-tokens", "5", "--repetitions", "2",
                "--threads", "2", "--json");
        assertThat(json.status()).as(json.err()).isZero();
        assertThat(json.out()).contains("\"backend\":", "\"threads\":2", "\"prompt_tokens\":12", "\"gen_tokens\":5",
                "\"prefill_tokens_per_second\":{\"mean\":", "\"decode_tokens_per_second\":{\"mean\":", "\"peak_rss_bytes\":",
                "\"load_seconds\":", "\"time_to_first_token_seconds\"", "\"verify_weights\":\"ON_FIRST_USE\"", "\"warmup_seconds\":");
        Run table = gemma("bench", "--model", file.toString(), "--prompt-tokens", "0", "--gen-tokens", "3", "--repetitions", "1",
                "--no-verify");
        assertThat(table.status()).as(table.err()).isZero();
        assertThat(table.out()).contains("| tg3 ", "peak RSS", "backend", "weights checked: off", "warm-up:").doesNotContain("pp0");
        Run eager = gemma("bench", "--model", file.toString(), "--prompt-tokens", "4", "--gen-tokens", "0", "--repetitions", "1",
                "--verify-weights", "eager");
        assertThat(eager.status()).as(eager.err()).isZero();
        assertThat(eager.out()).contains("weights checked: eager", "| pp4 ");
        assertThat(gemma("bench", "--model", file.toString(), "--verify-weights", "later").err())
                .contains("--verify-weights must be first-use, eager or off, got 'later'");
    }

    @Test
    void badFlagsAreOneLineUsageErrors() throws IOException {
        Path out = dir.resolve("x.gguf");
        assertThat(gemma("synth", "--shape", "3b", "--type", "q8_0", "--out", out.toString()).err())
                .contains("--shape must be 2b, 9b, 27b or an HF config.json file, got '3b'");
        assertThat(gemma("synth", "--shape", "2b", "--type", "q4_k", "--out", out.toString()).err())
                .contains("--type must be one of f32, f16, bf16, q8_0, q4_0, got 'q4_k'");
        assertThat(gemma("synth", "--shape", "2b", "--type", "q8_0").err()).contains("missing required flag --out");
        assertThat(gemma("synth", "--shape", "2b", "--type", "q8_0", "--out", dir.toString()).err()).contains("is a directory");
        assertThat(gemma("synth", "--shape", "2b", "--type", "q8_0", "--out", out.toString(), "--seed", "x").err())
                .contains("--seed needs an integer");
        Path badConfig = dir.resolve("bad.json");
        Files.writeString(badConfig, "{\"model_type\": \"gemma2\", \"hidden_size\": 64}");
        Run r = gemma("synth", "--shape", badConfig.toString(), "--type", "q8_0", "--out", out.toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("bad.json").contains("num_hidden_layers");
        Path odd = dir.resolve("odd.json");
        Files.writeString(odd, Files.readString(tinyConfig(16)).replace("\"intermediate_size\": 96", "\"intermediate_size\": 100"));
        assertThat(gemma("synth", "--shape", odd.toString(), "--type", "q8_0", "--out", out.toString()).err())
                .contains("a row of 100 elements is not a whole number of Q8_0 blocks");
        assertThat(Files.exists(out)).isFalse();

        Path model = dir.resolve("m.gguf");
        gemma("synth", "--shape", tinyConfig(16).toString(), "--type", "f32", "--out", model.toString());
        assertThat(gemma("bench", "--model", model.toString(), "--repetitions", "0").err()).contains("--repetitions must be at least 1");
        assertThat(gemma("bench", "--model", model.toString(), "--prompt-tokens", "0", "--gen-tokens", "0").err())
                .contains("nothing to measure");
        assertThat(gemma("bench", "--model", model.toString(), "--prompt-tokens", "-1").err()).contains("--prompt-tokens must be >= 0");
        assertThat(gemma("bench", "--model", model.toString(), "--prompt-tokens", "65").err()).contains("context holds 64 tokens");
        assertThat(gemma("bench", "--model", dir.resolve("none.gguf").toString()).err()).contains("no such file");
    }
}
