package dev.jgemma.examples.cli;

import dev.jgemma.core.Gemma2Model;
import dev.jgemma.core.ModelOptions;
import dev.jgemma.core.Session;
import dev.jgemma.core.WeightVerification;
import dev.jgemma.core.tensor.Tensor;
import dev.jgemma.core.tensor.TensorType;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.Set;
import java.util.StringJoiner;

/**
 * {@code gemma bench}: prompt processing (prefill) and generation (decode) speed, as llama.cpp's
 * {@code llama-bench} measures them: each repetition prefills {@code --prompt-tokens} random
 * tokens into an empty session (logits only for the last), and decodes {@code --gen-tokens}
 * tokens one by one into another empty session. One untimed warm-up repetition runs first (the
 * JIT compiles the kernels). Prints the mean and standard deviation of tokens per second, the
 * time to first token (the prefill of the prompt), load time, peak resident memory and the JVM
 * and kernel backend.
 */
final class BenchCommand implements Command {
    @Override
    public String name() {
        return "bench";
    }

    @Override
    public String summary() {
        return "measure prefill and decode tokens/s (like llama-bench)";
    }

    @Override
    public String usage() {
        return "usage: gemma bench --model M [--prompt-tokens 512] [--gen-tokens 128] [--threads N] [--repetitions R] [--json]\n"
                + "  --model PATH       an HF checkpoint folder or a GGUF file (see: gemma synth)\n"
                + "  --prompt-tokens N  prompt length of the prefill test, 0 to skip (default 512)\n"
                + "  --gen-tokens N     tokens of the decode test, 0 to skip (default 128)\n"
                + "  --repetitions R    timed repetitions of each test (default 5)\n"
                + "  --batch N          prefill batch: prompt tokens per forward pass (default: the model option's)\n"
                + "  --no-verify        no check of block scales for NaN/infinity (same as --verify-weights off)\n"
                + "  --json             print one JSON object instead of a table\n"
                + ModelFlags.USAGE;
    }

    @Override
    public Set<String> valuedFlags() {
        return ModelFlags.valued("model", "prompt-tokens", "gen-tokens", "repetitions", "batch");
    }

    @Override
    public Set<String> switches() {
        return ModelFlags.switches("json", "no-verify");
    }

    @Override
    public int run(Args args, PrintStream out, PrintStream err) {
        Path path = args.existing("model");
        int promptTokens = nonNegative(args, "prompt-tokens", 512);
        int genTokens = nonNegative(args, "gen-tokens", 128);
        int reps = args.integer("repetitions", 5);
        if (reps < 1) {
            throw new CliException("bench: --repetitions must be at least 1");
        }
        if (promptTokens == 0 && genTokens == 0) {
            throw new CliException("bench: nothing to measure: --prompt-tokens and --gen-tokens are both 0");
        }
        ModelOptions options = ModelFlags.options(args);
        if (args.has("batch")) {
            int b = args.integer("batch", 0);
            if (b < 1) {
                throw new CliException("bench: --batch must be at least 1");
            }
            options = options.prefillBatch(b);
        }
        if (args.has("no-verify")) {
            if (args.has("verify-weights")) {
                throw new CliException("bench: --no-verify and --verify-weights exclude each other");
            }
            options = options.verifyWeights(WeightVerification.OFF);
        }
        long t0 = System.nanoTime();
        try (Gemma2Model model = Gemma2Model.load(path, options)) {
            double loadSeconds = (System.nanoTime() - t0) / 1e9;
            if ((long) promptTokens > model.maxContext() || (long) genTokens > model.maxContext()) {
                throw new CliException("bench: the model's context holds " + model.maxContext() + " tokens");
            }
            SplittableRandom rng = new SplittableRandom(42);
            int vocab = model.config().vocabSize();
            int[] prompt = new int[promptTokens];
            for (int i = 0; i < prompt.length; i++) {
                prompt[i] = i == 0 ? Math.min(2, vocab - 1) : rng.nextInt(vocab);
            }
            double[] pp = new double[reps];
            double[] tg = new double[reps];
            double[] ttft = new double[reps];
            double warmup = Double.NaN; // the first forward pass: first use of every matrix (and its check)
            // One session, emptied before every test as llama-bench clears its context's KV cache:
            // each test starts at position 0, and the cache's memory is reused rather than left to
            // the garbage collector (which would count in the peak RSS).
            Session s = model.newSession();
            for (int r = -1; r < reps; r++) { // r = -1: warm-up
                if (promptTokens > 0) {
                    s.reset();
                    long a = System.nanoTime();
                    s.prefill(prompt);
                    double sec = (System.nanoTime() - a) / 1e9;
                    if (r >= 0) {
                        pp[r] = promptTokens / sec;
                        ttft[r] = sec;
                    } else {
                        warmup = sec;
                    }
                }
                if (genTokens > 0) {
                    s.reset();
                    int token = Math.min(2, vocab - 1);
                    long a = System.nanoTime();
                    for (int i = 0; i < genTokens; i++) {
                        token = Session.argmax(s.decode(token));
                    }
                    double sec = (System.nanoTime() - a) / 1e9;
                    if (r >= 0) {
                        tg[r] = genTokens / sec;
                    } else if (promptTokens == 0) {
                        warmup = sec;
                    }
                }
            }
            Report rep = new Report(path, model, options.threads(), loadSeconds, warmup, promptTokens, genTokens, reps, pp, tg, ttft,
                    statusKb("VmHWM"), statusKb("VmRSS"));
            out.print(args.has("json") ? rep.json() : rep.table());
        }
        return 0;
    }

    private static int nonNegative(Args args, String flag, int dflt) {
        int v = args.integer(flag, dflt);
        if (v < 0) {
            throw new CliException("bench: --" + flag + " must be >= 0");
        }
        return v;
    }

    /** A field of /proc/self/status in kB, or -1 where there is none (not Linux). */
    static long statusKb(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.substring(field.length() + 1).replace("kB", "").trim());
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    private record Report(Path path, Gemma2Model model, int threads, double loadSeconds, double warmupSeconds, int promptTokens, int genTokens,
                          int reps, double[] pp, double[] tg, double[] ttft, long peakKb, long rssKb) {

        String types() {
            Map<TensorType, Long> bytes = new EnumMap<>(TensorType.class);
            for (Tensor t : model.tensors().tensors()) {
                bytes.merge(t.type(), t.data().byteSize(), Long::sum);
            }
            StringJoiner j = new StringJoiner("+");
            bytes.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).forEach(e -> j.add(e.getKey().name()));
            return j.toString();
        }

        String jvm() {
            return System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version");
        }

        String table() {
            StringBuilder b = new StringBuilder();
            b.append(String.format(Locale.ROOT, "model:   %s (%s, %.2f GiB, %,d parameters)%n", path.getFileName(), types(),
                    model.mappedBytes() / (double) (1L << 30), model.parameterCount()));
            b.append(String.format(Locale.ROOT, "jvm:     %s, backend %s, %d threads%n", jvm(), model.backend(), threads));
            b.append(String.format(Locale.ROOT, "load:    %.3f s (weights checked: %s)%n", loadSeconds,
                    model.options().verifyWeights().name().toLowerCase(Locale.ROOT)));
            b.append(String.format(Locale.ROOT, "warm-up: %.3f s (first %s: first use of every matrix, interpreter and JIT)%n", warmupSeconds,
                    promptTokens > 0 ? "pp" + promptTokens : "tg" + genTokens));
            b.append(String.format(Locale.ROOT, "| %-8s | %18s |%n", "test", "t/s"));
            b.append("| -------- | ------------------ |\n");
            if (promptTokens > 0) {
                b.append(String.format(Locale.ROOT, "| %-8s | %8.2f ± %7.2f |%n", "pp" + promptTokens, mean(pp), stddev(pp)));
            }
            if (genTokens > 0) {
                b.append(String.format(Locale.ROOT, "| %-8s | %8.2f ± %7.2f |%n", "tg" + genTokens, mean(tg), stddev(tg)));
            }
            if (promptTokens > 0) {
                b.append(String.format(Locale.ROOT, "time to first token (%d-token prompt): %.3f ± %.3f s%n", promptTokens, mean(ttft),
                        stddev(ttft)));
            }
            b.append(String.format(Locale.ROOT, "peak RSS: %,d MB (now %,d MB; weights mapped %,d MB)%n", peakKb >> 10, rssKb >> 10,
                    model.mappedBytes() >> 20));
            b.append(String.format(Locale.ROOT, "repetitions: %d (after 1 warm-up)%n", reps));
            return b.toString();
        }

        String json() {
            StringBuilder b = new StringBuilder("{");
            b.append("\"model\":").append(quote(path.toString()));
            b.append(",\"types\":").append(quote(types()));
            b.append(",\"model_bytes\":").append(model.mappedBytes());
            b.append(",\"parameters\":").append(model.parameterCount());
            b.append(",\"jvm\":").append(quote(jvm()));
            b.append(",\"backend\":").append(quote(model.backend().name()));
            b.append(",\"threads\":").append(threads);
            b.append(",\"load_seconds\":").append(num(loadSeconds));
            b.append(",\"verify_weights\":").append(quote(model.options().verifyWeights().name()));
            b.append(",\"warmup_seconds\":").append(num(warmupSeconds));
            b.append(",\"repetitions\":").append(reps);
            if (promptTokens > 0) {
                b.append(",\"prompt_tokens\":").append(promptTokens);
                b.append(",\"prefill_tokens_per_second\":{\"mean\":").append(num(mean(pp))).append(",\"stddev\":")
                        .append(num(stddev(pp))).append(",\"samples\":").append(nums(pp)).append('}');
                b.append(",\"time_to_first_token_seconds\":{\"mean\":").append(num(mean(ttft))).append(",\"stddev\":")
                        .append(num(stddev(ttft))).append('}');
            }
            if (genTokens > 0) {
                b.append(",\"gen_tokens\":").append(genTokens);
                b.append(",\"decode_tokens_per_second\":{\"mean\":").append(num(mean(tg))).append(",\"stddev\":")
                        .append(num(stddev(tg))).append(",\"samples\":").append(nums(tg)).append('}');
            }
            b.append(",\"peak_rss_bytes\":").append(peakKb < 0 ? "null" : Long.toString(peakKb * 1024));
            return b.append("}\n").toString();
        }

        static double mean(double[] v) {
            double s = 0;
            for (double d : v) {
                s += d;
            }
            return s / v.length;
        }

        static double stddev(double[] v) {
            if (v.length < 2) {
                return 0;
            }
            double m = mean(v);
            double s = 0;
            for (double d : v) {
                s += (d - m) * (d - m);
            }
            return Math.sqrt(s / (v.length - 1));
        }

        static String num(double d) {
            return String.format(Locale.ROOT, "%.4f", d);
        }

        static String nums(double[] v) {
            StringJoiner j = new StringJoiner(",", "[", "]");
            for (double d : v) {
                j.add(num(d));
            }
            return j.toString();
        }

        static String quote(String s) {
            StringBuilder b = new StringBuilder("\"");
            for (char c : s.toCharArray()) {
                switch (c) {
                    case '"' -> b.append("\\\"");
                    case '\\' -> b.append("\\\\");
                    default -> {
                        if (c < 0x20) {
                            b.append(String.format("\\u%04x", (int) c));
                        } else {
                            b.append(c);
                        }
                    }
                }
            }
            return b.append('"').toString();
        }
    }
}
