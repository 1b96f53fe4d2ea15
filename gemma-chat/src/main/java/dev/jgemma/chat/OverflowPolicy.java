package dev.jgemma.chat;

/** What a conversation does when a new message does not fit in the context window. */
public enum OverflowPolicy {
    /**
     * Throw a {@link dev.jgemma.core.ContextOverflowException} before anything runs; the
     * conversation is unchanged. The default.
     */
    FAIL,
    /**
     * Forget the oldest exchanges (a user message and the reply to it), as many as needed, then
     * read the remaining history again (the system text stays, folded into the new first user
     * message). The dropped exchanges are gone even if the reply then fails or is cancelled.
     * Throws {@link dev.jgemma.core.ContextOverflowException}, changing nothing, if the new
     * message does not fit even alone.
     */
    DROP_OLDEST
}
