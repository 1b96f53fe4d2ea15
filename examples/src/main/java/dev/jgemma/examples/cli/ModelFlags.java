package dev.jgemma.examples.cli;

import dev.jgemma.core.KvCacheType;
import dev.jgemma.core.ModelOptions;
import dev.jgemma.core.Quantization;
import dev.jgemma.core.SlidingWindow;
import dev.jgemma.core.WeightVerification;
import java.util.Set;

/**
 * The model-loading flags several commands share: --threads, --window, --no-window, --context, --quantize, --kv-cache,
 * --verify-weights.
 */
final class ModelFlags {
    static final Set<String> VALUED = Set.of("threads", "window", "context", "quantize", "kv-cache", "verify-weights");
    static final Set<String> SWITCHES = Set.of("no-window");
    static final String USAGE = "  --threads N        compute threads (default: all processors)\n"
            + "  --window N         sliding-window size on the sliding layers (default: the checkpoint's)\n"
            + "  --no-window        all layers global\n"
            + "  --context N        maximum context in tokens (default: the checkpoint's)\n"
            + "  --quantize SCHEME  hold F32/F16/BF16 weights quantized in memory: q8_0, q4_0, q4_k, q6_k or q4_k_m\n"
            + "  --kv-cache TYPE    KV cache storage: f32 (exact, default), f16, bf16 or q8_0 (smaller, approximate)\n"
            + "  --verify-weights WHEN  check block scales for NaN/infinity: first-use (default: each matrix on its\n"
            + "                     first product), eager (the whole file at load) or off\n";

    private ModelFlags() {
    }

    static ModelOptions options(Args args) {
        ModelOptions o = ModelOptions.defaults();
        if (args.has("threads")) {
            int t = args.integer("threads", 1);
            if (t < 1) {
                throw new CliException(args.command() + ": --threads must be at least 1");
            }
            o = o.threads(t);
        }
        if (args.has("window") && args.has("no-window")) {
            throw new CliException(args.command() + ": --window and --no-window exclude each other");
        }
        if (args.has("window")) {
            int w = args.integer("window", 0);
            if (w < 1) {
                throw new CliException(args.command() + ": --window must be at least 1");
            }
            o = o.slidingWindow(SlidingWindow.of(w));
        }
        if (args.has("no-window")) {
            o = o.slidingWindow(SlidingWindow.disabled());
        }
        if (args.has("context")) {
            int c = args.integer("context", 0);
            if (c < 1) {
                throw new CliException(args.command() + ": --context must be at least 1");
            }
            o = o.maxContext(c);
        }
        if (args.has("quantize")) {
            try {
                o = o.quantizeTo(Quantization.parse(args.string("quantize", "")));
            } catch (IllegalArgumentException e) {
                throw new CliException(args.command() + ": --quantize: " + e.getMessage());
            }
        }
        if (args.has("kv-cache")) {
            String name = args.string("kv-cache", "");
            try {
                o = o.kvCacheType(KvCacheType.valueOf(name.toUpperCase(java.util.Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new CliException(args.command() + ": --kv-cache must be f32, f16, bf16 or q8_0, got '" + name + "'");
            }
        }
        if (args.has("verify-weights")) {
            o = o.verifyWeights(verification(args.command(), args.string("verify-weights", "")));
        }
        return o;
    }

    static WeightVerification verification(String command, String name) {
        return switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "first-use", "on_first_use" -> WeightVerification.ON_FIRST_USE;
            case "eager" -> WeightVerification.EAGER;
            case "off" -> WeightVerification.OFF;
            default -> throw new CliException(command + ": --verify-weights must be first-use, eager or off, got '" + name + "'");
        };
    }

    static Set<String> valued(String... more) {
        java.util.Set<String> s = new java.util.HashSet<>(VALUED);
        s.addAll(java.util.List.of(more));
        return Set.copyOf(s);
    }

    static Set<String> switches(String... more) {
        java.util.Set<String> s = new java.util.HashSet<>(SWITCHES);
        s.addAll(java.util.List.of(more));
        return Set.copyOf(s);
    }
}
