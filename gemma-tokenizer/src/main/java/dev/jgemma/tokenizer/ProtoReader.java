package dev.jgemma.tokenizer;

/**
 * Reads the protobuf wire format (varints, fixed32, length-delimited fields) from a byte array,
 * enough for SentencePiece's {@code ModelProto}. Every read is bounds-checked: a truncated or
 * malformed file gives a {@link TokenizerException} naming the byte offset, never an
 * {@code ArrayIndexOutOfBoundsException}.
 */
final class ProtoReader {
    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LENGTH_DELIMITED = 2;
    static final int START_GROUP = 3;
    static final int END_GROUP = 4;
    static final int FIXED32 = 5;

    private final String source;
    private final byte[] bytes;
    private int position;
    private final int limit;

    ProtoReader(String source, byte[] bytes, int start, int limit) {
        this.source = source;
        this.bytes = bytes;
        this.position = start;
        this.limit = limit;
    }

    boolean hasMore() {
        return position < limit;
    }

    int position() {
        return position;
    }

    /** Reads a field tag; returns {@code fieldNumber << 3 | wireType}. */
    int readTag() {
        long tag = readVarint();
        if (tag >>> 3 == 0 || tag > Integer.MAX_VALUE) {
            throw malformed("invalid field tag " + tag);
        }
        return (int) tag;
    }

    long readVarint() {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (position >= limit) {
                throw truncated("a varint");
            }
            byte b = bytes[position++];
            value |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return value;
            }
        }
        throw malformed("a varint longer than 10 bytes");
    }

    int readFixed32() {
        if (limit - position < 4) {
            throw truncated("a 32-bit value");
        }
        int value = (bytes[position] & 0xFF) | (bytes[position + 1] & 0xFF) << 8
                | (bytes[position + 2] & 0xFF) << 16 | (bytes[position + 3] & 0xFF) << 24;
        position += 4;
        return value;
    }

    /** Reads the length of a length-delimited field and returns a reader over its contents, skipping them here. */
    ProtoReader readMessage() {
        int length = readLength();
        ProtoReader inner = new ProtoReader(source, bytes, position, position + length);
        position += length;
        return inner;
    }

    /** Start offset of a length-delimited field's contents; call {@link #readLength()} first. */
    int readLength() {
        long length = readVarint();
        if (length < 0 || length > limit - position) {
            throw truncated("a field of " + length + " bytes (only " + (limit - position) + " left)");
        }
        return (int) length;
    }

    /** Skips {@code length} bytes (after {@link #readLength()}). */
    void skipBytes(int length) {
        position += length;
    }

    byte[] bytes() {
        return bytes;
    }

    void skip(int wireType) {
        switch (wireType) {
            case VARINT -> readVarint();
            case FIXED64 -> {
                if (limit - position < 8) {
                    throw truncated("a 64-bit value");
                }
                position += 8;
            }
            case LENGTH_DELIMITED -> skipBytes(readLength());
            case FIXED32 -> readFixed32();
            default -> throw malformed("unsupported wire type " + wireType);
        }
    }

    TokenizerException truncated(String what) {
        return new TokenizerException(source, "truncated or malformed protobuf: " + what + " at byte " + position
                + " runs past the end of its message (byte " + limit + ")");
    }

    TokenizerException malformed(String what) {
        return new TokenizerException(source, "malformed protobuf: " + what + " at byte " + position);
    }
}
