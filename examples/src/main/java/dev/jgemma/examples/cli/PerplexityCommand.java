package dev.jgemma.examples.cli;

import dev.jgemma.chat.Gemma;
import dev.jgemma.core.Gemma2Model;
import dev.jgemma.core.ModelOptions;
import dev.jgemma.core.SlidingWindow;
import dev.jgemma.core.eval.EvalOptions;
import dev.jgemma.core.eval.Perplexity;
import dev.jgemma.core.eval.PerplexityResult;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;

/**
 * {@code gemma perplexity}: perplexity over a text file, optionally for several sliding-window
 * sizes (the Gemma-2 report's ablation: the window can change at inference time with little
 * effect on perplexity).
 */
final class PerplexityCommand implements Command {
    @Override
    public String name() {
        return "perplexity";
    }

    @Override
    public String summary() {
        return "perplexity over a text file, optionally for several sliding-window sizes";
    }

    @Override
    public String usage() {
        return "usage: gemma perplexity --model M --file text.txt [--context 2048] [--window N | --no-window | --windows 4096,2048,...] [--json]\n"
                + "  --model PATH       an HF checkpoint folder or a GGUF file\n"
                + EvalFlags.USAGE
                + "  --windows N,...    evaluate with each sliding-window size and print a table with the\n"
                + "                     change from the checkpoint's own window (\"off\" = all layers global)\n"
                + ModelFlags.USAGE;
    }

    @Override
    public Set<String> valuedFlags() {
        return EvalFlags.valued("model", "windows");
    }

    @Override
    public Set<String> switches() {
        return EvalFlags.switches();
    }

    /** One evaluated window policy. */
    private record Row(String window, PerplexityResult result) { }

    @Override
    public int run(Args args, PrintStream out, PrintStream err) throws IOException {
        if (args.has("windows") && (args.has("window") || args.has("no-window"))) {
            throw new CliException("perplexity: --windows excludes --window and --no-window");
        }
        String text = EvalFlags.text(args);
        List<Row> rows = new ArrayList<>();
        EvalOptions options;
        int tokens;
        try (Gemma gemma = ChatFlags.load(args)) {
            int[] ids = gemma.tokenizer().encode(text);
            tokens = ids.length;
            options = EvalFlags.options(args, gemma.tokenizer().bosId());
            Gemma2Model model = gemma.model();
            String own = args.has("no-window") ? "off" : args.has("window") ? args.string("window", "") : "checkpoint";
            rows.add(new Row(own, evaluate(model, ids, options, err, own)));
            if (args.has("windows")) {
                Path path = args.existing("model");
                ModelOptions base = model.options();
                for (String w : args.string("windows", "").split(",")) {
                    String label = w.trim();
                    SlidingWindow policy = parseWindow(label);
                    try (Gemma2Model m = Gemma2Model.load(path, base.slidingWindow(policy))) {
                        rows.add(new Row(label, evaluate(m, ids, options, err, label)));
                    }
                }
            }
        } catch (IllegalArgumentException e) {
            throw new CliException("perplexity: " + e.getMessage());
        }
        print(args, out, rows, options, tokens);
        return 0;
    }

    private static PerplexityResult evaluate(Gemma2Model model, int[] ids, EvalOptions options, PrintStream err, String label) {
        return Perplexity.evaluate(model, ids, options, EvalFlags.progress(err, "window " + label));
    }

    static SlidingWindow parseWindow(String label) {
        if (label.equalsIgnoreCase("off") || label.equalsIgnoreCase("none")) {
            return SlidingWindow.disabled();
        }
        try {
            int w = Integer.parseInt(label);
            if (w < 1) {
                throw new NumberFormatException();
            }
            return SlidingWindow.of(w);
        } catch (NumberFormatException e) {
            throw new CliException("perplexity: --windows needs positive integers or 'off', got '" + label + "'");
        }
    }

    private static void print(Args args, PrintStream out, List<Row> rows, EvalOptions options, int textTokens) {
        double reference = rows.getFirst().result().perplexity();
        if (args.has("json")) {
            StringJoiner results = new StringJoiner(",", "[", "]");
            for (Row r : rows) {
                PerplexityResult p = r.result();
                results.add("{\"window\":" + EvalFlags.json(r.window()) + ",\"tokens_scored\":" + p.tokens()
                        + ",\"mean_nll\":" + EvalFlags.num(p.meanNll()) + ",\"mean_nll_stderr\":" + EvalFlags.num(p.meanNllStdErr())
                        + ",\"perplexity\":" + EvalFlags.num(p.perplexity()) + ",\"perplexity_stderr\":" + EvalFlags.num(p.perplexityStdErr())
                        + ",\"delta_perplexity\":" + EvalFlags.num(p.perplexity() - reference)
                        + ",\"tokens_per_second\":" + EvalFlags.num(p.tokensPerSecond()) + "}");
            }
            out.println("{\"model\":" + EvalFlags.json(args.string("model", "")) + ",\"file\":" + EvalFlags.json(args.string("file", ""))
                    + ",\"text_tokens\":" + textTokens + ",\"context\":" + options.context() + ",\"method\":"
                    + EvalFlags.json(options.method().name().toLowerCase(java.util.Locale.ROOT))
                    + (options.method() == EvalOptions.Method.STRIDED ? ",\"stride\":" + options.stride() : "")
                    + ",\"results\":" + results + "}");
            return;
        }
        out.printf("%s: %d tokens, context %d, %s%n", args.string("file", ""), textTokens, options.context(),
                options.method() == EvalOptions.Method.STRIDED ? "strided (stride " + options.stride() + ")" : "llama.cpp method");
        out.printf("%-12s %12s %12s %10s %12s %10s%n", "window", "perplexity", "+/-", "delta", "mean NLL", "tokens/s");
        for (Row r : rows) {
            PerplexityResult p = r.result();
            out.printf("%-12s %12.4f %12.4f %+10.4f %12.5f %10.1f%n", r.window(), p.perplexity(), p.perplexityStdErr(),
                    p.perplexity() - reference, p.meanNll(), p.tokensPerSecond());
        }
        if (rows.size() == 1) {
            PerplexityResult p = rows.getFirst().result();
            out.printf("scored %d tokens%n", p.tokens());
        }
    }
}
