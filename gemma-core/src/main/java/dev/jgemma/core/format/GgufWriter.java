package dev.jgemma.core.format;

import dev.jgemma.core.tensor.Tensor;
import dev.jgemma.core.tensor.TensorType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a GGUF version 3 file as llama.cpp's {@code gguf_write_to_file} lays it out: header,
 * metadata in insertion order, tensor infos, then each tensor's data at an offset aligned to
 * {@code general.alignment} (32 unless that key is set) and padded with zeros to the alignment.
 *
 * <p>Streaming: declare every metadata value and tensor first, then hand over each tensor's bytes
 * in declaration order, in as many chunks as convenient; nothing but the header is held in memory.
 * The file is written to a temporary file in the target's folder and moved into place by
 * {@link #finish()}; closing a writer that was not finished deletes the temporary file, so a
 * failure never leaves a partial GGUF behind (an existing file at the target stays untouched).
 *
 * <pre>{@code
 * try (GgufWriter out = GgufWriter.create(Path.of("small.gguf"))) {
 *     out.put("general.architecture", new GgufValue(GgufValueType.STRING, "gemma2"));
 *     out.addTensor("output_norm.weight", TensorType.F32, new long[] {256});
 *     out.writeData(normBytes);      // 1024 bytes, in one or more chunks
 *     out.finish();
 * }
 * }</pre>
 */
public final class GgufWriter implements AutoCloseable {
    private static final String ALIGNMENT_KEY = "general.alignment";
    private static final ByteBuffer ZEROS = ByteBuffer.allocate(4096);

    private final Path target;
    private final Path temp;
    private final FileChannel channel;
    private final Map<String, GgufValue> metadata = new LinkedHashMap<>();
    private final List<TensorInfo> tensors = new ArrayList<>();
    private int tensorIndex;
    private long writtenOfCurrent;
    private boolean headerWritten;
    private boolean finished;
    private boolean closed;

    /** A declared tensor: name, type, shape (outermost first), and data offset. */
    private record TensorInfo(String name, TensorType type, long[] shape, long bytes, long offset) {
    }

    private GgufWriter(Path target, Path temp, FileChannel channel) {
        this.target = target;
        this.temp = temp;
        this.channel = channel;
    }

    /**
     * Starts a GGUF file.
     *
     * @param target where the finished file goes; its folder must exist
     * @return the writer; {@link #finish()} it, and close it in every case
     * @throws UncheckedIOException if the temporary file cannot be created
     */
    public static GgufWriter create(Path target) {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        try {
            Path temp = Files.createTempFile(dir, "." + absolute.getFileName() + ".", ".tmp");
            try {
                return new GgufWriter(absolute, temp, FileChannel.open(temp, StandardOpenOption.WRITE));
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(temp);
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + target + ": " + e.getMessage(), e);
        }
    }

    /** @return the path of the finished file */
    public Path target() {
        return target;
    }

    /**
     * Sets a metadata value. Like llama.cpp's {@code gguf_set_val_*}, setting a key that is already
     * present removes it and appends it again, so it moves to the end.
     *
     * @param key the key
     * @param value a value whose Java type matches its declared type, as {@link GgufFile} returns them
     * @throws IllegalArgumentException if the value does not match its type or
     *     {@code general.alignment} is not a power-of-two UINT32
     * @throws IllegalStateException once data writing has begun
     */
    public void put(String key, GgufValue value) {
        checkDeclaring();
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("metadata key must not be empty");
        }
        checkValue(key, value.type(), value.value(), 0);
        if (key.equals(ALIGNMENT_KEY)) {
            if (value.type() != GgufValueType.UINT32 || Long.bitCount((Long) value.value()) != 1) {
                throw new IllegalArgumentException("'" + ALIGNMENT_KEY + "' must be a UINT32 power of two, got " + value);
            }
            if (!tensors.isEmpty()) {
                throw new IllegalStateException("set '" + ALIGNMENT_KEY + "' before declaring tensors");
            }
        }
        metadata.remove(key);
        metadata.put(key, value);
    }

    /**
     * Removes a metadata key if present.
     *
     * @param key the key
     * @throws IllegalStateException once data writing has begun
     */
    public void remove(String key) {
        checkDeclaring();
        if (key.equals(ALIGNMENT_KEY) && !tensors.isEmpty()) {
            throw new IllegalStateException("'" + ALIGNMENT_KEY + "' cannot change after tensors are declared");
        }
        metadata.remove(key);
    }

    /**
     * Declares the next tensor; its data must follow in declaration order.
     *
     * @param name a unique name
     * @param type the storage type
     * @param shape dimensions, outermost first (1 to 4), each positive; the innermost a multiple of
     *     the type's block size
     * @return the tensor's data size in bytes
     * @throws IllegalArgumentException on a duplicate name or an impossible shape
     * @throws IllegalStateException once data writing has begun
     */
    public long addTensor(String name, TensorType type, long[] shape) {
        checkDeclaring();
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("tensor name must not be empty");
        }
        if (tensors.stream().anyMatch(t -> t.name.equals(name))) {
            throw new IllegalArgumentException("duplicate tensor name '" + name + "'");
        }
        if (shape.length < 1 || shape.length > 4) {
            throw new IllegalArgumentException("tensor '" + name + "' has " + shape.length + " dimensions (1 to 4 allowed)");
        }
        for (long d : shape) {
            if (d <= 0) {
                throw new IllegalArgumentException("tensor '" + name + "' has a non-positive dimension: " + Arrays.toString(shape));
            }
        }
        long cols = shape[shape.length - 1];
        if (cols % type.blockSize() != 0) {
            throw new IllegalArgumentException("tensor '" + name + "' of type " + type + " has rows of " + cols
                    + " elements, not a multiple of the block size " + type.blockSize());
        }
        long bytes = type.bytesFor(Tensor.elementCount(shape));
        long offset = 0;
        if (!tensors.isEmpty()) {
            TensorInfo last = tensors.getLast();
            offset = last.offset + alignUp(last.bytes);
        }
        tensors.add(new TensorInfo(name, type, shape.clone(), bytes, offset));
        return bytes;
    }

    /**
     * Appends bytes of tensor data: the first call writes the header, then chunks fill the declared
     * tensors in order, each padded to the alignment once complete.
     *
     * @param chunk the next bytes; a chunk may not run past the end of the current tensor
     * @throws IllegalStateException if every tensor is complete or the chunk is too long
     * @throws UncheckedIOException on a write failure
     */
    public void writeData(MemorySegment chunk) {
        ensureOpen();
        ensureHeader();
        skipEmptyTensors();
        if (tensorIndex >= tensors.size()) {
            throw new IllegalStateException("all " + tensors.size() + " declared tensors are already written");
        }
        TensorInfo t = tensors.get(tensorIndex);
        if (chunk.byteSize() > t.bytes - writtenOfCurrent) {
            throw new IllegalStateException("tensor '" + t.name + "' takes " + t.bytes + " bytes; " + writtenOfCurrent
                    + " are written and the chunk has " + chunk.byteSize());
        }
        writeFully(chunk.asByteBuffer());
        writtenOfCurrent += chunk.byteSize();
        if (writtenOfCurrent == t.bytes) {
            writeZeros(alignUp(t.bytes) - t.bytes);
            tensorIndex++;
            writtenOfCurrent = 0;
        }
    }

    /** @return the name of the tensor the next {@link #writeData} bytes belong to, or null when all are written */
    public String currentTensor() {
        int i = tensorIndex;
        long done = writtenOfCurrent;
        while (i < tensors.size() && done == tensors.get(i).bytes) {
            i++;
            done = 0;
        }
        return i < tensors.size() ? tensors.get(i).name : null;
    }

    /**
     * Completes the file: checks that every tensor got all its bytes, forces the data to disk, and
     * moves the temporary file onto the target (atomically where the file system allows).
     *
     * @throws IllegalStateException if a tensor is incomplete
     * @throws UncheckedIOException on a write failure
     */
    public void finish() {
        ensureOpen();
        ensureHeader();
        skipEmptyTensors();
        if (tensorIndex < tensors.size()) {
            TensorInfo t = tensors.get(tensorIndex);
            throw new IllegalStateException("tensor '" + t.name + "' is incomplete: " + writtenOfCurrent + " of " + t.bytes
                    + " bytes written (" + (tensors.size() - tensorIndex) + " tensors unfinished)");
        }
        try {
            channel.force(true);
            channel.close();
            try {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
        finished = true;
    }

    /** Releases the file; if {@link #finish()} did not complete, deletes the temporary file. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            channel.close();
        } catch (IOException ignored) {
            // Deleting below is what matters.
        }
        if (!finished) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // Best effort: a stray temporary file is all that can remain.
            }
        }
    }

    private void checkDeclaring() {
        ensureOpen();
        if (headerWritten) {
            throw new IllegalStateException("metadata and tensors must be declared before any data is written");
        }
    }

    private void ensureOpen() {
        if (closed || finished) {
            throw new IllegalStateException("the writer for " + target + " is " + (finished ? "finished" : "closed"));
        }
    }

    private void skipEmptyTensors() {
        while (tensorIndex < tensors.size() && tensors.get(tensorIndex).bytes == 0) {
            tensorIndex++;
        }
    }

    private int alignment() {
        GgufValue v = metadata.get(ALIGNMENT_KEY);
        return v == null ? GgufFile.DEFAULT_ALIGNMENT : (int) (long) (Long) v.value();
    }

    private long alignUp(long n) {
        return GgufFile.alignUp(n, alignment());
    }

    private void ensureHeader() {
        if (headerWritten) {
            return;
        }
        HeaderBuffer h = new HeaderBuffer();
        h.i32(GgufFile.MAGIC);
        h.i32(3);
        h.i64(tensors.size());
        h.i64(metadata.size());
        metadata.forEach((key, value) -> {
            h.string(key);
            h.i32(value.type().id());
            h.value(value.type(), value.value());
        });
        for (TensorInfo t : tensors) {
            h.string(t.name);
            h.i32(t.shape.length);
            for (int d = t.shape.length - 1; d >= 0; d--) {
                h.i64(t.shape[d]);
            }
            h.i32(t.type.ggmlId());
            h.i64(t.offset);
        }
        ByteBuffer header = h.finish();
        writeFully(header);
        writeZeros(alignUp(header.limit()) - header.limit());
        headerWritten = true;
    }

    private void writeFully(ByteBuffer buf) {
        try {
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    private void writeZeros(long n) {
        while (n > 0) {
            ByteBuffer z = ZEROS.duplicate();
            z.limit((int) Math.min(n, z.capacity()));
            n -= z.remaining();
            writeFully(z);
        }
    }

    /** Checks that a value's Java representation matches its GGUF type, recursively for arrays. */
    private static void checkValue(String key, GgufValueType type, Object value, int depth) {
        boolean ok = switch (type) {
            case UINT8 -> value instanceof Long l && l >= 0 && l <= 0xff;
            case INT8 -> value instanceof Long l && l >= Byte.MIN_VALUE && l <= Byte.MAX_VALUE;
            case UINT16 -> value instanceof Long l && l >= 0 && l <= 0xffff;
            case INT16 -> value instanceof Long l && l >= Short.MIN_VALUE && l <= Short.MAX_VALUE;
            case UINT32 -> value instanceof Long l && l >= 0 && l <= 0xffffffffL;
            case INT32 -> value instanceof Long l && l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE;
            case UINT64, INT64 -> value instanceof Long;
            case FLOAT32 -> value instanceof Float;
            case FLOAT64 -> value instanceof Double;
            case BOOL -> value instanceof Boolean;
            case STRING -> value instanceof String;
            case ARRAY -> value instanceof GgufValue.Array a && checkArray(key, a, depth);
        };
        if (!ok) {
            throw new IllegalArgumentException("metadata '" + key + "': " + (value == null ? "null" : value.getClass().getSimpleName()
                    + " " + value) + " is not a valid " + type);
        }
    }

    private static boolean checkArray(String key, GgufValue.Array a, int depth) {
        if (depth > 8) {
            throw new IllegalArgumentException("metadata '" + key + "' nests arrays deeper than 8 levels");
        }
        return switch (a.elementType()) {
            case UINT8, INT8, UINT16, INT16, UINT32, INT32, UINT64, INT64 -> {
                if (!(a.values() instanceof long[] v)) {
                    yield false;
                }
                for (long l : v) {
                    checkValue(key, a.elementType(), l, depth + 1);
                }
                yield true;
            }
            case FLOAT32 -> a.values() instanceof float[];
            case FLOAT64 -> a.values() instanceof double[];
            case BOOL -> a.values() instanceof boolean[];
            case STRING -> a.values() instanceof String[] v && Arrays.stream(v).allMatch(s -> s != null);
            case ARRAY -> {
                if (!(a.values() instanceof List<?> list)) {
                    yield false;
                }
                for (Object o : list) {
                    if (!(o instanceof GgufValue g) || g.type() != GgufValueType.ARRAY) {
                        yield false;
                    }
                    checkValue(key, GgufValueType.ARRAY, g.value(), depth + 1);
                }
                yield true;
            }
        };
    }

    /** A growable little-endian buffer for the header. */
    private static final class HeaderBuffer {
        private ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);

        private void room(long n) {
            if (buf.remaining() < n) {
                long need = buf.position() + n;
                if (need > Integer.MAX_VALUE - 16) {
                    throw new IllegalArgumentException("GGUF metadata larger than 2 GiB");
                }
                ByteBuffer bigger = ByteBuffer.allocate((int) Math.min(Integer.MAX_VALUE - 16, Math.max(need, 2L * buf.capacity())))
                        .order(ByteOrder.LITTLE_ENDIAN);
                buf.flip();
                bigger.put(buf);
                buf = bigger;
            }
        }

        void i8(int v) {
            room(1);
            buf.put((byte) v);
        }

        void i16(int v) {
            room(2);
            buf.putShort((short) v);
        }

        void i32(int v) {
            room(4);
            buf.putInt(v);
        }

        void i64(long v) {
            room(8);
            buf.putLong(v);
        }

        void string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            i64(b.length);
            room(b.length);
            buf.put(b);
        }

        void value(GgufValueType type, Object v) {
            switch (type) {
                case UINT8, INT8 -> i8((int) (long) (Long) v);
                case UINT16, INT16 -> i16((int) (long) (Long) v);
                case UINT32, INT32 -> i32((int) (long) (Long) v);
                case UINT64, INT64 -> i64((Long) v);
                case FLOAT32 -> i32(Float.floatToRawIntBits((Float) v));
                case FLOAT64 -> i64(Double.doubleToRawLongBits((Double) v));
                case BOOL -> i8((Boolean) v ? 1 : 0);
                case STRING -> string((String) v);
                case ARRAY -> array((GgufValue.Array) v);
            }
        }

        void array(GgufValue.Array a) {
            i32(a.elementType().id());
            i64(a.length());
            switch (a.values()) {
                case long[] v -> {
                    for (long l : v) {
                        value(a.elementType(), l);
                    }
                }
                case float[] v -> {
                    for (float f : v) {
                        i32(Float.floatToRawIntBits(f));
                    }
                }
                case double[] v -> {
                    for (double d : v) {
                        i64(Double.doubleToRawLongBits(d));
                    }
                }
                case boolean[] v -> {
                    for (boolean b : v) {
                        i8(b ? 1 : 0);
                    }
                }
                case String[] v -> {
                    for (String s : v) {
                        string(s);
                    }
                }
                case List<?> v -> {
                    for (Object o : v) {
                        array((GgufValue.Array) ((GgufValue) o).value());
                    }
                }
                default -> throw new IllegalStateException("unchecked array value " + a);
            }
        }

        ByteBuffer finish() {
            buf.flip();
            return buf;
        }
    }
}
