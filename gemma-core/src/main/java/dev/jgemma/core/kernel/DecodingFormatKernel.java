package dev.jgemma.core.kernel;

import dev.jgemma.core.tensor.BlockFormat;
import dev.jgemma.core.tensor.TensorType;
import java.lang.foreign.MemorySegment;

/** The generic {@link FormatKernel} of any {@link BlockFormat}: its own decoding loop. */
final class DecodingFormatKernel implements FormatKernel {
    private final BlockFormat format;

    DecodingFormatKernel(BlockFormat format) {
        this.format = format;
    }

    @Override
    public TensorType type() {
        return format.type();
    }

    @Override
    public void decode(MemorySegment w, long offset, float[] dst, int dstOffset, int n) {
        format.decode(w, offset, dst, dstOffset, n);
    }
}
