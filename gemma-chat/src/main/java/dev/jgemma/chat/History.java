package dev.jgemma.chat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A conversation's turns and their token ids in the chat format: {@code <bos>} once, then one
 * block per turn. The ids are the single source of truth of what the model has seen or will see;
 * the KV cache always holds a prefix of them.
 */
final class History {

    /**
     * One turn.
     *
     * @param message the role and the text as given (user) or returned (model)
     * @param start the index of the turn's first token ({@code <start_of_turn>})
     * @param replyTokens for a model turn that was generated (or restored with its tokens): the
     *     reply's own tokens, kept as they are instead of re-encoding the text; else null
     */
    record Turn(Message message, int start, int[] replyTokens) {
    }

    private final ChatTemplate template;
    private final List<Turn> turns = new ArrayList<>();
    private int[] tokens = new int[64];
    private int size;

    History(ChatTemplate template) {
        this.template = template;
    }

    History copy() {
        History h = new History(template);
        h.turns.addAll(turns);
        h.tokens = tokens.clone();
        h.size = size;
        return h;
    }

    /** @return the number of tokens */
    int size() {
        return size;
    }

    /** @return a copy of the tokens */
    int[] tokens() {
        return Arrays.copyOf(tokens, size);
    }

    List<Turn> turns() {
        return List.copyOf(turns);
    }

    boolean isEmpty() {
        return turns.isEmpty();
    }

    /** @return the role of the last turn, or null if there is none */
    Message.Role lastRole() {
        return turns.isEmpty() ? null : turns.getLast().message().role();
    }

    /** @return the tokens a user turn would add now ({@code <bos>} first if the history is empty) */
    int[] userTurnTokens(String content, String system) {
        int[] turn = template.userTurn(turns.isEmpty() ? ChatTemplate.foldSystem(system, content) : content);
        return turns.isEmpty() ? ChatTemplate.concat(new int[] {template.bos()}, turn) : turn;
    }

    void addUser(String content, String system) {
        int[] t = userTurnTokens(content, system);
        int start = size + (turns.isEmpty() ? 1 : 0);
        append(t);
        turns.add(new Turn(Message.user(content), start, null));
    }

    /** Adds a model turn given as text (encoded as the template renders it). */
    void addModel(String content) {
        int start = size;
        append(template.modelTurn(content));
        turns.add(new Turn(Message.model(content), start, null));
    }

    /** Adds a model turn with the reply's own tokens. */
    void addModel(String content, int[] replyTokens) {
        int start = size;
        append(template.modelTurn(replyTokens));
        turns.add(new Turn(Message.model(content), start, replyTokens.clone()));
    }

    /** Removes the last turn. */
    void removeLast() {
        Turn last = turns.removeLast();
        size = turns.isEmpty() ? 0 : last.start();
    }

    /**
     * Renders the turns again from their messages, for example after dropping some or when the
     * system text of the first user turn changed.
     */
    void rebuild(List<Turn> keep, String system) {
        turns.clear();
        size = 0;
        for (Turn t : keep) {
            switch (t.message().role()) {
                case USER -> addUser(t.message().content(), system);
                case MODEL -> {
                    if (t.replyTokens() != null) {
                        addModel(t.message().content(), t.replyTokens());
                    } else {
                        addModel(t.message().content());
                    }
                }
                case SYSTEM -> throw new IllegalStateException("a system turn cannot be in the history");
            }
        }
    }

    /** @return the length of the common prefix of these tokens and {@code other[0..otherSize)} */
    int commonPrefix(int[] other, int otherSize) {
        int n = Math.min(size, otherSize);
        int i = 0;
        while (i < n && tokens[i] == other[i]) {
            i++;
        }
        return i;
    }

    private void append(int[] t) {
        if (size + t.length > tokens.length) {
            tokens = Arrays.copyOf(tokens, Math.max(tokens.length * 2, size + t.length));
        }
        System.arraycopy(t, 0, tokens, size, t.length);
        size += t.length;
    }
}
