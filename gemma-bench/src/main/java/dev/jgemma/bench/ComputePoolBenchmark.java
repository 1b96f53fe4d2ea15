package dev.jgemma.bench;

import dev.jgemma.core.kernel.ComputePool;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The fixed cost of one parallel job on the dedicated compute pool: a decode step issues about
 * 200 of them per token (seven matrix products and the attention per layer, plus the output),
 * so at 30 tokens/s each must cost a few microseconds at most.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx256m"})
public class ComputePoolBenchmark {
    @Param({"2"})
    public int threads;

    private ComputePool pool;
    private final long[] sink = new long[64];

    @Setup
    public void setUp() {
        pool = new ComputePool(threads);
    }

    @TearDown
    public void tearDown() {
        pool.close();
    }

    /** An almost empty job split across all threads: pure hand-off cost. */
    @Benchmark
    public long[] emptyJob() {
        pool.parallelFor(threads * 8, 1, (from, to, worker) -> sink[worker * 8] += to - from);
        return sink;
    }
}
