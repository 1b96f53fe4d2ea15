package dev.jgemma.core.kernel;

import dev.jgemma.core.Backend;
import java.util.Optional;

/**
 * Kernel selection for a {@link Backend}: the public enum only names the choice, this internal
 * class (in a package the module does not export) builds the f32 primitives behind it.
 */
public final class Backends {
    private Backends() {
    }

    /**
     * @param backend the backend
     * @return its f32 primitives
     * @throws IllegalStateException if {@code backend} is {@link Backend#VECTOR} and the module is
     *     not enabled
     */
    public static FloatOps floatOps(Backend backend) {
        if (backend == Backend.SCALAR) {
            return new ScalarFloatOps();
        }
        return vectorOps().orElseThrow(() -> new IllegalStateException(
                "the Vector API backend needs the JVM flag " + Backend.VECTOR_FLAG));
    }

    private static Optional<FloatOps> vectorOps() {
        if (!Backend.vectorAvailable()) {
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
