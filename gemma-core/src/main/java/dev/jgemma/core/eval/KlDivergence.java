package dev.jgemma.core.eval;

import dev.jgemma.core.Gemma2Model;
import dev.jgemma.core.Session;
import java.util.Arrays;
import java.util.List;

/**
 * KL divergence between two models that share a vocabulary (a teacher or base model and a student
 * or quantized one) on the same tokens: the quantity Gemma-2's distillation minimises, and the
 * right way to judge what a quantized file loses. Both models run in this process, a few
 * positions at a time, so memory stays bounded whatever the text length: only one small block of
 * logits rows per model and one double per scored token are held.
 *
 * <pre>{@code
 * try (Gemma2Model base = Gemma2Model.load(f32); Gemma2Model test = Gemma2Model.load(q4)) {
 *     KlDivergenceResult r = KlDivergence.evaluate(base, test, tokens, EvalOptions.strided(2048, 2), ProgressListener.NONE);
 * }
 * }</pre>
 */
public final class KlDivergence {
    private static final int BLOCK = 16;

    private KlDivergence() {
    }

    /**
     * @param base the reference model (P)
     * @param test the model compared with it (Q)
     * @param text the token stream (without {@code <bos>}; the options add it)
     * @param options windowing, as for {@link Perplexity}
     * @param progress told after each window
     * @return KL(P || Q) statistics, top-1 agreement and both perplexities
     * @throws IllegalArgumentException if the vocabularies differ or the text is too short
     */
    public static KlDivergenceResult evaluate(Gemma2Model base, Gemma2Model test, int[] text, EvalOptions options,
                                              ProgressListener progress) {
        int vocab = base.config().vocabSize();
        if (test.config().vocabSize() != vocab) {
            throw new IllegalArgumentException("the models' vocabularies differ: " + base.path() + " has " + vocab + " tokens, "
                    + test.path() + " has " + test.config().vocabSize());
        }
        Perplexity.checkContext(base, options);
        Perplexity.checkContext(test, options);
        List<Windows.Window> windows = Windows.plan(text, options);
        RunningStats kl = new RunningStats();
        RunningStats nllBase = new RunningStats();
        RunningStats nllTest = new RunningStats();
        double[] all = new double[Math.toIntExact(windows.stream().mapToLong(Windows.Window::targets).sum())];
        long agree = 0;
        float[] rowsBase = new float[BLOCK * vocab];
        float[] rowsTest = new float[BLOCK * vocab];
        float[] p = new float[vocab];
        float[] q = new float[vocab];
        long fed = 0;
        long t0 = System.nanoTime();
        for (int wi = 0; wi < windows.size(); wi++) {
            Windows.Window w = windows.get(wi);
            int[] tokens = w.tokens();
            int[] input = Arrays.copyOf(tokens, tokens.length - 1);
            Session sb = base.newSession();
            Session st = test.newSession();
            for (int from = 0; from < input.length; from += BLOCK) {
                int to = Math.min(input.length, from + BLOCK);
                int[] block = Arrays.copyOfRange(input, from, to);
                int logitsFrom = Math.clamp(w.firstTarget() - 1 - from, 0, block.length);
                int base0 = from + logitsFrom;
                sb.prefill(block, logitsFrom, (pos, row) -> System.arraycopy(row, 0, rowsBase, (pos - base0) * vocab, vocab));
                st.prefill(block, logitsFrom, (pos, row) -> System.arraycopy(row, 0, rowsTest, (pos - base0) * vocab, vocab));
                for (int pos = base0; pos < to; pos++) {
                    System.arraycopy(rowsBase, (pos - base0) * vocab, p, 0, vocab);
                    System.arraycopy(rowsTest, (pos - base0) * vocab, q, 0, vocab);
                    int target = tokens[pos + 1];
                    double d = LogProbs.kl(p, q);
                    all[(int) kl.count()] = d;
                    kl.add(d);
                    nllBase.add(LogProbs.nll(p, target));
                    nllTest.add(LogProbs.nll(q, target));
                    if (LogProbs.argmax(p) == LogProbs.argmax(q)) {
                        agree++;
                    }
                }
            }
            fed += tokens.length;
            progress.progress(wi + 1, windows.size(), kl.count());
        }
        double seconds = Math.max(1e-9, (System.nanoTime() - t0) / 1e9);
        Arrays.sort(all);
        return new KlDivergenceResult(kl.count(), kl.mean(), kl.stdErr(), percentile(all, 0.5), percentile(all, 0.99),
                all.length == 0 ? 0 : all[all.length - 1], kl.count() == 0 ? 0 : (double) agree / kl.count(),
                nllBase.toPerplexity(fed / seconds), nllTest.toPerplexity(fed / seconds));
    }

    /** Linear interpolation between closest ranks, as numpy's default. */
    static double percentile(double[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        double rank = q * (sorted.length - 1);
        int lo = (int) Math.floor(rank);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (rank - lo) * (sorted[hi] - sorted[lo]);
    }
}
