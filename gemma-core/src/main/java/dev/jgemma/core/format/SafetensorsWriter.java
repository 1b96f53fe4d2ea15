package dev.jgemma.core.format;

import dev.jgemma.core.tensor.BlockFormats;
import dev.jgemma.core.tensor.Tensor;
import dev.jgemma.core.tensor.TensorType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

/**
 * Writes a safetensors file tensor by tensor, streaming: the header is computed from the declared
 * entries, then each tensor's values are appended in order, a few rows at a time, so a large
 * checkpoint never has to be in memory. The file is written under a temporary name and moved into
 * place by {@link #commit()}; closing without committing deletes it.
 *
 * <pre>{@code
 * try (SafetensorsWriter w = SafetensorsWriter.create(path, entries, Map.of("format", "pt"))) {
 *     for (...) w.append(rowValues, 0, rowValues.length);
 *     w.commit();
 * }
 * }</pre>
 */
public final class SafetensorsWriter implements AutoCloseable {

    /**
     * One tensor to be written.
     *
     * @param name its name
     * @param type F32, F16 or BF16
     * @param shape dimensions, outermost first
     */
    public record Entry(String name, TensorType type, long[] shape) {
        /** Checks the type is one safetensors can hold. */
        public Entry {
            if (type != TensorType.F32 && type != TensorType.F16 && type != TensorType.BF16) {
                throw new IllegalArgumentException("safetensors holds F32, F16 or BF16, not " + type + " (tensor '" + name + "')");
            }
            shape = shape.clone();
        }

        long bytes() {
            return type.bytesFor(Tensor.elementCount(shape));
        }
    }

    private final Path target;
    private final Path temp;
    private final FileChannel channel;
    private final List<Entry> entries;
    private final Arena arena = Arena.ofConfined();
    private MemorySegment buffer = MemorySegment.NULL;
    private int current;
    private long writtenInCurrent;
    private boolean committed;

    private SafetensorsWriter(Path target, Path temp, FileChannel channel, List<Entry> entries) {
        this.target = target;
        this.temp = temp;
        this.channel = channel;
        this.entries = List.copyOf(entries);
    }

    /**
     * Starts a file: writes the header.
     *
     * @param target the final path
     * @param entries the tensors, in the order their data will be appended
     * @param metadata {@code __metadata__} strings
     * @return the writer
     * @throws UncheckedIOException if the folder is not writable
     */
    public static SafetensorsWriter create(Path target, List<Entry> entries, Map<String, String> metadata) {
        StringBuilder json = new StringBuilder("{");
        if (!metadata.isEmpty()) {
            json.append("\"__metadata__\":{");
            boolean first = true;
            for (Map.Entry<String, String> m : metadata.entrySet()) {
                json.append(first ? "" : ",").append(Json.quote(m.getKey())).append(':').append(Json.quote(m.getValue()));
                first = false;
            }
            json.append('}');
        }
        long offset = 0;
        for (Entry e : entries) {
            json.append(json.length() > 1 ? "," : "").append(Json.quote(e.name())).append(":{\"dtype\":\"").append(e.type().name())
                    .append("\",\"shape\":[");
            for (int i = 0; i < e.shape().length; i++) {
                json.append(i > 0 ? "," : "").append(e.shape()[i]);
            }
            long end = offset + e.bytes();
            json.append("],\"data_offsets\":[").append(offset).append(',').append(end).append("]}");
            offset = end;
        }
        json.append('}');
        byte[] header = json.toString().getBytes(StandardCharsets.UTF_8);
        int pad = (8 - (header.length % 8)) % 8;
        ByteBuffer head = ByteBuffer.allocate(8 + header.length + pad).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(header.length + pad).put(header);
        for (int i = 0; i < pad; i++) {
            head.put((byte) ' ');
        }
        head.flip();
        Path dir = target.toAbsolutePath().getParent();
        Path temp = null;
        try {
            temp = Files.createTempFile(dir, "." + target.getFileName() + "-", ".tmp");
            FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
            while (head.hasRemaining()) {
                ch.write(head);
            }
            SafetensorsWriter w = new SafetensorsWriter(target, temp, ch, entries);
            w.skipEmpty();
            return w;
        } catch (IOException e) {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // best effort
                }
            }
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    private void skipEmpty() {
        while (current < entries.size() && entries.get(current).bytes() == 0) {
            current++;
        }
    }

    /**
     * Appends values to the current tensor (tensors are filled in declaration order).
     *
     * @param values the values
     * @param offset first value
     * @param count how many
     * @throws IllegalStateException if more values are given than the tensors hold
     */
    public void append(float[] values, int offset, int count) {
        if (current >= entries.size()) {
            throw new IllegalStateException("all tensors are already written");
        }
        Entry e = entries.get(current);
        long bytes = e.type().bytesFor(count);
        if (writtenInCurrent + bytes > e.bytes()) {
            throw new IllegalStateException("tensor '" + e.name() + "' holds " + e.bytes() + " bytes; " + (writtenInCurrent + bytes)
                    + " were given");
        }
        if (buffer.byteSize() < bytes) {
            buffer = arena.allocate(Math.max(bytes, 1 << 16));
        }
        BlockFormats.of(e.type()).encode(values, offset, count, buffer, 0);
        ByteBuffer bb = buffer.asSlice(0, bytes).asByteBuffer();
        try {
            while (bb.hasRemaining()) {
                channel.write(bb);
            }
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot write " + target + ": " + ex.getMessage(), ex);
        }
        writtenInCurrent += bytes;
        if (writtenInCurrent == e.bytes()) {
            current++;
            writtenInCurrent = 0;
            skipEmpty();
        }
    }

    /**
     * Checks every tensor is complete, syncs, and moves the file into place.
     *
     * @throws IllegalStateException if a tensor is incomplete
     */
    public void commit() {
        if (current < entries.size()) {
            throw new IllegalStateException("tensor '" + entries.get(current).name() + "' is incomplete");
        }
        try {
            channel.force(true);
            channel.close();
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            committed = true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /** Deletes the temporary file unless committed. */
    @Override
    public void close() {
        arena.close();
        try {
            channel.close();
            if (!committed) {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
