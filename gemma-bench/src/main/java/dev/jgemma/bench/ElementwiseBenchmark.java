package dev.jgemma.bench;

import dev.jgemma.core.Backend;
import dev.jgemma.core.kernel.Backends;
import dev.jgemma.core.kernel.FloatOps;
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
 * The per-token elementwise work at Gemma-2-2B shape: RMSNorm of a 2304 row, RoPE of 8 + 4
 * heads of 256, GeGLU of 9216, and the final soft-cap of 256000 logits.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx2g"})
public class ElementwiseBenchmark {
    @Param({"VECTOR"})
    public String backend;

    private FloatOps ops;
    private float[] row;
    private float[] weight;
    private float[] heads;
    private float[] cos;
    private float[] sin;
    private float[] gate;
    private float[] up;
    private float[] logits;

    @Setup
    public void setUp() {
        ops = Backends.floatOps(Backend.valueOf(backend));
        row = RandomWeights.vector(2304, 1);
        weight = RandomWeights.vector(2304, 2);
        heads = RandomWeights.vector(12 * 256, 3);
        cos = RandomWeights.vector(128, 4);
        sin = RandomWeights.vector(128, 5);
        gate = RandomWeights.vector(9216, 6);
        up = RandomWeights.vector(9216, 7);
        logits = RandomWeights.vector(256000, 8);
        for (int i = 0; i < logits.length; i++) {
            logits[i] *= 40;
        }
    }

    @Benchmark
    public float[] rmsNorm() {
        ops.rmsNorm(row, 0, row, 0, weight, 2304, 1e-6f);
        return row;
    }

    @Benchmark
    public float[] rope() {
        for (int h = 0; h < 12; h++) {
            ops.rope(heads, h * 256, cos, sin, 0, 128);
        }
        return heads;
    }

    @Benchmark
    public float[] geglu() {
        float[] g = gate.clone();
        ops.geglu(g, up, 0, g.length);
        return g;
    }

    @Benchmark
    public float[] softcap() {
        float[] l = logits.clone();
        ops.softcap(l, 0, l.length, 30f);
        return l;
    }
}
