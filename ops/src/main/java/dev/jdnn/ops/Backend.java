package dev.jdnn.ops;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.Device;
import dev.jdnn.memory.MemoryFormat;
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
 * <p>All operand tensors must live on {@link #device()}. A plan is made for one {@link OperandType} (memory format
 * and storage dtype of its activations; float32 NCHW unless the spec says otherwise), and its activation operands
 * must have that dtype and lie in that format: NCHW operands may be batch-strided views, NHWC operands pixel-strided
 * ones (see {@link Tensor}). Which operands are activations, and what is float32 regardless, is the mixed-precision
 * table of the package documentation. Everything else must be contiguous. Calls may be asynchronous (CUDA): results
 * are visible after {@link #synchronize()} or a download.
 */
public interface Backend extends AutoCloseable {
    Device device();

    /** "cpu" or "cuda". */
    String name();

    /**
     * True where convolutions run fastest on channels-last (NHWC) activations: CUDA devices with tensor cores
     * (compute capability 7.0 or newer). What a compiled model's automatic memory format follows.
     */
    default boolean prefersChannelsLast() {
        return false;
    }

    /**
     * True when this backend's float32 convolutions and matrix products may run on TF32 tensor cores: CUDA devices of
     * compute capability 8.0 or newer, unless the backend was opened for strict FP32. False on the CPU (plain float32).
     */
    default boolean allowsTf32() {
        return false;
    }

    // ---- memory ----------------------------------------------------------------------------------------------

    /** A new tensor on this backend's device laid out in {@code format} (see {@link MemoryFormat#allocationStrides}); contents undefined. */
    Tensor allocate(Shape shape, DType dtype, MemoryFormat format);

    /** A new contiguous (row-major, NCHW) tensor on this backend's device; contents undefined. */
    default Tensor allocate(Shape shape, DType dtype) {
        return allocate(shape, dtype, MemoryFormat.NCHW);
    }

    default Tensor allocate(Shape shape) {
        return allocate(shape, DType.FLOAT32);
    }

    /** A new float32 tensor filled with zeros. */
    default Tensor zeros(Shape shape) {
        Tensor t = allocate(shape, DType.FLOAT32);
        fill(t, 0f);
        return t;
    }

    /**
     * Copies host values (row-major order of dst's logical shape) into dst, any strides; a bfloat16 or float16 dst
     * stores them rounded to nearest even.
     */
    void upload(float[] src, Tensor dst);

    void uploadInts(int[] src, Tensor dst);

    /** Copies src (row-major order of its logical shape; bfloat16/float16 converted exactly) into a host array; synchronises. */
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

    /**
     * dst = src converted to dst's dtype, for same-shaped float32, bfloat16 or float16 tensors of any strides (so also
     * between formats): rounding to nearest even where dst is narrower, exact otherwise. The graph layer's weight
     * copies (float32 master weights to bf16/fp16 after each optimizer step) and the model input go through it.
     * Asynchronous and recordable.
     */
    void cast(Tensor src, Tensor dst);

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

    /** {@code param}: negative slope for LEAKY_RELU, ignored otherwise. x, y, dy and dx are {@code operands}. */
    ActivationPlan activation(Activation kind, float param, Shape shape, OperandType operands);

    /** Float32 NCHW operands. */
    default ActivationPlan activation(Activation kind, float param, Shape shape) {
        return activation(kind, param, shape, OperandType.DEFAULT);
    }

    LrnPlan lrn(LrnSpec spec);

    /** Dropout whose counter-based stream is seeded with the spec's seed: the same masks on every backend and format (see {@link DropoutPlan}). */
    DropoutPlan dropout(DropoutSpec spec);

    /** Float32 NCHW operands. */
    default DropoutPlan dropout(Shape shape, float probability, long seed) {
        return dropout(new DropoutSpec(shape, probability, seed));
    }

    /**
     * Softmax or log-softmax over dimension 1 of [N, C] inputs stored as {@code inputDtype}, computed in float32 (as
     * autocast runs it): y and dy are float32, dx has the input's dtype.
     */
    SoftmaxPlan softmax(Shape shape, boolean log, DType inputDtype);

    default SoftmaxPlan softmax(Shape shape, boolean log) {
        return softmax(shape, log, DType.FLOAT32);
    }

    /**
     * The fused loss for logits stored as {@code logitsDtype}, computed in float32: the loss is float32, the logit
     * gradient is written in the logits' dtype or in float32 (for {@link #lossScale}).
     */
    CrossEntropyPlan crossEntropy(int batch, int classes, float labelSmoothing, DType logitsDtype);

    default CrossEntropyPlan crossEntropy(int batch, int classes, float labelSmoothing) {
        return crossEntropy(batch, classes, labelSmoothing, DType.FLOAT32);
    }

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

    // ---- pointwise and layout ops -------------------------------------------------------------------------------
    // Same-shaped operands in one format (NCHW, batch-strided allowed; or NHWC, pixel-strided allowed), each of them
    // float32, bfloat16 or float16 on its own: values are read as float, computed in float32 and rounded to the
    // destination's dtype. Per-channel operands ([N, C, 1, 1] gates, [C] biases) are in either format.

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
     * follows it, in one pass. x and y of one rank-4 shape in one format, as for the pointwise ops (y may be x);
     * scale and bias contiguous float32 [C].
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

    // ---- loss scaling (float16 training; see LossScaling) -----------------------------------------------------

    /**
     * dst = src * scale with the scale read from {@code state} (a {@link LossScaling} state on this device) when the
     * op runs: the float32 loss gradient, scaled, into the activations' dtype. Same-shaped float operands in one
     * format; dst may be src. Asynchronous and recordable.
     */
    void lossScale(Tensor src, Tensor state, Tensor dst);

    /**
     * grads *= 1 / scale (the scale read from {@code state} when the op runs), and {@code flagDst[0]} = 1 when every
     * unscaled value is finite (and, with {@code and}, it was already non-zero), else 0 — {@link #finiteFlag}'s
     * contract, so the flag can be an optimizer's apply slot. {@code grads}: a contiguous float32 tensor (the flat
     * weight gradients). Asynchronous and recordable.
     */
    void unscaleAndCheck(Tensor grads, Tensor state, Tensor flagDst, boolean and);

    /**
     * The dynamic scaler's step ({@link LossScaling#next}) on the device: reads the finite flag (one float32 element,
     * non-zero = finite) and updates {@code state} in place. Asynchronous and recordable.
     */
    void updateLossScale(Tensor state, Tensor flag, LossScaling config);

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
