package dev.jdnn.ops;

import dev.jdnn.memory.Tensor;

/** {@link ConvStatsSpec} prepared: a convolution writing its output and the per-channel sum and sum of squares of it. */
public interface ConvStatsPlan extends FusedPlan {
    @Override
    ConvStatsSpec spec();

    /**
     * x [N, C, H, W], w, y in the spec's dtype and layout; scale and bias float32 [C] (null unless the spec's
     * {@code scaleBiasReluInput}); sum and sqSum float32 [K], overwritten.
     */
    void forward(Tensor x, Tensor scale, Tensor bias, Tensor w, Tensor y, Tensor sum, Tensor sqSum, Tensor workspace);
}
