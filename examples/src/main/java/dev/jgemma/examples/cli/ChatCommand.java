package dev.jgemma.examples.cli;

import dev.jgemma.chat.Conversation;
import dev.jgemma.chat.ConversationFormatException;
import dev.jgemma.chat.FinishReason;
import dev.jgemma.chat.Gemma;
import dev.jgemma.chat.Generation;
import dev.jgemma.chat.Reply;
import dev.jgemma.core.ContextOverflowException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code gemma chat}: an interactive conversation. Replies stream as they are generated;
 * Ctrl-C cancels the running reply (and quits when no reply is running); commands start with a
 * slash ({@code /help}).
 */
final class ChatCommand implements Command {
    static final String HELP = """
            commands:
              /reset        forget the conversation (settings and system text stay)
              /undo         take back the last message and its reply
              /save FILE    save the conversation as JSON
              /load FILE    load a conversation saved with /save
              /stats        token counts and speed of the last reply
              /help         this list
              /quit         leave (or Ctrl-D); Ctrl-C cancels a running reply
            """;

    private final InputStream in;
    private final boolean handleInterrupts;

    /** The command as the {@code gemma} tool runs it: standard input, Ctrl-C handled. */
    ChatCommand() {
        this(System.in, true);
    }

    /**
     * @param in where the user's lines come from
     * @param handleInterrupts whether to install a Ctrl-C handler (not in tests)
     */
    ChatCommand(InputStream in, boolean handleInterrupts) {
        this.in = in;
        this.handleInterrupts = handleInterrupts;
    }

    @Override
    public String name() {
        return "chat";
    }

    @Override
    public String summary() {
        return "chat with a model interactively";
    }

    @Override
    public String usage() {
        return "usage: gemma chat --model <dir|file.gguf> [--system TEXT] [--temperature T] [--seed S] [flags]\n"
                + "  --model PATH       an HF checkpoint folder or a GGUF file\n"
                + "  --system TEXT      instructions, folded into the first user message\n"
                + ChatFlags.USAGE
                + ModelFlags.USAGE
                + HELP;
    }

    @Override
    public Set<String> valuedFlags() {
        return ChatFlags.valued(ModelFlags.valued("model", "system"));
    }

    @Override
    public Set<String> switches() {
        return ChatFlags.switches(ModelFlags.switches());
    }

    @Override
    public int run(Args args, PrintStream out, PrintStream err) throws IOException {
        var settings = ChatFlags.settings(args);
        BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        AtomicReference<Generation> running = new AtomicReference<>();
        Interrupts.Registration ctrlC = handleInterrupts ? Interrupts.onCtrlC(() -> {
            Generation g = running.get();
            if (g == null || !g.cancel()) {
                System.exit(130);
            }
        }) : Interrupts.NONE;
        try (Gemma gemma = ChatFlags.load(args)) {
            Conversation chat = gemma.chat().settings(settings);
            if (args.has("system")) {
                chat.system(args.required("system"));
            }
            err.println("chatting with " + args.required("model") + " (/help for commands, Ctrl-D to leave)");
            Reply last = null;
            while (true) {
                out.print("> ");
                out.flush();
                String line = lines.readLine();
                if (line == null) {
                    out.println();
                    return 0;
                }
                if (line.isBlank()) {
                    continue;
                }
                if (line.startsWith("/")) {
                    String[] parts = line.trim().split("\\s+", 2);
                    String arg = parts.length > 1 ? parts[1] : null;
                    switch (parts[0]) {
                        case "/quit", "/exit" -> {
                            return 0;
                        }
                        case "/help" -> out.print(HELP);
                        case "/reset" -> {
                            chat.clear();
                            out.println("(conversation cleared)");
                        }
                        case "/undo" -> {
                            try {
                                chat.undo();
                                out.println("(took back the last exchange; " + chat.messages().size() + " messages left)");
                            } catch (IllegalStateException e) {
                                out.println("(" + e.getMessage() + ")");
                            }
                        }
                        case "/save" -> {
                            if (arg == null) {
                                out.println("(usage: /save FILE)");
                            } else {
                                Files.writeString(Path.of(arg), chat.toJson());
                                out.println("(saved " + chat.messages().size() + " messages to " + arg + ")");
                            }
                        }
                        case "/load" -> {
                            if (arg == null) {
                                out.println("(usage: /load FILE)");
                            } else {
                                try {
                                    chat = gemma.restore(Files.readString(Path.of(arg)));
                                    out.println("(loaded " + chat.messages().size() + " messages from " + arg + ")");
                                } catch (IOException | ConversationFormatException e) {
                                    out.println("(cannot load " + arg + ": " + e.getMessage() + ")");
                                }
                            }
                        }
                        case "/stats" -> out.println(stats(chat, last));
                        default -> out.println("(unknown command " + parts[0] + "; /help lists them)");
                    }
                    continue;
                }
                try {
                    Generation g = chat.stream(line, text -> {
                        out.print(text);
                        out.flush();
                    });
                    running.set(g);
                    last = g.await();
                    running.set(null);
                    out.println();
                    if (last.finishReason() != FinishReason.STOP_TOKEN) {
                        out.println("(" + describe(last.finishReason()) + ")");
                    }
                } catch (ContextOverflowException e) {
                    out.println("(" + e.getMessage() + ")");
                }
            }
        } finally {
            ctrlC.close();
        }
    }

    private static String describe(FinishReason reason) {
        return switch (reason) {
            case STOP_TOKEN -> "done";
            case STOP_STRING -> "stopped at a stop string";
            case LENGTH -> "reached --max-tokens";
            case CANCELLED -> "cancelled";
            case CONTEXT_FULL -> "the context is full: /undo or /reset";
        };
    }

    private static String stats(Conversation chat, Reply last) {
        String context = chat.tokens().length + " of " + chat.maxContext() + " context tokens used, " + chat.messages().size()
                + " messages";
        return last == null ? "(" + context + ")" : "(" + last.usage() + "; finish: " + last.finishReason() + "; " + context + ")";
    }
}
