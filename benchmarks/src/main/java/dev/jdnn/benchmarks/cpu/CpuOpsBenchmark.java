package dev.jdnn.benchmarks.cpu;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.MemoryScope;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Activation;
import dev.jdnn.ops.ActivationPlan;
import dev.jdnn.ops.BatchNormPlan;
import dev.jdnn.ops.BatchNormSpec;
import dev.jdnn.ops.OptimizerConfig;
import dev.jdnn.ops.OptimizerScalars;
import dev.jdnn.ops.PoolPlan;
import dev.jdnn.ops.PoolSpec;
import dev.jdnn.ops.cpu.CpuBackend;
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
 * The CPU backend's non-convolution ops on ResNet-20's activation shapes at batch 128 (the embedded default
 * training run): batch norm, ReLU, residual add, gradient accumulation, global average pooling and a 3x3/2 max
 * pool, plus one SGD step over ResNet-20's ~270k parameters. Average time per call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class CpuOpsBenchmark {
    /** ResNet-20's three stages: channels x side. */
    @Param({"16x32", "32x16", "64x8"})
    public String stage;

    @Param("128")
    public int batch;

    private final CpuBackend backend = new CpuBackend();
    private MemoryScope scope;
    private Shape shape;
    private BatchNormPlan bn;
    private ActivationPlan relu;
    private PoolPlan globalAvg, maxPool;
    private Tensor x, y, dy, dx, gamma, beta, runningMean, runningVar, saveMean, saveInvStd, dgamma, dbeta;
    private Tensor pooled, pooledGrad, maxOut, params, grads, momentum, sgdScalars;
    private final OptimizerConfig.Sgd sgd = new OptimizerConfig.Sgd(0.9, 0, 5e-4, true);

    @Setup(Level.Trial)
    public void setup() {
        String[] cs = stage.split("x");
        int c = Integer.parseInt(cs[0]), side = Integer.parseInt(cs[1]);
        shape = Shape.of(batch, c, side, side);
        scope = new MemoryScope();
        x = random(shape, 1);
        y = random(shape, 2);
        dy = random(shape, 3);
        dx = random(shape, 4);
        Shape p = Shape.of(c);
        gamma = random(p, 5);
        beta = random(p, 6);
        runningMean = random(p, 7);
        runningVar = track(backend.allocate(p));
        backend.fill(runningVar, 1f);
        saveMean = track(backend.allocate(p));
        saveInvStd = track(backend.allocate(p));
        dgamma = track(backend.allocate(p));
        dbeta = track(backend.allocate(p));
        bn = backend.batchNorm(new BatchNormSpec(shape, 1e-5, 0.1));
        bn.forwardTraining(x, gamma, beta, y, runningMean, runningVar, saveMean, saveInvStd);
        relu = backend.activation(Activation.RELU, 0f, shape);
        globalAvg = backend.pool(PoolSpec.adaptiveAvg(shape, 1, 1));
        pooled = track(backend.allocate(Shape.of(batch, c, 1, 1)));
        pooledGrad = random(Shape.of(batch, c, 1, 1), 8);
        PoolSpec max = PoolSpec.max(shape, 3, 2, 1, false);
        maxPool = backend.pool(max);
        maxOut = track(backend.allocate(max.outputShape()));
        Shape resnet20Params = Shape.of(272_474);
        params = random(resnet20Params, 9);
        grads = random(resnet20Params, 10);
        momentum = random(resnet20Params, 11);
        sgdScalars = scope.track(backend.allocate(Shape.of(OptimizerScalars.SGD_LENGTH)));
        backend.upload(OptimizerScalars.of(sgd, 0.1, 2), sgdScalars); // a step after the first: the momentum path
    }

    private Tensor track(Tensor t) {
        return scope.track(t);
    }

    private Tensor random(Shape s, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[Math.toIntExact(s.numel())];
        for (int i = 0; i < v.length; i++) v[i] = (float) (r.nextDouble() * 2 - 1);
        Tensor t = track(backend.allocate(s, DType.FLOAT32));
        backend.upload(v, t);
        return t;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        scope.close();
    }

    @Benchmark
    public void batchNormTrainingForward() {
        bn.forwardTraining(x, gamma, beta, y, runningMean, runningVar, saveMean, saveInvStd);
    }

    @Benchmark
    public void batchNormBackward() {
        bn.backward(1f, 0f, 1f, 1f, x, dy, gamma, dx, dgamma, dbeta, saveMean, saveInvStd);
    }

    @Benchmark
    public void batchNormInference() {
        bn.forwardInference(x, gamma, beta, y, runningMean, runningVar);
    }

    @Benchmark
    public void reluForward() {
        relu.forward(1f, x, 0f, y);
    }

    @Benchmark
    public void reluBackward() {
        relu.backward(1f, x, y, dy, 0f, dx);
    }

    @Benchmark
    public void residualAdd() {
        backend.add(x, dy, y);
    }

    @Benchmark
    public void gradientAccumulate() {
        backend.addScaled(1f, dy, 1f, dx);
    }

    @Benchmark
    public void globalAveragePoolForward() {
        globalAvg.forward(1f, x, 0f, pooled);
    }

    @Benchmark
    public void globalAveragePoolBackward() {
        globalAvg.backward(1f, x, pooled, pooledGrad, 0f, dx);
    }

    @Benchmark
    public void maxPool3x3s2Forward() {
        maxPool.forward(1f, x, 0f, maxOut);
    }

    @Benchmark
    public void sgdNesterovStep() {
        backend.sgdStep(params, grads, momentum, sgd, sgdScalars);
    }
}
