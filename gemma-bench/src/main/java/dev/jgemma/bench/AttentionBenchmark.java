package dev.jgemma.bench;

import dev.jgemma.core.Backend;
import dev.jgemma.core.kernel.Attention;
import dev.jgemma.core.kernel.Backends;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * One layer's attention at Gemma-2-2B shape (8 query heads, 4 key/value heads, head_dim 256,
 * soft-cap 50) on one thread: {@code decode} is one new position over {@code context} cached
 * ones; {@code prefill} is a 32-position batch ending at {@code context}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx2g"})
public class AttentionBenchmark {
    private static final int HEADS = 8;
    private static final int KV_HEADS = 4;
    private static final int HEAD_DIM = 256;
    private static final int KV_DIM = KV_HEADS * HEAD_DIM;
    private static final int PREFILL = 32;

    @Param({"1024", "4096", "8192"})
    public int context;

    @Param({"VECTOR"})
    public String backend;

    private Attention attention;
    private float[] q;
    private float[] keys;
    private float[] values;
    private float[] scores;
    private float[] out;

    @Setup
    public void setUp() {
        attention = new Attention(Backends.floatOps(Backend.valueOf(backend)));
        q = RandomWeights.vector(PREFILL * HEADS * HEAD_DIM, 1);
        keys = RandomWeights.vector(context * KV_DIM, 2);
        values = RandomWeights.vector(context * KV_DIM, 3);
        scores = new float[context];
        out = new float[PREFILL * HEADS * HEAD_DIM];
    }

    private void position(int t, int last) {
        for (int h = 0; h < HEADS; h++) {
            int qOff = (t * HEADS + h) * HEAD_DIM;
            attention.attend(q, qOff, keys, values, KV_DIM, (h / (HEADS / KV_HEADS)) * HEAD_DIM, context, 0, last, 0.0625f, 50f,
                    HEAD_DIM, scores, out, qOff);
        }
    }

    @Benchmark
    public float[] decode() {
        position(0, context - 1);
        return out;
    }

    @Benchmark
    public float[] prefill() {
        for (int t = 0; t < PREFILL; t++) {
            position(t, context - PREFILL + t);
        }
        return out;
    }
}
