package dev.jdnn.benchmarks.ops;

import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.LinearPlan;
import dev.jdnn.ops.LinearSpec;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The GPU's GEMM ceiling: one large square SGEMM (n x n x n, bias-free linear layer = cublasSgemm / GemmEx) on the
 * CUDA backend, "cuda" with TF32 tensor cores allowed, "cuda-fp32" in strict FP32 (cuBLAS pedantic math). GFLOP/s =
 * 2 n^3 / time. The CPU's ceiling is the FMA-only {@code dev.jdnn.benchmarks.cpu.PeakFlopsBenchmark} instead.
 */
public class GemmCeilingBenchmark extends BackendBenchmark {
    @Param({"cuda", "cuda-fp32"})
    public String backend;

    @Param("8192")
    public int n;

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
