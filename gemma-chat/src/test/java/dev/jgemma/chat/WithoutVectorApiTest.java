package dev.jgemma.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jgemma.chat.logs.CapturingLogs;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

/**
 * Run by the {@code no-vector-api} surefire execution, in a JVM without
 * {@code --add-modules jdk.incubator.vector}: loading warns once with the exact flag to add, and
 * chat still gives the reference reply on the plain-Java kernels.
 */
@Tag("no-vector-api")
class WithoutVectorApiTest {

    @Test
    void loadingWarnsOnceWithTheFlagAndChatStillMatchesTheReference() {
        assertThat(VectorApiAdvice.vectorApiEnabled()).as("this test must run without the Vector API module").isFalse();
        CapturingLogs.clear();
        Map<String, Object> chatCase = ChatFixtures.chatCase("single-turn");
        @SuppressWarnings("unchecked")
        Map<String, Object> run = (Map<String, Object>) ((Map<String, Object>) chatCase.get("runs")).get("ids");
        int[] greedy = ChatFixtures.ints(run.get("greedy"));
        try (Gemma first = TestModels.openGguf(); Gemma second = TestModels.openGguf()) {
            assertThat(first.tokenizer().vocabularySize()).isEqualTo(256_000);
            Reply r = second.chat().maxTokens(greedy.length).send("Write a haiku about the sea.");
            assertThat(r.tokens()).containsExactly(Arrays.stream(greedy).boxed().toArray(Integer[]::new));
            assertThat(r.text()).isEqualTo(run.get("decoded"));
        }
        List<CapturingLogs.Event> warnings = CapturingLogs.events().stream()
                .filter(e -> e.level() == Level.WARN && e.logger().equals(Gemma.class.getName())).toList();
        assertThat(warnings).hasSize(1);
        assertThat(warnings.getFirst().message()).contains("--add-modules jdk.incubator.vector");
        assertThat(CapturingLogs.events().stream().filter(e -> e.level() == Level.INFO && e.message().contains("SCALAR kernels")))
                .hasSize(2);
    }
}
