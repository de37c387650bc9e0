package dev.jdnn.benchmarks.ops;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One op of a real network ({@link OpCase}) on the CPU or CUDA backend, forward and backward, average time per call.
 * Each call is followed by {@code synchronize()} so a CUDA measurement is the op's completion, not its enqueue (on
 * the CPU that is a no-op). BenchRunner turns the times into GFLOP/s or GB/s with {@link OpCase#work} and divides by
 * the ceilings measured in the same run ({@link GemmCeilingBenchmark}, {@link CopyBandwidthBenchmark}).
 *
 * <p>The defaults below are the GPU sweep; on the CPU BenchRunner limits the batch to 1 and 32 (batch 256 of
 * ResNet-50's conv1 alone is ~60 GFLOP per pass: minutes per data point on two cores).
 */
public class OpsBenchmark extends BackendBenchmark {
    @Param({"cpu", "cuda"})
    public String backend;

    @Param({"RN50_CONV1", "RN50_S1_3X3", "RN50_S1_1X1", "RN50_S2_3X3", "RN50_S2_1X1", "RN50_S3_3X3", "RN50_S3_1X1",
            "RN50_S4_3X3", "RN50_S4_1X1", "MBV2_DW3X3", "RN50_BN1", "RN50_MAXPOOL", "RN50_FC", "SOFTMAX_CE_1000"})
    public String op;

    @Param({"1", "32", "256"})
    public int batch;

    private OpInstance instance;

    @Setup(Level.Trial)
    public void setup() {
        be = BenchBackends.open(backend);
        instance = OpInstance.create(OpCase.parse(op), batch, be);
        be.synchronize();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        instance.close();
        be.close();
    }

    @Benchmark
    public void forward() {
        instance.forward();
        be.synchronize();
    }

    @Benchmark
    public void backward() {
        instance.backward();
        be.synchronize();
    }
}
