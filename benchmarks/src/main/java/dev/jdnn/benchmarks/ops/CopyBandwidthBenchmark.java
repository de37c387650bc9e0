package dev.jdnn.benchmarks.ops;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Backend;

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
 * The memory-bandwidth ceiling: a contiguous device-to-device copy of {@code mib} MiB through {@code Backend.copy}
 * (cudaMemcpyAsync device-to-device on CUDA, the CPU backend's copy on the host). Bytes moved = 2 x size (read +
 * write), the same accounting {@link OpCase#work} uses for the memory-bound ops.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class CopyBandwidthBenchmark {
    @Param({"cpu", "cuda"})
    public String backend;

    @Param("256")
    public int mib;

    private Backend be;
    private Tensor src, dst;

    @Setup(Level.Trial)
    public void setup() {
        be = BenchBackends.open(backend);
        Shape shape = Shape.of(mib, 256 * 1024); // mib x 1 MiB of float32
        src = be.allocate(shape);
        dst = be.allocate(shape);
        be.fill(src, 1f);
        be.fill(dst, 0f);
        be.synchronize();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        src.close();
        dst.close();
        be.close();
    }

    /** Bytes read plus written by one call, for the runner. */
    public static double bytes(int mib) {
        return 2.0 * mib * 1024 * 1024;
    }

    @Benchmark
    public void copy() {
        be.copy(src, dst);
        be.synchronize();
    }
}
