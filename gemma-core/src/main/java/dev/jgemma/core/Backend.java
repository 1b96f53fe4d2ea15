package dev.jgemma.core;

/**
 * Which implementation of the kernels runs: the Vector API when the {@code jdk.incubator.vector}
 * module is enabled ({@code --add-modules jdk.incubator.vector}), plain Java otherwise. Chosen per
 * model with {@link ModelOptions#backend(Backend)}; {@link Gemma2Model#backend()} tells which one
 * a model uses.
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
}
