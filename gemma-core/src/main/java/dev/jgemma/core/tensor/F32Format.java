package dev.jgemma.core.tensor;

import java.lang.foreign.MemorySegment;

/** IEEE binary32, 4 bytes per element. */
final class F32Format implements BlockFormat {
    @Override
    public TensorType type() {
        return TensorType.F32;
    }

    @Override
    public void decode(MemorySegment src, long offset, float[] dst, int dstOffset, int count) {
        MemorySegment.copy(src, LittleEndian.FLOAT, offset, dst, dstOffset, count);
    }

    @Override
    public void encode(float[] src, int srcOffset, int count, MemorySegment dst, long offset) {
        MemorySegment.copy(src, srcOffset, dst, LittleEndian.FLOAT, offset, count);
    }

    @Override
    public boolean canEncode() {
        return true;
    }

    @Override
    public long firstNonFiniteBlock(MemorySegment src, long offset, long blocks) {
        for (long i = 0; i < blocks; i++) {
            if ((src.get(LittleEndian.INT, offset + 4 * i) & 0x7f800000) == 0x7f800000) {
                return i;
            }
        }
        return -1;
    }
}
