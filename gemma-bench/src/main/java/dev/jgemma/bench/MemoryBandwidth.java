package dev.jgemma.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The machine's single-thread read bandwidth: one pass over 1 GiB off-heap summed as 64-bit
 * integers with the Vector API (four independent accumulators). Bytes per second = 2^30 x ops/s. The guard divides the matrix
 * products' achieved bandwidth by this, which makes the ratio comparable across machines.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx1g"})
public class MemoryBandwidth {
    static final long BYTES = 1L << 30;
    private static final VectorSpecies<Long> L = LongVector.SPECIES_PREFERRED;
    private Arena arena;
    private MemorySegment data;

    @Setup
    public void setUp() {
        arena = Arena.ofShared();
        data = arena.allocate(BYTES, 4096);
        for (long i = 0; i < BYTES; i += 8) {
            data.set(ValueLayout.JAVA_LONG, i, i);
        }
    }

    @TearDown
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public long read() {
        LongVector s0 = LongVector.zero(L);
        LongVector s1 = s0;
        LongVector s2 = s0;
        LongVector s3 = s0;
        int step = L.vectorByteSize();
        for (long i = 0; i < BYTES; i += 4L * step) {
            s0 = s0.add(LongVector.fromMemorySegment(L, data, i, ByteOrder.LITTLE_ENDIAN));
            s1 = s1.add(LongVector.fromMemorySegment(L, data, i + step, ByteOrder.LITTLE_ENDIAN));
            s2 = s2.add(LongVector.fromMemorySegment(L, data, i + 2L * step, ByteOrder.LITTLE_ENDIAN));
            s3 = s3.add(LongVector.fromMemorySegment(L, data, i + 3L * step, ByteOrder.LITTLE_ENDIAN));
        }
        return s0.add(s1).add(s2).add(s3).reduceLanes(VectorOperators.ADD);
    }
}
