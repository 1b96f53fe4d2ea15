package dev.jgemma.examples.cli;

import dev.jgemma.core.merge.CheckpointMerge;
import dev.jgemma.core.merge.MergeMethod;
import dev.jgemma.core.tensor.TensorType;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** {@code gemma merge}: weighted average or SLERP of same-architecture checkpoints. */
final class MergeCommand implements Command {
    @Override
    public String name() {
        return "merge";
    }

    @Override
    public String summary() {
        return "merge checkpoints tensor by tensor (linear average or SLERP)";
    }

    @Override
    public String usage() {
        return "usage: gemma merge --out DIR|FILE.gguf IN1 IN2 [IN3...] [--weights 0.5,0.3,0.2] [--method linear|slerp] [--type T]\n"
                + "  IN...              HF checkpoint folders, or GGUF files, of one architecture\n"
                + "  --out DIR|F.gguf   the merged HF folder (HF inputs) or GGUF file (GGUF inputs); must not exist\n"
                + "  --weights W,...    one weight per input, normalised to sum 1 (default: equal)\n"
                + "  --method M         linear (default) or slerp (two inputs; t = second weight / sum, default 0.5)\n"
                + "  --type T           matrices' output type: f32, f16, bf16; for GGUF also q8_0, q4_0, q4_k, q6_k, ...\n"
                + "                     (default: the first input's; quantized inputs give f32)\n";
    }

    @Override
    public Set<String> valuedFlags() {
        return Set.of("out", "weights", "method", "type");
    }

    @Override
    public int run(Args args, PrintStream out, PrintStream err) {
        List<Path> inputs = args.positional().stream().map(Path::of).toList();
        if (inputs.size() < 2) {
            throw new CliException("merge: give at least two input checkpoints");
        }
        for (Path p : inputs) {
            if (!Files.exists(p)) {
                throw new CliException("merge: " + p + ": no such file or folder");
            }
        }
        Path target = Path.of(args.required("out"));
        double[] weights = new double[inputs.size()];
        Arrays.fill(weights, 1.0);
        if (args.has("weights")) {
            String[] parts = args.string("weights", "").split(",");
            if (parts.length != inputs.size()) {
                throw new CliException("merge: --weights has " + parts.length + " values for " + inputs.size() + " inputs");
            }
            for (int i = 0; i < parts.length; i++) {
                try {
                    weights[i] = Double.parseDouble(parts[i].trim());
                } catch (NumberFormatException e) {
                    throw new CliException("merge: --weights needs numbers, got '" + parts[i] + "'");
                }
            }
        }
        MergeMethod method = switch (args.string("method", "linear").toLowerCase(Locale.ROOT)) {
            case "linear" -> MergeMethod.linear(weights);
            case "slerp" -> {
                if (inputs.size() != 2) {
                    throw new CliException("merge: slerp merges exactly two inputs");
                }
                yield MergeMethod.slerp(weights[1] / (weights[0] + weights[1]));
            }
            default -> throw new CliException("merge: --method must be linear or slerp");
        };
        TensorType type = null;
        if (args.has("type")) {
            String name = args.string("type", "");
            try {
                type = TensorType.valueOf(name.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new CliException("merge: --type " + name + " is not a tensor type (f32, f16, bf16, q8_0, q4_0, q4_k, ...)");
            }
        }
        if (Files.exists(target)) {
            throw new CliException("merge: --out " + target + " already exists");
        }
        ProgressBar bar = new ProgressBar(err, "merging");
        CheckpointMerge.merge(inputs, method, target, type, (done, total, n) -> bar.update(done, total));
        err.println("merged " + inputs.size() + " checkpoints (" + method + ") into " + target);
        return 0;
    }
}
