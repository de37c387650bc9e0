package dev.jdnn.benchmarks.ffm;

import dev.jdnn.benchmarks.ops.BenchBackends;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.Conv2dPlan;
import dev.jdnn.ops.Conv2dSpec;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A cuDNN convolution on a tiny tensor (1x8x8x8, 8 filters 3x3): the GPU work is negligible, so the time is the
 * launch path (GPU only). {@code launch}: host time to enqueue one cudnnConvolutionForward through jdnn's plan (the
 * stream is drained every 1024 calls so the queue never fills; that drain is amortised into the mean);
 * {@code launchAndSync}: enqueue plus cudaStreamSynchronize, the round trip.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class CudnnLaunchBenchmark {
    private Backend be;
    private Conv2dPlan plan;
    private Tensor x, w, y;
    private int calls;

    @Setup(Level.Trial)
    public void setup() {
        be = BenchBackends.open("cuda");
        Conv2dSpec spec = Conv2dSpec.of(Shape.of(1, 8, 8, 8), 8, 3, 1, 1, 1, 1, false);
        plan = be.conv2d(spec);
        x = be.zeros(spec.inputShape());
        w = be.zeros(spec.weightShape());
        y = be.zeros(spec.outputShape());
        be.synchronize();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        be.synchronize();
        plan.close();
        for (Tensor t : new Tensor[]{x, w, y}) if (t != null) t.close();
        be.close();
    }

    @Benchmark
    public void launch() {
        plan.forward(1f, x, w, null, 0f, y);
        if ((++calls & 1023) == 0) be.synchronize();
    }

    @Benchmark
    public void launchAndSync() {
        plan.forward(1f, x, w, null, 0f, y);
        be.synchronize();
    }
}
