package dev.jdnn.ops.cpu;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.MemoryFormat;
import dev.jdnn.ops.BnBackwardSpec;
import dev.jdnn.ops.BnFinalizeSpec;
import dev.jdnn.ops.ConvBiasActivationSpec;
import dev.jdnn.ops.ConvStatsSpec;
import dev.jdnn.ops.DgradDreluSpec;
import dev.jdnn.ops.FusedPlan;
import dev.jdnn.ops.FusedSpec;
import dev.jdnn.ops.Fusion;

/**
 * The CPU backend's fused patterns: each one the composition of the CPU's unfused ops that its spec states, so that
 * it is the reference the CUDA fused plans are compared against. Float32 NCHW only: the unfused ops take every format
 * and dtype (through {@code Staging}), but the reference has no need to, and staged compositions would only be slower.
 */
final class CpuFused {
    private CpuFused() {}

    static <P extends FusedPlan> Fusion<P> fuse(FusedSpec<P> spec) {
        if (spec.dtype() != DType.FLOAT32 || spec.format() != MemoryFormat.NCHW) {
            return Fusion.unfused(spec, Fusion.Reason.OPERANDS_UNSUPPORTED,
                    "the CPU backend fuses float32 NCHW only, this spec asks for " + spec.operands().describe());
        }
        FusedPlan plan = switch (spec) {
            case ConvBiasActivationSpec s -> new CpuConvBiasActivation(s);
            case ConvStatsSpec s -> new CpuConvStats(s);
            case BnFinalizeSpec s -> new CpuBnFinalize(s);
            case DgradDreluSpec s -> new CpuDgradDrelu(s);
            case BnBackwardSpec s -> new CpuBnBackward(s);
        };
        return Fusion.fused(spec, plan);
    }
}
