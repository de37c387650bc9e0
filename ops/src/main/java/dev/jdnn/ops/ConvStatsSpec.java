package dev.jdnn.ops;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.MemoryFormat;

import java.util.Objects;

/**
 * Training's convolution that also produces the batch-norm statistics of its output (cuDNN's "ConvBNfprop"):
 * <pre>
 *   a      = x                              (scaleBiasReluInput false)
 *          = relu(x * scale[c] + bias[c])   (true: the previous batch norm, applied with {@link BnFinalizePlan}'s
 *                                            equivalent scale and bias, and its ReLU, fused into this input)
 *   y      = conv(a, w)
 *   sum[k] = Σ_{n,h,w} y,   sqSum[k] = Σ_{n,h,w} y²
 * </pre>
 * Unfused: the previous batch norm's forward and {@link ActivationPlan} ReLU (which materialise a), then
 * {@link Conv2dPlan#forward}; the statistics are what {@link BatchNormPlan#forwardTraining} computes internally. The
 * convolution has no bias: the batch norm that follows absorbs it.
 */
public record ConvStatsSpec(Conv2dSpec conv, boolean scaleBiasReluInput) implements FusedSpec<ConvStatsPlan> {
    public ConvStatsSpec {
        Objects.requireNonNull(conv, "conv-stats conv");
        if (conv.bias()) throw new IllegalArgumentException("conv-stats: the convolution before a batch norm has no bias (the batch norm absorbs it), got " + conv);
    }

    /** The pattern for {@code conv}, with its operand type. */
    public static ConvStatsSpec of(Conv2dSpec conv, boolean scaleBiasReluInput) {
        return new ConvStatsSpec(conv, scaleBiasReluInput);
    }

    public ConvStatsSpec with(DType newDtype, MemoryFormat newFormat) {
        return new ConvStatsSpec(conv.with(OperandType.of(newFormat, newDtype)), scaleBiasReluInput);
    }

    @Override public OperandType operands() { return conv.operands(); }

    @Override public String pattern() { return scaleBiasReluInput ? "scale-bias-relu-conv-stats" : "conv-stats"; }

    @Override
    public String describe() {
        return pattern() + " " + conv.geometry() + " " + Specs.format(dtype(), format());
    }

    @Override public Class<ConvStatsPlan> planType() { return ConvStatsPlan.class; }
}
