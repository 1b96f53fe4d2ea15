package dev.jgemma.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jgemma.chat.logs.CapturingLogs;
import dev.jgemma.core.ModelFormatException;
import dev.jgemma.core.SlidingWindow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/** Loading: both formats, tokenizer discovery, options, the log line, and every bad input. */
class GemmaLoadTest {

    @Test
    void loadsTheGgufWithItsEmbeddedTokenizerAndLogsOneSummaryLine() {
        CapturingLogs.clear();
        try (Gemma g = TestModels.openGguf()) {
            assertThat(g.tokenizer().vocabularySize()).isEqualTo(256_000);
            assertThat(g.tokenizer().source()).endsWith("model-q8_0.gguf");
            List<CapturingLogs.Event> lines = CapturingLogs.events().stream()
                    .filter(e -> e.logger().equals(Gemma.class.getName()) && e.level() == Level.INFO).toList();
            assertThat(lines).hasSize(1);
            assertThat(lines.getFirst().message()).contains("model-q8_0.gguf", "GGUF", "parameters", "bytes mapped", "kernels",
                    "VECTOR");
        }
    }

    @Test
    void loadsTheHfFolderWithAnExplicitTokenizerAndOptions() {
        try (Gemma g = Gemma.builder(ChatFixtures.hfFolder()).threads(1).maxContext(100).slidingWindow(SlidingWindow.of(4))
                .tokenizer(ChatFixtures.tokenizerJson()).build()) {
            assertThat(g.model().maxContext()).isEqualTo(100);
            assertThat(g.model().layerWindows()).containsExactly(4, 0);
            assertThat(g.chat().maxContext()).isEqualTo(100);
            assertThat(g.tokenizer().source()).endsWith("tokenizer.json");
        }
    }

    @Test
    void findsTokenizerJsonInTheModelFolder(@TempDir Path dir) throws IOException {
        Path hf = ChatFixtures.hfFolder();
        for (String f : List.of("config.json", "model.safetensors")) {
            Files.copy(hf.resolve(f), dir.resolve(f));
        }
        assertThatThrownBy(() -> Gemma.load(dir)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining(dir.toString()).hasMessageContaining("no tokenizer.json or tokenizer.model")
                .hasMessageContaining("tokenizer(file)");
        Files.copy(ChatFixtures.tokenizerJson(), dir.resolve("tokenizer.json"));
        try (Gemma g = Gemma.load(dir)) {
            assertThat(g.tokenizer().endOfTurnId()).isEqualTo(107);
        }
    }

    @Test
    void theFixtureFolderHasNoTokenizerAndSaysSo() {
        assertThatThrownBy(() -> Gemma.load(ChatFixtures.hfFolder())).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("hf-bf16").hasMessageContaining("no tokenizer.json or tokenizer.model");
    }

    @Test
    void anotherGgufCanServeAsTheTokenizer() {
        try (Gemma g = Gemma.builder(ChatFixtures.hfFolder()).threads(1).tokenizer(ChatFixtures.gguf()).build()) {
            assertThat(g.tokenizer().vocabularySize()).isEqualTo(256_000);
        }
    }

    @Test
    void badPathsAndOptionsFailClearly(@TempDir Path dir) throws IOException {
        assertThatThrownBy(() -> Gemma.builder(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Gemma.load(dir.resolve("missing.gguf"))).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("missing.gguf").hasMessageContaining("no such file");
        assertThatThrownBy(() -> Gemma.builder(ChatFixtures.gguf()).threads(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("threads");
        assertThatThrownBy(() -> Gemma.builder(ChatFixtures.gguf()).maxContext(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxContext");
        assertThatThrownBy(() -> Gemma.builder(ChatFixtures.gguf()).slidingWindow(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Gemma.builder(ChatFixtures.gguf()).tokenizer(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Gemma.builder(ChatFixtures.gguf()).options(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Gemma.builder(ChatFixtures.gguf()).tokenizer(dir.resolve("nope.json")).build())
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("nope.json");
        Path txt = Files.writeString(dir.resolve("vocab.txt"), "hello");
        assertThatThrownBy(() -> Gemma.builder(ChatFixtures.gguf()).tokenizer(txt).build())
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("vocab.txt");
        Path badJson = Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": {\"type\": \"BPE\"");
        assertThatThrownBy(() -> Gemma.builder(ChatFixtures.gguf()).tokenizer(badJson).build())
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("tokenizer.json");
    }

    @Test
    void theVectorApiWarningNamesTheExactFlagAndComesOnce() {
        CapturingLogs.clear();
        AtomicBoolean given = new AtomicBoolean();
        var log = LoggerFactory.getLogger("advice-test");
        assertThat(VectorApiAdvice.adviseIfMissing(false, log, given)).isTrue();
        assertThat(VectorApiAdvice.adviseIfMissing(false, log, given)).isFalse();
        assertThat(VectorApiAdvice.adviseIfMissing(true, log, new AtomicBoolean())).isFalse();
        List<CapturingLogs.Event> warnings = CapturingLogs.events().stream().filter(e -> e.logger().equals("advice-test")).toList();
        assertThat(warnings).hasSize(1);
        assertThat(warnings.getFirst().level()).isEqualTo(Level.WARN);
        assertThat(warnings.getFirst().message()).contains("--add-modules jdk.incubator.vector");
        // This test JVM runs with the module, so loading a model warns about nothing.
        assertThat(VectorApiAdvice.vectorApiEnabled()).isTrue();
    }

    @Test
    void aClosedModelRefusesEverythingClearly() {
        Gemma g = TestModels.openGguf();
        Conversation c = g.chat().maxTokens(2);
        c.send("Hi");
        String saved = c.toJson();
        g.close();
        g.close(); // idempotent
        assertThatThrownBy(g::chat).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> c.send("again")).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> c.stream("again", t -> { })).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(c::fork).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> g.restore(saved)).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> g.complete("x", GenerationSettings.defaults())).isInstanceOf(IllegalStateException.class);
        assertThat(c.messages()).hasSize(2); // still readable
    }

    @Test
    void closingCancelsARunningReplyAndWaitsForIt() throws InterruptedException {
        Gemma g = TestModels.openGguf();
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
        Generation run = g.chat().maxTokens(100_000 / 100).stream("Go on forever.", t -> started.countDown());
        started.await();
        g.close();
        assertThat(run.isDone()).isTrue();
        assertThat(run.await().finishReason()).isEqualTo(FinishReason.CANCELLED);
    }
}
