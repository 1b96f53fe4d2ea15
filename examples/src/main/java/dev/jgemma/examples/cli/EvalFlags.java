package dev.jgemma.examples.cli;

import dev.jgemma.core.eval.EvalOptions;
import dev.jgemma.core.format.Json;
import dev.jgemma.core.eval.ProgressListener;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/** What {@code perplexity} and {@code kld} share: the text file, windowing flags and JSON output. */
final class EvalFlags {
    static final Set<String> VALUED = Set.of("file", "context", "stride", "method", "tokenizer");
    static final Set<String> SWITCHES = Set.of("json");

    /** The valued flags of an evaluation command: the model flags, these, and {@code more}. */
    static Set<String> valued(String... more) {
        Set<String> s = new java.util.HashSet<>(ModelFlags.valued(more));
        s.addAll(VALUED);
        return Set.copyOf(s);
    }

    /** The switches of an evaluation command: the model switches and these. */
    static Set<String> switches() {
        Set<String> s = new java.util.HashSet<>(ModelFlags.switches());
        s.addAll(SWITCHES);
        return Set.copyOf(s);
    }
    static final String USAGE = "  --file TEXT        a UTF-8 text file, tokenized with the model's tokenizer\n"
            + "  --context N        tokens per evaluation window, <bos> included (default 2048)\n"
            + "  --method M         strided (default: overlapping windows, every token scored once, with\n"
            + "                     up to context - stride tokens of history) or llama (llama.cpp's method:\n"
            + "                     non-overlapping chunks, second half of each scored; comparable figures)\n"
            + "  --stride N         distance between strided windows (default: half the context)\n"
            + "  --tokenizer FILE   tokenizer.json, tokenizer.model or .gguf (default: the model's own)\n"
            + "  --json             one JSON object on stdout instead of a table\n";

    private EvalFlags() {
    }

    /** Reads the text file, rejecting empty and non-UTF-8 files with a one-line error. */
    static String text(Args args) throws IOException {
        Path file = args.existing("file");
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length == 0) {
            throw new CliException(args.command() + ": " + file + " is empty");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (MalformedInputException e) {
            throw new CliException(args.command() + ": " + file + " is not UTF-8 text (invalid bytes near byte offset "
                    + firstBadByte(bytes) + ")");
        } catch (CharacterCodingException e) {
            throw new CliException(args.command() + ": " + file + " is not UTF-8 text");
        }
    }

    private static int firstBadByte(byte[] bytes) {
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        var out = java.nio.CharBuffer.allocate(bytes.length + 1);
        decoder.decode(in, out, true);
        return in.position();
    }

    static EvalOptions options(Args args, int bosId) {
        int context = args.integer("context", 2048);
        if (context < 4) {
            throw new CliException(args.command() + ": --context must be at least 4");
        }
        try {
            return switch (args.string("method", "strided").toLowerCase(Locale.ROOT)) {
                case "strided" -> args.has("stride")
                        ? new EvalOptions(context, args.integer("stride", 1), EvalOptions.Method.STRIDED, bosId)
                        : EvalOptions.strided(context, bosId);
                case "llama", "llama.cpp", "llama_cpp" -> {
                    if (args.has("stride")) {
                        throw new CliException(args.command() + ": --stride applies to --method strided only");
                    }
                    yield EvalOptions.llamaCpp(context, bosId);
                }
                default -> throw new CliException(args.command() + ": --method must be strided or llama");
            };
        } catch (IllegalArgumentException e) {
            throw new CliException(args.command() + ": " + e.getMessage());
        }
    }

    static ProgressListener progress(PrintStream err, String label) {
        ProgressBar bar = new ProgressBar(err, label);
        return (done, total, tokens) -> bar.update(done, total);
    }

    static String json(String s) {
        return Json.quote(s);
    }

    static String num(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "null";
    }
}
