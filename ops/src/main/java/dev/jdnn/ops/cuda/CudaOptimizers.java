package dev.jdnn.ops.cuda;

import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Operands;
import dev.jdnn.ops.OptimizerConfig;

/**
 * Fused SGD and Adam/AdamW (optimizers.cu) over flat contiguous buffers, reading their per-step values from a
 * device array ({@link dev.jdnn.ops.OptimizerScalars}) when they run, so a recorded update follows the learning
 * rate and step, and skips a step whose apply slot the guard ({@link #finiteFlag}) cleared. The float4 kernels run
 * when every buffer is 16-byte aligned and the length is a multiple of 4 (parameters allocated whole always are).
 * Also the recordable gradient clipping.
 */
final class CudaOptimizers {
    private CudaOptimizers() {}

    /** Blocks of the clipping's first reduction stage at most: its double partials fill the backend's scratch. */
    static final int CLIP_BLOCKS = 1024;

    private static final String[] SGD_NAMES = {"param", "grad", "momentumBuffer"};
    private static final String[] ADAM_NAMES = {"param", "grad", "expAvg", "expAvgSq", "maxExpAvgSq"};

    /** A kernel, its element count (threads) and its arguments: built apart from the launch so tests can check them. */
    record Launch(Kernel kernel, long work, Object[] args) {}

    /** The float4 kernels need n % 4 == 0 and every buffer 16-byte aligned (a parameter group at any offset of a flat buffer may not be). */
    static boolean vectorisable(long n, Tensor... ts) {
        if (n % 4 != 0) return false;
        for (Tensor t : ts) if (t != null && t.address() % 16 != 0) return false;
        return true;
    }

    static void sgd(CudaContext ctx, Tensor p, Tensor g, Tensor buf, OptimizerConfig.Sgd c, Tensor scalars) {
        Operands.optimizerStep("sgdStep", ctx.device, c, scalars, SGD_NAMES, new boolean[]{true, true, c.hasMomentum()}, p, g, buf);
        launch(ctx, sgdLaunch(p, g, buf, c, scalars));
    }

    static Launch sgdLaunch(Tensor p, Tensor g, Tensor buf, OptimizerConfig.Sgd c, Tensor scalars) {
        Object[] tail = {scalars, c.momentumF(), c.keep(), c.weightDecayF(), c.nesterov() ? 1 : 0};
        return elementwise(Kernel.SGD_STEP, Kernel.SGD_STEP_VEC4, new Tensor[]{p, g, c.hasMomentum() ? buf : null}, tail);
    }

    static void adam(CudaContext ctx, Tensor p, Tensor g, Tensor m, Tensor v, Tensor vmax, OptimizerConfig.Adam c, Tensor scalars) {
        Operands.optimizerStep("adamStep", ctx.device, c, scalars, ADAM_NAMES, new boolean[]{true, true, true, true, c.amsgrad()},
                p, g, m, v, c.amsgrad() ? vmax : null);
        launch(ctx, adamLaunch(p, g, m, v, vmax, c, scalars));
    }

    static Launch adamLaunch(Tensor p, Tensor g, Tensor m, Tensor v, Tensor vmax, OptimizerConfig.Adam c, Tensor scalars) {
        Object[] tail = {scalars, c.lerpWeight(), c.beta2F(), c.oneMinusBeta2(), c.epsF(), c.l2(), c.amsgrad() ? 1 : 0};
        return elementwise(Kernel.ADAM_STEP, Kernel.ADAM_STEP_VEC4, new Tensor[]{p, g, m, v, c.amsgrad() ? vmax : null}, tail);
    }

    /** The guard: one block writes flag[0] = all of {@code values} finite (and flag[0] != 0 with {@code and}). */
    static void finiteFlag(CudaContext ctx, Tensor values, Tensor flag, boolean and) {
        Operands.finiteFlag(ctx.device, values, flag);
        ctx.launch.launch(Kernel.FINITE_FLAG, 1, KernelLauncher.THREADS, finiteFlagArgs(values, flag, and));
    }

    static Object[] finiteFlagArgs(Tensor values, Tensor flag, boolean and) {
        return new Object[]{values.numel(), values, flag, and ? 1 : 0};
    }

    /**
     * Gradient clipping in three launches, none reading anything back: double partial sums of squares per block into
     * {@code partials} (the backend's scratch of {@link #CLIP_BLOCKS} doubles), one block adding them into the norm,
     * then the scaling, which reads the norm on the device.
     */
    static void clipGradNorm(CudaContext ctx, Tensor grads, float maxNorm, Tensor norm, Tensor partials) {
        Operands.clipGradNorm(ctx.device, grads, maxNorm, norm);
        int blocks = clipBlocks(grads.numel());
        if (blocks == 0) {
            CudaPointwise.fill(ctx, norm, 0f);
            return;
        }
        ctx.launch.launch(Kernel.CLIP_NORM_PARTIAL, blocks, KernelLauncher.THREADS, grads.numel(), grads, partials);
        ctx.launch.launch(Kernel.CLIP_NORM_FINISH, 1, KernelLauncher.THREADS, partials, blocks, norm);
        ctx.launch.elementwise(Kernel.CLIP_SCALE, grads.numel(), grads.numel(), grads, norm, maxNorm);
    }

    static int clipBlocks(long n) {
        return Math.toIntExact(Math.min(CLIP_BLOCKS, (n + KernelLauncher.THREADS - 1) / KernelLauncher.THREADS));
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
