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
        ctx.launch.elementwise(Kernel.LOSS_SCALE, w.count(), lossScaleArgs(w, src, state, dst));
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
        Object[][] args = unscaleArgs(grads, state, flag, and, partials, blocks);
        ctx.launch.launch(Kernel.UNSCALE_PARTIAL, blocks, KernelLauncher.THREADS, args[0]);
        ctx.launch.launch(Kernel.UNSCALE_FINISH, 1, KernelLauncher.THREADS, args[1]);
    }

    static void updateLossScale(CudaContext ctx, Tensor state, Tensor flag, LossScaling config) {
        Operands.lossScaleState("updateLossScale", state, ctx.device);
        Operands.flag("updateLossScale", flag, ctx.device);
        ctx.launch.launch(Kernel.UPDATE_LOSS_SCALE, 1, 1, updateArgs(state, flag, config));
    }

    // The launches' arguments, static so that their kinds are checked against optimizers.cu without a GPU.

    static Object[] lossScaleArgs(KernelOperands.Walk w, Tensor src, Tensor state, Tensor dst) {
        return new Object[]{w, KernelOperands.ref(src), state, KernelOperands.ref(dst)};
    }

    /** {unscale_partial's, unscale_finish's} arguments. */
    static Object[][] unscaleArgs(Tensor grads, Tensor state, Tensor flag, boolean and, Tensor partials, int blocks) {
        return new Object[][]{{grads.numel(), grads, state, partials}, {partials, blocks, flag, and ? 1 : 0}};
    }

    static Object[] updateArgs(Tensor state, Tensor flag, LossScaling config) {
        return new Object[]{state, flag, config.growthFactor(), config.backoffFactor(), config.growthInterval()};
    }
}
