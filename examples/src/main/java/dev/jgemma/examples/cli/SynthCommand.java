package dev.jgemma.examples.cli;

import dev.jgemma.core.Gemma2Config;
import dev.jgemma.core.tensor.TensorType;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * {@code gemma synth}: writes a random-weight Gemma-2 GGUF of a real shape, so anyone can
 * benchmark (with {@code gemma bench} or llama.cpp's {@code llama-bench}) without downloading
 * weights.
 */
final class SynthCommand implements Command {
    private static final Set<String> TYPES = Set.of("f32", "f16", "bf16", "q8_0", "q4_0");

    @Override
    public String name() {
        return "synth";
    }

    @Override
    public String summary() {
        return "write a random-weight Gemma-2 GGUF of a real shape (for benchmarks)";
    }

    @Override
    public String usage() {
        return "usage: gemma synth --shape 2b|9b|27b|<config.json> --type f32|f16|bf16|q8_0|q4_0 --out FILE.gguf [--seed N]\n"
                + "  --shape S          2b, 9b, 27b (Gemma-2 release shapes) or an HF config.json\n"
                + "  --type T           storage type of the matrices (norms stay F32)\n"
                + "  --out FILE         the GGUF file to write (replaced if it exists)\n"
                + "  --seed N           random seed (default 1); equal seeds give identical files\n";
    }

    @Override
    public Set<String> valuedFlags() {
        return Set.of("shape", "type", "out", "seed");
    }

    @Override
    public int run(Args args, PrintStream out, PrintStream err) {
        SyntheticGguf.Shape shape = shape(args.required("shape"));
        String typeName = args.required("type").toLowerCase(Locale.ROOT);
        if (!TYPES.contains(typeName)) {
            throw new CliException("synth: --type must be one of f32, f16, bf16, q8_0, q4_0, got '" + typeName + "'");
        }
        TensorType type = TensorType.valueOf(typeName.toUpperCase(Locale.ROOT));
        for (int cols : new int[] {shape.hidden(), shape.heads() * shape.headDim(), shape.intermediate()}) {
            if (cols % type.blockSize() != 0) {
                throw new CliException("synth: a row of " + cols + " elements is not a whole number of " + type + " blocks ("
                        + type.blockSize() + ")");
            }
        }
        Path file = Path.of(args.required("out"));
        if (Files.isDirectory(file)) {
            throw new CliException("synth: --out " + file + " is a directory");
        }
        String seedText = args.string("seed", "1");
        long seed;
        try {
            seed = Long.parseLong(seedText.trim());
        } catch (NumberFormatException e) {
            throw new CliException("synth: --seed needs an integer, got '" + seedText + "'");
        }
        long start = System.nanoTime();
        err.printf("writing %s: Gemma-2 %s shape, %s, about %,d MB%n", file, shape.name(), type, shape.bytes(type) >> 20);
        new SyntheticGguf(shape, type, seed).write(file);
        out.printf("wrote %s (%,d bytes) in %.1f s%n", file, fileSize(file), (System.nanoTime() - start) / 1e9);
        return 0;
    }

    private static long fileSize(Path file) {
        try {
            return Files.size(file);
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    static SyntheticGguf.Shape shape(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "2b" -> SyntheticGguf.Shape.GEMMA2_2B;
            case "9b" -> SyntheticGguf.Shape.GEMMA2_9B;
            case "27b" -> SyntheticGguf.Shape.GEMMA2_27B;
            default -> {
                Path p = Path.of(s);
                if (!Files.isRegularFile(p)) {
                    throw new CliException("synth: --shape must be 2b, 9b, 27b or an HF config.json file, got '" + s + "'");
                }
                Gemma2Config c = Gemma2Config.fromHfConfig(p);
                yield SyntheticGguf.Shape.of(c, p.getFileName().toString());
            }
        };
    }
}
