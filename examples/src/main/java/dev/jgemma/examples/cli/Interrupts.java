package dev.jgemma.examples.cli;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * Ctrl-C (SIGINT) handling for the interactive commands, so that it can cancel a running reply
 * instead of ending the program. Uses {@code sun.misc.Signal} (module {@code jdk.unsupported})
 * reflectively; where it is missing, Ctrl-C keeps its default meaning.
 */
final class Interrupts {

    /** An installed handler; closing it restores the previous one. */
    interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    /** A registration that does nothing. */
    static final Registration NONE = () -> { };

    private Interrupts() {
    }

    /**
     * @param action runs on a JVM signal thread at each Ctrl-C
     * @return the registration, or {@link #NONE} if signals cannot be handled in this JVM
     */
    static Registration onCtrlC(Runnable action) {
        try {
            Class<?> signalClass = Class.forName("sun.misc.Signal");
            Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            Object signal = signalClass.getConstructor(String.class).newInstance("INT");
            Object handler = Proxy.newProxyInstance(handlerClass.getClassLoader(), new Class<?>[] {handlerClass},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "handle" -> {
                            action.run();
                            yield null;
                        }
                        case "equals" -> proxy == args[0];
                        case "hashCode" -> System.identityHashCode(proxy);
                        default -> "jgemma Ctrl-C handler";
                    });
            Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
            Object previous = handle.invoke(null, signal, handler);
            return () -> {
                try {
                    handle.invoke(null, signal, previous);
                } catch (ReflectiveOperationException e) {
                    // The previous handler could not be put back; the program is ending anyway.
                }
            };
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return NONE;
        }
    }
}
