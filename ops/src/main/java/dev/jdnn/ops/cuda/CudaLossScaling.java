package dev.jdnn.ops.cuda;

import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.LossScaling;
import dev.jdnn.ops.Operands;

/**
 * Dynamic loss scaling on the device ({@link LossScaling}; kernels in optimizers.cu): every op reads the scale from
 * the state tensor when it runs, so the whole scaled step can be recorded and replayed.
 */
final class CudaLossScaling {
    private CudaLossScaling() {}

    /** dst = src * scale over same-shaped operands in one format, any float dtypes. */
    static void lossScale(CudaContext ctx, Tensor src, Tensor state, Tensor dst) {
        Operands.lossScaleState("lossScale", state, ctx.device);
        KernelOperands.Walk w = CudaPointwise.walk(ctx, "lossScale", new String[]{"src", "dst"}, src, dst);
        ctx.launch.elementwise(Kernel.LOSS_SCALE, w.count(), w, KernelOperands.ref(src), state, KernelOperands.ref(dst));
    }

    /**
     * grads *= 1/scale with a finite check, in two launches reading nothing back: per-block flags into {@code partials}
     * (the backend's scratch, at least {@link CudaOptimizers#CLIP_BLOCKS} floats), then one block combining them.
     */
    static void unscaleAndCheck(CudaContext ctx, Tensor grads, Tensor state, Tensor flag, boolean and, Tensor partials) {
        Operands.lossScaleState("unscaleAndCheck", state, ctx.device);
        Operands.requireContiguous("unscaleAndCheck grads", Operands.floats("unscaleAndCheck grads", grads, ctx.device));
        Operands.flag("unscaleAndCheck", flag, ctx.device);
        int blocks = CudaOptimizers.clipBlocks(grads.numel());
        if (blocks == 0) { // nothing to unscale: the flag is what finite_flag makes of no values
            CudaOptimizers.finiteFlag(ctx, grads, flag, and);
            return;
        }
        ctx.launch.launch(Kernel.UNSCALE_PARTIAL, blocks, KernelLauncher.THREADS, grads.numel(), grads, state, partials);
        ctx.launch.launch(Kernel.UNSCALE_FINISH, 1, KernelLauncher.THREADS, partials, blocks, flag, and ? 1 : 0);
    }

    static void updateLossScale(CudaContext ctx, Tensor state, Tensor flag, LossScaling config) {
        Operands.lossScaleState("updateLossScale", state, ctx.device);
        Operands.flag("updateLossScale", flag, ctx.device);
        ctx.launch.launch(Kernel.UPDATE_LOSS_SCALE, 1, 1, state, flag, config.growthFactor(), config.backoffFactor(), config.growthInterval());
    }
}
