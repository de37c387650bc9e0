package dev.jdnn.ops.cpu;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.Device;
import dev.jdnn.memory.HostAllocator;
import dev.jdnn.memory.MemoryFormat;
import dev.jdnn.memory.MemoryStats;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Activation;
import dev.jdnn.ops.ActivationPlan;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.BatchNormPlan;
import dev.jdnn.ops.BatchNormSpec;
import dev.jdnn.ops.Conv2dPlan;
import dev.jdnn.ops.Conv2dSpec;
import dev.jdnn.ops.CrossEntropyPlan;
import dev.jdnn.ops.DropoutPlan;
import dev.jdnn.ops.DropoutSpec;
import dev.jdnn.ops.FusedPlan;
import dev.jdnn.ops.FusedSpec;
import dev.jdnn.ops.Fusion;
import dev.jdnn.ops.LinearPlan;
import dev.jdnn.ops.LinearSpec;
import dev.jdnn.ops.LossScaling;
import dev.jdnn.ops.OperandType;
import dev.jdnn.ops.LrnPlan;
import dev.jdnn.ops.LrnSpec;
import dev.jdnn.ops.OptimizerConfig;
import dev.jdnn.ops.PoolPlan;
import dev.jdnn.ops.PoolSpec;
import dev.jdnn.ops.SoftmaxPlan;
import dev.jdnn.ops.TimeMarks;

/**
 * The pure-Java backend: host memory from {@link HostAllocator#global()}, Vector API kernels, work split over
 * {@link Parallel}'s fixed pool. Calls are synchronous. Each op lives in its own class (CpuBatchNorm, CpuPooling,
 * CpuActivations, CpuLrn, CpuDropout, CpuSoftmax, CpuCrossEntropy, CpuPointwise, CpuOptimizers, CpuLossScaling,
 * CpuTransfers, CpuTimeMarks; convolution and linear layers in CpuConv2d / CpuLinear, the fused patterns' compositions
 * in CpuFused); this class only wires them to {@link Backend}.
 * NHWC and half-precision operands are computed exactly as the ops package's mixed-precision table says, on float32
 * NCHW copies ({@link Staging}).
 */
public final class CpuBackend implements Backend {
    /** The JVM options a program using this backend needs; named in the error when they are missing. */
    public static final String JVM_FLAGS = "--add-modules jdk.incubator.vector";

    private final HostAllocator allocator = HostAllocator.global();

    /**
     * @throws IllegalStateException when the JVM was started without the Vector API module (the kernels would
     *                               otherwise fail later with a bare NoClassDefFoundError: jdk/incubator/vector/Vector)
     */
    public CpuBackend() {
        String why = unavailableReason();
        if (why != null) throw new IllegalStateException(why);
    }

    /** Null when this JVM can run the CPU kernels, else why not and which flag fixes it. */
    public static String unavailableReason() {
        try {
            Class.forName("jdk.incubator.vector.FloatVector", false, CpuBackend.class.getClassLoader());
            return null;
        } catch (ClassNotFoundException | LinkageError e) {
            return "the CPU backend needs the Vector API, which this JVM was started without: add the JVM option "
                    + JVM_FLAGS + " (e.g. java " + JVM_FLAGS + " --enable-native-access=ALL-UNNAMED -cp ... Main; "
                    + "for Maven tests, surefire's argLine; see the README's \"Use it from Maven\")";
        }
    }

    @Override public Device device() { return Device.CPU; }
    @Override public String name() { return "cpu"; }

    // ---- memory ----

    @Override
    public Tensor allocate(Shape shape, DType dtype, MemoryFormat format) {
        return Tensor.allocate(allocator, shape, dtype, format);
    }

    @Override public void upload(float[] src, Tensor dst) { CpuTransfers.upload(src, dst); }
    @Override public void uploadInts(int[] src, Tensor dst) { CpuTransfers.uploadInts(src, dst); }
    @Override public void download(Tensor src, float[] dst) { CpuTransfers.download(src, dst); }
    @Override public void copy(Tensor src, Tensor dst) { CpuTransfers.copy(src, dst); }
    @Override public void cast(Tensor src, Tensor dst) { CpuTransfers.cast(src, dst); }
    @Override public void synchronize() { /* every CPU call completes before returning */ }
    @Override public MemoryStats memoryStats() { return allocator.stats(); }
    @Override public TimeMarks timeMarks(int count) { return new CpuTimeMarks(count); }

    // ---- planned ops ----

    @Override public Conv2dPlan conv2d(Conv2dSpec spec) { return new CpuConv2d(spec); }
    @Override public LinearPlan linear(LinearSpec spec) { return new CpuLinear(spec); }
    @Override public BatchNormPlan batchNorm(BatchNormSpec spec) { return new CpuBatchNorm(spec); }
    @Override public PoolPlan pool(PoolSpec spec) { return new CpuPooling(spec); }
    @Override public ActivationPlan activation(Activation kind, float param, Shape shape, OperandType operands) { return new CpuActivations(kind, param, shape, operands); }
    @Override public LrnPlan lrn(LrnSpec spec) { return new CpuLrn(spec); }
    @Override public DropoutPlan dropout(DropoutSpec spec) { return new CpuDropout(spec); }
    @Override public SoftmaxPlan softmax(Shape shape, boolean log, DType inputDtype) { return new CpuSoftmax(shape, log, inputDtype); }

    @Override
    public CrossEntropyPlan crossEntropy(int batch, int classes, float labelSmoothing, DType logitsDtype) {
        return new CpuCrossEntropy(batch, classes, labelSmoothing, logitsDtype);
    }
    @Override public <P extends FusedPlan> Fusion<P> fuse(FusedSpec<P> spec) { return CpuFused.fuse(spec); }

    // ---- pointwise and layout ----

    @Override public void fill(Tensor t, float value) { CpuPointwise.fill(t, value); }
    @Override public void addScaled(float alpha, Tensor x, float beta, Tensor y) { CpuPointwise.addScaled(alpha, x, beta, y); }
    @Override public void add(Tensor a, Tensor b, Tensor c) { CpuPointwise.add(a, b, c); }
    @Override public void scaleChannels(Tensor x, Tensor s, Tensor y) { CpuPointwise.scaleChannels(x, s, y); }

    @Override
    public void scaleChannelsBackward(Tensor x, Tensor s, Tensor dy, float betaX, Tensor dx, float betaS, Tensor ds) {
        CpuPointwise.scaleChannelsBackward(x, s, dy, betaX, dx, betaS, ds);
    }

    @Override public void channelShuffle(Tensor x, int groups, Tensor y) { CpuPointwise.channelShuffle(x, groups, y); }
    @Override public void addBias(Tensor y, Tensor bias) { CpuPointwise.addBias(y, bias); }
    @Override public void scaleBiasActivation(Tensor x, Tensor scale, Tensor bias, Activation activation, Tensor y) { CpuPointwise.scaleBiasActivation(x, scale, bias, activation, y); }

    // ---- optimizer updates and gradient clipping ----

    @Override
    public void sgdStep(Tensor param, Tensor grad, Tensor momentumBuffer, OptimizerConfig.Sgd config, Tensor stepScalars) {
        CpuOptimizers.sgdStep(param, grad, momentumBuffer, config, stepScalars);
    }

    @Override
    public void adamStep(Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq, Tensor maxExpAvgSq, OptimizerConfig.Adam config, Tensor stepScalars) {
        CpuOptimizers.adamStep(param, grad, expAvg, expAvgSq, maxExpAvgSq, config, stepScalars);
    }

    @Override public void finiteFlag(Tensor values, Tensor flagDst, boolean and) { CpuOptimizers.finiteFlag(values, flagDst, and); }
    @Override public void clipGradNorm(Tensor grads, float maxNorm, Tensor norm) { CpuOptimizers.clipGradNorm(grads, maxNorm, norm); }
    @Override public void scale(Tensor x, float factor) { CpuPointwise.scale(x, factor); }

    // ---- loss scaling ----

    @Override public void lossScale(Tensor src, Tensor state, Tensor dst) { CpuLossScaling.lossScale(src, state, dst); }
    @Override public void unscaleAndCheck(Tensor grads, Tensor state, Tensor flagDst, boolean and) { CpuLossScaling.unscaleAndCheck(grads, state, flagDst, and); }
    @Override public void updateLossScale(Tensor state, Tensor flag, LossScaling config) { CpuLossScaling.updateLossScale(state, flag, config); }

    @Override public void close() { /* tensors own their memory; the thread pool is shared and lives with the process */ }

    @Override public String toString() { return "CpuBackend(" + Parallel.threads() + " threads, " + Vec.S + ")"; }
}
