package dev.jdnn.ops;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.Device;
import dev.jdnn.memory.MemoryStats;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;

/**
 * The one interface both compute backends implement ({@code dev.jdnn.ops.cpu.CpuBackend},
 * {@code dev.jdnn.ops.cuda.CudaBackend}).
 *
 * <p>Shaped for a static graph: everything that depends on a shape is prepared once as a plan (cuDNN descriptors,
 * algorithm choice, workspace size; on the CPU, loop bounds and scratch sizes), then executed many times on
 * caller-provided tensors. Calls follow cuDNN's structure — forward, backward-data, backward-filter, backward-bias
 * as separate calls with {@code out = alpha * op + beta * out} scaling, so gradients accumulate with beta = 1.
 *
 * <p>All operand tensors must live on {@link #device()}. NCHW operands may be batch-strided views
 * (see {@link Tensor}); everything else must be contiguous. Calls may be asynchronous (CUDA): results are visible
 * after {@link #synchronize()} or a download.
 */
public interface Backend extends AutoCloseable {
    Device device();

    /** "cpu" or "cuda". */
    String name();

    // ---- memory ----------------------------------------------------------------------------------------------

    /** A new contiguous tensor on this backend's device; contents undefined. */
    Tensor allocate(Shape shape, DType dtype);

    default Tensor allocate(Shape shape) {
        return allocate(shape, DType.FLOAT32);
    }

    /** A new float32 tensor filled with zeros. */
    default Tensor zeros(Shape shape) {
        Tensor t = allocate(shape, DType.FLOAT32);
        fill(t, 0f);
        return t;
    }

    /** Copies host values (row-major order of dst's shape) into dst. */
    void upload(float[] src, Tensor dst);

    void uploadInts(int[] src, Tensor dst);

    /** Copies src (row-major order of its shape) into a host array; synchronises. */
    void download(Tensor src, float[] dst);

    default float[] download(Tensor src) {
        float[] out = new float[Math.toIntExact(src.numel())];
        download(src, out);
        return out;
    }

    /**
     * dst = src for same-shaped, same-dtype tensors of any strides (a strided copy, e.g. into a channel slice). Both
     * live on this backend's device, or one side is a contiguous host tensor (an upload or a download; the host side
     * may be reused as soon as the call returns).
     */
    void copy(Tensor src, Tensor dst);

    /** Waits for all work issued so far; surfaces asynchronous errors. */
    void synchronize();

    MemoryStats memoryStats();

    /** {@code count} reusable marks in this backend's order of work, for timing spans of it on the device (see {@link TimeMarks}). */
    TimeMarks timeMarks(int count);

    // ---- planned ops ------------------------------------------------------------------------------------------

    Conv2dPlan conv2d(Conv2dSpec spec);

    LinearPlan linear(LinearSpec spec);

    BatchNormPlan batchNorm(BatchNormSpec spec);

    PoolPlan pool(PoolSpec spec);

    /** {@code param}: negative slope for LEAKY_RELU, ignored otherwise. */
    ActivationPlan activation(Activation kind, float param, Shape shape);

    LrnPlan lrn(LrnSpec spec);

    /** Dropout whose counter-based stream is seeded with {@code seed}: the same masks on every backend (see {@link DropoutPlan}). */
    DropoutPlan dropout(Shape shape, float probability, long seed);

    SoftmaxPlan softmax(Shape shape, boolean log);

    CrossEntropyPlan crossEntropy(int batch, int classes, float labelSmoothing);

    // ---- fused patterns ---------------------------------------------------------------------------------------

    /**
     * The pattern {@code spec} describes (see the {@link FusedSpec} records) as one plan, or why this backend cannot
     * fuse it for that spec: then the caller runs the pattern's unfused ops, which each spec names, for that node.
     * The CPU backend computes every float32 NCHW pattern by composing its unfused ops (the reference the fused CUDA
     * plans are tested against) and reports other dtypes and layouts as {@link Fusion.Reason#OPERANDS_UNSUPPORTED}.
     * The CUDA backend builds a cuDNN operation graph and runs the engine configuration chosen for it (timed once per
     * shape and kept on disk like the convolution algorithms), or reports why cuDNN offered none.
     */
    <P extends FusedPlan> Fusion<P> fuse(FusedSpec<P> spec);

    // ---- pointwise and layout ops (any same-shaped operands, batch-strided allowed) -----------------------------

    void fill(Tensor t, float value);

    /** y = alpha * x + beta * y (cuDNN addTensor with equal shapes; beta = 1 accumulates a gradient). */
    void addScaled(float alpha, Tensor x, float beta, Tensor y);

    /** c = a + b (residual connections); c may alias a or b. */
    void add(Tensor a, Tensor b, Tensor c);

    /** y[n,c,h,w] = x[n,c,h,w] * s[n,c] — the squeeze-and-excitation gate; s has shape [N, C, 1, 1]. */
    void scaleChannels(Tensor x, Tensor s, Tensor y);

    /**
     * Backward of {@link #scaleChannels}: dx = dy * s + betaX * dx and ds[n,c] = sum_hw dy*x + betaS * ds.
     * Either output may be null to skip it.
     */
    void scaleChannelsBackward(Tensor x, Tensor s, Tensor dy, float betaX, Tensor dx, float betaS, Tensor ds);

    /**
     * ShuffleNet's channel shuffle: view C as [groups, C/groups], transpose, flatten. The inverse (for backward) is
     * the same call with C/groups groups.
     */
    void channelShuffle(Tensor x, int groups, Tensor y);

    /** y[n, c] = bias-free sum over H, W is done by pooling; this adds a per-channel bias: y[n,c,...] += b[c]. */
    void addBias(Tensor y, Tensor bias);

    /**
     * {@code y[n,c,h,w] = act(x[n,c,h,w] * scale[c] + bias[c])}, act IDENTITY or RELU: a batch norm applied through
     * its equivalent per-channel scale and bias (what {@link BnFinalizePlan} writes), with the ReLU that usually
     * follows it, in one pass. x and y NCHW of the same shape (y may be x); scale and bias contiguous float32 [C].
     */
    void scaleBiasActivation(Tensor x, Tensor scale, Tensor bias, Activation activation, Tensor y);

    // ---- optimizer updates and gradient clipping --------------------------------------------------------------

    /**
     * One in-place SGD step (see {@link OptimizerConfig.Sgd}); momentumBuffer may be null when momentum is 0. The
     * per-step values (learning rate, first-step flag, apply flag) are read from {@code stepScalars}, a float32
     * tensor on this device laid out as {@link OptimizerScalars} describes, when the update runs — not when it is
     * issued — so the call may be recorded ({@link #capture}) once and replayed each step after the host
     * {@link #upload}s that step's scalars. When their {@code apply} slot is 0 ({@link #finiteFlag}) it changes
     * nothing.
     */
    void sgdStep(Tensor param, Tensor grad, Tensor momentumBuffer, OptimizerConfig.Sgd config, Tensor stepScalars);

    /**
     * One in-place Adam/AdamW step in torch's order of operations (see {@link OptimizerConfig.Adam}); maxExpAvgSq
     * is used only with amsgrad. Per-step values (bias-corrected step size, sqrt of the second bias correction,
     * AdamW's decay factor, apply flag) are read from {@code stepScalars} ({@link OptimizerScalars}) when the update
     * runs, as for {@link #sgdStep}.
     */
    void adamStep(Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq, Tensor maxExpAvgSq, OptimizerConfig.Adam config, Tensor stepScalars);

    /**
     * The guard of an optimizer update: {@code flagDst[0] = 1} when every element of {@code values} is finite (and,
     * when {@code and}, {@code flagDst[0]} was already non-zero), else 0. {@code values}: a contiguous float32 tensor
     * on this device (the step's losses); {@code flagDst}: one float32 element on this device, e.g. the {@code apply}
     * slot of an {@link OptimizerScalars} tensor. Asynchronous and recordable: issued between the loss and an update,
     * it makes the update skip a step whose loss is NaN or infinite on the device. {@code and} combines several loss
     * tensors into one flag.
     */
    void finiteFlag(Tensor values, Tensor flagDst, boolean and);

    /**
     * torch.nn.utils.clip_grad_norm_ on the device, asynchronous and recordable: {@code norm[0]} = the L2 norm of
     * all of {@code grads} (squares summed in double, the root rounded to float), then every element is multiplied
     * by min(1, (1 / (norm + 1e-6)) · maxNorm), computed in float as torch does. {@code grads}: a contiguous float32
     * tensor on this device (the flat gradients of a compiled model); {@code norm}: one float32 element on this
     * device, where the host can read the norm later without holding up the step.
     */
    void clipGradNorm(Tensor grads, float maxNorm, Tensor norm);

    /** x *= factor, in place. */
    void scale(Tensor x, float factor);

    // ---- recording for replay (CUDA graphs) ------------------------------------------------------------------

    /** True when {@link #capture} can record work for replay; false where ops only run eagerly (the CPU backend). */
    default boolean supportsCapture() {
        return false;
    }

    /**
     * Records the work {@code work} issues, without running it, for replay with {@link Recording#replay()}: on CUDA,
     * a CUDA graph captured from the backend's stream. Returns null, without running {@code work}, where
     * {@link #supportsCapture()} is false.
     *
     * <p>Rules for {@code work}, because nothing runs while it is recorded and a replay repeats it verbatim:
     * <ul>
     *   <li>only asynchronous ops on tensors and plans that already exist: no {@link #upload}, {@link #download},
     *       {@link #synchronize} (all wait for the device or read host memory at call time),
     *       no {@link #allocate}/{@link #zeros} and no closing of tensors or plans, no plan creation (cuDNN
     *       benchmarking synchronises);</li>
     *   <li>every argument is frozen at capture: tensor addresses, host scalars (alpha/beta, learning rates, step
     *       counts), which ops run. Anything that must change between replays has to live in device memory (the
     *       optimizer updates read their learning rate and step from an {@link OptimizerScalars} tensor);</li>
     *   <li>run the same work eagerly once before capturing it, so lazy initialisation (kernel loading, library
     *       set-up) happens outside the capture.</li>
     * </ul>
     * If {@code work} throws, or issued something that cannot be captured, this throws, nothing was recorded, and
     * the backend stays usable (the work did not run).
     */
    default Recording capture(Runnable work) {
        return null;
    }

    @Override
    void close();
}
