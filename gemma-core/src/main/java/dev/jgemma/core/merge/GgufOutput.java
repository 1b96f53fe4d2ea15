package dev.jgemma.core.merge;

import dev.jgemma.core.format.GgufFile;
import dev.jgemma.core.format.GgufWriter;
import dev.jgemma.core.tensor.BlockFormats;
import dev.jgemma.core.tensor.TensorType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/** A GGUF file carrying the metadata (vocabulary included) of a template GGUF. */
final class GgufOutput implements MergeOutput {
    private final GgufWriter writer;
    private final Arena arena = Arena.ofConfined();
    private MemorySegment buffer = MemorySegment.NULL;

    GgufOutput(Path target, GgufFile template) {
        this.writer = GgufWriter.create(target);
        template.metadata().forEach(writer::put);
    }

    @Override
    public void declare(String name, TensorType type, long[] shape) {
        writer.addTensor(name, type, shape);
    }

    @Override
    public void append(TensorType type, float[] values, int offset, int count) {
        long bytes = type.bytesFor(count);
        if (buffer.byteSize() < bytes) {
            buffer = arena.allocate(Math.max(bytes, 1 << 16));
        }
        BlockFormats.of(type).encode(values, offset, count, buffer, 0);
        writer.writeData(buffer.asSlice(0, bytes));
    }

    @Override
    public void commit() {
        writer.finish();
    }

    @Override
    public void close() {
        writer.close();
        arena.close();
    }
}
