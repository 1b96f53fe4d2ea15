package dev.jgemma.core;

/** A token id outside the model's vocabulary was given to the model. */
public class InvalidTokenException extends GemmaException {
    private static final long serialVersionUID = 1L;

    /** @param message which id, at which index, and the vocabulary size */
    public InvalidTokenException(String message) {
        super(message);
    }
}
