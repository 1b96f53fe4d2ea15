package dev.jgemma.bench;

import dev.jgemma.core.Backend;
import dev.jgemma.core.kernel.Kernels;
import dev.jgemma.core.tensor.Tensor;
import dev.jgemma.core.tensor.TensorType;
import java.lang.foreign.Arena;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
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
 * Weight matrix times a batch of vectors at Gemma-2-2B shapes ({@code q} 2048x2304, {@code gate}
 * and {@code up} 9216x2304, {@code down} 2304x9216, the tied output 256000x2304), per storage
 * type: batch 1 is a decode step, batch 32 a prefill tile. Weights live off-heap, as mapped
 * weights do. One operation is one full product; bytes per second = weight bytes x ops/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx2g"})
public class MatmulBenchmark {
    @Param({"Q8_0", "Q4_0", "Q4_K", "Q6_K", "BF16", "F16", "F32"})
    public String type;

    @Param({"9216x2304", "2304x9216", "2048x2304", "256000x2304"})
    public String shape;

    @Param({"1", "32"})
    public int batch;

    @Param({"VECTOR"})
    public String backend;

    @Param({"1"})
    public int threads;

    private Arena arena;
    private Kernels kernels;
    private Tensor w;
    private float[] x;
    private float[] out;

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofShared();
        w = RandomWeights.matrix(arena, TensorType.valueOf(type), shape, 1);
        kernels = new Kernels(Backend.valueOf(backend), threads);
        x = RandomWeights.vector(batch * (int) w.cols(), 2);
        out = new float[batch * (int) w.rows()];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        kernels.close();
        arena.close();
    }

    @Benchmark
    public float[] matmul() {
        kernels.matmul(w, x, batch, out);
        return out;
    }
}
