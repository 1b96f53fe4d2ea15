package dev.jgemma.core.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jgemma.core.ModelFormatException;
import dev.jgemma.core.tensor.Tensor;
import dev.jgemma.core.tensor.TensorType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GGUF parsing of every metadata value type, nested arrays, alignment and tensor infos, from hand-built bytes. */
class GgufFileTest {
    @TempDir
    Path tmp;

    /** Little-endian byte builder for hand-made GGUF files. */
    static final class Bytes {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Bytes u8(int v) {
            out.write(v);
            return this;
        }

        Bytes u16(int v) {
            return raw(ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) v).array());
        }

        Bytes u32(int v) {
            return raw(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
        }

        Bytes u64(long v) {
            return raw(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
        }

        Bytes f32(float v) {
            return u32(Float.floatToRawIntBits(v));
        }

        Bytes f64(double v) {
            return u64(Double.doubleToRawLongBits(v));
        }

        Bytes str(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u64(b.length);
            return raw(b);
        }

        Bytes raw(byte[] b) {
            out.write(b, 0, b.length);
            return this;
        }

        Bytes padTo(int alignment) {
            while (out.size() % alignment != 0) {
                out.write(0);
            }
            return this;
        }

        int size() {
            return out.size();
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    private Path write(Bytes b) throws IOException {
        Path p = tmp.resolve("t" + System.nanoTime() + ".gguf");
        Files.write(p, b.bytes());
        return p;
    }

    @Test
    void everyValueTypeAndNestedArrays() throws IOException {
        Bytes b = new Bytes().raw("GGUF".getBytes(StandardCharsets.US_ASCII)).u32(3).u64(1).u64(15);
        b.str("u8").u32(0).u8(200);
        b.str("i8").u32(1).u8(0xff);
        b.str("u16").u32(2).u16(65535);
        b.str("i16").u32(3).u16(-2);
        b.str("u32").u32(4).u32(-1);
        b.str("i32").u32(5).u32(-3);
        b.str("f32").u32(6).f32(1.5f);
        b.str("bool").u32(7).u8(1);
        b.str("str").u32(8).str("héllo");
        b.str("u64").u32(10).u64(1L << 40);
        b.str("i64").u32(11).u64(-5);
        b.str("f64").u32(12).f64(2.25);
        b.str("general.alignment").u32(4).u32(64);
        b.str("strings").u32(9).u32(8).u64(2).str("a").str("bc");
        b.str("nested").u32(9).u32(9).u64(2)
                .u32(5).u64(2).u32(1).u32(2)
                .u32(6).u64(1).f32(3f);
        b.str("w").u32(2).u64(4).u64(2).u32(0).u64(0); // F32 [2, 4]
        b.padTo(64);
        for (int i = 0; i < 8; i++) {
            b.f32(i);
        }
        try (GgufFile g = GgufFile.open(write(b))) {
            assertThat(g.version()).isEqualTo(3);
            assertThat(g.alignment()).isEqualTo(64);
            assertThat(g.integer("u8")).contains(200L);
            assertThat(g.integer("i8")).contains(-1L);
            assertThat(g.integer("u16")).contains(65535L);
            assertThat(g.integer("i16")).contains(-2L);
            assertThat(g.integer("u32")).contains(4294967295L);
            assertThat(g.integer("i32")).contains(-3L);
            assertThat(g.number("f32")).contains(1.5);
            assertThat(g.value("bool").orElseThrow().value()).isEqualTo(true);
            assertThat(g.string("str")).contains("héllo");
            assertThat(g.integer("u64")).contains(1L << 40);
            assertThat(g.integer("i64")).contains(-5L);
            assertThat(g.number("f64")).contains(2.25);
            assertThat((String[]) g.array("strings").orElseThrow().values()).containsExactly("a", "bc");
            GgufValue.Array nested = g.array("nested").orElseThrow();
            assertThat(nested.length()).isEqualTo(2);
            List<?> inner = (List<?>) nested.values();
            assertThat((long[]) ((GgufValue.Array) ((GgufValue) inner.get(0)).value()).values()).containsExactly(1, 2);
            assertThat((float[]) ((GgufValue.Array) ((GgufValue) inner.get(1)).value()).values()).containsExactly(3f);
            Tensor w = g.get("w");
            assertThat(w.type()).isEqualTo(TensorType.F32);
            assertThat(w.shape()).containsExactly(2, 4);
            assertThat(w.toFloatArray()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
            assertThatThrownBy(() -> g.string("u8")).isInstanceOf(ModelFormatException.class).hasMessageContaining("'u8'");
            assertThatThrownBy(() -> g.get("absent")).isInstanceOf(ModelFormatException.class).hasMessageContaining("'absent'");
        }
    }

    @Test
    void badAlignmentAndBadBool() throws IOException {
        Bytes b = new Bytes().raw("GGUF".getBytes(StandardCharsets.US_ASCII)).u32(3).u64(0).u64(1);
        b.str("general.alignment").u32(4).u32(48);
        Path p = write(b);
        assertThatThrownBy(() -> GgufFile.open(p)).isInstanceOf(ModelFormatException.class)
                .hasMessageContainingAll(p.toString(), "general.alignment");
        Bytes c = new Bytes().raw("GGUF".getBytes(StandardCharsets.US_ASCII)).u32(3).u64(0).u64(1);
        c.str("flag").u32(7).u8(7);
        Path q = write(c);
        assertThatThrownBy(() -> GgufFile.open(q)).isInstanceOf(ModelFormatException.class).hasMessageContaining("'flag'");
    }

    @Test
    void hugeStringLengthIsATruncationError() throws IOException {
        Bytes b = new Bytes().raw("GGUF".getBytes(StandardCharsets.US_ASCII)).u32(3).u64(0).u64(1);
        b.u64(Long.MAX_VALUE);
        Path p = write(b);
        assertThatThrownBy(() -> GgufFile.open(p)).isInstanceOf(ModelFormatException.class).hasMessageContaining("truncated");
    }

    @Test
    void deeplyNestedArraysAreRejected() throws IOException {
        Bytes b = new Bytes().raw("GGUF".getBytes(StandardCharsets.US_ASCII)).u32(3).u64(0).u64(1);
        b.str("deep").u32(9);
        for (int i = 0; i < 12; i++) {
            b.u32(9).u64(1);
        }
        b.u32(0).u64(0);
        Path p = write(b);
        assertThatThrownBy(() -> GgufFile.open(p)).isInstanceOf(ModelFormatException.class).hasMessageContaining("deeper");
    }

    @Test
    void duplicateTensorNames() throws IOException {
        Bytes b = new Bytes().raw("GGUF".getBytes(StandardCharsets.US_ASCII)).u32(3).u64(2).u64(0);
        b.str("w").u32(1).u64(4).u32(0).u64(0);
        b.str("w").u32(1).u64(4).u32(0).u64(32);
        b.padTo(32);
        b.raw(new byte[64]);
        Path p = write(b);
        assertThatThrownBy(() -> GgufFile.open(p)).isInstanceOf(ModelFormatException.class).hasMessageContaining("duplicate tensor name 'w'");
    }
}
