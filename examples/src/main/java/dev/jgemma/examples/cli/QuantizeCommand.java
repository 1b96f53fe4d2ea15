package dev.jgemma.examples.cli;

import dev.jgemma.chat.Gemma;
import dev.jgemma.chat.GgufVocabulary;
import dev.jgemma.core.GgufQuantizer;
import dev.jgemma.core.Quantization;
import dev.jgemma.core.tensor.TensorType;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.StringJoiner;
import java.util.stream.Collectors;

/**
 * {@code gemma quantize}: writes a quantized GGUF (llama-quantize's per-tensor types and bytes)
 * from an HF checkpoint folder or a GGUF file, streaming, with a progress bar on a terminal.
 */
final class QuantizeCommand implements Command {
    @Override
    public String name() {
        return "quantize";
    }

    @Override
    public String summary() {
        return "write a quantized GGUF (q8_0, q4_0, q4_k, q6_k, q4_k_m) that llama.cpp also reads";
    }

    @Override
    public String usage() {
        return "usage: gemma quantize --model <dir|file.gguf> --type " + types() + " --out FILE.gguf [--threads N]\n"
                + "  --model PATH       an HF checkpoint folder or a GGUF file (F32, F16 or BF16 weights)\n"
                + "  --type SCHEME      q8_0: every matrix Q8_0\n"
                + "                     q4_0: matrices Q4_0, token embedding Q6_K (as llama-quantize)\n"
                + "                     q4_k: every matrix Q4_K (llama-quantize --pure Q4_K)\n"
                + "                     q6_k: every matrix Q6_K\n"
                + "                     q4_k_m: llama.cpp's Q4_K_M mixture (Q6_K for the embedding and some attn_v/ffn_down)\n"
                + "  --out FILE         the GGUF to write; replaced only once complete\n"
                + "  --threads N        conversion threads (default: all processors)\n"
                + "  --tokenizer FILE   for an HF folder: the vocabulary to embed (default: the folder's\n"
                + "                     tokenizer.json or tokenizer.model; GGUF input keeps its own)\n";
    }

    private static String types() {
        return Arrays.stream(Quantization.values()).map(Quantization::id).collect(Collectors.joining("|"));
    }

    @Override
    public Set<String> valuedFlags() {
        return Set.of("model", "type", "out", "threads", "tokenizer");
    }

    @Override
    public int run(Args args, PrintStream out, PrintStream err) {
        Path model = args.existing("model");
        Quantization scheme;
        try {
            scheme = Quantization.parse(args.required("type"));
        } catch (IllegalArgumentException e) {
            throw new CliException("quantize: --type: " + e.getMessage());
        }
        Path target = Path.of(args.required("out")).toAbsolutePath();
        if (target.getParent() == null || !Files.isDirectory(target.getParent())) {
            throw new CliException("quantize: --out " + target + ": no such folder " + target.getParent());
        }
        if (Files.isDirectory(target)) {
            throw new CliException("quantize: --out " + target + " is a folder, expected a file name");
        }
        int threads = args.integer("threads", Runtime.getRuntime().availableProcessors());
        if (threads < 1) {
            throw new CliException("quantize: --threads must be at least 1");
        }
        ProgressBar bar = new ProgressBar(err, "quantizing");
        long start = System.nanoTime();
        GgufQuantizer quantizer = GgufQuantizer.to(scheme).threads(threads).progress((tensor, done, total) -> bar.update(done, total));
        boolean withVocabulary = false;
        if (Files.isDirectory(model)) {
            Path tokenizer = args.has("tokenizer") ? args.existing("tokenizer") : model;
            if (args.has("tokenizer") || Files.isRegularFile(model.resolve("tokenizer.json"))
                    || Files.isRegularFile(model.resolve("tokenizer.model"))) {
                quantizer = quantizer.vocabulary(GgufVocabulary.of(Gemma.loadTokenizer(tokenizer), model));
                withVocabulary = true;
            }
        }
        GgufQuantizer.Result r = quantizer.quantize(model, target);
        StringJoiner types = new StringJoiner(", ");
        r.typeCounts().forEach((TensorType t, Integer n) -> types.add(t + " x" + n));
        out.printf("wrote %s: %d tensors (%s), %.1f MiB in %.1f s%n", r.file(), r.tensorCount(), types,
                r.bytes() / 1048576.0, (System.nanoTime() - start) / 1e9);
        if (Files.isDirectory(model) && !withVocabulary) {
            err.println("note: " + model + " has no tokenizer.json or tokenizer.model, so the GGUF has no vocabulary "
                    + "(tokenizer.ggml.model = \"none\"); give one with --tokenizer FILE");
        }
        return 0;
    }
}
