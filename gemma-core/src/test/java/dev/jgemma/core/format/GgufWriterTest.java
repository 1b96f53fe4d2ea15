package dev.jgemma.core.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jgemma.core.tensor.Tensor;
import dev.jgemma.core.tensor.TensorType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GgufWriter output read back by GgufFile, and every misuse rejected with a clear message. */
class GgufWriterTest {
    @TempDir
    Path dir;

    @Test
    void writesWhatGgufFileReads() {
        Path file = dir.resolve("t.gguf");
        try (GgufWriter w = GgufWriter.create(file)) {
            w.metadata("u8", new GgufValue(GgufValueType.UINT8, 200L));
            w.metadata("i8", new GgufValue(GgufValueType.INT8, -5L));
            w.metadata("u16", new GgufValue(GgufValueType.UINT16, 60000L));
            w.metadata("i16", new GgufValue(GgufValueType.INT16, -30000L));
            w.metadata("u32", new GgufValue(GgufValueType.UINT32, 4_000_000_000L));
            w.metadata("i32", new GgufValue(GgufValueType.INT32, -7L));
            w.metadata("u64", new GgufValue(GgufValueType.UINT64, 1L << 40));
            w.metadata("i64", new GgufValue(GgufValueType.INT64, -(1L << 40)));
            w.metadata("f32", new GgufValue(GgufValueType.FLOAT32, 1.5f));
            w.metadata("f64", new GgufValue(GgufValueType.FLOAT64, 2.25));
            w.metadata("bool", new GgufValue(GgufValueType.BOOL, true));
            w.metadata("str", new GgufValue(GgufValueType.STRING, "gemma2 \u2581ok"));
            w.metadata("strs", new GgufValue(GgufValueType.ARRAY, new GgufValue.Array(GgufValueType.STRING, new String[] {"a", "bc"})));
            w.metadata("ints", new GgufValue(GgufValueType.ARRAY, new GgufValue.Array(GgufValueType.INT32, new long[] {1, -2, 3})));
            w.metadata("floats", new GgufValue(GgufValueType.ARRAY, new GgufValue.Array(GgufValueType.FLOAT32, new float[] {0.5f})));
            w.metadata("nested", new GgufValue(GgufValueType.ARRAY, new GgufValue.Array(GgufValueType.ARRAY,
                    List.of(new GgufValue(GgufValueType.ARRAY, new GgufValue.Array(GgufValueType.UINT8, new long[] {9}))))));
            w.tensor("a", TensorType.F32, new long[] {3});
            w.tensor("b", TensorType.Q8_0, new long[] {2, 32});
            ByteBuffer a = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putFloat(1f).putFloat(2f).putFloat(3f).flip();
            w.write(a);
            ByteBuffer b = ByteBuffer.allocate(68);
            for (int i = 0; i < 68; i++) {
                b.put((byte) i);
            }
            w.write(b.flip().slice(0, 30));
            w.write(b.position(30));
        }
        try (GgufFile g = GgufFile.open(file)) {
            assertThat(g.version()).isEqualTo(3);
            assertThat(g.integer("u8")).contains(200L);
            assertThat(g.integer("i8")).contains(-5L);
            assertThat(g.integer("u16")).contains(60000L);
            assertThat(g.integer("i16")).contains(-30000L);
            assertThat(g.integer("u32")).contains(4_000_000_000L);
            assertThat(g.integer("i32")).contains(-7L);
            assertThat(g.integer("u64")).contains(1L << 40);
            assertThat(g.integer("i64")).contains(-(1L << 40));
            assertThat(g.number("f32")).contains(1.5);
            assertThat(g.number("f64")).contains(2.25);
            assertThat(g.value("bool").orElseThrow().value()).isEqualTo(true);
            assertThat(g.string("str")).contains("gemma2 \u2581ok");
            assertThat((String[]) g.array("strs").orElseThrow().values()).containsExactly("a", "bc");
            assertThat((long[]) g.array("ints").orElseThrow().values()).containsExactly(1, -2, 3);
            assertThat((float[]) g.array("floats").orElseThrow().values()).containsExactly(0.5f);
            assertThat(g.array("nested").orElseThrow().length()).isEqualTo(1);
            Tensor a = g.get("a");
            assertThat(a.toFloatArray()).containsExactly(1f, 2f, 3f);
            Tensor b = g.get("b");
            assertThat(b.shape()).containsExactly(2, 32);
            assertThat(b.data().address() % GgufFile.DEFAULT_ALIGNMENT).isZero();
            for (int i = 0; i < 68; i++) {
                assertThat(b.data().get(java.lang.foreign.ValueLayout.JAVA_BYTE, i)).isEqualTo((byte) i);
            }
        }
    }

    @Test
    void rejectsMisuse() {
        Path file = dir.resolve("bad.gguf");
        try (GgufWriter w = GgufWriter.create(file)) {
            w.metadata("k", new GgufValue(GgufValueType.UINT32, 1L));
            assertThatThrownBy(() -> w.metadata("k", new GgufValue(GgufValueType.UINT32, 2L)))
                    .hasMessageContaining("duplicate metadata key 'k'");
            assertThatThrownBy(() -> w.metadata("general.alignment", new GgufValue(GgufValueType.UINT32, 3L)))
                    .hasMessageContaining("power of two");
            assertThatThrownBy(() -> w.metadata("x", new GgufValue(GgufValueType.UINT32, "text")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("metadata 'x' needs a Long");
            assertThatThrownBy(() -> w.tensor("q", TensorType.Q8_0, new long[] {2, 31}))
                    .hasMessageContaining("tensor 'q'").hasMessageContaining("block size 32");
            w.tensor("t", TensorType.F32, new long[] {1});
            assertThatThrownBy(() -> w.tensor("t", TensorType.F32, new long[] {1})).hasMessageContaining("duplicate tensor name 't'");
            w.write(ByteBuffer.allocate(4));
            assertThatThrownBy(() -> w.tensor("late", TensorType.F32, new long[] {1})).hasMessageContaining("before any tensor data");
            assertThatThrownBy(() -> w.write(ByteBuffer.allocate(1))).hasMessageContaining("more tensor data written");
        }
        Path incomplete = dir.resolve("incomplete.gguf");
        GgufWriter w = GgufWriter.create(incomplete);
        w.tensor("t", TensorType.F32, new long[] {4});
        w.write(ByteBuffer.allocate(8));
        assertThatThrownBy(w::close).hasMessageContaining("incomplete: tensor 't' received 8 of 16 bytes");
        assertThatThrownBy(() -> GgufWriter.create(dir.resolve("no/such/dir/x.gguf")))
                .isInstanceOf(java.io.UncheckedIOException.class).hasMessageContaining("cannot create");
    }
}
