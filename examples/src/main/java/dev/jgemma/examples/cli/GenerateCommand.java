package dev.jgemma.examples.cli;

import dev.jgemma.core.Gemma2Model;
import dev.jgemma.core.Session;
import java.io.PrintStream;
import java.util.Set;
import java.util.StringJoiner;

/**
 * {@code gemma generate}: greedy continuation of raw token ids (with {@code --tokens}); it does
 * not stop at end-of-turn tokens when given raw ids.
 */
final class GenerateCommand implements Command {
    @Override
    public String name() {
        return "generate";
    }

    @Override
    public String summary() {
        return "generate a continuation";
    }

    @Override
    public String usage() {
        return "usage: gemma generate --model <dir|file.gguf> --tokens 2,651 [--max-tokens 16] --greedy --print-ids\n"
                + "  --model PATH       an HF checkpoint folder or a GGUF file\n"
                + "  --tokens IDS       comma-separated prompt token ids (raw mode: no chat template, no stop token)\n"
                + "  --max-tokens N     tokens to generate (default 16)\n"
                + "  --greedy           always take the most likely token\n"
                + "  --print-ids        print the generated ids, space-separated, on one line\n"
                + ModelFlags.USAGE;
    }

    @Override
    public Set<String> valuedFlags() {
        return ModelFlags.valued("model", "tokens", "max-tokens");
    }

    @Override
    public Set<String> switches() {
        return ModelFlags.switches("greedy", "print-ids");
    }

    @Override
    public int run(Args args, PrintStream out, PrintStream err) {
        var modelPath = args.existing("model");
        int[] prompt = args.intList("tokens");
        int max = args.integer("max-tokens", 16);
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
}
