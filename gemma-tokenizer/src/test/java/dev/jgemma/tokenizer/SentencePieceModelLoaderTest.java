package dev.jgemma.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tokenizer.model loader on small hand-written ModelProtos and on damaged copies of the real one. */
class SentencePieceModelLoaderTest {
    @TempDir
    Path dir;

    /** Writes protobuf fields, enough for a ModelProto. */
    static final class Proto {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Proto varint(int field, long value) {
            tag(field, 0);
            writeVarint(value);
            return this;
        }

        Proto fixed32(int field, float value) {
            tag(field, 5);
            int bits = Float.floatToIntBits(value);
            for (int i = 0; i < 4; i++) {
                out.write(bits >>> (8 * i));
            }
            return this;
        }

        Proto bytes(int field, byte[] value) {
            tag(field, 2);
            writeVarint(value.length);
            out.writeBytes(value);
            return this;
        }

        Proto string(int field, String value) {
            return bytes(field, value.getBytes(StandardCharsets.UTF_8));
        }

        Proto message(int field, Proto value) {
            return bytes(field, value.toBytes());
        }

        byte[] toBytes() {
            return out.toByteArray();
        }

        private void tag(int field, int wire) {
            writeVarint((long) field << 3 | wire);
        }

        private void writeVarint(long value) {
            while ((value & ~0x7FL) != 0) {
                out.write((int) (value & 0x7F) | 0x80);
                value >>>= 7;
            }
            out.write((int) value);
        }
    }

    /** A BPE model: pieces with (text, score, type); type 0 means "absent" (NORMAL). */
    static Proto model(int modelType, Object... pieces) {
        Proto model = new Proto();
        for (int i = 0; i < pieces.length; i += 3) {
            Proto piece = new Proto().string(1, (String) pieces[i]).fixed32(2, ((Number) pieces[i + 1]).floatValue());
            int type = (Integer) pieces[i + 2];
            if (type != 0) {
                piece.varint(3, type);
            }
            model.message(1, piece);
        }
        model.message(2, new Proto().varint(3, modelType).varint(35, 1)
                .varint(40, 3).varint(41, 2).varint(42, 1).varint(43, 0));
        model.message(3, new Proto().string(1, "identity").varint(3, 0).varint(4, 0).varint(5, 1));
        return model;
    }

    static Object[] tinyPieces() {
        Object[] specials = {"<pad>", 0f, 3, "<eos>", 0f, 3, "<bos>", 0f, 3, "<unk>", 0f, 2, "<start_of_turn>", 0f, 4};
        Object[] bytes = new Object[256 * 3];
        for (int b = 0; b < 256; b++) {
            bytes[3 * b] = String.format("<0x%02X>", b);
            bytes[3 * b + 1] = 0f;
            bytes[3 * b + 2] = 6;
        }
        // "y" and "xy" are pieces but "x" is not: SentencePiece still merges x + y into xy.
        Object[] normal = {"\u2581", -1f, 0, "a", -2f, 0, "b", -3f, 0, "y", -4f, 0, "ab", -5f, 0, "xy", -6f, 0,
            "\u2581a", -7f, 0, "\u2581\u2581", 0f, 4};
        Object[] all = Arrays.copyOf(specials, specials.length + bytes.length + normal.length);
        System.arraycopy(bytes, 0, all, specials.length, bytes.length);
        System.arraycopy(normal, 0, all, specials.length + bytes.length, normal.length);
        return all;
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    @Test
    void encodesLikeSentencePiece() throws IOException {
        GemmaTokenizer t = GemmaTokenizer.fromSentencePieceModel(write("tiny.model", model(2, tinyPieces()).toBytes()));
        int base = 5 + 256;
        assertThat(t.vocabularySize()).isEqualTo(base + 8);
        assertThat(t.encode("ab")).containsExactly(base + 4);
        assertThat(t.encode("xy")).as("a character without a piece still merges").containsExactly(base + 5);
        assertThat(t.encode("x")).containsExactly(5 + 0x78);
        // user-defined '▁▁' is matched after ' ' -> '▁' and frozen; a single '▁' merges with 'a'
        assertThat(t.encode("  a")).containsExactly(base + 7, t.idOf("a").getAsInt());
        assertThat(t.encode(" a")).containsExactly(base + 6);
        assertThat(t.encodeWithSpecialTokens("<start_of_turn>a")).containsExactly(4, base + 1);
        assertThat(t.encode("<bos>")).doesNotContain(2);
        assertThat(t.bosId()).isEqualTo(2);
        assertThat(t.eosId()).isEqualTo(1);
        assertThat(t.unkId()).isEqualTo(3);
        assertThat(t.padId()).isEqualTo(0);
        assertThat(t.tokenType(4)).isEqualTo(TokenType.USER_DEFINED);
        assertThat(t.tokenType(5)).isEqualTo(TokenType.BYTE);
    }

    @Test
    void rejectsOtherModelTypes() throws IOException {
        Path unigram = write("unigram.model", model(1, tinyPieces()).toBytes());
        assertThatThrownBy(() -> GemmaTokenizer.fromSentencePieceModel(unigram))
                .isInstanceOf(TokenizerException.class)
                .hasMessage(unigram + ": model type UNIGRAM is not supported (only BPE, as in Gemma's tokenizer.model)");
        Proto noType = new Proto().message(1, new Proto().string(1, "a"));
        Path absent = write("absent.model", noType.toBytes());
        assertThatThrownBy(() -> GemmaTokenizer.fromSentencePieceModel(absent))
                .hasMessageContaining("model type UNIGRAM is not supported");
    }

    @Test
    void rejectsUnsupportedNormalizers() throws IOException {
        Proto model = model(2, tinyPieces());
        Proto dummyPrefix = new Proto();
        dummyPrefix.out.writeBytes(model.toBytes());
        dummyPrefix.message(3, new Proto().string(1, "nmt_nfkc").bytes(2, new byte[] {1, 2, 3}));
        Path file = write("nfkc.model", dummyPrefix.toBytes());
        assertThatThrownBy(() -> GemmaTokenizer.fromSentencePieceModel(file))
                .isInstanceOf(TokenizerException.class)
                .hasMessageContaining("normalizer \"nmt_nfkc\" with a precompiled character map is not supported");
    }

    @Test
    void rejectsTruncatedAndDamagedFiles() throws IOException {
        byte[] real = Files.readAllBytes(Fixtures.shared("fixtures/tokenizer/gemma-tokenizer.model"));
        for (int cut : new int[] {1, 7, 1000, real.length / 2, real.length - 1}) {
            Path file = write("cut-" + cut + ".model", Arrays.copyOf(real, cut));
            assertThatThrownBy(() -> GemmaTokenizer.fromSentencePieceModel(file))
                    .as("cut at %d", cut)
                    .isInstanceOf(TokenizerException.class)
                    .hasMessageStartingWith(file + ": truncated or malformed protobuf");
        }
        Path empty = write("empty.model", new byte[0]);
        assertThatThrownBy(() -> GemmaTokenizer.fromSentencePieceModel(empty)).hasMessage(empty + ": the file is empty");
        Path text = write("text.model", "{\"this is\": \"json\"}".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> GemmaTokenizer.fromSentencePieceModel(text)).isInstanceOf(TokenizerException.class)
                .hasMessageStartingWith(text + ": ");
        Path missing = dir.resolve("missing.model");
        assertThatThrownBy(() -> GemmaTokenizer.fromSentencePieceModel(missing)).isInstanceOf(TokenizerException.class)
                .hasMessageStartingWith(missing + ": cannot read the file");
    }

    @Test
    void rejectsDuplicatePiecesAndBadTypes() throws IOException {
        Object[] pieces = tinyPieces();
        Object[] duplicate = Arrays.copyOf(pieces, pieces.length + 3);
        duplicate[pieces.length] = "ab";
        duplicate[pieces.length + 1] = -9f;
        duplicate[pieces.length + 2] = 0;
        Path dup = write("dup.model", model(2, duplicate).toBytes());
        assertThatThrownBy(() -> GemmaTokenizer.fromSentencePieceModel(dup))
                .hasMessage(dup + ": the piece \"ab\" appears twice in the vocabulary (ids 265 and 269)");
        Object[] badType = pieces.clone();
        badType[pieces.length - 1] = 9;
        Path bad = write("badtype.model", model(2, badType).toBytes());
        assertThatThrownBy(() -> GemmaTokenizer.fromSentencePieceModel(bad))
                .hasMessageContaining("has type 9, valid types are 1..6");
    }
}
