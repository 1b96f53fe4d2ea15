package dev.jgemma.tokenizer;

import java.nio.charset.StandardCharsets;

/**
 * Ids to text, with the rules of Gemma's HuggingFace decoder ({@code Replace('▁', ' ')},
 * {@code ByteFallback}, {@code Fuse}): every piece has its '▁' replaced by a space; a maximal run
 * of consecutive byte pieces ({@code <0xNN>}) becomes the text it encodes when the whole run is
 * valid UTF-8, and otherwise one U+FFFD per byte piece of the run. With {@code skipSpecial} the
 * special tokens are dropped first, so a skipped token does not split a byte run.
 *
 * <p>Immutable; the byte-run state of a decode lives in a {@link ByteRun}.
 */
final class TextDecoder {
    private final String source;
    /** Piece texts with '▁' already replaced by ' ', in one pool. */
    private final char[] display;
    private final int[] offsets;
    /** Per id: the byte a byte piece stands for, or -1. */
    private final short[] byteOf;
    private final boolean[] special;

    TextDecoder(ModelData model) {
        this.source = model.source();
        PieceTable pieces = model.pieces();
        this.display = pieces.pool().clone();
        for (int i = 0; i < display.length; i++) {
            if (display[i] == TextEncoder.METASPACE) {
                display[i] = ' ';
            }
        }
        this.offsets = pieces.offsets();
        this.special = model.special();
        this.byteOf = new short[pieces.size()];
        char[] pool = pieces.pool();
        for (int id = 0; id < byteOf.length; id++) {
            byteOf[id] = (short) ModelData.byteValue(pool, pieces.start(id), pieces.end(id));
        }
    }

    int size() {
        return byteOf.length;
    }

    String decode(int[] ids, boolean skipSpecial) {
        StringBuilder out = new StringBuilder(ids.length * 4);
        ByteRun run = new ByteRun();
        for (int id : ids) {
            append(out, run, id, skipSpecial);
        }
        run.flushTo(out);
        return out.toString();
    }

    /** Appends the text of {@code id} to {@code out}, or adds it to {@code run} if it is a byte piece. */
    void append(StringBuilder out, ByteRun run, int id, boolean skipSpecial) {
        checkId(id);
        if (skipSpecial && special[id]) {
            return;
        }
        int b = byteOf[id];
        if (b >= 0) {
            run.add(b);
            return;
        }
        run.flushTo(out);
        out.append(display, offsets[id], offsets[id + 1] - offsets[id]);
    }

    void checkId(int id) {
        if (id < 0 || id >= byteOf.length) {
            throw new TokenizerException(source, "token id " + id + " is out of range (the vocabulary has ids 0.."
                    + (byteOf.length - 1) + ")");
        }
    }

    /** The pending bytes of a run of byte pieces. */
    static final class ByteRun {
        private byte[] bytes = new byte[16];
        private int length;

        void add(int b) {
            if (length == bytes.length) {
                bytes = java.util.Arrays.copyOf(bytes, length * 2);
            }
            bytes[length++] = (byte) b;
        }

        boolean isEmpty() {
            return length == 0;
        }

        /** Appends the run's text (or one U+FFFD per byte if it is not valid UTF-8) and empties the run. */
        void flushTo(StringBuilder out) {
            if (length == 0) {
                return;
            }
            if (Strings.isValidUtf8(bytes, length)) {
                out.append(new String(bytes, 0, length, StandardCharsets.UTF_8));
            } else {
                out.repeat('\uFFFD', length);
            }
            length = 0;
        }
    }
}
