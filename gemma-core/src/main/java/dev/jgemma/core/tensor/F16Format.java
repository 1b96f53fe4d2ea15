package dev.jgemma.core.tensor;

import java.lang.foreign.MemorySegment;

/** IEEE binary16, 2 bytes per element. */
final class F16Format implements BlockFormat {
    @Override
    public TensorType type() {
        return TensorType.F16;
    }

    @Override
    public void decode(MemorySegment src, long offset, float[] dst, int dstOffset, int count) {
        for (int i = 0; i < count; i++) {
            dst[dstOffset + i] = Float.float16ToFloat(src.get(LittleEndian.SHORT, offset + 2L * i));
        }
    }

    @Override
    public void encode(float[] src, int srcOffset, int count, MemorySegment dst, long offset) {
        for (int i = 0; i < count; i++) {
            dst.set(LittleEndian.SHORT, offset + 2L * i, Float.floatToFloat16(src[srcOffset + i]));
        }
    }

    @Override
    public boolean canEncode() {
        return true;
    }

    @Override
    public long firstNonFiniteBlock(MemorySegment src, long offset, long blocks) {
        return Blocks.firstNonFiniteF16(src, offset, blocks, 2, 0);
    }
}
