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
public record DgradDreluSpec(Conv2dSpec conv, boolean reluInputFromScaleBias, DType dtype, MemoryFormat layout) implements FusedSpec<DgradDreluPlan> {
    public DgradDreluSpec {
        Objects.requireNonNull(conv, "dgrad-drelu conv");
        Specs.operandFormat("dgrad-drelu", dtype, layout);
    }

    /** Float32, NCHW. */
    public static DgradDreluSpec of(Conv2dSpec conv, boolean reluInputFromScaleBias) {
        return new DgradDreluSpec(conv, reluInputFromScaleBias, DType.FLOAT32, MemoryFormat.NCHW);
    }

    public DgradDreluSpec with(DType newDtype, MemoryFormat newLayout) {
        return new DgradDreluSpec(conv, reluInputFromScaleBias, newDtype, newLayout);
    }

    @Override public String pattern() { return reluInputFromScaleBias ? "dgrad-scale-bias-drelu" : "dgrad-drelu"; }

    @Override
    public String describe() {
        return pattern() + " " + Specs.geometry(conv) + " " + Specs.format(dtype, layout);
    }

    @Override public Class<DgradDreluPlan> planType() { return DgradDreluPlan.class; }
}
