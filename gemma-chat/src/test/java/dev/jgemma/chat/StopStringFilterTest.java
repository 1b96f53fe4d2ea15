package dev.jgemma.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Stop strings over chunked text: found across chunks, never shown, not even in part. */
class StopStringFilterTest {

    static List<String> feed(StopStringFilter f, String... chunks) {
        List<String> shown = new ArrayList<>();
        for (String c : chunks) {
            String s = f.append(c);
            if (!s.isEmpty()) {
                shown.add(s);
            }
        }
        String rest = f.finish();
        if (!rest.isEmpty()) {
            shown.add(rest);
        }
        return shown;
    }

    @Test
    void aStopStringSpanningThreeChunksIsCutAndNeverShown() {
        StopStringFilter f = new StopStringFilter(List.of("<END>"));
        List<String> shown = feed(f, "Hello <", "EN", "D> trailing");
        assertThat(f.stopped()).isTrue();
        assertThat(f.text()).isEqualTo("Hello ");
        assertThat(String.join("", shown)).isEqualTo("Hello ");
        assertThat(shown).noneMatch(s -> s.contains("<"));
    }

    @Test
    void textThatOnlyLooksLikeAStartIsReleasedOnceItIsClear() {
        StopStringFilter f = new StopStringFilter(List.of("STOP"));
        assertThat(f.append("ab ST")).isEqualTo("ab ");
        assertThat(f.append("O")).isEmpty();
        assertThat(f.append("RM")).isEqualTo("STORM");
        assertThat(f.finish()).isEmpty();
        assertThat(f.stopped()).isFalse();
        assertThat(f.text()).isEqualTo("ab STORM");
    }

    @Test
    void heldBackTextIsReleasedAtTheEnd() {
        StopStringFilter f = new StopStringFilter(List.of("\n\n"));
        assertThat(String.join("|", feed(f, "line\n"))).isEqualTo("line|\n");
        assertThat(f.text()).isEqualTo("line\n");
    }

    @Test
    void theEarliestOfSeveralStopStringsWins() {
        StopStringFilter f = new StopStringFilter(List.of("world", "lo w"));
        feed(f, "hel", "lo wor", "ld");
        assertThat(f.text()).isEqualTo("hel");
    }

    @Test
    void aStopStringInsideOneChunkAndNothingAfterIt() {
        StopStringFilter f = new StopStringFilter(List.of("##"));
        assertThat(feed(f, "a##b", "more")).containsExactly("a");
        assertThat(f.append("x")).isEmpty();
    }

    @Test
    void overlappingPrefixesAreHandled() {
        StopStringFilter f = new StopStringFilter(List.of("aab"));
        List<String> shown = feed(f, "a", "a", "a", "b", "c");
        assertThat(f.text()).isEqualTo("a");
        assertThat(String.join("", shown)).isEqualTo("a");
    }

    @Test
    void withoutStopStringsEverythingFlowsThrough() {
        StopStringFilter f = new StopStringFilter(List.of());
        assertThat(feed(f, "a", "b")).containsExactly("a", "b");
    }
}
