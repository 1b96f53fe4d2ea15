package dev.jgemma.core.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jgemma.core.tensor.Tensor;
import dev.jgemma.core.tensor.TensorType;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The GGUF writer, read back by {@link GgufFile}: every value type, alignment, streaming, and failure cleanup. */
class GgufWriterTest {
    @TempDir
    Path dir;

    private static GgufValue v(GgufValueType t, Object o) {
        return new GgufValue(t, o);
    }

    @Test
    void everyMetadataTypeRoundTrips() {
        Path file = dir.resolve("all.gguf");
        Map<String, GgufValue> values = new java.util.LinkedHashMap<>();
        values.put("u8", v(GgufValueType.UINT8, 255L));
        values.put("i8", v(GgufValueType.INT8, -128L));
        values.put("u16", v(GgufValueType.UINT16, 65535L));
        values.put("i16", v(GgufValueType.INT16, -32768L));
        values.put("u32", v(GgufValueType.UINT32, 0xffffffffL));
        values.put("i32", v(GgufValueType.INT32, (long) Integer.MIN_VALUE));
        values.put("u64", v(GgufValueType.UINT64, -1L));
        values.put("i64", v(GgufValueType.INT64, Long.MIN_VALUE));
        values.put("f32", v(GgufValueType.FLOAT32, 9.999999974752427e-07f));
        values.put("f64", v(GgufValueType.FLOAT64, Math.PI));
        values.put("bool", v(GgufValueType.BOOL, true));
        values.put("str", v(GgufValueType.STRING, "gemma2 \u00e9\u4e2d\ud83d\ude00"));
        values.put("arr.i32", v(GgufValueType.ARRAY, new GgufValue.Array(GgufValueType.INT32, new long[] {1, -2, 3})));
        values.put("arr.u8", v(GgufValueType.ARRAY, new GgufValue.Array(GgufValueType.UINT8, new long[] {0, 255})));
        values.put("arr.f32", v(GgufValueType.ARRAY, new GgufValue.Array(GgufValueType.FLOAT32, new float[] {-0f, 1.5f, Float.MIN_VALUE})));
        values.put("arr.f64", v(GgufValueType.ARRAY, new GgufValue.Array(GgufValueType.FLOAT64, new double[] {2.5, -1e300})));
        values.put("arr.bool", v(GgufValueType.ARRAY, new GgufValue.Array(GgufValueType.BOOL, new boolean[] {true, false})));
        values.put("arr.str", v(GgufValueType.ARRAY, new GgufValue.Array(GgufValueType.STRING, new String[] {"<bos>", "", "\u2581the"})));
        values.put("arr.empty", v(GgufValueType.ARRAY, new GgufValue.Array(GgufValueType.STRING, new String[0])));
        values.put("arr.nested", v(GgufValueType.ARRAY, new GgufValue.Array(GgufValueType.ARRAY, List.of(
                v(GgufValueType.ARRAY, new GgufValue.Array(GgufValueType.INT64, new long[] {7, 8})),
                v(GgufValueType.ARRAY, new GgufValue.Array(GgufValueType.STRING, new String[] {"x"}))))));
        try (GgufWriter w = GgufWriter.create(file)) {
            values.forEach(w::put);
            w.finish();
        }
        try (GgufFile g = GgufFile.open(file)) {
            assertThat(g.version()).isEqualTo(3);
            assertThat(g.metadata().keySet()).containsExactlyElementsOf(values.keySet());
            values.forEach((k, expected) -> {
                GgufValue actual = g.metadata().get(k);
                assertThat(actual.type()).as(k).isEqualTo(expected.type());
                assertThat(describe(actual)).as(k).isEqualTo(describe(expected));
            });
            assertThat(g.tensors()).isEmpty();
        }
    }

    private static String describe(GgufValue v) {
        if (v.value() instanceof GgufValue.Array a) {
            String inner = switch (a.values()) {
                case long[] x -> java.util.Arrays.toString(x);
                case float[] x -> java.util.Arrays.toString(x);
                case double[] x -> java.util.Arrays.toString(x);
                case boolean[] x -> java.util.Arrays.toString(x);
                case String[] x -> java.util.Arrays.toString(x);
                case List<?> x -> x.stream().map(o -> describe((GgufValue) o)).toList().toString();
                default -> "?";
            };
            return a.elementType() + inner;
        }
        return v.type() + ":" + v.value();
    }

    @Test
    void tensorsAreAlignedPaddedAndStreamedInChunks() throws IOException {
        Path file = dir.resolve("t.gguf");
        byte[] a = bytes(4 * 3 * 5, 1);     // F32 [3, 5]
        byte[] b = bytes(34 * 2 * 2, 7);    // Q8_0 [2, 64]
        byte[] c = bytes(2 * 7, 3);         // F16 [7]
        try (GgufWriter w = GgufWriter.create(file)) {
            w.put("general.alignment", v(GgufValueType.UINT32, 64L));
            w.put("general.architecture", v(GgufValueType.STRING, "gemma2"));
            assertThat(w.addTensor("a", TensorType.F32, new long[] {3, 5})).isEqualTo(a.length);
            w.addTensor("b", TensorType.Q8_0, new long[] {2, 64});
            w.addTensor("c", TensorType.F16, new long[] {7});
            assertThat(w.currentTensor()).isEqualTo("a");
            w.writeData(MemorySegment.ofArray(a));
            assertThat(w.currentTensor()).isEqualTo("b");
            for (int i = 0; i < b.length; i += 13) {
                w.writeData(MemorySegment.ofArray(b).asSlice(i, Math.min(13, b.length - i)));
            }
            w.writeData(MemorySegment.ofArray(c));
            assertThat(w.currentTensor()).isNull();
            w.finish();
        }
        try (GgufFile g = GgufFile.open(file)) {
            assertThat(g.alignment()).isEqualTo(64);
            assertThat(g.dataStart() % 64).isZero();
            assertThat(g.tensors()).extracting(Tensor::name).containsExactly("a", "b", "c");
            assertThat(g.dataOffset("a")).isZero();
            assertThat(g.dataOffset("b")).isEqualTo(64);
            assertThat(g.dataOffset("c")).isEqualTo(64 + 192);
            assertThat(g.get("a").shape()).containsExactly(3, 5);
            assertThat(g.get("b").type()).isEqualTo(TensorType.Q8_0);
            assertThat(g.get("b").data().toArray(ValueLayout.JAVA_BYTE)).isEqualTo(b);
            assertThat(g.get("c").data().toArray(ValueLayout.JAVA_BYTE)).isEqualTo(c);
        }
        assertThat(Files.size(file) % 64).as("the last tensor is padded too").isZero();
        try (var listing = Files.list(dir)) {
            assertThat(listing.map(p -> p.getFileName().toString())).containsExactly("t.gguf");
        }
    }

    @Test
    void anUnfinishedWriterLeavesNoFileAndKeepsAnExistingTarget() throws IOException {
        Path file = dir.resolve("model.gguf");
        Files.writeString(file, "previous contents");
        try (GgufWriter w = GgufWriter.create(file)) {
            w.addTensor("a", TensorType.F32, new long[] {4});
            w.writeData(MemorySegment.ofArray(new byte[8]));
            assertThatThrownBy(w::finish).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("tensor 'a' is incomplete: 8 of 16 bytes");
        }
        assertThat(Files.readString(file)).isEqualTo("previous contents");
        try (var listing = Files.list(dir)) {
            assertThat(listing.map(p -> p.getFileName().toString())).containsExactly("model.gguf");
        }
    }

    @Test
    void rejectsMisuseWithClearMessages() {
        try (GgufWriter w = GgufWriter.create(dir.resolve("x.gguf"))) {
            assertThatThrownBy(() -> w.put("k", v(GgufValueType.UINT8, 256L)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("metadata 'k'").hasMessageContaining("UINT8");
            assertThatThrownBy(() -> w.put("k", v(GgufValueType.FLOAT32, 1.0)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("FLOAT32");
            assertThatThrownBy(() -> w.put("general.alignment", v(GgufValueType.UINT32, 48L)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("power of two");
            assertThatThrownBy(() -> w.addTensor("q", TensorType.Q4_K, new long[] {2, 288}))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("tensor 'q' of type Q4_K has rows of 288 elements, not a multiple of the block size 256");
            w.addTensor("a", TensorType.F32, new long[] {2});
            assertThatThrownBy(() -> w.addTensor("a", TensorType.F32, new long[] {2}))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("duplicate tensor name 'a'");
            assertThatThrownBy(() -> w.writeData(MemorySegment.ofArray(new byte[9])))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("tensor 'a' takes 8 bytes");
            w.writeData(MemorySegment.ofArray(new byte[8]));
            assertThatThrownBy(() -> w.put("late", v(GgufValueType.BOOL, true))).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> w.writeData(MemorySegment.ofArray(new byte[1])))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("already written");
        }
    }

    @Test
    void settingAKeyAgainMovesItToTheEndAsLlamaCppDoes() {
        Path file = dir.resolve("order.gguf");
        try (GgufWriter w = GgufWriter.create(file)) {
            w.put("a", v(GgufValueType.UINT32, 1L));
            w.put("b", v(GgufValueType.UINT32, 2L));
            w.put("a", v(GgufValueType.UINT32, 3L));
            w.put("c", v(GgufValueType.UINT32, 4L));
            w.remove("c");
            w.finish();
        }
        try (GgufFile g = GgufFile.open(file)) {
            assertThat(g.metadata().keySet()).containsExactly("b", "a");
            assertThat(g.integer("a")).contains(3L);
        }
    }

    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }
}
