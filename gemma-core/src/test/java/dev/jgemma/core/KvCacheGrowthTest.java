package dev.jgemma.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The KV cache takes memory as a session grows: nothing before the first token, and a prompt's
 * positions in one step (no doubling and copying batch by batch, which left as much garbage as
 * the cache itself to the garbage collector). Same logits either way.
 */
class KvCacheGrowthTest {
    private static Gemma2Model calm() {
        return Gemma2Model.load(Fixtures.model("calm").resolve("gguf/model-q8_0.gguf"), ModelOptions.defaults().threads(2));
    }

    /** Bytes of an f32 cache holding {@code positions} in every layer: global layers hold all, sliding ones their ring. */
    private static long f32Bytes(Gemma2Model m, int positions) {
        Gemma2Config c = m.config();
        int batch = m.options().prefillBatch();
        long n = 0;
        for (int w : m.layerWindows()) {
            int capacity = w > 0 && (long) w + batch < m.maxContext() ? w + batch : m.maxContext();
            n += 2L * Math.min(capacity, positions) * c.kvDim() * Float.BYTES;
        }
        return n;
    }

    @Test
    void aNewSessionHoldsNoCacheAndAPromptGetsExactlyItsPositions() {
        try (Gemma2Model m = calm()) {
            Session s = m.newSession();
            assertThat(s.cacheBytes()).isZero();
            int[] prompt = new int[300];
            Arrays.fill(prompt, 5);
            prompt[0] = 2;
            float[] logits = s.prefill(prompt);
            assertThat(s.cacheBytes()).isEqualTo(f32Bytes(m, 300));

            // Token by token the cache doubles (from 64 slots) and ends up at least as large; same logits.
            Session t = m.newSession();
            float[] last = null;
            for (int id : prompt) {
                last = t.decode(id);
            }
            assertThat(t.cacheBytes()).isGreaterThanOrEqualTo(s.cacheBytes());
            assertThat(last).containsExactly(logits);

            // Continuing after the prompt doubles from there.
            s.decode(7);
            assertThat(s.cacheBytes()).isEqualTo(f32Bytes(m, 600));
        }
    }
}
