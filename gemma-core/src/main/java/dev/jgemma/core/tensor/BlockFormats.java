package dev.jgemma.core.tensor;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/** The registry of supported {@link BlockFormat}s: one class per storage type. */
public final class BlockFormats {
    private static final Map<TensorType, BlockFormat> FORMATS = new EnumMap<>(TensorType.class);

    static {
        register(new F32Format());
        register(new F16Format());
        register(new BF16Format());
        register(new Q8_0());
        register(new Q4_0());
        register(new Q4_1());
        register(new Q5_0());
        register(new Q5_1());
        register(new Q2_K());
        register(new Q3_K());
        register(new Q4_K());
        register(new Q5_K());
        register(new Q6_K());
    }

    private BlockFormats() {
    }

    private static void register(BlockFormat format) {
        FORMATS.put(format.type(), format);
    }

    /**
     * @param type a tensor type
     * @return its format, or empty if jgemma cannot compute with that type
     */
    public static Optional<BlockFormat> find(TensorType type) {
        return Optional.ofNullable(FORMATS.get(type));
    }

    /**
     * @param type a supported tensor type
     * @return its format
     * @throws IllegalArgumentException if the type is not supported
     */
    public static BlockFormat of(TensorType type) {
        BlockFormat f = FORMATS.get(type);
        if (f == null) {
            throw new IllegalArgumentException("tensor type " + type + " is not supported");
        }
        return f;
    }
}
