package dev.jgemma.chat;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;

/**
 * Tells the user, once per JVM, how to enable the Vector API when it is missing: without it the
 * kernels run in plain Java, several times slower.
 */
final class VectorApiAdvice {
    /** The exact JVM flag that enables the Vector API. */
    static final String FLAG = "--add-modules jdk.incubator.vector";

    private static final AtomicBoolean GIVEN = new AtomicBoolean();

    private VectorApiAdvice() {
    }

    /** @return whether the {@code jdk.incubator.vector} module is in this JVM */
    static boolean vectorApiEnabled() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /**
     * Warns through {@code log} if the Vector API is not enabled and no warning was given yet.
     *
     * @return whether a warning was logged now
     */
    static boolean adviseIfMissing(boolean enabled, Logger log, AtomicBoolean given) {
        if (enabled || !given.compareAndSet(false, true)) {
            return false;
        }
        log.warn("The Vector API is not enabled, so jgemma runs its plain-Java kernels, several times slower. "
                + "Add the JVM flag: {}", FLAG);
        return true;
    }

    static void adviseIfMissing(Logger log) {
        adviseIfMissing(vectorApiEnabled(), log, GIVEN);
    }
}
