package dev.jdnn.ops;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.MemoryFormat;

import java.util.Objects;

/**
 * A convolution's backward-data fused with the derivative of the ReLU in front of it:
 * <pre>
 *   r  = reluInput                               (reluInputFromScaleBias false: the ReLU's input as saved)
 *      = reluInput * scale[c] + bias[c]          (true: reluInput is the previous batch norm's input, and the ReLU's
 *                                                  input is recomputed from it with that batch norm's eqScale, eqBias —
 *                                                  the backward of a {@link ConvStatsSpec} with scaleBiasReluInput)
 *   dx = conv_transpose(dy, w) * (r > 0)
 * </pre>
 * Unfused: {@link Conv2dPlan#backwardData}, then {@link ActivationPlan#backward} of the ReLU in place on dx.
 */
public record DgradDreluSpec(Conv2dSpec conv, boolean reluInputFromScaleBias) implements FusedSpec<DgradDreluPlan> {
    public DgradDreluSpec {
        Objects.requireNonNull(conv, "dgrad-drelu conv");
    }

    /** The pattern for {@code conv}, with its operand type. */
    public static DgradDreluSpec of(Conv2dSpec conv, boolean reluInputFromScaleBias) {
        return new DgradDreluSpec(conv, reluInputFromScaleBias);
    }

    public DgradDreluSpec with(DType newDtype, MemoryFormat newFormat) {
        return new DgradDreluSpec(conv.with(OperandType.of(newFormat, newDtype)), reluInputFromScaleBias);
    }

    @Override public OperandType operands() { return conv.operands(); }

    @Override public String pattern() { return reluInputFromScaleBias ? "dgrad-scale-bias-drelu" : "dgrad-drelu"; }

    @Override
    public String describe() {
        return pattern() + " " + conv.geometry() + " " + Specs.format(dtype(), format());
    }

    @Override public Class<DgradDreluPlan> planType() { return DgradDreluPlan.class; }
}
