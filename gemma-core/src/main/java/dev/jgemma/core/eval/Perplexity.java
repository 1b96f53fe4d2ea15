package dev.jgemma.core.eval;

import dev.jgemma.core.Gemma2Model;
import dev.jgemma.core.Session;
import java.util.Arrays;
import java.util.List;

/**
 * Perplexity of a model over a token stream, from the final soft-capped logits. The sliding window
 * in force is the model's ({@code ModelOptions.slidingWindow}), so loading the same file with
 * several windows reproduces the Gemma-2 report's ablation.
 *
 * <pre>{@code
 * try (Gemma2Model model = Gemma2Model.load(path)) {
 *     int[] text = tokenizer.encode(Files.readString(file));
 *     PerplexityResult r = Perplexity.evaluate(model, text, EvalOptions.strided(2048, 2), ProgressListener.NONE);
 *     System.out.printf("ppl %.3f +/- %.3f%n", r.perplexity(), r.perplexityStdErr());
 * }
 * }</pre>
 */
public final class Perplexity {
    private Perplexity() {
    }

    /**
     * @param model the model
     * @param text the token stream (without {@code <bos>}; {@link EvalOptions#bosId()} adds it)
     * @param options windowing
     * @param progress told after each window
     * @return mean NLL, perplexity and their standard errors
     * @throws IllegalArgumentException if the text is too short for the options or the context
     *     exceeds the model's
     */
    public static PerplexityResult evaluate(Gemma2Model model, int[] text, EvalOptions options, ProgressListener progress) {
        checkContext(model, options);
        List<Windows.Window> windows = Windows.plan(text, options);
        RunningStats stats = new RunningStats();
        long fed = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < windows.size(); i++) {
            Windows.Window w = windows.get(i);
            int[] tokens = w.tokens();
            Session s = model.newSession();
            // The last token's logits predict nothing inside the window: it is not fed.
            s.prefill(Arrays.copyOf(tokens, tokens.length - 1), w.firstTarget() - 1,
                    (pos, row) -> stats.add(LogProbs.nll(row, tokens[pos + 1])));
            fed += tokens.length;
            progress.progress(i + 1, windows.size(), stats.count());
        }
        return stats.toPerplexity(fed / Math.max(1e-9, (System.nanoTime() - t0) / 1e9));
    }

    static void checkContext(Gemma2Model model, EvalOptions options) {
        if (options.context() > model.maxContext()) {
            throw new IllegalArgumentException("context " + options.context() + " exceeds the model's maximum of " + model.maxContext());
        }
    }
}
