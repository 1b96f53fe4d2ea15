package dev.jgemma.core;

/** Base class of every exception jgemma throws on purpose. Unchecked. */
public class GemmaException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong */
    public GemmaException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong
     * @param cause the underlying failure
     */
    public GemmaException(String message, Throwable cause) {
        super(message, cause);
    }
}
