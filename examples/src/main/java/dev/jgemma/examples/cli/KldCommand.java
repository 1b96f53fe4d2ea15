package dev.jgemma.examples.cli;

import dev.jgemma.chat.Gemma;
import dev.jgemma.core.Gemma2Model;
import dev.jgemma.core.eval.EvalOptions;
import dev.jgemma.core.eval.KlDivergence;
import dev.jgemma.core.eval.KlDivergenceResult;
import dev.jgemma.core.eval.PerplexityResult;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;

/**
 * {@code gemma kld}: KL divergence of a test model (quantized, distilled, merged...) from a base
 * model on the same text, like llama.cpp's {@code --kl-divergence}; both models run in this
 * process with bounded memory.
 */
final class KldCommand implements Command {
    @Override
    public String name() {
        return "kld";
    }

    @Override
    public String summary() {
        return "KL divergence of a model from a base model on a text file";
    }

    @Override
    public String usage() {
        return "usage: gemma kld --base M1 --model M2 --file text.txt [--context 2048] [--json]\n"
                + "  --base PATH        the reference model (P): a GGUF file or an HF folder\n"
                + "  --model PATH       the model compared with it (Q), same vocabulary\n"
                + EvalFlags.USAGE
                + ModelFlags.USAGE;
    }

    @Override
    public Set<String> valuedFlags() {
        return EvalFlags.valued("model", "base");
    }

    @Override
    public Set<String> switches() {
        return EvalFlags.switches();
    }

    @Override
    public int run(Args args, PrintStream out, PrintStream err) throws IOException {
        Path basePath = args.existing("base");
        Path testPath = args.existing("model");
        String text = EvalFlags.text(args);
        KlDivergenceResult r;
        EvalOptions options;
        try (Gemma gemma = ChatFlags.load(args);
             Gemma2Model base = Gemma2Model.load(basePath, gemma.model().options())) {
            int[] ids = gemma.tokenizer().encode(text);
            options = EvalFlags.options(args, gemma.tokenizer().bosId());
            if (base.config().vocabSize() != gemma.model().config().vocabSize()) {
                throw new CliException("kld: the vocabularies differ: " + basePath + " has " + base.config().vocabSize()
                        + " tokens, " + testPath + " has " + gemma.model().config().vocabSize());
            }
            r = KlDivergence.evaluate(base, gemma.model(), ids, options, EvalFlags.progress(err, "kld"));
        } catch (IllegalArgumentException e) {
            throw new CliException("kld: " + e.getMessage());
        }
        if (args.has("json")) {
            out.println("{\"base\":" + EvalFlags.json(basePath.toString()) + ",\"model\":" + EvalFlags.json(testPath.toString())
                    + ",\"context\":" + options.context() + ",\"tokens_scored\":" + r.tokens()
                    + ",\"kl_mean\":" + EvalFlags.num(r.meanKl()) + ",\"kl_mean_stderr\":" + EvalFlags.num(r.meanKlStdErr())
                    + ",\"kl_median\":" + EvalFlags.num(r.medianKl()) + ",\"kl_p99\":" + EvalFlags.num(r.p99Kl())
                    + ",\"kl_max\":" + EvalFlags.num(r.maxKl()) + ",\"top1_agreement\":" + EvalFlags.num(r.top1Agreement())
                    + ",\"base_perplexity\":" + EvalFlags.num(r.base().perplexity())
                    + ",\"model_perplexity\":" + EvalFlags.num(r.test().perplexity()) + "}");
            return 0;
        }
        out.printf("KL(base || model) over %d tokens (context %d)%n", r.tokens(), options.context());
        out.printf("  mean    %.6f +/- %.6f nats%n", r.meanKl(), r.meanKlStdErr());
        out.printf("  median  %.6f%n  p99     %.6f%n  max     %.6f%n", r.medianKl(), r.p99Kl(), r.maxKl());
        out.printf("  top-1 agreement  %.4f%n", r.top1Agreement());
        print(out, "base", r.base());
        print(out, "model", r.test());
        return 0;
    }

    private static void print(PrintStream out, String label, PerplexityResult p) {
        out.printf("  %-5s perplexity %.4f +/- %.4f%n", label, p.perplexity(), p.perplexityStdErr());
    }
}
