package dev.jgemma.core.format;

import dev.jgemma.core.tensor.TensorType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a GGUF version 3 file, streaming: declare the metadata and every tensor first, then
 * append each tensor's bytes in declaration order, in chunks of any size, so a model larger than
 * memory can be written. Tensor data is aligned to {@link GgufFile#DEFAULT_ALIGNMENT} (or
 * {@code general.alignment} when set), with zero padding between tensors.
 *
 * <pre>{@code
 * try (GgufWriter w = GgufWriter.create(Path.of("out.gguf"))) {
 *     w.metadata("general.architecture", new GgufValue(GgufValueType.STRING, "gemma2"));
 *     w.tensor("output_norm.weight", TensorType.F32, new long[] {2304});
 *     w.write(bytesOfOutputNorm);   // any number of chunks, in tensor order
 * }
 * }</pre>
 */
public final class GgufWriter implements AutoCloseable {
    private record Info(String name, TensorType type, long[] shape, long bytes, long offset) { }

    private final Path path;
    private final FileChannel channel;
    private final Map<String, GgufValue> metadata = new LinkedHashMap<>();
    private final List<Info> tensors = new ArrayList<>();
    private long nextOffset;
    private boolean headerWritten;
    private int current;
    private long writtenInCurrent;
    private int alignment = GgufFile.DEFAULT_ALIGNMENT;

    private GgufWriter(Path path, FileChannel channel) {
        this.path = path;
        this.channel = channel;
    }

    /**
     * @param path the file to create (replaced if it exists)
     * @return a writer; close it to finish the file
     * @throws UncheckedIOException if the file cannot be created
     */
    public static GgufWriter create(Path path) {
        try {
            return new GgufWriter(path, FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING));
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": cannot create: " + e.getMessage(), e);
        }
    }

    /**
     * Adds a metadata key. Scalars are given as in {@link GgufValue}: {@code Long} for every
     * integer type, {@code Float}, {@code Double}, {@code Boolean}, {@code String}; arrays as
     * {@link GgufValue.Array} of {@code long[]}, {@code float[]}, {@code double[]},
     * {@code boolean[]} or {@code String[]}.
     *
     * @param key the key
     * @param value its typed value
     * @return this writer
     * @throws IllegalStateException once tensor data has started or if the key is a duplicate
     * @throws IllegalArgumentException if the value does not fit its declared type
     */
    public GgufWriter metadata(String key, GgufValue value) {
        requireHeaderOpen();
        new Buffer().value(value.type(), value.value(), key); // rejects a value that does not fit its type, now
        if (metadata.putIfAbsent(key, value) != null) {
            throw new IllegalStateException(path + ": duplicate metadata key '" + key + "'");
        }
        if (key.equals("general.alignment")) {
            if (!(value.value() instanceof Long a) || a <= 0 || a > (1 << 20) || Long.bitCount(a) != 1) {
                throw new IllegalArgumentException("general.alignment must be a power of two, got " + value);
            }
            alignment = (int) (long) a;
        }
        return this;
    }

    /**
     * Declares a tensor; its bytes follow later, in declaration order.
     *
     * @param name the tensor name
     * @param type the storage type
     * @param shape the dimensions, outermost first (as {@link dev.jgemma.core.tensor.Tensor})
     * @return this writer
     */
    public GgufWriter tensor(String name, TensorType type, long[] shape) {
        requireHeaderOpen();
        if (shape.length < 1 || shape.length > 4) {
            throw new IllegalArgumentException("tensor '" + name + "' has " + shape.length + " dimensions (1 to 4 allowed)");
        }
        if (shape[shape.length - 1] % type.blockSize() != 0) {
            throw new IllegalArgumentException("tensor '" + name + "' rows of " + shape[shape.length - 1]
                    + " elements are not a multiple of the " + type + " block size " + type.blockSize());
        }
        for (Info t : tensors) {
            if (t.name.equals(name)) {
                throw new IllegalStateException(path + ": duplicate tensor name '" + name + "'");
            }
        }
        long bytes = type.bytesFor(dev.jgemma.core.tensor.Tensor.elementCount(shape));
        long offset = GgufFile.alignUp(nextOffset, alignment);
        tensors.add(new Info(name, type, shape.clone(), bytes, offset));
        nextOffset = offset + bytes;
        return this;
    }

    /**
     * Appends tensor bytes: the first call writes the header, then bytes fill the declared
     * tensors in order (a chunk may span tensors); padding is inserted automatically.
     *
     * @param chunk the bytes, from its position to its limit (consumed)
     * @throws IllegalStateException if more bytes arrive than the tensors declared
     */
    public void write(ByteBuffer chunk) {
        try {
            if (!headerWritten) {
                writeHeader();
            }
            while (chunk.hasRemaining()) {
                if (current >= tensors.size()) {
                    throw new IllegalStateException(path + ": more tensor data written than the " + tensors.size()
                            + " declared tensors hold");
                }
                Info t = tensors.get(current);
                long room = t.bytes - writtenInCurrent;
                int n = (int) Math.min(room, chunk.remaining());
                ByteBuffer part = chunk.slice(chunk.position(), n);
                while (part.hasRemaining()) {
                    channel.write(part);
                }
                chunk.position(chunk.position() + n);
                writtenInCurrent += n;
                if (writtenInCurrent == t.bytes) {
                    current++;
                    writtenInCurrent = 0;
                    if (current < tensors.size()) {
                        pad(tensors.get(current).offset - (t.offset + t.bytes));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": write failed: " + e.getMessage(), e);
        }
    }

    /**
     * Finishes the file.
     *
     * @throws IllegalStateException if a declared tensor did not receive all its bytes (the file
     *     is still closed, but is incomplete)
     */
    @Override
    public void close() {
        try {
            if (!headerWritten) {
                writeHeader();
            }
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": close failed: " + e.getMessage(), e);
        }
        if (current < tensors.size()) {
            throw new IllegalStateException(path + ": incomplete: tensor '" + tensors.get(current).name + "' received "
                    + writtenInCurrent + " of " + tensors.get(current).bytes + " bytes");
        }
    }

    private void requireHeaderOpen() {
        if (headerWritten) {
            throw new IllegalStateException(path + ": metadata and tensors must be declared before any tensor data");
        }
    }

    private void writeHeader() throws IOException {
        headerWritten = true;
        Buffer b = new Buffer();
        b.i32(GgufFile.MAGIC);
        b.i32(3);
        b.i64(tensors.size());
        b.i64(metadata.size());
        for (Map.Entry<String, GgufValue> e : metadata.entrySet()) {
            b.string(e.getKey());
            b.i32(e.getValue().type().id());
            b.value(e.getValue().type(), e.getValue().value(), e.getKey());
        }
        for (Info t : tensors) {
            b.string(t.name);
            b.i32(t.shape.length);
            for (int d = t.shape.length - 1; d >= 0; d--) {
                b.i64(t.shape[d]); // GGUF lists dimensions innermost first
            }
            b.i32(t.type.ggmlId());
            b.i64(t.offset);
        }
        ByteBuffer header = b.flip();
        long size = header.remaining();
        while (header.hasRemaining()) {
            channel.write(header);
        }
        pad(GgufFile.alignUp(size, alignment) - size);
    }

    private void pad(long n) throws IOException {
        ByteBuffer zeros = ByteBuffer.allocate((int) n);
        while (zeros.hasRemaining()) {
            channel.write(zeros);
        }
    }

    /** A growable little-endian byte buffer for the header. */
    private static final class Buffer {
        private ByteBuffer buf = ByteBuffer.allocate(1 << 12).order(ByteOrder.LITTLE_ENDIAN);

        private void ensure(int n) {
            if (buf.remaining() < n) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + n)).order(ByteOrder.LITTLE_ENDIAN);
                bigger.put(buf.flip());
                buf = bigger;
            }
        }

        void i32(int v) {
            ensure(4);
            buf.putInt(v);
        }

        void i64(long v) {
            ensure(8);
            buf.putLong(v);
        }

        void string(String s) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            i64(bytes.length);
            ensure(bytes.length);
            buf.put(bytes);
        }

        void value(GgufValueType type, Object v, String key) {
            switch (type) {
                case UINT8, INT8 -> scalar(1, v, key);
                case UINT16, INT16 -> scalar(2, v, key);
                case UINT32, INT32 -> scalar(4, v, key);
                case UINT64, INT64 -> scalar(8, v, key);
                case FLOAT32 -> {
                    ensure(4);
                    buf.putFloat(cast(v, Float.class, key));
                }
                case FLOAT64 -> {
                    ensure(8);
                    buf.putDouble(cast(v, Double.class, key));
                }
                case BOOL -> {
                    ensure(1);
                    buf.put((byte) (cast(v, Boolean.class, key) ? 1 : 0));
                }
                case STRING -> string(cast(v, String.class, key));
                case ARRAY -> array(cast(v, GgufValue.Array.class, key), key);
            }
        }

        private void scalar(int size, Object v, String key) {
            long l = cast(v, Long.class, key);
            ensure(size);
            switch (size) {
                case 1 -> buf.put((byte) l);
                case 2 -> buf.putShort((short) l);
                case 4 -> buf.putInt((int) l);
                default -> buf.putLong(l);
            }
        }

        private void array(GgufValue.Array a, String key) {
            GgufValueType et = a.elementType();
            i32(et.id());
            i64(a.length());
            switch (a.values()) {
                case long[] ls -> {
                    for (long l : ls) {
                        value(et, l, key);
                    }
                }
                case float[] fs -> {
                    for (float f : fs) {
                        value(et, f, key);
                    }
                }
                case double[] ds -> {
                    for (double d : ds) {
                        value(et, d, key);
                    }
                }
                case boolean[] bs -> {
                    for (boolean x : bs) {
                        value(et, x, key);
                    }
                }
                case String[] ss -> {
                    for (String s : ss) {
                        value(et, s, key);
                    }
                }
                case List<?> l -> {
                    for (Object o : l) {
                        GgufValue gv = (GgufValue) o;
                        value(gv.type(), gv.value(), key);
                    }
                }
                default -> throw new IllegalArgumentException("metadata '" + key + "': unsupported array " + a.values().getClass());
            }
        }

        private static <T> T cast(Object v, Class<T> type, String key) {
            if (!type.isInstance(v)) {
                throw new IllegalArgumentException("metadata '" + key + "' needs a " + type.getSimpleName() + ", got "
                        + (v == null ? "null" : v.getClass().getSimpleName()));
            }
            return type.cast(v);
        }

        ByteBuffer flip() {
            return buf.flip();
        }
    }
}
