package dev.jgemma.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Runs every example program on the fixture model, as the README shows them. The quick start
 * here is the README's quick start: this test is what keeps that text compiling and running.
 */
class ExamplesTest {

    interface Main {
        void run(String[] args) throws Exception;
    }

    static String run(Main main) throws Exception {
        PrintStream saved = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            main.run(new String[] {ExampleFixtures.gguf().toString()});
        } finally {
            System.setOut(saved);
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }

    @Test
    void quickStartRuns() throws Exception {
        String out = run(QuickStart::main);
        assertThat(out).isNotBlank();
        assertThat(out.lines().count()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void streamingRuns() throws Exception {
        assertThat(run(Streaming::main)).contains("prompt tokens");
    }

    @Test
    void multiTurnRuns() throws Exception {
        String out = run(MultiTurn::main);
        assertThat(out).contains("model: ", "new prompt tokens", "fork:  ", "restored 6 messages");
    }

    @Test
    void cancellationRuns() throws Exception {
        String out = run(Cancellation::main);
        assertThat(out).contains("CANCELLED after ");
    }
}
