package dev.jdnn.benchmarks.cpu;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Conv2dSpec;
import dev.jdnn.ops.cpu.CpuConv2d;
import java.util.SplittableRandom;
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
 * CpuConv2d on real layer shapes at batch 8: ResNet-50's 3x3 64->64 and 1x1 256->64 at 56x56, and
 * MobileNetV2's depthwise 3x3 over 144 channels at 56x56. "flops" counts 2 * multiply-adds of the pass.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {JvmArgs.ADD_VECTOR, JvmArgs.NATIVE})
public class ConvBenchmark {
    @Param({"resnet50_3x3_64", "resnet50_1x1_256to64", "mobilenetv2_dw3x3_144"})
    public String layer;

    @Param("8")
    public int batch;

    private CpuConv2d plan;
    private Tensor x, w, b, y, dx, dw;

    static Conv2dSpec spec(String layer, int batch) {
        return switch (layer) {
            case "resnet50_3x3_64" -> new Conv2dSpec(batch, 64, 56, 56, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, false);
            case "resnet50_1x1_256to64" -> new Conv2dSpec(batch, 256, 56, 56, 64, 1, 1, 1, 1, 0, 0, 1, 1, 1, false);
            case "mobilenetv2_dw3x3_144" -> new Conv2dSpec(batch, 144, 56, 56, 144, 3, 3, 1, 1, 1, 1, 1, 1, 144, false);
            default -> throw new IllegalArgumentException("unknown layer " + layer);
        };
    }

    @Setup(Level.Trial)
    public void setup() {
        Conv2dSpec s = spec(layer, batch);
        plan = CpuConv2d.of(s);
        x = random(s.inputShape(), 1);
        w = random(s.weightShape(), 2);
        b = random(s.biasShape(), 3);
        y = random(s.outputShape(), 4);
        dx = Tensor.zerosHost(s.inputShape());
        dw = Tensor.zerosHost(s.weightShape());
    }

    private static Tensor random(Shape shape, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[Math.toIntExact(shape.numel())];
        for (int i = 0; i < v.length; i++) v[i] = (float) (r.nextDouble() * 2 - 1);
        return Tensor.ofHost(shape, v);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        for (Tensor t : new Tensor[] {x, w, b, y, dx, dw}) t.close();
    }

    private long flops() {
        return 2 * plan.spec().macs();
    }

    @Benchmark
    public void forward(FlopCounter counter) {
        plan.forward(1f, x, w, null, 0f, y, null);
        counter.flops += flops();
    }

    /** dy is the y tensor's contents (any values do). */
    @Benchmark
    public void backwardData(FlopCounter counter) {
        plan.backwardData(1f, y, w, 0f, dx, null);
        counter.flops += flops();
    }

    @Benchmark
    public void backwardFilter(FlopCounter counter) {
        plan.backwardFilter(1f, x, y, 0f, dw, null);
        counter.flops += flops();
    }
}
