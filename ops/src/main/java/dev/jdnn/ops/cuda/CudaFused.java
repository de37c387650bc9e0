package dev.jdnn.ops.cuda;

import dev.jdnn.ops.BnBackwardSpec;
import dev.jdnn.ops.BnFinalizeSpec;
import dev.jdnn.ops.ConvBiasActivationSpec;
import dev.jdnn.ops.ConvStatsSpec;
import dev.jdnn.ops.DgradDreluSpec;
import dev.jdnn.ops.FusedPlan;
import dev.jdnn.ops.FusedSpec;
import dev.jdnn.ops.Fusion;

/** The CUDA backend's fused patterns: one cuDNN graph per pattern (see each plan class), or the reason there is none. */
final class CudaFused {
    private CudaFused() {}

    static <P extends FusedPlan> Fusion<P> fuse(CudaContext ctx, FusedSpec<P> spec) {
        Fusion<? extends FusedPlan> result = switch (spec) {
            case ConvBiasActivationSpec s -> CudaConvBiasActivation.fuse(ctx, s);
            case ConvStatsSpec s -> CudaConvStats.fuse(ctx, s);
            case BnFinalizeSpec s -> CudaBnFinalize.fuse(ctx, s);
            case DgradDreluSpec s -> CudaDgradDrelu.fuse(ctx, s);
            case BnBackwardSpec s -> CudaBnBackward.fuse(ctx, s);
        };
        return switch (result) {
            case Fusion.Fused<? extends FusedPlan> f -> Fusion.fused(spec, f.plan());
            case Fusion.Unfused<? extends FusedPlan> u -> Fusion.unfused(spec, u.reason(), u.detail());
        };
    }
}
