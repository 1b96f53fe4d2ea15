package dev.jgemma.core.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jgemma.core.Backend;
import dev.jgemma.core.tensor.BlockFormat;
import dev.jgemma.core.tensor.BlockFormats;
import dev.jgemma.core.tensor.TensorType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each backend's kernels against the plain {@link BlockFormat} decoding (the specification):
 * decoding is bit-exact, the fused decode step equals decode-then-multiply bit for bit, and the
 * batched product gives every row the same bits whatever the batch size.
 */
class FormatKernelTest {
    private static final int COLS = 1792; // 7 K-quant super-blocks: two column panels of the tiled kernel and part of a third
    private static final int ROWS = 8;

    static MemorySegment randomMatrix(Arena arena, TensorType type, long seed) {
        BlockFormat f = BlockFormats.of(type);
        MemorySegment m = arena.allocate(type.bytesFor((long) ROWS * COLS));
        float[] v = new float[ROWS * COLS];
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian() * 0.1f;
        }
        f.encode(v, 0, v.length, m, 0);
        return m;
    }

    static Backend[] backends() {
        return Backend.vectorAvailable() ? new Backend[] {Backend.SCALAR, Backend.VECTOR} : new Backend[] {Backend.SCALAR};
    }

    @ParameterizedTest
    @EnumSource(value = TensorType.class, names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_K", "Q6_K"})
    void decodeIsBitExactAndFusedEqualsTiled(TensorType type) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = randomMatrix(arena, type, 7);
            long rowBytes = type.bytesFor(COLS);
            float[] expected = new float[ROWS * COLS];
            BlockFormats.of(type).decode(m, 0, expected, 0, expected.length);
            for (Backend b : backends()) {
                FloatOps ops = Backends.floatOps(b);
                FormatKernel k = ops.formatKernel(BlockFormats.of(type));
                float[] decoded = new float[ROWS * COLS];
                for (int r = 0; r < ROWS; r++) {
                    k.decode(m, r * rowBytes, decoded, r * COLS, COLS);
                }
                assertThat(decoded).as(b + " " + type + " decode").containsExactly(expected);

                // 9 tokens: two full 4 x 4 tiles plus one left over, over several column panels
                int tokens = 9;
                float[] x = new float[tokens * COLS];
                SplittableRandom rng = new SplittableRandom(3);
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) rng.nextGaussian();
                }
                float[] fused = new float[4];
                k.dot4(m, 0, rowBytes, x, COLS, fused, 0, new float[4 * COLS], ops);
                float[] tiled = new float[tokens * 4];
                ops.dotTile(decoded, 0, COLS, 4, MemorySegment.ofArray(x), 0, COLS, tokens, COLS, tiled, 0, 4);
                for (int t = 0; t < tokens; t++) {
                    float[] single = new float[4];
                    ops.dotTile(decoded, 0, COLS, 4, MemorySegment.ofArray(x), t * COLS, COLS, 1, COLS, single, 0, 4);
                    for (int r = 0; r < 4; r++) {
                        assertThat(single[r]).as(b + " " + type + " batch of 1, token " + t + ", row " + r).isEqualTo(tiled[t * 4 + r]);
                    }
                }
                for (int r = 0; r < 4; r++) {
                    assertThat(fused[r]).as(b + " " + type + " fused row " + r).isEqualTo(tiled[r]);
                    double exact = 0;
                    for (int i = 0; i < COLS; i++) {
                        exact += (double) expected[r * COLS + i] * x[i];
                    }
                    assertThat((double) fused[r]).as(b + " " + type + " row " + r + " vs f64").isCloseTo(exact,
                            org.assertj.core.data.Offset.offset(1e-4));
                }
            }
        }
    }

    /**
     * Every bit pattern an encoder may never write (all nibbles, 6-bit scales and mins with their
     * high bits, negative Q6_K scales, negative and subnormal f16 scales): random bytes with only
     * the f16 fields kept finite.
     */
    @ParameterizedTest
    @EnumSource(value = TensorType.class, names = {"Q8_0", "Q4_0", "Q4_K", "Q6_K"})
    void randomBlocksDecodeBitExact(TensorType type) {
        int blockBytes = Math.toIntExact(type.bytesFor(type == TensorType.Q4_K || type == TensorType.Q6_K ? 256 : 32));
        int[] f16Fields = switch (type) {
            case Q4_K -> new int[] {0, 2};
            case Q6_K -> new int[] {208};
            default -> new int[] {0};
        };
        try (Arena arena = Arena.ofConfined()) {
            long bytes = type.bytesFor((long) ROWS * COLS);
            MemorySegment m = arena.allocate(bytes);
            SplittableRandom r = new SplittableRandom(5);
            for (long i = 0; i < bytes; i++) {
                m.set(ValueLayout.JAVA_BYTE, i, (byte) r.nextInt());
            }
            for (long block = 0; block < bytes; block += blockBytes) {
                for (int field : f16Fields) {
                    short bits;
                    do {
                        bits = (short) r.nextInt();
                    } while ((bits & 0x7c00) == 0x7c00);
                    m.set(ValueLayout.JAVA_SHORT_UNALIGNED, block + field, bits);
                }
            }
            float[] expected = new float[ROWS * COLS];
            BlockFormats.of(type).decode(m, 0, expected, 0, expected.length);
            for (Backend b : backends()) {
                FormatKernel k = Backends.floatOps(b).formatKernel(BlockFormats.of(type));
                float[] got = new float[ROWS * COLS];
                k.decode(m, 0, got, 0, got.length);
                for (int i = 0; i < got.length; i++) {
                    assertThat(Float.floatToRawIntBits(got[i])).as(b + " " + type + " element " + i)
                            .isEqualTo(Float.floatToRawIntBits(expected[i]));
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = TensorType.class, names = {"F16", "BF16"})
    void specialValuesWidenExactly(TensorType type) {
        short[] bits = type == TensorType.F16
                ? new short[] {0x0000, (short) 0x8000, 0x0001, (short) 0x83ff, 0x3c00, (short) 0xc000, 0x7bff, 0x7c00, (short) 0xfc00,
                        0x7e00, 0x0400, 0x03ff, 0x3555, (short) 0xb555, 0x1234, 0x7001}
                : new short[] {0x0000, (short) 0x8000, 0x0001, (short) 0x807f, 0x3f80, (short) 0xc000, 0x7f7f, 0x7f80, (short) 0xff80,
                        0x7fc0, 0x0080, 0x007f, 0x3eaa, (short) 0xbeaa, 0x1234, 0x7001};
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = arena.allocate(2L * bits.length);
            for (int i = 0; i < bits.length; i++) {
                m.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i, bits[i]);
            }
            float[] expected = new float[bits.length];
            BlockFormats.of(type).decode(m, 0, expected, 0, bits.length);
            for (Backend b : backends()) {
                float[] got = new float[bits.length];
                Backends.floatOps(b).formatKernel(BlockFormats.of(type)).decode(m, 0, got, 0, bits.length);
                for (int i = 0; i < bits.length; i++) {
                    assertThat(Float.floatToRawIntBits(got[i])).as(b + " " + type + " bits 0x%04x", bits[i])
                            .isEqualTo(Float.floatToRawIntBits(expected[i]));
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class)
    void transcendentalsMatchTheScalarSpecification(Backend backend) {
        assumeTrue(backend == Backend.SCALAR || Backend.vectorAvailable());
        FloatOps ops = Backends.floatOps(backend);
        FloatOps spec = Backends.floatOps(Backend.SCALAR);
        SplittableRandom r = new SplittableRandom(11);
        int n = 1003;
        float[] gate = new float[n];
        float[] up = new float[n];
        float[] logits = new float[n];
        for (int i = 0; i < n; i++) {
            gate[i] = (float) r.nextGaussian() * 4;
            up[i] = (float) r.nextGaussian();
            logits[i] = (float) r.nextGaussian() * 60;
        }
        logits[0] = Float.NaN;
        logits[1] = Float.POSITIVE_INFINITY;
        logits[2] = -0f;
        float[] g1 = gate.clone();
        float[] g2 = gate.clone();
        ops.geglu(g1, up, 0, n);
        spec.geglu(g2, up, 0, n);
        float[] c1 = logits.clone();
        float[] c2 = logits.clone();
        ops.softcap(c1, 0, n, 30f);
        spec.softcap(c2, 0, n, 30f);
        float[] s1 = java.util.Arrays.copyOfRange(logits, 3, n);
        float[] s2 = s1.clone();
        ops.softmax(s1, 0, s1.length);
        spec.softmax(s2, 0, s2.length);
        for (int i = 0; i < n; i++) {
            assertThat(g1[i]).as("geglu " + i).isCloseTo(g2[i], org.assertj.core.data.Offset.offset(1e-6f * (1 + Math.abs(g2[i]))));
        }
        assertThat(c1[0]).isNaN();
        assertThat(c1[1]).isEqualTo(30f);
        assertThat(Float.floatToRawIntBits(c1[2])).isEqualTo(Float.floatToRawIntBits(-0f));
        for (int i = 3; i < n; i++) {
            assertThat(c1[i]).as("softcap " + i).isCloseTo(c2[i], org.assertj.core.data.Offset.offset(1e-5f));
        }
        for (int i = 0; i < s1.length; i++) {
            assertThat(s1[i]).as("softmax " + i).isCloseTo(s2[i], org.assertj.core.data.Offset.offset(1e-7f + 1e-5f * s2[i]));
        }
    }
}
