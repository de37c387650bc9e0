package dev.jdnn.ops;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.MemoryFormat;

import java.util.Objects;

/**
 * Batch-norm backward ("dBN") as one fused plan: from x, dy and the saved statistics, {@code dgamma = Σ dy·x̂},
 * {@code dbeta = Σ dy} and {@code dx = gamma·invStd·(dy - dbeta/M - x̂·dgamma/M)} with x̂ = (x - mean)·invStd — exactly
 * {@link BatchNormPlan#backward} with alphas 1 and betas 0 (results overwrite, nothing accumulates).
 */
public record BnBackwardSpec(BatchNormSpec bn) implements FusedSpec<BnBackwardPlan> {
    public BnBackwardSpec {
        Objects.requireNonNull(bn, "bn-backward batch norm");
    }

    /** The pattern for {@code bn}, with its operand type. */
    public static BnBackwardSpec of(BatchNormSpec bn) {
        return new BnBackwardSpec(bn);
    }

    public BnBackwardSpec with(DType newDtype, MemoryFormat newFormat) {
        return new BnBackwardSpec(bn.with(OperandType.of(newFormat, newDtype)));
    }

    @Override public OperandType operands() { return bn.operands(); }

    @Override public String pattern() { return "bn-backward"; }

    @Override
    public String describe() {
        return pattern() + " shape=" + bn.shape() + " " + Specs.format(dtype(), format());
    }

    @Override public Class<BnBackwardPlan> planType() { return BnBackwardPlan.class; }
}
