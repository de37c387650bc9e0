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
public record ConvStatsSpec(Conv2dSpec conv, boolean scaleBiasReluInput, DType dtype, MemoryFormat layout) implements FusedSpec<ConvStatsPlan> {
    public ConvStatsSpec {
        Objects.requireNonNull(conv, "conv-stats conv");
        if (conv.bias()) throw new IllegalArgumentException("conv-stats: the convolution before a batch norm has no bias (the batch norm absorbs it), got " + conv);
        Specs.operandFormat("conv-stats", dtype, layout);
    }

    /** Float32, NCHW. */
    public static ConvStatsSpec of(Conv2dSpec conv, boolean scaleBiasReluInput) {
        return new ConvStatsSpec(conv, scaleBiasReluInput, DType.FLOAT32, MemoryFormat.NCHW);
    }

    public ConvStatsSpec with(DType newDtype, MemoryFormat newLayout) {
        return new ConvStatsSpec(conv, scaleBiasReluInput, newDtype, newLayout);
    }

    @Override public String pattern() { return scaleBiasReluInput ? "scale-bias-relu-conv-stats" : "conv-stats"; }

    @Override
    public String describe() {
        return pattern() + " " + Specs.geometry(conv) + " " + Specs.format(dtype, layout);
    }

    @Override public Class<ConvStatsPlan> planType() { return ConvStatsPlan.class; }
}
