package dev.jdnn.benchmarks.ops;

import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.LinearPlan;
import dev.jdnn.ops.LinearSpec;

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
 * The GPU's GEMM ceiling: one large square SGEMM (n x n x n, bias-free linear layer = cublasSgemm / GemmEx) on the
 * CUDA backend, "cuda" with TF32 tensor cores allowed, "cuda-fp32" in strict FP32 (cuBLAS pedantic math). GFLOP/s =
 * 2 n^3 / time. The CPU's ceiling is the FMA-only {@code dev.jdnn.benchmarks.cpu.PeakFlopsBenchmark} instead.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class GemmCeilingBenchmark {
    @Param({"cuda", "cuda-fp32"})
    public String backend;

    @Param("8192")
    public int n;

    private Backend be;
    private LinearPlan plan;
    private Tensor a, b, c;

    @Setup(Level.Trial)
    public void setup() {
        be = BenchBackends.open(backend);
        LinearSpec spec = new LinearSpec(n, n, n, false);
        plan = be.linear(spec);
        a = be.allocate(spec.inputShape());
        b = be.allocate(spec.weightShape());
        c = be.allocate(spec.outputShape());
        be.fill(a, 0.5f);
        be.fill(b, 0.25f);
        be.synchronize();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        plan.close();
        for (Tensor t : new Tensor[]{a, b, c}) t.close();
        be.close();
    }

    /** Useful FLOPs of one call, for the runner. */
    public static double flops(int n) {
        return 2.0 * n * n * n;
    }

    @Benchmark
    public void sgemm() {
        plan.forward(1f, a, b, null, 0f, c);
        be.synchronize();
    }

}
