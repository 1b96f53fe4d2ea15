package dev.jgemma.core.kernel;

import java.util.Optional;

/**
 * Which implementation of the kernels runs: the Vector API when the {@code jdk.incubator.vector}
 * module is enabled ({@code --add-modules jdk.incubator.vector}), plain Java otherwise.
 */
public enum Backend {
    /** Plain Java: always available, the executable specification. */
    SCALAR,
    /** The incubating Vector API (SIMD). */
    VECTOR;

    /** The JVM flag that enables the Vector API backend. */
    public static final String VECTOR_FLAG = "--add-modules jdk.incubator.vector";

    /** @return whether the Vector API module is present in this JVM */
    public static boolean vectorAvailable() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /** @return {@link #VECTOR} when available, else {@link #SCALAR} */
    public static Backend best() {
        return vectorAvailable() ? VECTOR : SCALAR;
    }

    /**
     * @return the f32 primitives of this backend
     * @throws IllegalStateException if this is {@link #VECTOR} and the module is not enabled
     */
    public FloatOps floatOps() {
        if (this == SCALAR) {
            return new ScalarFloatOps();
        }
        return vectorOps().orElseThrow(() -> new IllegalStateException(
                "the Vector API backend needs the JVM flag " + VECTOR_FLAG));
    }

    private static Optional<FloatOps> vectorOps() {
        if (!vectorAvailable()) {
            return Optional.empty();
        }
        try {
            // Reflective: the class links against jdk.incubator.vector, which may be absent.
            Class<?> c = Class.forName("dev.jgemma.core.kernel.vector.VectorFloatOps");
            return Optional.of((FloatOps) c.getDeclaredConstructor().newInstance());
        } catch (ReflectiveOperationException | LinkageError e) {
            return Optional.empty();
        }
    }
}
