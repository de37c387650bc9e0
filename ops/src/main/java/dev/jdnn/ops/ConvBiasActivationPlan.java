package dev.jdnn.ops;

import dev.jdnn.memory.Tensor;

/** {@link ConvBiasActivationSpec} prepared: {@code y = act(conv(x, w) + bias)}. */
public interface ConvBiasActivationPlan extends FusedPlan {
    @Override
    ConvBiasActivationSpec spec();

    /** x, w, y in the spec's dtype and layout; bias a float32 [K] tensor, null exactly when the spec has no bias. */
    void forward(Tensor x, Tensor w, Tensor bias, Tensor y, Tensor workspace);
}
