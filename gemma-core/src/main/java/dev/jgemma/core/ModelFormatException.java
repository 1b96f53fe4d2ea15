package dev.jgemma.core;

import java.nio.file.Path;

/**
 * A model file is malformed, truncated, of an unsupported version or type, or does not fit the
 * model configuration. The message always names the file and, where one is at fault, the tensor or
 * metadata field.
 */
public class ModelFormatException extends GemmaException {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong, naming the file and the tensor or field */
    public ModelFormatException(String message) {
        super(message);
    }

    /**
     * @param message what is wrong, naming the file and the tensor or field
     * @param cause the underlying failure
     */
    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Builds a message of the form {@code "<file>: <what>"}.
     *
     * @param file the file at fault
     * @param what what is wrong with it
     * @return the exception
     */
    public static ModelFormatException of(Path file, String what) {
        return new ModelFormatException(file + ": " + what);
    }
}
