package dev.jgemma.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** gemma perplexity and gemma kld: outputs, the window table, and every bad input. */
class EvalCommandsTest {
    @TempDir
    Path tmp;

    private static Path vocab256k() {
        return GemmaCliTest.tiny().resolveSibling("vocab256k");
    }

    private Path text() throws IOException {
        Path f = tmp.resolve("text.txt");
        Files.writeString(f, "The quick brown fox jumps over the lazy dog. Gemma two is a family of open models.\n"
                + "Il était une fois une petite fille. 東京は日本の首都です。\n");
        return f;
    }

    @Test
    void perplexityTableAndJson() throws IOException {
        String gguf = vocab256k().resolve("gguf/model-q8_0.gguf").toString();
        GemmaCliTest.Result table = GemmaCliTest.run("perplexity", "--model", gguf, "--file", text().toString(), "--context", "16",
                "--windows", "4,off", "--threads", "2");
        assertThat(table.status()).as(table.err()).isZero();
        assertThat(table.out()).contains("window", "perplexity", "checkpoint", "\n4 ", "\noff ");

        GemmaCliTest.Result json = GemmaCliTest.run("perplexity", "--model", gguf, "--file", text().toString(), "--context", "16",
                "--windows", "8", "--json", "--threads", "2");
        assertThat(json.status()).as(json.err()).isZero();
        assertThat(json.out().strip()).startsWith("{").endsWith("}").contains("\"results\":[", "\"window\":\"checkpoint\"",
                "\"window\":\"8\"", "\"method\":\"strided\"");
        // The fixture's own window is 8: the "8" row repeats the checkpoint row exactly.
        Matcher m = Pattern.compile("\"perplexity\":([0-9.E+-]+)").matcher(json.out());
        assertThat(m.find()).isTrue();
        String first = m.group(1);
        assertThat(m.find()).isTrue();
        assertThat(m.group(1)).isEqualTo(first);
    }

    @Test
    void kldOfIdenticalWeightsIsZero() throws IOException {
        GemmaCliTest.Result r = GemmaCliTest.run("kld", "--base", vocab256k().resolve("hf-bf16").toString(), "--model",
                vocab256k().resolve("gguf/model-q8_0.gguf").toString(), "--file", text().toString(), "--context", "32", "--json",
                "--threads", "2");
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("\"kl_mean\":0.0", "\"kl_max\":0.0", "\"top1_agreement\":1.0");
    }

    @Test
    void badInputs() throws IOException {
        String gguf = vocab256k().resolve("gguf/model-q8_0.gguf").toString();
        Path empty = tmp.resolve("empty.txt");
        Files.writeString(empty, "");
        GemmaCliTest.Result r = GemmaCliTest.run("perplexity", "--model", gguf, "--file", empty.toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("is empty");

        Path binary = tmp.resolve("binary.txt");
        Files.write(binary, new byte[] {'a', 'b', (byte) 0xff, (byte) 0xfe, 'c'});
        r = GemmaCliTest.run("perplexity", "--model", gguf, "--file", binary.toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("not UTF-8", "byte offset 2");

        r = GemmaCliTest.run("perplexity", "--model", gguf, "--file", text().toString(), "--context", "512", "--method", "llama");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("fewer than one chunk");

        r = GemmaCliTest.run("perplexity", "--model", gguf, "--file", text().toString(), "--windows", "4,x");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("'x'");

        r = GemmaCliTest.run("kld", "--base", GemmaCliTest.tiny().resolve("gguf/model-f32.gguf").toString(), "--model", gguf,
                "--file", text().toString(), "--context", "16");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("vocabularies differ");

        r = GemmaCliTest.run("perplexity", "--model", gguf, "--file", tmp.resolve("missing.txt").toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("no such file");
    }
}
