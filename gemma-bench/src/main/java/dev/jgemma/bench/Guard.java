package dev.jgemma.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The performance guard: runs a fixed selection of the JMH benchmarks and turns them into
 * machine-independent ratios, then compares each with a checked-in baseline and fails (exit
 * status 1) when one dropped by more than the tolerance (15% by default) in two runs (when the
 * first run shows a drop, everything is measured again and each ratio keeps the better value, so
 * a regression must reproduce to fail the guard). The ratios:
 * <ul>
 *   <li>{@code speedup.*}: Vector API backend over the plain-Java backend, same JVM, same data
 *       (decode matrix-vector per weight type, the batched prefill product, attention, the
 *       elementwise kernels);</li>
 *   <li>{@code bandwidth.*}: bytes per second achieved by a decode matrix-vector product too large
 *       for any cache (256000x2304, the tied output matrix) divided by the machine's
 *       single-thread read bandwidth ({@link MemoryBandwidth}).</li>
 * </ul>
 *
 * <pre>
 * java -cp gemma-bench/target/benchmarks.jar dev.jgemma.bench.Guard            # check
 * java -cp gemma-bench/target/benchmarks.jar dev.jgemma.bench.Guard --write F  # new baseline
 * </pre>
 */
public final class Guard {
    private static final String BASELINE = "guard-baseline.properties";

    private Guard() {
    }

    /**
     * @param args {@code [--baseline FILE] [--write FILE] [--tolerance 0.15]}
     * @throws Exception if a benchmark fails to run
     */
    public static void main(String[] args) throws Exception {
        Path baselineFile = null;
        Path writeTo = null;
        double tolerance = 0.15;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--baseline" -> baselineFile = Path.of(value(args, ++i));
                case "--write" -> writeTo = Path.of(value(args, ++i));
                case "--tolerance" -> tolerance = Double.parseDouble(value(args, ++i));
                default -> {
                    System.err.println("usage: Guard [--baseline FILE] [--write FILE] [--tolerance 0.15]");
                    System.exit(2);
                }
            }
        }
        Map<String, Double> ratios = measure();
        if (writeTo != null) {
            Properties p = new Properties();
            ratios.forEach((k, v) -> p.setProperty(k, String.format(Locale.ROOT, "%.4f", v)));
            try (Writer w = Files.newBufferedWriter(writeTo, StandardCharsets.UTF_8)) {
                p.store(w, "jgemma performance guard baseline (machine-independent ratios)");
            }
            System.out.println("wrote " + writeTo);
            return;
        }
        Map<String, Double> baseline = load(baselineFile);
        if (!compare(ratios, baseline, tolerance)) {
            // A regression must reproduce: on a shared machine one ratio in a dozen swings by 20%.
            System.out.println("guard: measuring again; each ratio keeps the better of the two runs");
            Map<String, Double> again = measure();
            again.forEach((k, v) -> ratios.merge(k, v, Math::max));
            System.exit(compare(ratios, baseline, tolerance) ? 0 : 1);
        }
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            System.err.println("Guard: " + args[i - 1] + " needs a value");
            System.exit(2);
        }
        return args[i];
    }

    static boolean compare(Map<String, Double> ratios, Map<String, Double> baseline, double tolerance) {
        boolean ok = true;
        System.out.printf(Locale.ROOT, "%n%-36s %10s %10s %8s  %s%n", "ratio", "baseline", "now", "change", "verdict");
        for (Map.Entry<String, Double> e : new TreeMap<>(baseline).entrySet()) {
            Double now = ratios.get(e.getKey());
            if (now == null) {
                System.out.printf(Locale.ROOT, "%-36s %10.3f %10s %8s  MISSING%n", e.getKey(), e.getValue(), "-", "-");
                ok = false;
                continue;
            }
            double change = now / e.getValue() - 1;
            boolean pass = change >= -tolerance;
            ok &= pass;
            System.out.printf(Locale.ROOT, "%-36s %10.3f %10.3f %+7.1f%%  %s%n", e.getKey(), e.getValue(), now, 100 * change,
                    pass ? "ok" : "REGRESSION");
        }
        System.out.println(ok ? "guard: all ratios within " + Math.round(tolerance * 100) + "% of the baseline"
                : "guard: FAILED: a ratio regressed by more than " + Math.round(tolerance * 100) + "%");
        return ok;
    }

    private static Map<String, Double> load(Path file) throws IOException {
        Properties p = new Properties();
        if (file != null) {
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            }
        } else {
            try (InputStream in = Guard.class.getResourceAsStream(BASELINE)) {
                if (in == null) {
                    throw new IOException("no " + BASELINE + " on the classpath");
                }
                p.load(in);
            }
        }
        Map<String, Double> m = new LinkedHashMap<>();
        p.forEach((k, v) -> m.put((String) k, Double.parseDouble((String) v)));
        return m;
    }

    private static ChainedOptionsBuilder options(String benchmark) {
        return new OptionsBuilder().include("^" + benchmark.replace(".", "\\.") + "$")
                .warmupIterations(2).warmupTime(TimeValue.seconds(1))
                .measurementIterations(3).measurementTime(TimeValue.seconds(1))
                .forks(1).shouldFailOnError(true);
    }

    private static Collection<RunResult> run(ChainedOptionsBuilder o) throws RunnerException {
        return new Runner(o.build()).run();
    }

    private static double score(Collection<RunResult> results, String... params) {
        for (RunResult r : results) {
            boolean match = true;
            for (int i = 0; i < params.length; i += 2) {
                match &= params[i + 1].equals(r.getParams().getParam(params[i]));
            }
            if (match) {
                return r.getPrimaryResult().getScore();
            }
        }
        throw new IllegalStateException("no result for " + List.of(params));
    }

    static Map<String, Double> measure() throws RunnerException {
        Map<String, Double> ratios = new LinkedHashMap<>();
        List<String> types = List.of("Q8_0", "Q4_0", "BF16", "F16", "F32");
        String matmul = MatmulBenchmark.class.getName() + ".matmul";
        Collection<RunResult> decode = run(options(matmul).param("type", types.toArray(String[]::new)).param("shape", "9216x2304")
                .param("batch", "1").param("backend", "VECTOR", "SCALAR"));
        for (String t : types) {
            ratios.put("speedup.matvec." + t, score(decode, "type", t, "backend", "VECTOR") / score(decode, "type", t, "backend", "SCALAR"));
        }
        Collection<RunResult> prefill = run(options(matmul).param("type", "Q8_0", "Q4_0").param("shape", "9216x2304")
                .param("batch", "32").param("backend", "VECTOR", "SCALAR"));
        for (String t : List.of("Q8_0", "Q4_0")) {
            ratios.put("speedup.matmul32." + t, score(prefill, "type", t, "backend", "VECTOR") / score(prefill, "type", t, "backend", "SCALAR"));
        }
        Collection<RunResult> big = run(options(matmul).param("type", "Q8_0", "Q4_0").param("shape", "256000x2304")
                .param("batch", "1").param("backend", "VECTOR"));
        double bandwidth = score(run(options(MemoryBandwidth.class.getName() + ".read")), new String[0]) * MemoryBandwidth.BYTES;
        ratios.put("bandwidth.matvec.Q8_0", score(big, "type", "Q8_0") * 256000L * 2304 / 32 * 34 / bandwidth);
        ratios.put("bandwidth.matvec.Q4_0", score(big, "type", "Q4_0") * 256000L * 2304 / 32 * 18 / bandwidth);
        Collection<RunResult> attention = run(options(AttentionBenchmark.class.getName() + ".decode").param("context", "4096")
                .param("backend", "VECTOR", "SCALAR"));
        ratios.put("speedup.attention.decode4096", score(attention, "backend", "VECTOR") / score(attention, "backend", "SCALAR"));
        for (String op : List.of("rmsNorm", "rope", "geglu", "softcap")) {
            Collection<RunResult> r = run(options(ElementwiseBenchmark.class.getName() + "." + op).param("backend", "VECTOR", "SCALAR"));
            ratios.put("speedup." + op, score(r, "backend", "VECTOR") / score(r, "backend", "SCALAR"));
        }
        List<String> keys = new ArrayList<>(ratios.keySet());
        System.out.println();
        for (String k : keys) {
            System.out.printf(Locale.ROOT, "%-36s %10.3f%n", k, ratios.get(k));
        }
        return ratios;
    }
}
