package dev.jdnn.ops.cuda;

import dev.jdnn.bindings.loader.Library;
import dev.jdnn.bindings.loader.NativeLibraries;
import dev.jdnn.bindings.cudart.cudart_h;
import dev.jdnn.memory.DType;
import dev.jdnn.memory.Device;
import dev.jdnn.memory.MemoryFormat;
import dev.jdnn.memory.MemoryStats;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.memory.cuda.CudaReadiness;
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
import dev.jdnn.ops.Recording;
import dev.jdnn.ops.SoftmaxPlan;
import dev.jdnn.ops.TimeMarks;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

/**
 * The CUDA backend: cuDNN, cuBLAS and NVRTC kernels called through FFM on one device and one stream.
 * Work is asynchronous; {@link #synchronize()} and downloads wait for it and report asynchronous faults with the
 * op issued last. One backend is driven from one thread at a time. Each op family lives in its own class
 * (CudaConv2d, CudaBatchNorm, CudaPooling, ...); this class only wires them up.
 */
public final class CudaBackend implements Backend {
    /**
     * @param strictFp32 no TF32 anywhere: cuDNN FMA math only, cuBLAS pedantic math (for parity checks); otherwise
     *                   cuDNN and cuBLAS may use TF32 tensor cores
     * @param benchmarkConvolutions choose convolution algorithms by timing them (cudnnFind*AlgorithmEx) at plan time;
     *                   otherwise, and always in deterministic mode, take cuDNN's heuristic ranking (cudnnGet*_v7)
     * @param workspaceLimit the most workspace one convolution algorithm or fused engine may use, decided when its plan
     *                   is made ({@link WorkspaceLimit#defaults()}: what the device can spare, as PyTorch's benchmark
     *                   mode; all plans share one workspace, sized to the largest chosen need)
     * @param kernelCacheDir where compiled NVRTC kernels are cached across runs, or null for no disk cache
     * @param convAlgorithmCacheDir where benchmarked convolution algorithms are kept across runs (a file per GPU model
     *                   and cuDNN version), or null to benchmark each shape once per backend only
     * @param deterministic only convolution algorithms cuDNN reports as deterministic (its search results carry a
     *                   determinism field; the backward-filter and backward-data algorithms that accumulate with
     *                   atomics are left out), chosen by cuDNN's heuristic ranking rather than by timing (timings vary
     *                   from run to run, and so would the algorithm and its rounding), so the same work on the same
     *                   inputs gives the same bits in every run and process (with the same GPU model, library versions
     *                   and options), with no algorithm cache involved. The rest is deterministic in either mode:
     *                   every NVRTC kernel (no atomics), cuDNN's deterministic max pooling and batch norm, and cuBLAS
     *                   (atomics not allowed, one stream, a fixed workspace). Off by default: the fastest algorithms.
     */
    public record Options(boolean strictFp32, boolean benchmarkConvolutions, WorkspaceLimit workspaceLimit, Path kernelCacheDir,
                          Path convAlgorithmCacheDir, boolean deterministic) {
        public Options {
            java.util.Objects.requireNonNull(workspaceLimit, "workspace limit");
        }

        /** Options in the fastest (not deterministic) mode. */
        public Options(boolean strictFp32, boolean benchmarkConvolutions, WorkspaceLimit workspaceLimit, Path kernelCacheDir, Path convAlgorithmCacheDir) {
            this(strictFp32, benchmarkConvolutions, workspaceLimit, kernelCacheDir, convAlgorithmCacheDir, false);
        }

        /** TF32 allowed, benchmarked algorithms, the spare-memory workspace limit, the default kernel and algorithm caches, fastest mode. */
        public static Options defaults() {
            return new Options(false, true, WorkspaceLimit.defaults(), KernelCache.defaultDiskCache(), ConvAlgorithmStore.defaultDir(), false);
        }

        public Options withStrictFp32(boolean strict) {
            return new Options(strict, benchmarkConvolutions, workspaceLimit, kernelCacheDir, convAlgorithmCacheDir, deterministic);
        }

        /** These options with another algorithm cache directory (null: none on disk). */
        public Options withConvAlgorithmCacheDir(Path dir) {
            return new Options(strictFp32, benchmarkConvolutions, workspaceLimit, kernelCacheDir, dir, deterministic);
        }

        public Options withWorkspaceLimit(WorkspaceLimit limit) {
            return new Options(strictFp32, benchmarkConvolutions, limit, kernelCacheDir, convAlgorithmCacheDir, deterministic);
        }

        /** These options in deterministic mode (true) or the fastest mode (false). */
        public Options withDeterministic(boolean on) {
            return new Options(strictFp32, benchmarkConvolutions, workspaceLimit, kernelCacheDir, convAlgorithmCacheDir, on);
        }

        /** Whether plans time convolution algorithms: asked for, and not in deterministic mode. */
        public boolean timesConvolutions() {
            return benchmarkConvolutions && !deterministic;
        }

        /** These options with convolution algorithms timed (true) or taken from cuDNN's heuristics (false). */
        public Options withBenchmarkConvolutions(boolean on) {
            return new Options(strictFp32, on, workspaceLimit, kernelCacheDir, convAlgorithmCacheDir, deterministic);
        }
    }

    private final CudaContext ctx;
    private final CudaTransfers transfers;
    private final Tensor partials; // per-block reduction scratch of gradient clipping and loss unscaling: CudaOptimizers.CLIP_BLOCKS doubles
    private boolean closed;

    private CudaBackend(int ordinal, Options options) {
        this.ctx = new CudaContext(ordinal, options);
        CudaTransfers t = null;
        try {
            t = new CudaTransfers(ctx);
            this.partials = ctx.allocate(Shape.of(CudaOptimizers.CLIP_BLOCKS * 2), DType.FLOAT32);
        } catch (RuntimeException | Error e) {
            try {
                if (t != null) t.close();
            } finally {
                ctx.close(); // a backend that failed to start leaks no handle, stream or memory
            }
            throw e;
        }
        this.transfers = t;
    }

    /** A backend on device {@code ordinal}; throws with the reason when CUDA is unusable. */
    public static CudaBackend create(int ordinal, Options options) {
        String problem = unavailableReason();
        if (problem != null) throw new IllegalStateException("CUDA backend unavailable: " + problem);
        int count = deviceCount();
        if (ordinal < 0 || ordinal >= count) throw new IllegalArgumentException("CUDA device " + ordinal + " does not exist; " + count + " device(s) present");
        return new CudaBackend(ordinal, options);
    }

    public static CudaBackend create(int ordinal) {
        return create(ordinal, Options.defaults());
    }

    /** True when every library loads and at least one device exists; never throws. */
    public static boolean isAvailable() {
        return unavailableReason() == null;
    }

    /** Why the backend cannot run here (missing library, no device, driver too old), or null when it can. */
    public static String unavailableReason() {
        try {
            CudaReadiness readiness = CudaReadiness.check();
            if (!readiness.ready()) return readiness.reason();
            // NVRTC kernels are loaded and launched through the driver API as well.
            if (!NativeLibraries.isAvailable(Library.CUDA_DRIVER)) return "library not found: " + Library.CUDA_DRIVER.requirement();
            return null;
        } catch (RuntimeException | LinkageError e) {
            return "CUDA probe failed: " + e;
        }
    }

    private static int deviceCount() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment n = arena.allocate(ValueLayout.JAVA_INT);
            dev.jdnn.bindings.Check.cudart(cudart_h.cudaGetDeviceCount(n), "cudaGetDeviceCount");
            return n.get(ValueLayout.JAVA_INT, 0);
        }
    }

    /** The compute capability, e.g. 90 for an H100. */
    public int computeCapability() {
        return ctx.computeMajor * 10 + ctx.computeMinor;
    }

    public Options options() {
        return ctx.options;
    }

    /** Tensor cores from Volta (7.0) on: their convolutions want NHWC. */
    @Override
    public boolean prefersChannelsLast() {
        return computeCapability() >= 70;
    }

    /** TF32 exists from Ampere (8.0) on; {@code strictFp32} forbids it. */
    @Override
    public boolean allowsTf32() {
        return !ctx.options.strictFp32() && computeCapability() >= 80;
    }

    /** The benchmarked convolution algorithms of this backend (hit and miss counts for tests). */
    ConvAlgorithmStore convAlgorithms() {
        return ctx.convAlgorithms;
    }

    /** The backend's stream (cudaStream_t), for callers that capture CUDA graphs around a step. */
    public MemorySegment stream() {
        return ctx.stream;
    }

    CudaContext context() {
        return ctx;
    }

    /** Throws when closed; makes this device's context current on the calling thread (package-private: graph replay too). */
    void open() {
        if (closed) throw new IllegalStateException("CUDA backend on " + ctx.device + " is closed");
        ctx.ensureContext(); // the calling thread may be new, or may have driven another GPU since
    }

    @Override public Device device() { return ctx.device; }
    @Override public String name() { return "cuda"; }

    @Override
    public Tensor allocate(Shape shape, DType dtype, MemoryFormat format) {
        open();
        return ctx.allocate(shape, dtype, format);
    }

    @Override public void upload(float[] src, Tensor dst) { open(); transfers.upload(src, dst); }
    @Override public void uploadInts(int[] src, Tensor dst) { open(); transfers.uploadInts(src, dst); }
    @Override public void download(Tensor src, float[] dst) { open(); transfers.download(src, dst); }

    /**
     * As {@link Backend#copy}; beyond the interface, one operand may be a contiguous host tensor (heap or pinned
     * memory): host→device returns once the copy is queued (the source is staged, so it may be reused at once),
     * device→host synchronises.
     */
    @Override
    public void copy(Tensor src, Tensor dst) {
        open();
        dst.requireShape(src.shape(), "copy destination");
        if (src.dtype() != dst.dtype()) throw new IllegalArgumentException("copy from " + src.describe() + " to " + dst.describe() + ": dtypes differ");
        if (src.device().equals(Device.CPU) && dst.device().equals(ctx.device)) {
            transfers.upload(src, dst);
            return;
        }
        if (src.device().equals(ctx.device) && dst.device().equals(Device.CPU)) {
            transfers.download(src, dst);
            return;
        }
        src.requireDevice(ctx.device, "copy source");
        dst.requireDevice(ctx.device, "copy destination");
        if (src.isContiguous() && dst.isContiguous()) {
            transfers.deviceCopy(src, dst);
        } else {
            CudaPointwise.cast(ctx, src, dst); // a strided copy: same type, bit for bit
        }
    }

    @Override
    public void cast(Tensor src, Tensor dst) {
        open();
        src.requireDevice(ctx.device, "cast source");
        dst.requireDevice(ctx.device, "cast destination");
        if (!src.dtype().isFloatingPoint() || !dst.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("cast converts between float32, bfloat16 and float16, got " + src.describe() + " to " + dst.describe());
        }
        CudaPointwise.cast(ctx, src, dst);
    }

    @Override public void synchronize() { open(); ctx.synchronize(); }
    /** The device allocator's counts, with the shared workspace's share (current buffer, and any a recording still holds). */
    @Override public MemoryStats memoryStats() { return ctx.allocator.stats().withWorkspace(ctx.workspace.heldBytes()); }
    @Override public TimeMarks timeMarks(int count) { open(); return new CudaTimeMarks(ctx, count); }

    @Override public Conv2dPlan conv2d(Conv2dSpec spec) { open(); return new CudaConv2d(ctx, spec); }
    @Override public LinearPlan linear(LinearSpec spec) { open(); return new CudaLinear(ctx, spec); }
    @Override public BatchNormPlan batchNorm(BatchNormSpec spec) { open(); return new CudaBatchNorm(ctx, spec); }
    @Override public PoolPlan pool(PoolSpec spec) { open(); return new CudaPooling(ctx, spec); }
    @Override public ActivationPlan activation(Activation kind, float param, Shape shape, OperandType operands) { open(); return new CudaActivations(ctx, kind, param, shape, operands); }
    @Override public LrnPlan lrn(LrnSpec spec) { open(); return new CudaLrn(ctx, spec); }
    @Override public DropoutPlan dropout(DropoutSpec spec) { open(); return new CudaDropout(ctx, spec); }
    @Override public SoftmaxPlan softmax(Shape shape, boolean log, DType inputDtype) { open(); return new CudaSoftmax(ctx, shape, log, inputDtype); }

    @Override
    public CrossEntropyPlan crossEntropy(int batch, int classes, float labelSmoothing, DType logitsDtype) {
        open();
        return new CudaCrossEntropy(ctx, batch, classes, labelSmoothing, logitsDtype);
    }
    @Override public <P extends FusedPlan> Fusion<P> fuse(FusedSpec<P> spec) { open(); return CudaFused.fuse(ctx, spec); }

    @Override public void fill(Tensor t, float value) { open(); CudaPointwise.fill(ctx, t, value); }
    @Override public void addScaled(float alpha, Tensor x, float beta, Tensor y) { open(); CudaPointwise.addScaled(ctx, alpha, x, beta, y); }
    @Override public void add(Tensor a, Tensor b, Tensor c) { open(); CudaPointwise.add(ctx, a, b, c); }
    @Override public void scaleChannels(Tensor x, Tensor s, Tensor y) { open(); CudaPointwise.scaleChannels(ctx, x, s, y); }

    @Override
    public void scaleChannelsBackward(Tensor x, Tensor s, Tensor dy, float betaX, Tensor dx, float betaS, Tensor ds) {
        open();
        CudaPointwise.scaleChannelsBackward(ctx, x, s, dy, betaX, dx, betaS, ds);
    }

    @Override public void channelShuffle(Tensor x, int groups, Tensor y) { open(); CudaPointwise.channelShuffle(ctx, x, groups, y); }
    @Override public void addBias(Tensor y, Tensor bias) { open(); CudaPointwise.addBias(ctx, y, bias, 1f); }
    @Override public void scaleBiasActivation(Tensor x, Tensor scale, Tensor bias, Activation activation, Tensor y) { open(); CudaPointwise.scaleBiasActivation(ctx, x, scale, bias, activation, y); }

    @Override
    public void sgdStep(Tensor param, Tensor grad, Tensor momentumBuffer, OptimizerConfig.Sgd config, Tensor stepScalars) {
        open();
        CudaOptimizers.sgd(ctx, param, grad, momentumBuffer, config, stepScalars);
    }

    @Override
    public void adamStep(Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq, Tensor maxExpAvgSq, OptimizerConfig.Adam config, Tensor stepScalars) {
        open();
        CudaOptimizers.adam(ctx, param, grad, expAvg, expAvgSq, maxExpAvgSq, config, stepScalars);
    }

    @Override public void finiteFlag(Tensor values, Tensor flagDst, boolean and) { open(); CudaOptimizers.finiteFlag(ctx, values, flagDst, and); }
    @Override public void clipGradNorm(Tensor grads, float maxNorm, Tensor norm) { open(); CudaOptimizers.clipGradNorm(ctx, grads, maxNorm, norm, partials); }
    @Override public void scale(Tensor x, float factor) { open(); CudaPointwise.scale(ctx, x, factor); }

    @Override public void lossScale(Tensor src, Tensor state, Tensor dst) { open(); CudaLossScaling.lossScale(ctx, src, state, dst); }

    @Override
    public void unscaleAndCheck(Tensor grads, Tensor state, Tensor flagDst, boolean and) {
        open();
        CudaLossScaling.unscaleAndCheck(ctx, grads, state, flagDst, and, partials);
    }

    @Override public void updateLossScale(Tensor state, Tensor flag, LossScaling config) { open(); CudaLossScaling.updateLossScale(ctx, state, flag, config); }

    @Override public boolean supportsCapture() { return true; }

    /** A CUDA graph of everything {@code work} issues on this backend's stream (see {@link CudaGraphs}). */
    @Override
    public Recording capture(Runnable work) {
        open();
        return CudaGraphs.capture(this, work);
    }

    /** Waits for outstanding work, then frees the staging buffers, handles, kernels and the stream. Idempotent. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            partials.close();
            transfers.close();
        } finally {
            ctx.close();
        }
    }
}
