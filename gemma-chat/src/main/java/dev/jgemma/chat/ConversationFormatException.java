package dev.jgemma.chat;

import dev.jgemma.core.GemmaException;

/** Saved conversation or message-list JSON that cannot be read; the message says where and why. */
public class ConversationFormatException extends GemmaException {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong and where */
    public ConversationFormatException(String message) {
        super(message);
    }

    /**
     * @param message what is wrong and where
     * @param cause the parser's exception
     */
    public ConversationFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
