package dev.jgemma.examples.cli;

import dev.jgemma.chat.Gemma;
import dev.jgemma.chat.GenerationSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * The flags of the commands that talk to a model with text: the tokenizer and the generation
 * settings (--temperature, --top-k, --top-p, --min-p, --repeat-penalty, --seed, --max-tokens,
 * --stop, --greedy).
 */
final class ChatFlags {
    static final Set<String> VALUED = Set.of("tokenizer", "temperature", "top-k", "top-p", "min-p", "repeat-penalty", "seed",
            "max-tokens", "stop");
    static final Set<String> SWITCHES = Set.of("greedy");
    /** The sampling flags, which raw --tokens mode does not take. */
    static final Set<String> SAMPLING = Set.of("temperature", "top-k", "top-p", "min-p", "repeat-penalty", "seed", "stop");
    static final String USAGE = "  --tokenizer FILE   tokenizer.json, tokenizer.model or .gguf (default: the model's own)\n"
            + "  --max-tokens N     most new tokens per reply (default " + GenerationSettings.DEFAULT_MAX_TOKENS + ")\n"
            + "  --temperature T    0 = greedy (the default); 0.7 to 1 for varied replies\n"
            + "  --top-k K          sample among the K most likely tokens (0 = off)\n"
            + "  --top-p P          sample among the most likely tokens reaching probability P (1 = off)\n"
            + "  --min-p P          drop tokens less than P times as likely as the best (0 = off)\n"
            + "  --repeat-penalty R penalise the last 64 tokens (1 = off)\n"
            + "  --seed S           seed for reproducible sampling\n"
            + "  --stop TEXT        end the reply at TEXT (repeatable)\n"
            + "  --greedy           always take the most likely token (temperature 0)\n";

    private ChatFlags() {
    }

    /** Loads the model with the model flags and --tokenizer. */
    static Gemma load(Args args) {
        Path model = args.existing("model");
        Gemma.Builder b = Gemma.builder(model).options(ModelFlags.options(args));
        if (args.has("tokenizer")) {
            Path t = Path.of(args.required("tokenizer"));
            if (!Files.exists(t)) {
                throw new CliException(args.command() + ": --tokenizer " + t + ": no such file or folder");
            }
            b.tokenizer(t);
        }
        return b.build();
    }

    /** The generation settings the flags ask for, starting from the defaults. */
    static GenerationSettings settings(Args args) {
        String cmd = args.command();
        GenerationSettings s = GenerationSettings.defaults();
        if (args.has("greedy") && args.has("temperature") && args.number("temperature", 0) != 0) {
            throw new CliException(cmd + ": --greedy and --temperature exclude each other");
        }
        try {
            if (args.has("temperature")) {
                s = s.temperature(args.number("temperature", 0));
            }
            if (args.has("top-k")) {
                s = s.topK(args.integer("top-k", 0));
            }
            if (args.has("top-p")) {
                s = s.topP(args.number("top-p", 1));
            }
            if (args.has("min-p")) {
                s = s.minP(args.number("min-p", 0));
            }
            if (args.has("repeat-penalty")) {
                s = s.repetitionPenalty(args.number("repeat-penalty", 1));
            }
            if (args.has("seed")) {
                s = s.seed(seed(args));
            }
            if (args.has("max-tokens")) {
                s = s.maxTokens(args.integer("max-tokens", GenerationSettings.DEFAULT_MAX_TOKENS));
            }
            if (args.has("stop")) {
                s = s.stopStrings(args.all("stop"));
            }
        } catch (IllegalArgumentException e) {
            throw new CliException(cmd + ": " + e.getMessage());
        }
        return s;
    }

    private static long seed(Args args) {
        String v = args.required("seed");
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new CliException(args.command() + ": --seed needs an integer, got '" + v + "'");
        }
    }

    static Set<String> valued(Set<String> base, String... more) {
        java.util.Set<String> s = new java.util.HashSet<>(base);
        s.addAll(VALUED);
        s.addAll(java.util.List.of(more));
        return Set.copyOf(s);
    }

    static Set<String> switches(Set<String> base, String... more) {
        java.util.Set<String> s = new java.util.HashSet<>(base);
        s.addAll(SWITCHES);
        s.addAll(java.util.List.of(more));
        return Set.copyOf(s);
    }
}
