package dev.jgemma.bench;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.jgemma.tokenizer.GemmaTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * jgemma's tokenizer against HuggingFace {@code tokenizers} (the Rust library through DJL) on the
 * same Gemma {@code tokenizer.json} and the same text, single thread: encode throughput paragraph
 * by paragraph, and the time to load {@code tokenizer.json} (and {@code tokenizer.model}, for which
 * SentencePiece's own figure is about 0.06-0.1 s), both in steady state ({@code load*}: a JIT-compiled
 * loader, average of many loads) and as the first load in a fresh JVM ({@code firstLoad*}: what a
 * command-line tool pays).
 *
 * <p>The corpus (at least 5 MB) is built at setup from text on the machine: man pages in several
 * languages (gzip'ed roff), the JDK's {@code src.zip} and {@code /usr/share/doc}; it is cut into
 * paragraphs at blank lines, at most 4000 chars each. Setup checks that both tokenizers give the
 * same ids on the whole corpus, so both sides do the same work.
 *
 * <p>Run: {@code java -cp gemma-bench/target/benchmarks.jar dev.jgemma.bench.TokenizerBench -f 1 -wi 2 -i 3}
 * runs the encode and steady-state load benchmarks with those options, then the first-load ones
 * (3 fresh JVMs each, one load per JVM), and prints MB/s and the jgemma / HuggingFace ratios.
 * Files: system properties {@code jgemma.tokenizer.json} (default
 * {@code ~/.cache/jgemma/tokenizer-gemini-3.7.2/tokenizer.json}) and {@code jgemma.tokenizer.model}
 * (default {@code ../shared/fixtures/tokenizer/gemma-tokenizer.model}).
 */
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g", "-Xss4m"})
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
public class TokenizerBench {
    static final long MIN_CORPUS_BYTES = 5_000_000;
    private static final int FIRST_LOAD_FORKS = 3;

    /** The corpus and both tokenizers, loaded and cross-checked once per trial. */
    @State(Scope.Benchmark)
    public static class Encoders {
        List<String> paragraphs;
        GemmaTokenizer jgemma;
        HuggingFaceTokenizer huggingFace;

        @Setup(Level.Trial)
        public void setUp() {
            paragraphs = Corpus.paragraphs(MIN_CORPUS_BYTES);
            jgemma = GemmaTokenizer.fromTokenizerJson(tokenizerJson());
            huggingFace = loadHuggingFace(tokenizerJson());
            long tokens = 0;
            for (String paragraph : paragraphs) {
                long[] expected = huggingFace.encode(paragraph).getIds();
                int[] actual = jgemma.encodeWithSpecialTokens(paragraph);
                if (!sameIds(expected, actual)) {
                    throw new IllegalStateException("jgemma and HuggingFace disagree on a corpus paragraph: "
                            + paragraph.substring(0, Math.min(80, paragraph.length())));
                }
                tokens += actual.length;
            }
            System.out.printf("%ncorpus: %d paragraphs, %d UTF-8 bytes, %d tokens (identical ids from both)%n",
                    paragraphs.size(), Corpus.utf8Bytes(paragraphs), tokens);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            huggingFace.close();
        }
    }

    /** Encodes the whole corpus, one paragraph per call; returns the token count. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public long encodeJgemma(Encoders e) {
        long tokens = 0;
        for (String paragraph : e.paragraphs) {
            tokens += e.jgemma.encodeWithSpecialTokens(paragraph).length;
        }
        return tokens;
    }

    /** The same with HuggingFace tokenizers through DJL. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public long encodeHuggingFace(Encoders e) {
        long tokens = 0;
        for (String paragraph : e.paragraphs) {
            tokens += e.huggingFace.encode(paragraph).getIds().length;
        }
        return tokens;
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public GemmaTokenizer loadTokenizerJsonJgemma() {
        return GemmaTokenizer.fromTokenizerJson(tokenizerJson());
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public int loadTokenizerJsonHuggingFace() {
        return loadAndCloseHuggingFace();
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public GemmaTokenizer loadTokenizerModelJgemma() {
        return GemmaTokenizer.fromSentencePieceModel(tokenizerModel());
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Fork(value = FIRST_LOAD_FORKS, jvmArgsAppend = {"-Xmx4g", "-Xss4m"})
    @Warmup(iterations = 0)
    @Measurement(iterations = 1)
    public GemmaTokenizer firstLoadTokenizerJsonJgemma() {
        return GemmaTokenizer.fromTokenizerJson(tokenizerJson());
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Fork(value = FIRST_LOAD_FORKS, jvmArgsAppend = {"-Xmx4g", "-Xss4m"})
    @Warmup(iterations = 0)
    @Measurement(iterations = 1)
    public int firstLoadTokenizerJsonHuggingFace() {
        return loadAndCloseHuggingFace();
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Fork(value = FIRST_LOAD_FORKS, jvmArgsAppend = {"-Xmx4g", "-Xss4m"})
    @Warmup(iterations = 0)
    @Measurement(iterations = 1)
    public GemmaTokenizer firstLoadTokenizerModelJgemma() {
        return GemmaTokenizer.fromSentencePieceModel(tokenizerModel());
    }

    private static int loadAndCloseHuggingFace() {
        try (HuggingFaceTokenizer tokenizer = loadHuggingFace(tokenizerJson())) {
            return tokenizer.getMaxLength();
        }
    }

    private static HuggingFaceTokenizer loadHuggingFace(Path file) {
        try {
            return HuggingFaceTokenizer.newInstance(file,
                    Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean sameIds(long[] expected, int[] actual) {
        if (expected.length != actual.length) {
            return false;
        }
        for (int i = 0; i < actual.length; i++) {
            if (expected[i] != actual[i]) {
                return false;
            }
        }
        return true;
    }

    static Path tokenizerJson() {
        return Path.of(System.getProperty("jgemma.tokenizer.json",
                System.getProperty("user.home") + "/.cache/jgemma/tokenizer-gemini-3.7.2/tokenizer.json"));
    }

    static Path tokenizerModel() {
        return Path.of(System.getProperty("jgemma.tokenizer.model", "../shared/fixtures/tokenizer/gemma-tokenizer.model"));
    }

    /**
     * Runs the encode and steady-state load benchmarks with the given JMH options (e.g.
     * {@code -f 1 -wi 2 -i 3}), then the first-load benchmarks (fresh JVMs), and prints throughput
     * in MB/s and the jgemma / HuggingFace ratios.
     */
    public static void main(String[] args) throws RunnerException, CommandLineOptionException {
        CommandLineOptions cli = new CommandLineOptions(args);
        String[] files = {"-Djgemma.tokenizer.json=" + tokenizerJson().toAbsolutePath(),
            "-Djgemma.tokenizer.model=" + tokenizerModel().toAbsolutePath(), "-Xmx4g", "-Xss4m"};
        List<RunResult> results = new ArrayList<>(new Runner(new OptionsBuilder().parent(cli)
                .include(TokenizerBench.class.getSimpleName() + "\\.(encode|load)").jvmArgsAppend(files).build()).run());
        results.addAll(new Runner(new OptionsBuilder()
                .include(TokenizerBench.class.getSimpleName() + "\\.firstLoad").jvmArgsAppend(files)
                .forks(FIRST_LOAD_FORKS).warmupIterations(0).measurementIterations(1).build()).run());
        double megabytes = Corpus.utf8Bytes(Corpus.paragraphs(MIN_CORPUS_BYTES)) / 1e6;
        Map<String, Double> ms = new java.util.TreeMap<>();
        for (RunResult result : results) {
            String name = result.getParams().getBenchmark();
            ms.put(name.substring(name.lastIndexOf('.') + 1), result.getPrimaryResult().getScore());
        }
        System.out.printf("%nTokenizerBench summary (corpus %.2f MB, single thread)%n", megabytes);
        print(ms, "encodeJgemma", megabytes);
        print(ms, "encodeHuggingFace", megabytes);
        ratio(ms, "encode", "encodeHuggingFace", "encodeJgemma");
        for (String load : List.of("loadTokenizerJsonJgemma", "loadTokenizerJsonHuggingFace", "loadTokenizerModelJgemma",
                "firstLoadTokenizerJsonJgemma", "firstLoadTokenizerJsonHuggingFace", "firstLoadTokenizerModelJgemma")) {
            if (ms.containsKey(load)) {
                System.out.printf("  %-34s %8.1f ms%n", load, ms.get(load));
            }
        }
        ratio(ms, "tokenizer.json load (steady state)", "loadTokenizerJsonHuggingFace", "loadTokenizerJsonJgemma");
        ratio(ms, "tokenizer.json load (first in a fresh JVM)", "firstLoadTokenizerJsonHuggingFace",
                "firstLoadTokenizerJsonJgemma");
    }

    private static void ratio(Map<String, Double> ms, String what, String huggingFace, String jgemma) {
        if (ms.containsKey(huggingFace) && ms.containsKey(jgemma)) {
            System.out.printf("  %s speed-up jgemma / HuggingFace: %.2fx%n", what, ms.get(huggingFace) / ms.get(jgemma));
        }
    }

    private static void print(Map<String, Double> ms, String name, double megabytes) {
        if (ms.containsKey(name)) {
            System.out.printf("  %-34s %8.1f ms per pass = %6.2f MB/s%n", name, ms.get(name), megabytes / (ms.get(name) / 1000));
        }
    }

    /** Builds the benchmark corpus from text files on this machine (nothing is stored in the repository). */
    static final class Corpus {
        private static final int MAX_PARAGRAPH = 4000;
        private static final List<String> MAN_SECTIONS = List.of("de", "fr", "ru", "ja", "zh_CN", "ko", "pl", "es", "it",
                "pt_BR", "sv", "cs", "tr", "uk", "man1", "man3", "man5", "man7", "man8");

        private Corpus() {
        }

        static List<String> paragraphs(long minBytes) {
            List<String> paragraphs = new ArrayList<>();
            long[] bytes = {0};
            long manBudget = minBytes * 6 / 10;
            long perSection = manBudget / MAN_SECTIONS.size();
            for (String section : MAN_SECTIONS) {
                addFiles(Path.of("/usr/share/man", section), bytes[0] + perSection, paragraphs, bytes);
            }
            Path srcZip = Path.of(System.getProperty("java.home"), "lib", "src.zip");
            if (Files.isRegularFile(srcZip)) {
                addJavaSources(srcZip, bytes[0] + minBytes * 3 / 10, paragraphs, bytes);
            }
            addFiles(Path.of("/usr/share/doc"), Math.max(minBytes, bytes[0] + minBytes / 10), paragraphs, bytes);
            if (bytes[0] < minBytes) {
                throw new IllegalStateException("found only " + bytes[0] + " bytes of text for the corpus; need " + minBytes);
            }
            return Collections.unmodifiableList(paragraphs);
        }

        static long utf8Bytes(List<String> paragraphs) {
            long total = 0;
            for (String p : paragraphs) {
                total += p.getBytes(StandardCharsets.UTF_8).length;
            }
            return total;
        }

        private static void addFiles(Path root, long until, List<String> paragraphs, long[] bytes) {
            if (!Files.isDirectory(root)) {
                return;
            }
            List<Path> files;
            try (Stream<Path> walk = Files.walk(root)) {
                files = walk.filter(Files::isRegularFile).sorted().toList();
            } catch (IOException | UncheckedIOException e) {
                return;
            }
            for (Path file : files) {
                if (bytes[0] >= until) {
                    return;
                }
                String name = file.getFileName().toString();
                boolean gz = name.endsWith(".gz");
                if (!gz && !name.endsWith(".txt") && !name.endsWith(".md") && !name.startsWith("README")) {
                    continue;
                }
                try (InputStream in = gz ? new GZIPInputStream(Files.newInputStream(file)) : Files.newInputStream(file)) {
                    add(utf8(in.readNBytes(1 << 20)), paragraphs, bytes);
                } catch (IOException e) {
                    // not UTF-8, or unreadable: skip
                }
            }
        }

        private static void addJavaSources(Path srcZip, long until, List<String> paragraphs, long[] bytes) {
            try (ZipFile zip = new ZipFile(srcZip.toFile())) {
                List<? extends ZipEntry> entries = Collections.list(zip.entries()).stream()
                        .filter(e -> e.getName().endsWith(".java")).sorted((a, b) -> a.getName().compareTo(b.getName())).toList();
                for (ZipEntry entry : entries) {
                    if (bytes[0] >= until) {
                        return;
                    }
                    try (InputStream in = zip.getInputStream(entry)) {
                        add(utf8(in.readAllBytes()), paragraphs, bytes);
                    } catch (IOException e) {
                        // skip
                    }
                }
            } catch (IOException e) {
                // no sources: the other files must suffice
            }
        }

        private static String utf8(byte[] data) throws IOException {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(data)).toString();
        }

        private static void add(String text, List<String> paragraphs, long[] bytes) {
            for (String paragraph : text.split("\n\n")) {
                int start = 0;
                while (start < paragraph.length()) {
                    int end = Math.min(paragraph.length(), start + MAX_PARAGRAPH);
                    if (end < paragraph.length() && Character.isHighSurrogate(paragraph.charAt(end - 1))) {
                        end--;
                    }
                    String part = paragraph.substring(start, end);
                    start = end;
                    if (!part.isBlank()) {
                        paragraphs.add(part);
                        bytes[0] += part.getBytes(StandardCharsets.UTF_8).length;
                    }
                }
            }
        }
    }
}
