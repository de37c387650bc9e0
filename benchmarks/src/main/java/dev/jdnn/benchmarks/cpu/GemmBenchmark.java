package dev.jdnn.benchmarks.cpu;

import dev.jdnn.ops.cpu.CpuGemm;
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

/** jdnn's CpuGemm, C = A * B on square n x n matrices, all cores (one benchmark thread; CpuGemm fans out). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {JvmArgs.ADD_VECTOR, JvmArgs.NATIVE})
public class GemmBenchmark {
    @Param({"256", "512", "1024", "2048"})
    public int n;

    private Matrices m;

    @Setup(Level.Trial)
    public void setup() {
        m = new Matrices(n);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        m.close();
    }

    @Benchmark
    public void sgemm(FlopCounter counter) {
        CpuGemm.sgemm(false, false, n, n, n, 1f, m.a, 0, n, m.b, 0, n, 0f, m.c, 0, n);
        counter.flops += m.flops();
    }
}
