package dev.jgemma.chat;

import java.util.List;
import java.util.Locale;

/**
 * One message of a conversation.
 *
 * <pre>{@code
 * Conversation c = gemma.chat().add(Message.user("Hi, I'm Ada."), Message.model("Hello Ada!"));
 * Reply r = c.send("What is my name?");
 * }</pre>
 *
 * @param role who wrote it
 * @param content the text (may be empty, never null)
 */
public record Message(Role role, String content) {

    /** Who wrote a message. */
    public enum Role {
        /** The person talking to the model. */
        USER,
        /** The model ("assistant" in other APIs). */
        MODEL,
        /**
         * Instructions for the model. Gemma has no system role: the text is put in front of the
         * first user message, separated by a blank line.
         */
        SYSTEM;

        /**
         * @param name {@code user}, {@code model}, {@code assistant} (= model) or {@code system},
         *     in any case
         * @return the role
         * @throws IllegalArgumentException for any other name
         */
        public static Role parse(String name) {
            if (name == null) {
                throw new IllegalArgumentException("a message role must not be null (user, model, assistant or system)");
            }
            return switch (name.toLowerCase(Locale.ROOT)) {
                case "user" -> USER;
                case "model", "assistant" -> MODEL;
                case "system" -> SYSTEM;
                default -> throw new IllegalArgumentException("unknown message role '" + name
                        + "' (expected user, model, assistant or system)");
            };
        }

        /** @return the name the JSON format uses: user, model or system */
        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * @throws IllegalArgumentException if the role or content is null
     */
    public Message {
        if (role == null) {
            throw new IllegalArgumentException("a message needs a role");
        }
        if (content == null) {
            throw new IllegalArgumentException("the content of a " + role.jsonName() + " message must not be null");
        }
    }

    /** @param content the text @return a user message */
    public static Message user(String content) {
        return new Message(Role.USER, content);
    }

    /** @param content the text @return a model message */
    public static Message model(String content) {
        return new Message(Role.MODEL, content);
    }

    /** @param content the text @return a system message */
    public static Message system(String content) {
        return new Message(Role.SYSTEM, content);
    }

    /**
     * Reads a JSON array of {@code {"role": ..., "content": ...}} objects, the format most chat
     * APIs use. Roles: {@code user}, {@code model} or {@code assistant}, {@code system}.
     *
     * @param json the array
     * @return the messages, in order
     * @throws ConversationFormatException if it is not such an array; the message says which
     *     element and field is at fault
     */
    public static List<Message> listFromJson(String json) {
        return ConversationJson.readMessageList(json);
    }
}
