package dev.jdnn.benchmarks.ops;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The memory-bandwidth ceiling: a contiguous device-to-device copy of {@code mib} MiB through {@code Backend.copy}
 * (cudaMemcpyAsync device-to-device on CUDA, the CPU backend's copy on the host). Bytes moved = 2 x size (read +
 * write), the same accounting {@link OpCase#work} uses for the memory-bound ops.
 */
public class CopyBandwidthBenchmark extends BackendBenchmark {
    @Param({"cpu", "cuda"})
    public String backend;

    @Param("256")
    public int mib;

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
