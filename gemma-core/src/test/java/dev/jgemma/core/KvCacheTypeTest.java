package dev.jgemma.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The approximate KV cache types against the exact reference (gemma_pytorch) on every calm file,
 * held to two external bars:
 *
 * <ol>
 *   <li><b>llama.cpp with the same cache type</b> on the same file ({@link #LLAMACPP_SAME_TYPE}),
 *       read as the fixture README says (max |diff| at most 2x llama.cpp's, argmax agreement at
 *       least llama.cpp's): F16 against llama.cpp's {@code -ctk f16 -ctv f16}, BF16 against
 *       {@code -ctk bf16 -ctv bf16}, each with and without flash attention (both rows must be met); Q8_0 against
 *       {@code -ctk q8_0 -ctv q8_0 -fa} (llama.cpp quantizes the V cache only with flash attention).
 *       The {@code q8_0/f16} rows (quantized keys only) are listed for comparison; they are not a
 *       bar, since they store values in f16.
 *   <li><b>llama.cpp's default numerics</b> (F16 cache plus rounded activations: the fixture's
 *       {@code llamacpp_default_deviation} table), at 1x (max |diff| no larger), where that bar is
 *       meaningful for the type: F16 on every file, BF16 and Q8_0 on the quantized files. On the
 *       unquantized f32/f16/bf16 files that bar is only the F16 cache's own error, which a BF16
 *       cache (8 significant bits) or a Q8_0 cache (int8 per 32 values) cannot reach; bar 1 is
 *       their fair bar there.
 * </ol>
 *
 * <p>Every figure, ours and llama.cpp's: docs/KV_CACHE.md.
 */
@Tag("numeric")
class KvCacheTypeTest {
    private static final Set<String> UNQUANTIZED = Set.of("f32", "f16", "bf16");
    private static final int VOCAB = 1024;
    private static final int ROWS = 148;

    /**
     * llama.cpp's deviation from the calm fixture's expected logits with a given KV cache type,
     * measured as the fixture's {@code llamacpp_default_deviation} table (each GGUF against its own
     * expected set; all 4 prompts, every position: 148 rows x 1024).
     *
     * <p>Produced with llama.cpp c392e50 (the fixture's commit), CPU build ({@code -march=native},
     * OpenMP, Release) on this project's machine (Intel Xeon with AVX-512 and VNNI, no AVX512_BF16),
     * patched only where stock c392e50 aborts on a Gemma-2 whose layer count is not 26/42/46 (the
     * query scale then 1/sqrt(head_dim), as the fixture's build). A small program against
     * {@code llama.h} loads each GGUF with {@code llama_context_params} {@code type_k},
     * {@code type_v} and {@code flash_attn} as in the row (the CLI's {@code -ctk}, {@code -ctv},
     * {@code -fa}), everything else default except {@code n_ctx} = {@code n_batch} =
     * {@code n_ubatch} = 512 and 2 threads; one {@code llama_decode} per prompt with logits for every
     * position, then 16 greedy single-token decodes. Check of the method: the {@code f16,f16,0} rows
     * reproduce the fixture's {@code llamacpp-default} logits (prompt positions bit for bit, greedy
     * steps within 1e-6) and its table exactly on 11 of the 12 files
     * ({@link #measuredDefaultsReproduceTheFixtureTable}); on model-bf16.gguf the 1- and 7-token
     * prompts agree to 2e-5, but the 40- and 100-token prompts differ from positions 11 and 2 on by
     * up to 0.02 (max |diff| 0.0275 here, 0.0280 in the fixture): c392e50's BF16 matrix kernel depends on
     * AVX512_BF16, which this machine lacks, and a last-bit difference there most likely flips one
     * f16 rounding of a cached key or value, which reaches every later position.
     *
     * <p>Columns: GGUF variant, type_k, type_v, flash attention, max abs, mean abs, rows (of 148)
     * whose argmax agrees, greedy continuations (16 tokens) identical to the reference's.
     */
    static final String LLAMACPP_SAME_TYPE = """
            f32,f16,f16,0,0.00320721,0.000243068,148,4/4
            f16,f16,f16,0,0.00507426,0.000429688,148,4/4
            bf16,f16,f16,0,0.0275483,0.00288899,148,4/4
            q8_0,f16,f16,0,0.0901508,0.0119878,145,4/4
            q4_0,f16,f16,0,0.108719,0.0126145,148,3/4
            q4_1,f16,f16,0,0.100946,0.0129154,148,4/4
            q5_0,f16,f16,0,0.0975041,0.0127991,147,3/4
            q5_1,f16,f16,0,0.0992067,0.0127774,147,4/4
            q4_k,f16,f16,0,0.160148,0.0218968,146,2/4
            q5_k,f16,f16,0,0.160074,0.0218391,148,1/4
            q6_k,f16,f16,0,0.166074,0.0219767,146,3/4
            q4_k_m,f16,f16,0,0.172217,0.0216472,146,3/4
            f32,f16,f16,1,0.00447345,0.000430969,148,4/4
            f16,f16,f16,1,0.00618505,0.000562431,148,4/4
            bf16,f16,f16,1,0.0287421,0.00295326,148,4/4
            q8_0,f16,f16,1,0.0986409,0.0121063,147,4/4
            q4_0,f16,f16,1,0.0940197,0.0126215,148,3/4
            q4_1,f16,f16,1,0.116078,0.0128382,147,4/4
            q5_0,f16,f16,1,0.107046,0.0127984,148,4/4
            q5_1,f16,f16,1,0.0924636,0.0127862,148,4/4
            q4_k,f16,f16,1,0.153222,0.0218388,144,3/4
            q5_k,f16,f16,1,0.160605,0.0217422,146,2/4
            q6_k,f16,f16,1,0.144661,0.0219458,147,4/4
            q4_k_m,f16,f16,1,0.183247,0.0218281,146,4/4
            f32,bf16,bf16,0,0.016824,0.00136537,148,4/4
            f16,bf16,bf16,0,0.022501,0.00140745,148,4/4
            bf16,bf16,bf16,0,0.0361094,0.00320617,147,4/4
            q8_0,bf16,bf16,0,0.0984819,0.0121043,146,4/4
            q4_0,bf16,bf16,0,0.117883,0.0127148,148,2/4
            q4_1,bf16,bf16,0,0.104665,0.0129499,147,4/4
            q5_0,bf16,bf16,0,0.101236,0.0128257,148,4/4
            q5_1,bf16,bf16,0,0.109122,0.0128306,148,4/4
            q4_k,bf16,bf16,0,0.144794,0.0218602,146,1/4
            q5_k,bf16,bf16,0,0.14777,0.0219163,147,1/4
            q6_k,bf16,bf16,0,0.151558,0.0217521,147,4/4
            q4_k_m,bf16,bf16,0,0.172635,0.0218406,146,3/4
            f32,bf16,bf16,1,0.0156083,0.00114466,148,4/4
            f16,bf16,bf16,1,0.0137308,0.00115543,148,4/4
            bf16,bf16,bf16,1,0.0323446,0.00313896,148,4/4
            q8_0,bf16,bf16,1,0.0879556,0.0120759,145,3/4
            q4_0,bf16,bf16,1,0.121034,0.012691,148,2/4
            q4_1,bf16,bf16,1,0.0946853,0.0128894,147,4/4
            q5_0,bf16,bf16,1,0.0936818,0.0127901,146,4/4
            q5_1,bf16,bf16,1,0.091845,0.0128531,148,4/4
            q4_k,bf16,bf16,1,0.140968,0.0218725,145,1/4
            q5_k,bf16,bf16,1,0.15098,0.0218451,147,2/4
            q6_k,bf16,bf16,1,0.155914,0.0220318,144,3/4
            q4_k_m,bf16,bf16,1,0.156415,0.0219039,147,2/4
            f32,q8_0,q8_0,1,0.0419116,0.00360628,147,4/4
            f16,q8_0,q8_0,1,0.0510044,0.00359347,147,4/4
            bf16,q8_0,q8_0,1,0.0624042,0.00454502,145,4/4
            q8_0,q8_0,q8_0,1,0.101289,0.0126737,145,3/4
            q4_0,q8_0,q8_0,1,0.094829,0.0133407,148,3/4
            q4_1,q8_0,q8_0,1,0.123411,0.0132443,147,4/4
            q5_0,q8_0,q8_0,1,0.104636,0.0133447,146,2/4
            q5_1,q8_0,q8_0,1,0.112911,0.0133609,148,4/4
            q4_k,q8_0,q8_0,1,0.17093,0.0221876,147,3/4
            q5_k,q8_0,q8_0,1,0.170641,0.0223014,148,3/4
            q6_k,q8_0,q8_0,1,0.137046,0.0220595,145,3/4
            q4_k_m,q8_0,q8_0,1,0.159226,0.0220811,146,2/4
            f32,q8_0,f16,0,0.0283349,0.00205638,148,4/4
            f16,q8_0,f16,0,0.0330579,0.00206938,148,4/4
            bf16,q8_0,f16,0,0.0477242,0.00361469,148,4/4
            q8_0,q8_0,f16,0,0.0929975,0.0121697,147,3/4
            q4_0,q8_0,f16,0,0.092226,0.0128613,148,3/4
            q4_1,q8_0,f16,0,0.0937837,0.0128442,147,3/4
            q5_0,q8_0,f16,0,0.103393,0.0129897,147,2/4
            q5_1,q8_0,f16,0,0.105546,0.013003,148,3/4
            q4_k,q8_0,f16,0,0.150911,0.0219809,146,3/4
            q5_k,q8_0,f16,0,0.167406,0.022072,147,2/4
            q6_k,q8_0,f16,0,0.142859,0.0220412,147,2/4
            q4_k_m,q8_0,f16,0,0.186206,0.0219799,147,3/4
            """;

    /** One row of {@link #LLAMACPP_SAME_TYPE}. */
    record LlamaCppRow(String file, String typeK, String typeV, boolean flashAttention, double maxAbs, double meanAbs,
                       int argmaxRows, String greedy) {
        String setting() {
            return "llama.cpp -ctk " + typeK + " -ctv " + typeV + (flashAttention ? " -fa" : "");
        }
    }

    static List<LlamaCppRow> llamaCppRows() {
        return LLAMACPP_SAME_TYPE.lines().map(String::strip).filter(l -> !l.isEmpty()).map(l -> {
            String[] f = l.split(",");
            return new LlamaCppRow(f[0], f[1], f[2], f[3].equals("1"), Double.parseDouble(f[4]), Double.parseDouble(f[5]),
                    Integer.parseInt(f[6]), f[7]);
        }).toList();
    }

    /** @return llama.cpp's rows that store keys and values as {@code type} on {@code variant} */
    static List<LlamaCppRow> sameType(String variant, KvCacheType type) {
        String t = type.name().toLowerCase(Locale.ROOT);
        return llamaCppRows().stream().filter(r -> r.file().equals(variant) && r.typeK().equals(t) && r.typeV().equals(t)).toList();
    }

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
    void noWorseThanLlamaCpp(String file, KvCacheType type, Map<String, Object> row) {
        Path dir = Fixtures.model("calm");
        String set = (String) row.get("expected_set");
        String variant = file.replaceFirst("^gguf/model-(.*)\\.gguf$", "$1");
        double maxAbs = 0;
        double sumAbs = 0;
        int rows = 0;
        int agree = 0;
        try (Gemma2Model m = Gemma2Model.load(dir.resolve(file), ModelOptions.defaults().threads(2).kvCacheType(type))) {
            for (Object p : (List<Object>) Fixtures.manifest("calm").get("prompts")) {
                Map<String, Object> prompt = (Map<String, Object>) p;
                int[] ids = Fixtures.ints(prompt.get("ids"));
                float[] expected = Fixtures.floats(dir.resolve("expected/" + set + "/" + prompt.get("tag") + ".logits.f32"));
                float[] actual = new float[expected.length];
                m.newSession().prefill(ids, (pos, r) -> System.arraycopy(r, 0, actual, pos * VOCAB, VOCAB));
                for (int r = 0; r < ids.length; r++) {
                    for (int i = 0; i < VOCAB; i++) {
                        double d = Math.abs((double) actual[r * VOCAB + i] - expected[r * VOCAB + i]);
                        maxAbs = Math.max(maxAbs, d);
                        sumAbs += d;
                    }
                    int ours = ReferenceLogitsTest.argmax(actual, r * VOCAB, VOCAB);
                    agree += ours == ReferenceLogitsTest.argmax(expected, r * VOCAB, VOCAB) ? 1 : 0;
                    rows++;
                }
            }
        }
        assertThat(rows).isEqualTo(ROWS);
        double meanAbs = sumAbs / ((double) rows * VOCAB);

        // Bar 1: llama.cpp with the same cache type on this file.
        List<LlamaCppRow> bars = sameType(variant, type);
        assertThat(bars).as(variant + " " + type + ": llama.cpp rows").hasSize(type == KvCacheType.Q8_0 ? 1 : 2);
        for (LlamaCppRow bar : bars) {
            System.out.printf(Locale.ROOT, "%s %s KV: max |diff| %.5f mean %.6f argmax %d/%d | %s: max %.5f mean %.6f argmax %d/%d%n",
                    variant, type, maxAbs, meanAbs, agree, rows, bar.setting(), bar.maxAbs(), bar.meanAbs(), bar.argmaxRows(),
                    ROWS);
            assertThat(maxAbs).as(variant + " " + type + " max |diff| vs 2x " + bar.setting())
                    .isLessThanOrEqualTo(2 * bar.maxAbs());
            assertThat(agree).as(variant + " " + type + " argmax agreement vs " + bar.setting())
                    .isGreaterThanOrEqualTo(bar.argmaxRows());
        }

        // Bar 2: llama.cpp's default numerics (the fixture's table), where it applies to this type.
        if (type == KvCacheType.F16 || !UNQUANTIZED.contains(set)) {
            double barMaxAbs = ((Number) row.get("max_abs")).doubleValue();
            double barArgmax = ((Number) row.get("argmax_agree")).doubleValue();
            assertThat(maxAbs).as(file + " " + type + " max |diff| vs llama.cpp defaults").isLessThanOrEqualTo(barMaxAbs);
            assertThat((double) agree / rows).as(file + " " + type + " argmax agreement vs llama.cpp defaults")
                    .isGreaterThanOrEqualTo(barArgmax);
        }
    }

    /**
     * The measurement behind {@link #LLAMACPP_SAME_TYPE} reproduces the fixture's own llama.cpp
     * table with llama.cpp's defaults (F16 cache, no flash attention): exactly on 11 files, and on
     * model-bf16.gguf within 2% in max |diff| with the same mean, argmax and greedy figures (see
     * the table's comment for why).
     */
    @SuppressWarnings("unchecked")
    @Test
    void measuredDefaultsReproduceTheFixtureTable() {
        Map<String, Object> table = (Map<String, Object>) ((Map<String, Object>) Fixtures.manifest("calm")
                .get("llamacpp_default_deviation")).get("table");
        assertThat(table).hasSize(12);
        table.forEach((file, o) -> {
            Map<String, Object> row = (Map<String, Object>) o;
            String variant = file.replaceFirst("^gguf/model-(.*)\\.gguf$", "$1");
            LlamaCppRow ours = llamaCppRows().stream()
                    .filter(r -> r.file().equals(variant) && r.typeK().equals("f16") && r.typeV().equals("f16")
                            && !r.flashAttention())
                    .findFirst().orElseThrow();
            double max = ((Number) row.get("max_abs")).doubleValue();
            double mean = ((Number) row.get("mean_abs")).doubleValue();
            double relMax = variant.equals("bf16") ? 0.02 : 1e-5;
            assertThat(ours.maxAbs()).as(variant + " max").isCloseTo(max, Offset.offset(relMax * max));
            assertThat(ours.meanAbs()).as(variant + " mean").isCloseTo(mean, Offset.offset(1e-3 * mean));
            assertThat(ours.argmaxRows()).as(variant + " argmax")
                    .isEqualTo((int) Math.round(((Number) row.get("argmax_agree")).doubleValue() * ROWS));
            assertThat(ours.greedy()).as(variant + " greedy").isEqualTo(row.get("greedy_identical_prompts"));
        });
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
