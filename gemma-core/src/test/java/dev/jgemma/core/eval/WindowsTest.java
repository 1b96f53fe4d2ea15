package dev.jgemma.core.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Every token after the first is scored exactly once, with the history the method promises. */
class WindowsTest {
    private static int[] text(int n) {
        return IntStream.range(100, 100 + n).toArray();
    }

    @Test
    void stridedScoresEachTokenOnce() {
        for (int n : new int[] {1, 2, 7, 16, 17, 100}) {
            for (int stride : new int[] {1, 3, 7}) {
                List<Windows.Window> ws = Windows.plan(text(n), new EvalOptions(8, stride, EvalOptions.Method.STRIDED, 2));
                int[] seen = new int[n];
                for (Windows.Window w : ws) {
                    assertThat(w.tokens()[0]).isEqualTo(2);
                    assertThat(w.tokens().length).isLessThanOrEqualTo(8);
                    for (int i = w.firstTarget(); i < w.tokens().length; i++) {
                        seen[w.tokens()[i] - 100]++;
                    }
                }
                assertThat(seen).as("n=" + n + " stride=" + stride).containsOnly(1);
            }
        }
    }

    @Test
    void stridedWithoutBosCannotScoreTheFirstToken() {
        List<Windows.Window> ws = Windows.plan(text(20), new EvalOptions(8, 4, EvalOptions.Method.STRIDED, -1));
        assertThat(ws.get(0).firstTarget()).isEqualTo(1);
        assertThat(ws.stream().mapToInt(Windows.Window::targets).sum()).isEqualTo(19);
    }

    @Test
    void llamaCppScoresTheSecondHalfOfEachFullChunk() {
        List<Windows.Window> ws = Windows.plan(text(50), EvalOptions.llamaCpp(16, 2));
        assertThat(ws).hasSize(3);
        for (Windows.Window w : ws) {
            assertThat(w.tokens()).hasSize(16);
            assertThat(w.tokens()[0]).isEqualTo(2);
            assertThat(w.firstTarget()).isEqualTo(9);
        }
        assertThat(ws.get(1).tokens()[1]).isEqualTo(117);
    }

    @Test
    void percentilesInterpolate() {
        assertThat(KlDivergence.percentile(new double[] {1, 2, 3, 4}, 0.5)).isEqualTo(2.5);
        assertThat(KlDivergence.percentile(new double[] {1, 2, 3, 4}, 1.0)).isEqualTo(4);
        assertThat(KlDivergence.percentile(new double[] {5}, 0.99)).isEqualTo(5);
    }
}
