package dev.jdnn.ops.cuda;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.OptimizerConfig;
import dev.jdnn.ops.OptimizerScalars;

/**
 * Fused SGD and Adam/AdamW (optimizers.cu) over flat contiguous buffers; the float4 variants run when every buffer
 * is 16-byte aligned and the length is a multiple of 4 (parameters allocated whole always are). Each update comes
 * with host scalars, or with its per-step scalars in a device array ({@link OptimizerScalars}) that the
 * {@code *_scalars} kernels read when they run, so a recorded update follows the learning rate and step, and skips
 * a step whose apply slot the guard ({@link #finiteFlag}) cleared.
 */
final class CudaOptimizers {
    private CudaOptimizers() {}

    /** A kernel, its element count (threads) and its arguments: built apart from the launch so tests can check them. */
    record Launch(Kernel kernel, long work, Object[] args) {}

    /** The float4 kernels need n % 4 == 0 and every buffer 16-byte aligned (a parameter group at any offset of a flat buffer may not be). */
    static boolean vectorisable(long n, Tensor... ts) {
        if (n % 4 != 0) return false;
        for (Tensor t : ts) if (t != null && t.address() % 16 != 0) return false;
        return true;
    }

    private static void operand(CudaContext ctx, Tensor t, Tensor param, String what) {
        Operands.contiguous(t, what, param.shape(), ctx.device);
    }

    static void sgd(CudaContext ctx, Tensor p, Tensor g, Tensor buf, OptimizerConfig.Sgd c, boolean firstStep) {
        checkSgd(ctx, p, g, buf, c);
        launch(ctx, sgdLaunch(p, g, buf, c, firstStep));
    }

    static void sgd(CudaContext ctx, Tensor p, Tensor g, Tensor buf, OptimizerConfig.Sgd c, Tensor scalars) {
        checkSgd(ctx, p, g, buf, c);
        checkScalars(ctx, scalars, OptimizerScalars.SGD_LENGTH, c.lr(), "sgd");
        launch(ctx, sgdLaunch(p, g, buf, c, scalars));
    }

    private static void checkSgd(CudaContext ctx, Tensor p, Tensor g, Tensor buf, OptimizerConfig.Sgd c) {
        operand(ctx, p, p, "sgd parameter");
        operand(ctx, g, p, "sgd gradient");
        if (c.momentum() != 0f) {
            if (buf == null) throw new IllegalArgumentException("sgd with momentum " + c.momentum() + " needs a momentum buffer, got null");
            operand(ctx, buf, p, "sgd momentum buffer");
        }
    }

    static Launch sgdLaunch(Tensor p, Tensor g, Tensor buf, OptimizerConfig.Sgd c, boolean firstStep) {
        Object[] tail = {c.lr(), c.momentum(), c.dampening(), c.weightDecay(), c.nesterov() ? 1 : 0, firstStep ? 1 : 0};
        return elementwise(Kernel.SGD_STEP, Kernel.SGD_STEP_VEC4, new Tensor[]{p, g, c.momentum() != 0f ? buf : null}, tail);
    }

    static Launch sgdLaunch(Tensor p, Tensor g, Tensor buf, OptimizerConfig.Sgd c, Tensor scalars) {
        Object[] tail = {scalars, c.momentum(), c.dampening(), c.weightDecay(), c.nesterov() ? 1 : 0};
        return elementwise(Kernel.SGD_STEP_SCALARS, Kernel.SGD_STEP_SCALARS_VEC4, new Tensor[]{p, g, c.momentum() != 0f ? buf : null}, tail);
    }

    static void adam(CudaContext ctx, Tensor p, Tensor g, Tensor m, Tensor v, Tensor vmax, OptimizerConfig.Adam c, long step) {
        if (step < 1) throw new IllegalArgumentException("adam step counts from 1, got " + step);
        checkAdam(ctx, p, g, m, v, vmax, c);
        launch(ctx, adamLaunch(p, g, m, v, vmax, c, step));
    }

    static void adam(CudaContext ctx, Tensor p, Tensor g, Tensor m, Tensor v, Tensor vmax, OptimizerConfig.Adam c, Tensor scalars) {
        checkAdam(ctx, p, g, m, v, vmax, c);
        checkScalars(ctx, scalars, OptimizerScalars.ADAM_LENGTH, c.lr(), "adam");
        launch(ctx, adamLaunch(p, g, m, v, vmax, c, scalars));
    }

    private static void checkAdam(CudaContext ctx, Tensor p, Tensor g, Tensor m, Tensor v, Tensor vmax, OptimizerConfig.Adam c) {
        operand(ctx, p, p, "adam parameter");
        operand(ctx, g, p, "adam gradient");
        operand(ctx, m, p, "adam first moment");
        operand(ctx, v, p, "adam second moment");
        if (c.amsgrad()) {
            if (vmax == null) throw new IllegalArgumentException("amsgrad needs a max-second-moment buffer, got null");
            operand(ctx, vmax, p, "adam max second moment");
        }
    }

    static Launch adamLaunch(Tensor p, Tensor g, Tensor m, Tensor v, Tensor vmax, OptimizerConfig.Adam c, long step) {
        // Bias corrections in double on the host, as torch computes them in Python floats.
        float stepSize = OptimizerScalars.stepSize(c.lr(), c.beta1(), step), bc2Sqrt = OptimizerScalars.bc2Sqrt(c.beta2(), step);
        Object[] tail = {c.lr(), c.beta1(), c.beta2(), c.eps(), c.weightDecay(), c.decoupled() ? 1 : 0, c.amsgrad() ? 1 : 0, stepSize, bc2Sqrt};
        return elementwise(Kernel.ADAM_STEP, Kernel.ADAM_STEP_VEC4, new Tensor[]{p, g, m, v, c.amsgrad() ? vmax : null}, tail);
    }

    static Launch adamLaunch(Tensor p, Tensor g, Tensor m, Tensor v, Tensor vmax, OptimizerConfig.Adam c, Tensor scalars) {
        Object[] tail = {scalars, c.beta1(), c.beta2(), c.eps(), c.weightDecay(), c.decoupled() ? 1 : 0, c.amsgrad() ? 1 : 0};
        return elementwise(Kernel.ADAM_STEP_SCALARS, Kernel.ADAM_STEP_SCALARS_VEC4, new Tensor[]{p, g, m, v, c.amsgrad() ? vmax : null}, tail);
    }

    /** The guard: one block writes flag[0] = all of {@code values} finite (and flag[0] != 0 with {@code and}). */
    static void finiteFlag(CudaContext ctx, Tensor values, Tensor flag, boolean and) {
        if (values == null || flag == null) throw new IllegalArgumentException("finiteFlag: " + (values == null ? "values" : "flag") + " tensor is null");
        values.requireDType(DType.FLOAT32);
        values.requireDevice(ctx.device, "finiteFlag values");
        if (!values.isContiguous()) throw new IllegalArgumentException("finiteFlag values must be contiguous, got " + values.describe());
        flag.requireDType(DType.FLOAT32);
        flag.requireDevice(ctx.device, "finiteFlag flag");
        if (flag.numel() != 1) throw new IllegalArgumentException("finiteFlag: the flag must be one float, got " + flag.describe());
        ctx.launch.launch(Kernel.FINITE_FLAG, 1, KernelLauncher.THREADS, finiteFlagArgs(values, flag, and));
    }

    static Object[] finiteFlagArgs(Tensor values, Tensor flag, boolean and) {
        return new Object[]{values.numel(), values, flag, and ? 1 : 0};
    }

    /** The step scalars: a contiguous float32 device array of exactly {@code length} (the scalar array itself needs no alignment). */
    private static void checkScalars(CudaContext ctx, Tensor s, int length, float configLr, String op) {
        if (configLr != 0f) throw new IllegalArgumentException(op + " with step scalars reads the learning rate from them: config.lr() must be 0, got " + configLr);
        if (s == null) throw new IllegalArgumentException(op + " step scalars: tensor is null");
        s.requireDType(DType.FLOAT32);
        s.requireDevice(ctx.device, op + " step scalars");
        if (!s.isContiguous() || s.numel() != length) {
            throw new IllegalArgumentException(op + " step scalars must be a contiguous tensor of " + length + " floats (see OptimizerScalars), got " + s.describe());
        }
    }

    /** {n, buffers..., tail...} for the scalar kernel, or {n / 4, ...} for the float4 one when the buffers allow. */
    private static Launch elementwise(Kernel scalar, Kernel vec4, Tensor[] buffers, Object[] tail) {
        long n = buffers[0].numel();
        boolean four = vectorisable(n, buffers);
        Object[] args = new Object[1 + buffers.length + tail.length];
        args[0] = four ? n / 4 : n;
        System.arraycopy(buffers, 0, args, 1, buffers.length);
        System.arraycopy(tail, 0, args, 1 + buffers.length, tail.length);
        return new Launch(four ? vec4 : scalar, four ? n / 4 : n, args);
    }

    private static void launch(CudaContext ctx, Launch l) {
        ctx.launch.elementwise(l.kernel(), l.work(), l.args());
    }
}
