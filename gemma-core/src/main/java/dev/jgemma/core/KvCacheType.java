package dev.jgemma.core;

import dev.jgemma.core.tensor.TensorType;

/**
 * How a session's KV cache stores keys and values. {@link #F32} is exact and the default; the
 * others trade a little accuracy for memory, as llama.cpp's {@code --cache-type-k/-v} do
 * (its default is F16). Q8_0 stores blocks of 32 values along the head dimension with one f16
 * scale each, so it needs a head dimension that is a multiple of 32 (every released Gemma-2 has
 * 128 or 256).
 */
public enum KvCacheType {
    /** 4 bytes per value, exact. */
    F32(TensorType.F32),
    /** 2 bytes per value (IEEE half precision). */
    F16(TensorType.F16),
    /** 2 bytes per value (bfloat16). */
    BF16(TensorType.BF16),
    /** 34 bytes per 32 values (int8 with an f16 scale per block). */
    Q8_0(TensorType.Q8_0);

    private final TensorType storage;

    KvCacheType(TensorType storage) {
        this.storage = storage;
    }

    /** @return the tensor type the values are stored in */
    public TensorType storage() {
        return storage;
    }

    /**
     * @param values a number of keys or values
     * @return bytes to store them
     */
    public long bytesFor(long values) {
        return storage.bytesFor(values);
    }
}
