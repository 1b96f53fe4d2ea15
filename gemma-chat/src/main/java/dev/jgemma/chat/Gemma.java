package dev.jgemma.chat;

import dev.jgemma.core.ContextOverflowException;
import dev.jgemma.core.Gemma2Model;
import dev.jgemma.core.ModelFormatException;
import dev.jgemma.core.ModelOptions;
import dev.jgemma.core.Session;
import dev.jgemma.core.SlidingWindow;
import dev.jgemma.tokenizer.GemmaTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Gemma-2 model with its tokenizer, ready to chat: the entry point of jgemma.
 *
 * <pre>{@code
 * try (Gemma gemma = Gemma.load(Path.of("gemma-2-2b-it-Q8_0.gguf"))) {
 *     Conversation chat = gemma.chat().system("Be brief.").temperature(0.7).seed(42);
 *     System.out.println(chat.send("What is the capital of France?").text());
 *     System.out.println(chat.send("And of Italy?").text());
 * }
 * }</pre>
 *
 * <p>Loads from a single GGUF file (the tokenizer comes from its metadata) or an HF checkpoint
 * folder ({@code config.json}, safetensors, and {@code tokenizer.json} or
 * {@code tokenizer.model}). Use {@link #builder(Path)} for options. Loading logs one summary line
 * (through SLF4J) and, if the JVM runs without the Vector API, one warning with the flag to add
 * ({@code --add-modules jdk.incubator.vector}).
 *
 * <p>Immutable and thread-safe: one instance serves any number of {@link Conversation}s on any
 * threads. Closing it cancels running replies, waits for them to stop, and releases the weights;
 * afterwards every use throws {@link IllegalStateException}.
 */
public final class Gemma implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Gemma.class);

    private final Gemma2Model model;
    private final GemmaTokenizer tokenizer;
    private final ChatTemplate template;
    private final ExecutorService executor;
    private final Set<Generation> active = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private Gemma(Gemma2Model model, GemmaTokenizer tokenizer) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.template = new ChatTemplate(tokenizer);
        this.executor = Executors.newThreadPerTaskExecutor(Thread.ofPlatform().daemon().name("jgemma-reply-", 1).factory());
    }

    /**
     * Loads a model with default options.
     *
     * @param path a {@code .gguf} file or an HF checkpoint folder
     * @return the model; close it when done
     * @throws ModelFormatException if the model or its tokenizer is missing or malformed (the
     *     message names the file and what is wrong)
     */
    public static Gemma load(Path path) {
        return builder(path).build();
    }

    /**
     * @param path a {@code .gguf} file or an HF checkpoint folder
     * @return a builder for loading options
     * @throws IllegalArgumentException if the path is null
     */
    public static Builder builder(Path path) {
        return new Builder(path);
    }

    /** @return a new, empty conversation (default settings: greedy, no system text) */
    public Conversation chat() {
        ensureOpen();
        return new Conversation(this, template);
    }

    /**
     * Restores a conversation saved with {@link Conversation#toJson()}, or builds one from a JSON
     * array of {@code {"role", "content"}} messages ending with a model message. Nothing runs
     * now: the next reply reads the whole history.
     *
     * @param json the saved conversation
     * @return the conversation
     * @throws ConversationFormatException if the JSON is malformed or not a conversation (the
     *     message says where)
     */
    public Conversation restore(String json) {
        ensureOpen();
        return ConversationJson.restore(this, json);
    }

    /**
     * Continues plain text, without the chat format: {@code <bos>} and the encoded prompt, then
     * new tokens until {@code <eos>}, {@code <end_of_turn>}, a stop string or the length limit.
     * Runs on this thread; interrupting it cancels the generation.
     *
     * @param prompt the text to continue (special-token text in it stays plain text)
     * @param settings sampling, seed, limits
     * @return the continuation
     * @throws IllegalArgumentException if an argument is null
     * @throws ContextOverflowException if the prompt does not fit in the context
     */
    public Reply complete(String prompt, GenerationSettings settings) {
        ensureOpen();
        if (prompt == null || settings == null) {
            throw new IllegalArgumentException("the prompt and the settings must not be null");
        }
        int[] tokens = ChatTemplate.concat(new int[] {tokenizer.bosId()}, tokenizer.encode(prompt));
        Session session = model.newSession();
        if (tokens.length > session.maxContext()) {
            throw new ContextOverflowException("the prompt needs " + tokens.length + " tokens but the context holds at most "
                    + session.maxContext());
        }
        TokenPicker picker = TokenPicker.forReply(settings, tokens);
        Generation g = new Generation();
        long start = System.nanoTime();
        GenerationLoop loop = new GenerationLoop(session, tokenizer, picker, settings, text -> {
        }, () -> g.cancelRequested() || Thread.currentThread().isInterrupted());
        g.run(() -> {
            register(g);
            try {
                GenerationLoop.Outcome o = loop.run(tokens, start);
                return new Reply(o.text(), Arrays.stream(o.tokens()).boxed().toList(), o.reason(), o.usage());
            } finally {
                unregister(g);
            }
        });
        return g.await();
    }

    /** @return the model (for direct use of sessions and logits) */
    public Gemma2Model model() {
        ensureOpen();
        return model;
    }

    /** @return the tokenizer */
    public GemmaTokenizer tokenizer() {
        return tokenizer;
    }

    /**
     * Loads a tokenizer without a model: from {@code tokenizer.json}, {@code tokenizer.model}, an
     * HF checkpoint folder holding one of them, or the vocabulary in a GGUF file's metadata.
     *
     * @param file the file or folder
     * @return the tokenizer
     * @throws dev.jgemma.core.ModelFormatException naming the file if it is missing or malformed
     */
    public static GemmaTokenizer loadTokenizer(Path file) {
        return TokenizerLoader.fromFile(file);
    }

    void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("this Gemma model (" + model.path() + ") is closed");
        }
    }

    /** Starts a reply on a background thread; {@code onRejected} undoes its preparation. */
    void submit(Generation g, Supplier<Reply> body, Runnable onRejected) {
        try {
            executor.execute(() -> g.run(body));
        } catch (RejectedExecutionException e) {
            onRejected.run();
            g.fail(new IllegalStateException("this Gemma model (" + model.path() + ") is closed"));
        }
    }

    void register(Generation g) {
        active.add(g);
        if (closed) {
            g.cancel();
        }
    }

    void unregister(Generation g) {
        active.remove(g);
    }

    /**
     * Cancels running replies, waits for them to stop (each stops within one token), then
     * releases the weights and threads. Idempotent.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        List<Generation> running = List.copyOf(active);
        running.forEach(Generation::cancel);
        for (Generation g : running) {
            try {
                g.await();
            } catch (RuntimeException ignored) {
                // A failed reply has stopped too; its caller sees the failure.
            }
        }
        executor.shutdown();
        model.close();
    }

    @Override
    public String toString() {
        return "Gemma[" + model.path() + ", " + model.format() + ", " + tokenizer.vocabularySize() + " tokens]";
    }

    /**
     * Loading options, checked when set and again when {@link #build()} loads the model.
     *
     * <pre>{@code
     * Gemma gemma = Gemma.builder(Path.of("gemma-2-2b-it"))
     *         .threads(4)
     *         .maxContext(4096)
     *         .slidingWindow(SlidingWindow.of(2048))
     *         .tokenizer(Path.of("tokenizer.json"))
     *         .build();
     * }</pre>
     */
    public static final class Builder {
        private final Path path;
        private ModelOptions options = ModelOptions.defaults();
        private Path tokenizer;

        private Builder(Path path) {
            if (path == null) {
                throw new IllegalArgumentException("the model path must not be null");
            }
            this.path = path;
        }

        /**
         * @param n compute threads, at least 1 (default: all processors)
         * @return this
         * @throws IllegalArgumentException if below 1
         */
        public Builder threads(int n) {
            options = options.threads(n);
            return this;
        }

        /**
         * @param tokens the most tokens a conversation may hold, at least 1 (default: the
         *     checkpoint's maximum, 8192 for Gemma-2)
         * @return this
         * @throws IllegalArgumentException if below 1
         */
        public Builder maxContext(int tokens) {
            options = options.maxContext(tokens);
            return this;
        }

        /**
         * @param window the attention window policy (default: the checkpoint's)
         * @return this
         * @throws IllegalArgumentException if null
         */
        public Builder slidingWindow(SlidingWindow window) {
            if (window == null) {
                throw new IllegalArgumentException("the sliding window policy must not be null");
            }
            options = options.slidingWindow(window);
            return this;
        }

        /**
         * @param o every model option at once (threads, backend, windows, context, batch)
         * @return this
         * @throws IllegalArgumentException if null
         */
        public Builder options(ModelOptions o) {
            if (o == null) {
                throw new IllegalArgumentException("the model options must not be null");
            }
            options = o;
            return this;
        }

        /**
         * @param file a {@code tokenizer.json}, {@code tokenizer.model} or {@code .gguf} file (or a
         *     folder holding one) to use instead of the model's own
         * @return this
         * @throws IllegalArgumentException if null
         */
        public Builder tokenizer(Path file) {
            if (file == null) {
                throw new IllegalArgumentException("the tokenizer path must not be null");
            }
            tokenizer = file;
            return this;
        }

        /**
         * Loads the model and its tokenizer.
         *
         * @return the model; close it when done
         * @throws ModelFormatException if a file is missing or malformed, or the tokenizer does
         *     not fit the model
         */
        public Gemma build() {
            if (!Files.exists(path)) {
                throw ModelFormatException.of(path, "no such file or folder");
            }
            if (tokenizer != null && !Files.exists(tokenizer)) {
                throw ModelFormatException.of(tokenizer, "no such tokenizer file");
            }
            long start = System.nanoTime();
            Gemma2Model model = Gemma2Model.load(path, options);
            GemmaTokenizer t;
            try {
                t = TokenizerLoader.load(model, tokenizer);
            } catch (RuntimeException e) {
                model.close();
                throw e;
            }
            Gemma gemma = new Gemma(model, t);
            if (LOG.isInfoEnabled()) {
                LOG.info(String.format("Loaded %s (%s): %,d parameters, %,d bytes mapped, %s kernels on %d threads, "
                                + "context %,d tokens, tokenizer %s, in %d ms",
                        path.getFileName(), model.format(), model.parameterCount(), model.mappedBytes(), model.backend(),
                        options.threads(), model.maxContext(), t.source(), (System.nanoTime() - start) / 1_000_000));
            }
            VectorApiAdvice.adviseIfMissing(LOG);
            return gemma;
        }
    }
}
