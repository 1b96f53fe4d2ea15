package dev.jgemma.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The approximate KV cache types against the exact reference on every calm file. The bar is
 * llama.cpp's deviation with its default numerics (F16 KV cache, rounded activations; the table in
 * calm/manifest.json): max |diff| no larger, argmax agreement no smaller.
 *
 * <p>F16 meets it on every file. BF16 and Q8_0 store keys and values with less precision than
 * llama.cpp's default F16 cache (8 significant bits, and int8 per 32-value block): on the
 * quantized files, where llama.cpp's bar is set by its activation rounding, they meet it; on the
 * unquantized f32/f16/bf16 files the bar is only the F16 cache's own error, which a coarser cache
 * cannot meet, so there they are held to fixed bounds on their measured cost (docs/PERFORMANCE.md
 * lists every figure).
 */
@Tag("numeric")
class KvCacheTypeTest {
    private static final java.util.Set<String> UNQUANTIZED = java.util.Set.of("f32", "f16", "bf16");

    @SuppressWarnings("unchecked")
    static Stream<Arguments> cases() {
        Map<String, Object> table = (Map<String, Object>) ((Map<String, Object>) Fixtures.manifest("calm")
                .get("llamacpp_default_deviation")).get("table");
        List<Arguments> out = new ArrayList<>();
        table.forEach((file, row) -> {
            for (KvCacheType type : new KvCacheType[] {KvCacheType.F16, KvCacheType.BF16, KvCacheType.Q8_0}) {
                out.add(Arguments.of(file, type, row));
            }
        });
        return out.stream();
    }

    @SuppressWarnings("unchecked")
    @ParameterizedTest(name = "{0} with a {1} KV cache")
    @MethodSource("cases")
    void noWorseThanLlamaCppDefaults(String file, KvCacheType type, Map<String, Object> row) {
        Path dir = Fixtures.model("calm");
        String set = (String) row.get("expected_set");
        double barMaxAbs = ((Number) row.get("max_abs")).doubleValue();
        double barArgmax = ((Number) row.get("argmax_agree")).doubleValue();
        int vocab = 1024;
        double maxAbs = 0;
        int rows = 0;
        int agree = 0;
        try (Gemma2Model m = Gemma2Model.load(dir.resolve(file), ModelOptions.defaults().threads(2).kvCacheType(type))) {
            for (Object p : (List<Object>) Fixtures.manifest("calm").get("prompts")) {
                Map<String, Object> prompt = (Map<String, Object>) p;
                int[] ids = Fixtures.ints(prompt.get("ids"));
                float[] expected = Fixtures.floats(dir.resolve("expected/" + set + "/" + prompt.get("tag") + ".logits.f32"));
                float[] actual = new float[expected.length];
                m.newSession().prefill(ids, (pos, r) -> System.arraycopy(r, 0, actual, pos * vocab, vocab));
                for (int r = 0; r < ids.length; r++) {
                    for (int i = 0; i < vocab; i++) {
                        maxAbs = Math.max(maxAbs, Math.abs(actual[r * vocab + i] - expected[r * vocab + i]));
                    }
                    agree += ReferenceLogitsTest.argmax(actual, r * vocab, vocab) == ReferenceLogitsTest.argmax(expected, r * vocab, vocab)
                            ? 1 : 0;
                    rows++;
                }
            }
        }
        System.out.printf("%s %s KV: max |diff| %.5f (llama.cpp %.5f), argmax %.4f (llama.cpp %.4f)%n", file, type, maxAbs, barMaxAbs,
                (double) agree / rows, barArgmax);
        boolean unquantized = UNQUANTIZED.contains(set);
        if (type == KvCacheType.F16 || !unquantized) {
            assertThat(maxAbs).as(file + " " + type + " max |diff|").isLessThanOrEqualTo(barMaxAbs);
            assertThat((double) agree / rows).as(file + " " + type + " argmax agreement").isGreaterThanOrEqualTo(barArgmax);
        } else {
            assertThat(maxAbs).as(file + " " + type + " max |diff|").isLessThanOrEqualTo(type == KvCacheType.BF16 ? 0.02 : 0.06);
            assertThat((double) agree / rows).as(file + " " + type + " argmax agreement").isGreaterThanOrEqualTo(0.98);
        }
    }

    @Test
    void q8_0NeedsHeadsInWholeBlocks() {
        // tiny's head_dim is 16: not a whole number of 32-value blocks.
        assertThatThrownBy(() -> Gemma2Model.load(Fixtures.model("tiny").resolve("hf-f32"),
                ModelOptions.defaults().kvCacheType(KvCacheType.Q8_0)).close())
                .isInstanceOf(ModelFormatException.class).hasMessageContainingAll("Q8_0", "head_dim is 16");
    }

    @Test
    void smallerCachesUseLessMemory() {
        int[] ids = new int[300];
        java.util.Arrays.fill(ids, 5);
        ids[0] = 2;
        long[] bytes = new long[KvCacheType.values().length];
        for (KvCacheType type : KvCacheType.values()) {
            try (Gemma2Model m = Gemma2Model.load(Fixtures.model("calm").resolve("gguf/model-q8_0.gguf"),
                    ModelOptions.defaults().threads(2).kvCacheType(type))) {
                Session s = m.newSession();
                s.append(ids);
                bytes[type.ordinal()] = s.cacheBytes();
            }
        }
        assertThat(bytes[KvCacheType.F16.ordinal()] * 2).isEqualTo(bytes[KvCacheType.F32.ordinal()]);
        assertThat(bytes[KvCacheType.BF16.ordinal()]).isEqualTo(bytes[KvCacheType.F16.ordinal()]);
        assertThat(bytes[KvCacheType.Q8_0.ordinal()] * 128).isEqualTo(bytes[KvCacheType.F32.ordinal()] * 34);
    }
}
