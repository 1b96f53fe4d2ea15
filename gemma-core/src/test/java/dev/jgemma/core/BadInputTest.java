package dev.jgemma.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jgemma.core.format.GgufFile;
import dev.jgemma.core.format.SafetensorsFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of bad input the loaders and the model can meet gets a typed exception whose message
 * names the file and the tensor or field at fault; never an IndexOutOfBoundsException, a crash,
 * a hang or garbage. Corrupt files are made by patching copies of the fixture files.
 */
class BadInputTest {
    @TempDir
    Path tmp;

    private Path tinyGguf() {
        return Fixtures.model("tiny").resolve("gguf/model-f32.gguf");
    }

    private Path copyGguf() throws IOException {
        Path p = tmp.resolve("model.gguf");
        Files.copy(tinyGguf(), p);
        return p;
    }

    private static void patch(Path file, long offset, byte[] bytes) throws IOException {
        try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(bytes), offset);
        }
    }

    private static byte[] le32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    private static byte[] le64(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }

    /** The byte offset of a tensor info's name string (its u64 length prefix) in a GGUF file. */
    private static long tensorInfo(Path file, String name) throws IOException {
        byte[] all = Files.readAllBytes(file);
        byte[] needle = ByteBuffer.allocate(8 + name.length()).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(name.length()).put(name.getBytes(StandardCharsets.US_ASCII)).array();
        for (int i = 0; i + needle.length <= all.length; i++) {
            if (Arrays.equals(all, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new AssertionError("tensor info " + name + " not found");
    }

    private static void assertModelFormatError(Path path, String... fragments) {
        assertThatThrownBy(() -> Gemma2Model.load(path, ModelOptions.defaults().threads(1)).close())
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining(path.toString())
                .hasMessageContainingAll(fragments);
    }

    @Test
    void missingFile() {
        assertModelFormatError(tmp.resolve("nope.gguf"), "no such file");
    }

    @Test
    void wrongMagic() throws IOException {
        Path p = copyGguf();
        patch(p, 0, "GGML".getBytes(StandardCharsets.US_ASCII));
        assertModelFormatError(p, "not a GGUF file");
    }

    @Test
    void unknownVersion() throws IOException {
        Path p = copyGguf();
        patch(p, 4, le32(7));
        assertModelFormatError(p, "unsupported GGUF version 7");
    }

    @Test
    void truncatedAnywhereIsAFormatError() throws IOException {
        byte[] all = Files.readAllBytes(tinyGguf());
        for (int cut : new int[] {0, 3, 7, 15, 23, 40, 200, 1000, 5000, all.length / 2, all.length - 1}) {
            Path p = tmp.resolve("cut-" + cut + ".gguf");
            Files.write(p, Arrays.copyOf(all, cut));
            assertThatThrownBy(() -> Gemma2Model.load(p).close()).as("cut at " + cut)
                    .isInstanceOf(ModelFormatException.class)
                    .hasMessageContaining(p.toString());
        }
    }

    @Test
    void tensorDataPastTheEnd() throws IOException {
        byte[] all = Files.readAllBytes(tinyGguf());
        Path p = tmp.resolve("short.gguf");
        Files.write(p, Arrays.copyOf(all, all.length - 1));
        assertModelFormatError(p, "extends past the end of the file");
    }

    @Test
    void unknownTensorType() throws IOException {
        Path p = copyGguf();
        long info = tensorInfo(p, "blk.0.attn_q.weight");
        patch(p, info + 8 + "blk.0.attn_q.weight".length() + 4 + 16, le32(99));
        assertModelFormatError(p, "blk.0.attn_q.weight", "unknown GGML type id 99");
    }

    @Test
    void unsupportedTensorTypeNamesTensorAndType() throws IOException {
        Path p = copyGguf();
        long info = tensorInfo(p, "blk.0.attn_q.weight");
        patch(p, info + 8 + "blk.0.attn_q.weight".length() + 4 + 16, le32(20)); // IQ4_NL
        assertModelFormatError(p, "blk.0.attn_q.weight", "IQ4_NL");
    }

    @Test
    void blockSizeMustDivideRows() throws IOException {
        Path p = copyGguf();
        long info = tensorInfo(p, "blk.0.attn_q.weight");
        patch(p, info + 8 + "blk.0.attn_q.weight".length() + 4 + 16, le32(12)); // Q4_K: 256-element blocks, rows of 64
        assertModelFormatError(p, "blk.0.attn_q.weight", "not a multiple of the block size");
    }

    @Test
    void overflowingOffsetsAndDimensions() throws IOException {
        String name = "blk.1.ffn_up.weight";
        Path p = copyGguf();
        long info = tensorInfo(p, name);
        long offsetField = info + 8 + name.length() + 4 + 16 + 4;
        patch(p, offsetField, le64(Long.MAX_VALUE - 31));
        assertModelFormatError(p, name);

        Path q = tmp.resolve("dims.gguf");
        Files.copy(tinyGguf(), q);
        patch(q, info + 8 + name.length() + 4, le64(1L << 39));
        patch(q, info + 8 + name.length() + 4 + 8, le64(1L << 39));
        assertModelFormatError(q, name);

        Path r = tmp.resolve("misaligned.gguf");
        Files.copy(tinyGguf(), r);
        patch(r, offsetField, le64(3));
        assertModelFormatError(r, name, "alignment");
    }

    @Test
    void hugeCountsAreRejectedBeforeAllocating() throws IOException {
        Path p = copyGguf();
        patch(p, 8, le64(Long.MAX_VALUE)); // tensor count
        assertModelFormatError(p, "tensor count");
        Path q = tmp.resolve("kv.gguf");
        Files.copy(tinyGguf(), q);
        patch(q, 16, le64(1L << 40)); // metadata count
        assertModelFormatError(q, "metadata count");
    }

    @Test
    void missingTensor() throws IOException {
        Path p = copyGguf();
        long info = tensorInfo(p, "blk.1.attn_k.weight");
        patch(p, info + 8, "blk.1.attn_X.weight".getBytes(StandardCharsets.US_ASCII));
        assertModelFormatError(p, "missing tensor 'blk.1.attn_k.weight'");
    }

    @Test
    void notGemma2() throws IOException {
        Path p = copyGguf();
        byte[] all = Files.readAllBytes(p);
        String text = new String(all, StandardCharsets.ISO_8859_1);
        int at = text.indexOf("general.architecture");
        int value = text.indexOf("gemma2", at);
        patch(p, value, "llama3".getBytes(StandardCharsets.US_ASCII));
        assertModelFormatError(p, "general.architecture", "llama3");
    }

    private Path copyHf() throws IOException {
        Path dir = tmp.resolve("hf");
        Files.createDirectories(dir);
        Path src = Fixtures.model("tiny").resolve("hf-f32");
        try (Stream<Path> files = Files.list(src)) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        return dir;
    }

    private static void editConfig(Path dir, String from, String to) throws IOException {
        Path config = dir.resolve("config.json");
        String json = Files.readString(config);
        assertThat(json).contains(from);
        Files.writeString(config, json.replace(from, to));
    }

    @Test
    void shapeThatDoesNotFitTheConfig() throws IOException {
        Path dir = copyHf();
        editConfig(dir, "\"intermediate_size\": 160", "\"intermediate_size\": 128");
        assertModelFormatError(dir, "model.layers.0.mlp.gate_proj.weight", "[160, 64]", "[128, 64]");
    }

    @Test
    void missingConfigField() throws IOException {
        Path dir = copyHf();
        editConfig(dir, "\"hidden_size\"", "\"hidden_sizzle\"");
        assertModelFormatError(dir.resolve(""), "config.json", "missing required field 'hidden_size'");
    }

    @Test
    void malformedConfigField() throws IOException {
        Path dir = copyHf();
        editConfig(dir, "\"num_attention_heads\": 4", "\"num_attention_heads\": \"four\"");
        assertModelFormatError(dir, "config.json", "num_attention_heads");
        Path dir2 = tmp.resolve("hf2");
        Files.createDirectories(dir2);
        Files.writeString(dir2.resolve("config.json"), "{\"hidden_size\": 64,");
        assertModelFormatError(dir2, "config.json", "malformed JSON");
    }

    @Test
    void inconsistentHeads() throws IOException {
        Path dir = copyHf();
        editConfig(dir, "\"num_key_value_heads\": 2", "\"num_key_value_heads\": 3");
        assertModelFormatError(dir, "num_key_value_heads");
    }

    @Test
    void missingWeights() throws IOException {
        Path dir = copyHf();
        Files.delete(dir.resolve("model.safetensors"));
        assertModelFormatError(dir, "model.safetensors");
    }

    @Test
    void missingShard() throws IOException {
        Path dir = tmp.resolve("sharded");
        Files.createDirectories(dir);
        Path src = Fixtures.model("tiny").resolve("hf-f32-sharded");
        try (Stream<Path> files = Files.list(src)) {
            for (Path f : files.toList()) {
                if (!f.getFileName().toString().startsWith("model-00002")) {
                    Files.copy(f, dir.resolve(f.getFileName()));
                }
            }
        }
        assertThatThrownBy(() -> Gemma2Model.load(dir).close())
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("model-00002-of-00002.safetensors")
                .hasMessageContaining("no such file");
    }

    private static Path safetensors(Path file, String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        Files.write(file, b.array());
        return file;
    }

    @Test
    void badSafetensors() throws IOException {
        Path unsupported = safetensors(tmp.resolve("a.safetensors"),
                "{\"w\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]}}", 16);
        assertThatThrownBy(() -> SafetensorsFile.open(unsupported)).isInstanceOf(ModelFormatException.class)
                .hasMessageContainingAll(unsupported.toString(), "'w'", "I64");
        Path wrongSize = safetensors(tmp.resolve("b.safetensors"),
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8);
        assertThatThrownBy(() -> SafetensorsFile.open(wrongSize)).isInstanceOf(ModelFormatException.class)
                .hasMessageContainingAll("'w'", "needs 12");
        Path pastEnd = safetensors(tmp.resolve("c.safetensors"),
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 8);
        assertThatThrownBy(() -> SafetensorsFile.open(pastEnd)).isInstanceOf(ModelFormatException.class)
                .hasMessageContainingAll("'w'", "truncated");
        Path hugeHeader = tmp.resolve("d.safetensors");
        Files.write(hugeHeader, le64(Long.MAX_VALUE));
        assertThatThrownBy(() -> SafetensorsFile.open(hugeHeader)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("header length");
        Path badJson = safetensors(tmp.resolve("e.safetensors"), "{\"w\":", 0);
        assertThatThrownBy(() -> SafetensorsFile.open(badJson)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("malformed JSON");
        Path overflow = safetensors(tmp.resolve("f.safetensors"),
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4611686018427387904],\"data_offsets\":[0,16]}}", 16);
        assertThatThrownBy(() -> SafetensorsFile.open(overflow)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("overflow");
    }

    @Test
    void ggufWithBadMetadataType() throws IOException {
        Path p = copyGguf();
        // The first metadata entry's type field follows its key (u64 length + bytes) at offset 24.
        long keyLen = ByteBuffer.wrap(Files.readAllBytes(p), 24, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        patch(p, 24 + 8 + keyLen, le32(42));
        assertThatThrownBy(() -> GgufFile.open(p)).isInstanceOf(ModelFormatException.class)
                .hasMessageContainingAll(p.toString(), "unknown value type 42");
    }

    @Test
    void tokenOutsideTheVocabulary() {
        try (Gemma2Model m = Gemma2Model.load(tinyGguf(), ModelOptions.defaults().threads(1))) {
            Session s = m.newSession();
            assertThatThrownBy(() -> s.prefill(2, 512)).isInstanceOf(InvalidTokenException.class)
                    .hasMessageContainingAll("512", "index 1", "[0, 512)");
            assertThatThrownBy(() -> s.decode(-1)).isInstanceOf(InvalidTokenException.class);
            assertThat(s.position()).isZero();
            assertThat(s.prefill(2)).hasSize(512);
        }
    }

    @Test
    void contextOverflowIsCheckedBeforeAnyWork() {
        try (Gemma2Model m = Gemma2Model.load(tinyGguf(), ModelOptions.defaults().threads(1).maxContext(4))) {
            Session s = m.newSession();
            s.prefill(2, 3, 4);
            assertThatThrownBy(() -> s.prefill(5, 6)).isInstanceOf(ContextOverflowException.class)
                    .hasMessageContaining("at most 4");
            assertThat(s.position()).isEqualTo(3);
            s.decode(5);
            assertThat(s.position()).isEqualTo(4);
        }
    }

    @Test
    void closedModel() {
        Gemma2Model m = Gemma2Model.load(tinyGguf(), ModelOptions.defaults().threads(2));
        Session s = m.newSession();
        m.close();
        m.close();
        assertThatThrownBy(m::newSession).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> s.prefill(2)).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void badOptions() {
        assertThatThrownBy(() -> ModelOptions.defaults().threads(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ModelOptions.defaults().maxContext(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ModelOptions.defaults().queryPreAttnScalar(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SlidingWindow.of(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Gemma2Model.load(tinyGguf(), ModelOptions.defaults().slidingWindow(SlidingWindow.perLayer(4, 0))).close())
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("per-layer");
    }
}
