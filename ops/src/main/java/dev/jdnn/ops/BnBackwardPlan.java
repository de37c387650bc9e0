package dev.jdnn.ops;

import dev.jdnn.memory.Tensor;

/** {@link BnBackwardSpec} prepared. */
public interface BnBackwardPlan extends FusedPlan {
    @Override
    BnBackwardSpec spec();

    /**
     * x, dy, dx in the spec's dtype and layout; gamma, saveMean, saveInvStd (from the training forward), dgamma and
     * dbeta float32 [C]. dx, dgamma and dbeta are overwritten.
     */
    void backward(Tensor x, Tensor dy, Tensor gamma, Tensor saveMean, Tensor saveInvStd, Tensor dx, Tensor dgamma, Tensor dbeta, Tensor workspace);
}
