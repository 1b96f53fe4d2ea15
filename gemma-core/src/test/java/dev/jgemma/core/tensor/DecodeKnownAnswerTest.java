package dev.jgemma.core.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Decoding of every quantized type against known answers from an independent implementation.
 *
 * <p>Eight blocks of each type are filled with a xorshift32 byte stream (seed 0x9E3779B9; each
 * step {@code s ^= s << 13; s ^= s >>> 17; s ^= s << 5}, the low byte appended), after which each
 * f16 scale field of block {@code b} (field index {@code f}, in layout order) is overwritten with
 * {@code f16(((7b + 3f) % 11 - 5) * 0.0137 + 0.0031)}. The constants below are the SHA-256 of the
 * little-endian f32 values that gguf-py's {@code quants.dequantize} (llama.cpp c392e50) returns for
 * those bytes; the calm fixture's manifest records that gguf-py's dequantization is bit-identical
 * to ggml's own {@code dequantize_row_*}. Any layout or rounding difference changes the digest.
 */
class DecodeKnownAnswerTest {
    private static final Map<TensorType, String> GGUF_PY_SHA256 = Map.of(
            TensorType.Q4_0, "3526936667bde8bf62e030a74a3f69d4b07784ebcb359bb55fafd55dbe8e291e",
            TensorType.Q4_1, "28d8f30404c1b7c3bec8f0e5fb915e6cecd189d5e75ea58119bede0fd2e85013",
            TensorType.Q5_0, "6c9903c5652ab98c87bab7e6361c09a94fc30338ed9cfc87ebc15f1221dab7ea",
            TensorType.Q5_1, "3da1d88f0f11ced7abedab81e97aab196d1c8cdaa461e5c91a3a565be1ffea67",
            TensorType.Q8_0, "8e7cd192d6556b62929ea910c77dfb8c7f14491d39e1172d6a45d45495d2ef45",
            TensorType.Q2_K, "5c22b4ea0bb7e8790e9eb36f0a3b091ef0980037a517302f464604ad2ff0ca6b",
            TensorType.Q3_K, "aa9fe97bf1debf0f3084734567727879d93b7ccf414b04fcc7f790eb3cd045e4",
            TensorType.Q4_K, "8527121ec36fdab8c16d7d4b9831398fd9553f91fda4ad7d13dae503d8e76800",
            TensorType.Q5_K, "547b23f396734da2bae956882830b696563bc6f56cad0f64635860a6ad3e8df8",
            TensorType.Q6_K, "d7f01c6185ddae9172e9d277fc37b68165c66e5c7fa6e84e214fd6b84ecb1202");

    /** Byte offsets of the f16 scale fields inside one block, in layout order. */
    static final Map<TensorType, int[]> SCALE_FIELDS = Map.of(
            TensorType.Q4_0, new int[] {0},
            TensorType.Q4_1, new int[] {0, 2},
            TensorType.Q5_0, new int[] {0},
            TensorType.Q5_1, new int[] {0, 2},
            TensorType.Q8_0, new int[] {0},
            TensorType.Q2_K, new int[] {80, 82},
            TensorType.Q3_K, new int[] {108},
            TensorType.Q4_K, new int[] {0, 2},
            TensorType.Q5_K, new int[] {0, 2},
            TensorType.Q6_K, new int[] {208});

    static byte[] knownBlocks(TensorType type, int blocks) {
        byte[] out = new byte[blocks * type.blockBytes()];
        int s = 0x9E3779B9;
        for (int b = 0; b < blocks; b++) {
            int base = b * type.blockBytes();
            for (int i = 0; i < type.blockBytes(); i++) {
                s ^= s << 13;
                s ^= s >>> 17;
                s ^= s << 5;
                out[base + i] = (byte) s;
            }
            int[] fields = SCALE_FIELDS.get(type);
            for (int f = 0; f < fields.length; f++) {
                float v = (float) (((7 * b + 3 * f) % 11 - 5) * 0.0137 + 0.0031);
                short h = Float.floatToFloat16(v);
                out[base + fields[f]] = (byte) h;
                out[base + fields[f] + 1] = (byte) (h >> 8);
            }
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(names = {"Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q8_0", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"})
    void decodesLikeGgml(TensorType type) throws Exception {
        byte[] blocks = knownBlocks(type, 8);
        float[] values = new float[8 * type.blockSize()];
        BlockFormats.of(type).decode(MemorySegment.ofArray(blocks), 0, values, 0, values.length);
        ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes.array()));
        assertThat(digest).as(type + " decoded values").isEqualTo(GGUF_PY_SHA256.get(type));
        assertThat(BlockFormats.of(type).firstNonFiniteBlock(MemorySegment.ofArray(blocks), 0, 8)).isEqualTo(-1L);
    }

    @ParameterizedTest
    @EnumSource(names = {"Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q8_0", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"})
    void findsEveryNonFiniteScaleField(TensorType type) {
        BlockFormat format = BlockFormats.of(type);
        for (int field : SCALE_FIELDS.get(type)) {
            for (short bad : new short[] {(short) 0x7c00, (short) 0xfc00, (short) 0x7e00, (short) 0x7c01}) {
                byte[] blocks = knownBlocks(type, 8);
                int at = 5 * type.blockBytes() + field;
                blocks[at] = (byte) bad;
                blocks[at + 1] = (byte) (bad >> 8);
                assertThat(format.firstNonFiniteBlock(MemorySegment.ofArray(blocks), 0, 8))
                        .as("%s field at byte %d = 0x%04x", type, field, bad).isEqualTo(5L);
                assertThat(format.firstNonFiniteBlock(MemorySegment.ofArray(blocks), type.blockBytes() * 6L, 2))
                        .as("scan starting after the bad block").isEqualTo(-1L);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"F32", "F16", "BF16"})
    void plainTypesReportTheFirstNonFiniteElement(TensorType type) {
        float[] values = {1f, -2f, 0f, Float.NaN, 3f, Float.POSITIVE_INFINITY};
        MemorySegment data = MemorySegment.ofArray(new byte[values.length * type.blockBytes()]);
        BlockFormats.of(type).encode(values, 0, values.length, data, 0);
        assertThat(BlockFormats.of(type).firstNonFiniteBlock(data, 0, values.length)).isEqualTo(3L);
        assertThat(BlockFormats.of(type).firstNonFiniteBlock(data, 4L * type.blockBytes(), 1)).isEqualTo(-1L);
        assertThat(BlockFormats.of(type).firstNonFiniteBlock(data, 4L * type.blockBytes(), 2)).isEqualTo(1L);
    }
}
