package dev.jgemma.examples.cli;

import dev.jgemma.core.Gemma2Config;
import dev.jgemma.core.Gemma2Model;
import dev.jgemma.core.format.GgufFile;
import dev.jgemma.core.tensor.Tensor;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;

/** {@code gemma info}: the config and the tensor list with types and shapes. */
final class InfoCommand implements Command {
    @Override
    public String name() {
        return "info";
    }

    @Override
    public String summary() {
        return "print a model's config and tensors";
    }

    @Override
    public String usage() {
        return "usage: gemma info --model <dir|file.gguf> [--metadata]\n"
                + "  --model PATH       an HF checkpoint folder or a GGUF file\n"
                + "  --metadata         also list every GGUF metadata key\n";
    }

    @Override
    public Set<String> valuedFlags() {
        return Set.of("model");
    }

    @Override
    public Set<String> switches() {
        return Set.of("metadata");
    }

    @Override
    public int run(Args args, PrintStream out, PrintStream err) {
        Path path = args.existing("model");
        try (Gemma2Model model = Gemma2Model.load(path, dev.jgemma.core.ModelOptions.defaults().threads(1))) {
            Gemma2Config c = model.config();
            out.println("model:        " + path);
            out.println("format:       " + model.format());
            out.printf("parameters:   %,d (%,d bytes mapped)%n", model.parameterCount(), model.mappedBytes());
            out.println("vocab:        " + c.vocabSize());
            out.println("hidden:       " + c.hiddenSize());
            out.println("layers:       " + c.numLayers());
            out.println("heads:        " + c.numHeads() + " query, " + c.numKvHeads() + " key/value, head_dim " + c.headDim());
            out.println("intermediate: " + c.intermediateSize());
            out.println("windows:      " + Arrays.toString(model.layerWindows()) + " (0 = global)");
            out.println("query scale:  " + c.queryScale());
            out.println("soft-caps:    attention " + c.attnSoftcap() + ", final " + c.finalSoftcap());
            out.println("rope theta:   " + c.ropeTheta());
            out.println("rms eps:      " + c.rmsNormEps());
            out.println("max context:  " + c.maxPositions());
            out.println("backend:      " + model.backend());
            if (args.has("metadata") && model.tensors() instanceof GgufFile gguf) {
                out.println("metadata:");
                gguf.metadata().forEach((k, v) -> out.println("  " + k + " = " + v.value()));
            }
            out.println("tensors:");
            for (Tensor t : model.tensors().tensors()) {
                out.printf("  %-48s %-5s %s%n", t.name(), t.type(), Arrays.toString(t.shape()));
            }
        }
        return 0;
    }
}
