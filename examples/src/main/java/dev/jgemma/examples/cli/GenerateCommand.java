package dev.jgemma.examples.cli;

import dev.jgemma.chat.Conversation;
import dev.jgemma.chat.Gemma;
import dev.jgemma.chat.GenerationSettings;
import dev.jgemma.chat.Message;
import dev.jgemma.chat.Reply;
import dev.jgemma.core.Gemma2Model;
import dev.jgemma.core.Session;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;

/**
 * {@code gemma generate}: one-shot generation for scripts. Three inputs:
 * <ul>
 *   <li>{@code --prompt TEXT}: continues the text; with {@code --chat}, answers it as a user
 *       message in the chat format (optionally after {@code --system TEXT});
 *   <li>{@code --messages FILE}: a JSON array of {@code {"role", "content"}} messages ending with
 *       a user message; prints the model's next reply;
 *   <li>{@code --tokens IDS}: raw token ids, greedy, prints the generated ids (no chat format, no
 *       stop token).
 * </ul>
 * The reply text goes to stdout exactly, followed by one newline unless it ends with one; logs go
 * to stderr.
 */
final class GenerateCommand implements Command {
    static final int RAW_DEFAULT_TOKENS = 16;

    @Override
    public String name() {
        return "generate";
    }

    @Override
    public String summary() {
        return "generate a continuation or a chat reply (for scripts)";
    }

    @Override
    public String usage() {
        return "usage: gemma generate --model <dir|file.gguf> --prompt TEXT [--chat [--system TEXT]] [flags]\n"
                + "       gemma generate --model <dir|file.gguf> --messages FILE.json [--system TEXT] [flags]\n"
                + "       gemma generate --model <dir|file.gguf> --tokens 2,651 [--max-tokens 16] --greedy --print-ids\n"
                + "  --model PATH       an HF checkpoint folder or a GGUF file\n"
                + "  --prompt TEXT      text to continue, or with --chat a user message to answer\n"
                + "  --chat             use the Gemma chat format for --prompt\n"
                + "  --system TEXT      instructions folded into the first user message (chat only)\n"
                + "  --messages FILE    JSON array of {\"role\": \"user\"|\"model\"|\"assistant\"|\"system\", \"content\": ...}\n"
                + "                     ending with a user message; prints the model's next reply\n"
                + "  --tokens IDS       comma-separated prompt token ids (raw mode: no chat template, no stop token;\n"
                + "                     --max-tokens defaults to " + RAW_DEFAULT_TOKENS + ")\n"
                + "  --print-ids        print the generated ids, space-separated, on one line, instead of the text\n"
                + "  --stats            print the finish reason and token counts to stderr\n"
                + ChatFlags.USAGE
                + ModelFlags.USAGE;
    }

    @Override
    public Set<String> valuedFlags() {
        return ChatFlags.valued(ModelFlags.valued("model", "tokens", "prompt", "messages", "system"));
    }

    @Override
    public Set<String> switches() {
        return ChatFlags.switches(ModelFlags.switches("print-ids", "chat", "stats"));
    }

    @Override
    public int run(Args args, PrintStream out, PrintStream err) throws IOException {
        int inputs = (args.has("tokens") ? 1 : 0) + (args.has("prompt") ? 1 : 0) + (args.has("messages") ? 1 : 0);
        if (inputs != 1) {
            throw new CliException("generate: give exactly one of --prompt, --messages or --tokens");
        }
        if (args.has("tokens")) {
            return raw(args, out);
        }
        return text(args, out, err);
    }

    /** Raw mode, unchanged since the first release: greedy ids in, ids out. */
    private int raw(Args args, PrintStream out) {
        for (String f : ChatFlags.SAMPLING) {
            if (args.has(f)) {
                throw new CliException("generate: --" + f + " applies to --prompt and --messages, not to raw --tokens");
            }
        }
        for (String f : List.of("chat", "system", "tokenizer", "stats")) {
            if (args.has(f)) {
                throw new CliException("generate: --" + f + " applies to --prompt and --messages, not to raw --tokens");
            }
        }
        var modelPath = args.existing("model");
        int[] prompt = args.intList("tokens");
        int max = args.integer("max-tokens", RAW_DEFAULT_TOKENS);
        if (max < 0) {
            throw new CliException("generate: --max-tokens must be >= 0");
        }
        if (!args.has("greedy")) {
            throw new CliException("generate: raw --tokens mode samples greedily only: add --greedy");
        }
        try (Gemma2Model model = Gemma2Model.load(modelPath, ModelFlags.options(args))) {
            Session session = model.newSession();
            StringJoiner ids = new StringJoiner(" ");
            if (max > 0) {
                float[] logits = session.prefill(prompt);
                for (int i = 0; i < max; i++) {
                    int next = Session.argmax(logits);
                    ids.add(Integer.toString(next));
                    if (i + 1 < max) {
                        logits = session.decode(next);
                    }
                }
            }
            out.println(ids);
        }
        return 0;
    }

    private int text(Args args, PrintStream out, PrintStream err) throws IOException {
        boolean chat = args.has("chat") || args.has("messages");
        if (args.has("system") && !chat) {
            throw new CliException("generate: --system needs --chat (or --messages)");
        }
        GenerationSettings settings = ChatFlags.settings(args);
        List<Message> messages = args.has("messages") ? readMessages(args) : null;
        Reply reply;
        try (Gemma gemma = ChatFlags.load(args)) {
            if (!chat) {
                reply = gemma.complete(args.required("prompt"), settings);
            } else {
                Conversation c = gemma.chat().settings(settings);
                if (args.has("system")) {
                    c.system(args.required("system"));
                }
                String last;
                if (messages != null) {
                    try {
                        c.add(messages.subList(0, messages.size() - 1));
                    } catch (IllegalArgumentException e) {
                        throw new CliException("generate: --messages " + args.required("messages") + ": " + e.getMessage());
                    }
                    last = messages.getLast().content();
                } else {
                    last = args.required("prompt");
                }
                reply = c.send(last);
            }
        }
        if (args.has("print-ids")) {
            StringJoiner ids = new StringJoiner(" ");
            reply.tokens().forEach(t -> ids.add(t.toString()));
            out.println(ids);
        } else {
            out.print(reply.text());
            if (!reply.text().endsWith("\n")) {
                out.println();
            }
        }
        out.flush();
        if (args.has("stats")) {
            err.println("finish: " + reply.finishReason() + "; " + reply.usage());
        }
        return 0;
    }

    private static List<Message> readMessages(Args args) throws IOException {
        var file = args.existing("messages");
        List<Message> messages;
        try {
            messages = Message.listFromJson(Files.readString(file));
        } catch (dev.jgemma.chat.ConversationFormatException e) {
            throw new CliException("generate: --messages " + file + ": " + e.getMessage());
        }
        if (messages.isEmpty() || messages.getLast().role() != Message.Role.USER) {
            throw new CliException("generate: --messages " + file + ": the messages must end with a user message");
        }
        if (args.has("system") && messages.getFirst().role() == Message.Role.SYSTEM) {
            throw new CliException("generate: --system and a system message in --messages exclude each other");
        }
        return messages;
    }
}
