package dev.jdnn.ops;

import dev.jdnn.memory.Tensor;

/** {@link DgradDreluSpec} prepared: the gradient of a convolution's input, through the ReLU that produced it. */
public interface DgradDreluPlan extends FusedPlan {
    @Override
    DgradDreluSpec spec();

    /**
     * dy [N, K, P, Q], w, reluInput and dx [N, C, H, W] in the spec's dtype and layout; scale and bias float32 [C]
     * (null unless the spec's {@code reluInputFromScaleBias}); dx is overwritten.
     */
    void backward(Tensor dy, Tensor w, Tensor reluInput, Tensor scale, Tensor bias, Tensor dx, Tensor workspace);
}
