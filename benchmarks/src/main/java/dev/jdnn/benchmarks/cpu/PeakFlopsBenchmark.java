package dev.jdnn.benchmarks.cpu;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The machine's measured FP32 peak: one thread per core, each running nothing but vector FMAs on ten independent
 * accumulators (enough to cover FMA latency x FMA ports on current x86 cores) with no memory traffic. The sum of
 * the threads' "flops" rates is the ceiling the GEMM is compared against.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Threads(Threads.MAX)
@Fork(value = 1, jvmArgsAppend = {JvmArgs.ADD_VECTOR, JvmArgs.NATIVE})
public class PeakFlopsBenchmark {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int ITERATIONS = 1 << 16;
    private static final int ACCUMULATORS = 10;

    @Benchmark
    public float fmaPeak(FlopCounter counter) {
        float r = fmaLoop(0.999f, 1e-4f);
        counter.flops += 2L * S.length() * ACCUMULATORS * ITERATIONS;
        return r;
    }

    /** ACCUMULATORS independent FMA chains; x, y are arguments so nothing folds to a constant. */
    private static float fmaLoop(float xs, float ys) {
        FloatVector x = FloatVector.broadcast(S, xs), y = FloatVector.broadcast(S, ys);
        FloatVector a0 = y, a1 = y, a2 = y, a3 = y, a4 = y, a5 = y, a6 = y, a7 = y, a8 = y, a9 = y;
        for (int i = 0; i < ITERATIONS; i++) {
            a0 = a0.fma(x, y); a1 = a1.fma(x, y); a2 = a2.fma(x, y); a3 = a3.fma(x, y); a4 = a4.fma(x, y);
            a5 = a5.fma(x, y); a6 = a6.fma(x, y); a7 = a7.fma(x, y); a8 = a8.fma(x, y); a9 = a9.fma(x, y);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).reduceLanes(VectorOperators.ADD);
    }
}
