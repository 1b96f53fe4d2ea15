package dev.jgemma.chat;

import dev.jgemma.core.ContextOverflowException;
import dev.jgemma.core.Session;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A multi-turn conversation with a {@link Gemma} model, in Gemma-2's official chat format.
 *
 * <pre>{@code
 * Conversation chat = gemma.chat().system("Be brief.").temperature(0.7).seed(42);
 * Reply first = chat.send("Name a prime number.");
 * Reply second = chat.send("And the next one?");            // remembers the first exchange
 * chat.stream("Count to ten.", System.out::print).await();  // text chunks as they come
 * }</pre>
 *
 * <h2>Memory of earlier turns</h2>
 * The KV cache is kept between turns: each message only runs its own new tokens through the
 * model (see {@link Usage#promptTokens()}), and the result is the same as a fresh conversation
 * given the whole history. The history is stored as token ids: a reply is remembered exactly as
 * the model generated it; it ends with {@code <end_of_turn>\n}, which is fed to the model with
 * the next message. {@code <bos>} appears once, at the very start.
 *
 * <h2>System text</h2>
 * Gemma has no system role (its official template rejects one). {@link #system(String)} text is
 * folded into the first user message as {@code trim(system) + "\n\n" + trim(user)}, as Gemma 3's
 * official template does.
 *
 * <h2>Settings</h2>
 * The sampling settings ({@link #temperature}, {@link #topK}, {@link #topP}, {@link #minP},
 * {@link #repetitionPenalty}, {@link #logitBias}, {@link #seed}, {@link #maxTokens},
 * {@link #stopStrings}) apply from the next reply on and are checked when set. The default is
 * greedy decoding with at most {@value GenerationSettings#DEFAULT_MAX_TOKENS} new tokens.
 *
 * <h2>Threads</h2>
 * A conversation runs one reply at a time: sending, forking, undoing, clearing or saving while a
 * reply is being generated throws {@link IllegalStateException} and leaves the conversation as
 * it was. Settings may be changed at any time. Many conversations may generate at once on one
 * model. If a reply fails (for example the text callback throws), the message is taken back and
 * the conversation stays usable.
 */
public final class Conversation {
    private final Gemma gemma;
    private final ChatTemplate template;
    private final Object lock = new Object();
    private Function<GenerationSettings, TokenPicker> pickers;
    private Session session;
    private History history;
    private String system;
    private GenerationSettings settings;
    private OverflowPolicy overflow;
    private Generation running;

    Conversation(Gemma gemma, ChatTemplate template) {
        this.gemma = gemma;
        this.template = template;
        this.session = gemma.model().newSession();
        this.history = new History(template);
        this.settings = GenerationSettings.defaults();
        this.overflow = OverflowPolicy.FAIL;
    }

    private Conversation(Conversation o) {
        this.gemma = o.gemma;
        this.template = o.template;
        this.pickers = o.pickers;
        this.session = o.session.fork();
        this.history = o.history.copy();
        this.system = o.system;
        this.settings = o.settings;
        this.overflow = o.overflow;
    }

    /** Test seam: replaces the sampler of this conversation's later replies (null: the sampler). */
    Conversation pickers(Function<GenerationSettings, TokenPicker> p) {
        synchronized (lock) {
            pickers = p;
            return this;
        }
    }

    // ---------------------------------------------------------------- settings

    /**
     * Sets the system text (instructions), folded into the first user message. May be changed
     * later: the next reply then reads the history again with the new text.
     *
     * @param text the instructions; an empty or blank text removes them
     * @return this
     * @throws IllegalArgumentException if null
     * @throws IllegalStateException if a reply is being generated
     */
    public Conversation system(String text) {
        synchronized (lock) {
            if (text == null) {
                throw new IllegalArgumentException("the system text must not be null (an empty text removes it)");
            }
            checkIdle("change the system text");
            String next = ChatTemplate.trim(text).isEmpty() ? null : text;
            if (!Objects.equals(next, system)) {
                system = next;
                rebuild(history.turns());
            }
            return this;
        }
    }

    /** @return the system text, if set */
    public Optional<String> systemText() {
        synchronized (lock) {
            return Optional.ofNullable(system);
        }
    }

    /**
     * @param t in [0, 100]; 0 is greedy decoding (the default), 0.7 to 1 are usual for chat
     * @return this
     * @throws IllegalArgumentException if out of range
     */
    public Conversation temperature(double t) {
        synchronized (lock) {
            settings = settings.temperature(t);
            return this;
        }
    }

    /**
     * @param k sample among the {@code k} most likely tokens; 0 (the default) turns top-k off
     * @return this
     * @throws IllegalArgumentException if negative
     */
    public Conversation topK(int k) {
        synchronized (lock) {
            settings = settings.topK(k);
            return this;
        }
    }

    /**
     * @param p sample among the most likely tokens that together reach probability {@code p},
     *     in (0, 1]; 1 (the default) turns top-p off
     * @return this
     * @throws IllegalArgumentException if out of range
     */
    public Conversation topP(double p) {
        synchronized (lock) {
            settings = settings.topP(p);
            return this;
        }
    }

    /**
     * @param p drop tokens less than {@code p} times as likely as the most likely one, in [0, 1);
     *     0 (the default) turns min-p off
     * @return this
     * @throws IllegalArgumentException if out of range
     */
    public Conversation minP(double p) {
        synchronized (lock) {
            settings = settings.minP(p);
            return this;
        }
    }

    /**
     * @param penalty above 1 makes tokens among the last 64 less likely; 1 (the default) is off
     * @return this
     * @throws IllegalArgumentException if not positive and finite
     */
    public Conversation repetitionPenalty(double penalty) {
        synchronized (lock) {
            settings = settings.repetitionPenalty(penalty);
            return this;
        }
    }

    /**
     * @param s the seed: with the same seed, settings and history a reply is the same every
     *     time (each reply's draws are seeded from this seed and the length of the history)
     * @return this
     */
    public Conversation seed(long s) {
        synchronized (lock) {
            settings = settings.seed(s);
            return this;
        }
    }

    /**
     * @param n the most new tokens per reply, at least 1
     * @return this
     * @throws IllegalArgumentException if below 1
     */
    public Conversation maxTokens(int n) {
        synchronized (lock) {
            settings = settings.maxTokens(n);
            return this;
        }
    }

    /**
     * @param stops strings that end a reply (matched across token boundaries); the reply's text
     *     ends just before the first one, which is never shown
     * @return this
     * @throws IllegalArgumentException if any is null or empty
     */
    public Conversation stopStrings(String... stops) {
        synchronized (lock) {
            if (stops == null) {
                throw new IllegalArgumentException("stop strings must not be null");
            }
            settings = settings.stopStrings(Arrays.asList(stops));
            return this;
        }
    }

    /**
     * @param bias token id to the amount added to its logit; {@code Float.NEGATIVE_INFINITY}
     *     bans the token
     * @return this
     * @throws IllegalArgumentException for a negative id or a NaN or +Infinity amount
     */
    public Conversation logitBias(Map<Integer, Float> bias) {
        synchronized (lock) {
            settings = settings.logitBias(bias);
            return this;
        }
    }

    /**
     * @param policy what to do when a message does not fit ({@link OverflowPolicy#FAIL} by default)
     * @return this
     * @throws IllegalArgumentException if null
     */
    public Conversation overflowPolicy(OverflowPolicy policy) {
        synchronized (lock) {
            if (policy == null) {
                throw new IllegalArgumentException("the overflow policy must not be null");
            }
            overflow = policy;
            return this;
        }
    }

    /**
     * @param s all generation settings at once
     * @return this
     * @throws IllegalArgumentException if null
     */
    public Conversation settings(GenerationSettings s) {
        synchronized (lock) {
            if (s == null) {
                throw new IllegalArgumentException("the generation settings must not be null");
            }
            settings = s;
            return this;
        }
    }

    /** @return the generation settings in force */
    public GenerationSettings settings() {
        synchronized (lock) {
            return settings;
        }
    }

    /** @return the overflow policy in force */
    public OverflowPolicy overflowPolicy() {
        synchronized (lock) {
            return overflow;
        }
    }

    // ---------------------------------------------------------------- history

    /**
     * Appends earlier exchanges, for example a history kept elsewhere. Nothing runs now: the
     * next reply reads them. The messages must continue the alternation user, model, user,
     * model... and end with a model message (send the last user message with {@link #send});
     * a system message may come first while the conversation is empty.
     *
     * @param messages the messages to append
     * @return this
     * @throws IllegalArgumentException if the messages do not alternate as described
     * @throws IllegalStateException if a reply is being generated or the model is closed
     */
    public Conversation add(Message... messages) {
        synchronized (lock) {
            if (messages == null) {
                throw new IllegalArgumentException("messages must not be null");
            }
            return add(Arrays.asList(messages));
        }
    }

    /**
     * Like {@link #add(Message...)}, for a list.
     *
     * @param messages the messages to append
     * @return this
     */
    public Conversation add(List<Message> messages) {
        synchronized (lock) {
            gemma.ensureOpen();
            checkIdle("add messages");
            if (messages == null) {
                throw new IllegalArgumentException("messages must not be null");
            }
            String newSystem = system;
            Message.Role expected = Message.Role.USER;
            for (int i = 0; i < messages.size(); i++) {
                Message m = messages.get(i);
                if (m == null) {
                    throw new IllegalArgumentException("message " + i + " is null");
                }
                if (m.role() == Message.Role.SYSTEM) {
                    if (i != 0 || !history.isEmpty()) {
                        throw new IllegalArgumentException("message " + i + ": a system message can only come first in an empty "
                                + "conversation (use system() to change it later)");
                    }
                    newSystem = ChatTemplate.trim(m.content()).isEmpty() ? null : m.content();
                    continue;
                }
                if (m.role() != expected) {
                    throw new IllegalArgumentException("message " + i + " is a " + m.role().jsonName() + " message but a "
                            + expected.jsonName() + " message must come next (user and model messages alternate, starting with user)");
                }
                expected = expected == Message.Role.USER ? Message.Role.MODEL : Message.Role.USER;
            }
            if (expected == Message.Role.MODEL) {
                throw new IllegalArgumentException("the messages end with a user message: add() takes complete exchanges; "
                        + "send the last user message with send()");
            }
            system = newSystem;
            for (Message m : messages) {
                switch (m.role()) {
                    case USER -> history.addUser(m.content(), system);
                    case MODEL -> history.addModel(m.content());
                    case SYSTEM -> {
                    }
                }
            }
            return this;
        }
    }

    /**
     * Appends one restored turn; {@link ConversationJson} has checked the alternation.
     *
     * @param replyTokens a model reply's own tokens, or null to encode the text
     */
    void appendTurn(Message m, int[] replyTokens) {
        synchronized (lock) {
            switch (m.role()) {
                case USER -> history.addUser(m.content(), system);
                case MODEL -> {
                    if (replyTokens != null) {
                        history.addModel(m.content(), replyTokens);
                    } else {
                        history.addModel(m.content());
                    }
                }
                case SYSTEM -> throw new IllegalArgumentException("a system message is not a turn");
            }
        }
    }

    /** @return the user and model messages so far, oldest first (the system text is separate) */
    public List<Message> messages() {
        synchronized (lock) {
            List<Message> out = new ArrayList<>();
            for (History.Turn t : history.turns()) {
                out.add(t.message());
            }
            return List.copyOf(out);
        }
    }

    /** @return the history's turns, for saving */
    List<History.Turn> turns() {
        synchronized (lock) {
            return history.turns();
        }
    }

    /**
     * @return the token ids of the conversation exactly as the model reads them, from
     *     {@code <bos>} to the {@code <end_of_turn>\n} of the last reply
     */
    public int[] tokens() {
        synchronized (lock) {
            return history.tokens();
        }
    }

    /** @return how many of {@link #tokens()} are in the KV cache (the rest is read with the next message) */
    public int cachedTokens() {
        synchronized (lock) {
            return session.position();
        }
    }

    /** @return the most tokens the conversation can hold */
    public int maxContext() {
        return session.maxContext();
    }

    // ---------------------------------------------------------------- replies

    /**
     * Sends a user message and waits for the reply, generated on this thread. Interrupting the
     * thread cancels the reply (the interrupt flag stays set).
     *
     * @param message the user's text (may be empty, not null); text such as
     *     {@code "<end_of_turn>"} in it is plain text, never a control token
     * @return the reply
     * @throws IllegalArgumentException if the message is null
     * @throws IllegalStateException if a reply is already being generated or the model is closed
     * @throws ContextOverflowException if the message does not fit (see {@link #overflowPolicy})
     */
    public Reply send(String message) {
        Generation g = new Generation();
        Turn turn = begin(message, text -> {
        }, g);
        g.run(() -> turn.generate(g));
        return g.await();
    }

    /**
     * Sends a user message; the reply is generated on a background thread and its text is
     * delivered in chunks to {@code onText} as it is generated (on that thread, in order; a chunk
     * is never a part of a character). Concatenated, the chunks equal {@link Reply#text()}.
     *
     * @param message the user's text (may be empty, not null)
     * @param onText receives text chunks
     * @return the running generation
     * @throws IllegalArgumentException if the message or callback is null
     * @throws IllegalStateException if a reply is already being generated or the model is closed
     * @throws ContextOverflowException if the message does not fit (see {@link #overflowPolicy})
     */
    public Generation stream(String message, Consumer<String> onText) {
        if (onText == null) {
            throw new IllegalArgumentException("the text callback must not be null");
        }
        Generation g = new Generation();
        Turn turn = begin(message, onText, g);
        gemma.submit(g, () -> turn.generate(g), turn::abandon);
        return g;
    }

    /**
     * Checks the message, applies the overflow policy, appends the user turn and marks the
     * conversation busy. Everything that can be refused is refused here, before any work.
     */
    private Turn begin(String message, Consumer<String> onText, Generation g) {
        synchronized (lock) {
            if (message == null) {
                throw new IllegalArgumentException("the message must not be null (an empty message is allowed)");
            }
            gemma.ensureOpen();
            checkIdle("send a message");
            makeRoom(message);
            GenerationSettings s = settings;
            history.addUser(message, system);
            int[] prompt = ChatTemplate.concat(history.tokens(), template.generationPrompt());
            int[] pending = Arrays.copyOfRange(prompt, session.position(), prompt.length);
            TokenPicker picker = pickers == null ? TokenPicker.forReply(s, prompt) : pickers.apply(s);
            running = g;
            return new Turn(history.size(), pending, new GenerationLoop(session, template.tokenizer(), picker, s, onText,
                    () -> g.cancelRequested() || Thread.currentThread().isInterrupted()));
        }
    }

    /** One reply in flight: runs the loop without holding the conversation's lock. */
    private final class Turn {
        private final int userEnd;
        private final int[] pending;
        private final GenerationLoop loop;
        private final long start = System.nanoTime();

        Turn(int userEnd, int[] pending, GenerationLoop loop) {
            this.userEnd = userEnd;
            this.pending = pending;
            this.loop = loop;
        }

        Reply generate(Generation g) {
            gemma.register(g);
            try {
                GenerationLoop.Outcome o = loop.run(pending, start);
                return complete(o);
            } catch (RuntimeException | Error e) {
                abandon();
                throw e;
            } finally {
                gemma.unregister(g);
            }
        }

        private Reply complete(GenerationLoop.Outcome o) {
            synchronized (lock) {
                int[] reply = o.tokens();
                if (o.reason() == FinishReason.STOP_STRING) {
                    reply = ChatTemplate.concat(Arrays.copyOf(o.tokens(), o.keptTokens()),
                            template.tokenizer().encode(o.leftover()));
                }
                history.addModel(o.text(), reply);
                // The cache holds the prompt and the generated tokens fed so far; keep what agrees.
                int promptEnd = userEnd + template.generationPrompt().length;
                int fed = session.position() - promptEnd;
                int valid = fed <= 0 ? session.position()
                        : promptEnd + commonPrefix(o.tokens(), reply, fed);
                trimCache(valid);
                running = null;
            }
            List<Integer> tokens = Arrays.stream(o.tokens()).boxed().toList();
            return new Reply(o.text(), tokens, o.reason(), o.usage());
        }

        /** Takes the user message back after a failure: the conversation is as before. */
        void abandon() {
            synchronized (lock) {
                if (history.lastRole() == Message.Role.USER) {
                    history.removeLast();
                }
                trimCache(history.size());
                running = null;
            }
        }
    }

    private static int commonPrefix(int[] a, int[] b, int limit) {
        int n = Math.min(limit, Math.min(a.length, b.length));
        int i = 0;
        while (i < n && a[i] == b[i]) {
            i++;
        }
        return i;
    }

    /** Makes the cache a prefix of the history again: rewinds it, or empties it if it cannot. */
    private void trimCache(int valid) {
        if (session.position() > valid && !session.rewind(valid)) {
            session.reset();
        }
    }

    /** Applies the overflow policy so that {@code message} and the generation prompt fit. */
    private void makeRoom(String message) {
        int max = session.maxContext();
        if (history.size() + needed(history, message) <= max) {
            return;
        }
        if (overflow == OverflowPolicy.FAIL || history.isEmpty()) {
            throw new ContextOverflowException(history.isEmpty()
                    ? "the message needs " + needed(history, message) + " tokens but the context holds at most " + max
                    : "the message needs " + needed(history, message) + " tokens but the conversation already holds "
                    + history.size() + " of the " + max + " tokens of context; undo() or clear() first, or set "
                    + "overflowPolicy(OverflowPolicy.DROP_OLDEST)");
        }
        List<History.Turn> turns = new ArrayList<>(history.turns());
        History trial;
        do {
            turns.removeFirst(); // the oldest user message ...
            turns.removeFirst(); // ... and the reply to it
            trial = new History(template);
            trial.rebuild(turns, system);
        } while (!turns.isEmpty() && trial.size() + needed(trial, message) > max);
        if (trial.size() + needed(trial, message) > max) {
            throw new ContextOverflowException("the message alone needs " + needed(trial, message)
                    + " tokens but the context holds at most " + max);
        }
        rebuild(turns);
    }

    /** Tokens the message and the generation prompt add to {@code h}. */
    private int needed(History h, String message) {
        return h.userTurnTokens(message, system).length + template.generationPrompt().length;
    }

    /** Renders the given turns again and keeps the part of the cache that still agrees. */
    private void rebuild(List<History.Turn> turns) {
        int[] before = history.tokens();
        History h = new History(template);
        h.rebuild(turns, system);
        history = h;
        trimCache(h.commonPrefix(before, before.length));
    }

    // ---------------------------------------------------------------- state

    /**
     * @return an independent conversation with the same history, settings and cache; both can
     *     continue differently
     * @throws IllegalStateException if a reply is being generated or the model is closed
     */
    public Conversation fork() {
        synchronized (lock) {
            gemma.ensureOpen();
            checkIdle("fork");
            return new Conversation(this);
        }
    }

    /**
     * Takes back the last exchange: the last user message and the reply to it. The cache is
     * rewound when it can be; otherwise the next reply reads the remaining history again.
     *
     * @return this
     * @throws IllegalStateException if there is nothing to undo or a reply is being generated
     */
    public Conversation undo() {
        synchronized (lock) {
            checkIdle("undo");
            if (history.isEmpty()) {
                throw new IllegalStateException("there is nothing to undo: the conversation is empty");
            }
            history.removeLast();
            history.removeLast();
            trimCache(history.size());
            return this;
        }
    }

    /**
     * Forgets every message; the settings and the system text stay.
     *
     * @return this
     * @throws IllegalStateException if a reply is being generated
     */
    public Conversation clear() {
        synchronized (lock) {
            checkIdle("clear");
            history = new History(template);
            session.reset();
            return this;
        }
    }

    /**
     * Saves the conversation: system text, settings and messages (replies with their token ids,
     * so that a restored conversation continues exactly). Read it back with
     * {@link Gemma#restore(String)}.
     *
     * @return the JSON text
     * @throws IllegalStateException if a reply is being generated
     */
    public String toJson() {
        synchronized (lock) {
            checkIdle("save");
            return ConversationJson.write(system, settings, overflow, history.turns());
        }
    }

    private void checkIdle(String action) {
        if (running != null) {
            throw new IllegalStateException("cannot " + action + " while a reply is being generated: await() or cancel() it first");
        }
    }

    @Override
    public String toString() {
        synchronized (lock) {
            return "Conversation[" + history.turns().size() + " messages, " + history.size() + " tokens, " + session.position()
                    + " cached]";
        }
    }
}
