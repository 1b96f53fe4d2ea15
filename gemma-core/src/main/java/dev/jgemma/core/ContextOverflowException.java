package dev.jgemma.core;

/** Thrown before any work is done when tokens would not fit in a session's context. */
public class ContextOverflowException extends GemmaException {
    private static final long serialVersionUID = 1L;

    /** @param message how many tokens were asked for and how many fit */
    public ContextOverflowException(String message) {
        super(message);
    }
}
