package dev.jdnn.ops;

import dev.jdnn.memory.Tensor;

/** {@link BnFinalizeSpec} prepared. Every operand is a float32 [C] tensor. */
public interface BnFinalizePlan extends FusedPlan {
    @Override
    BnFinalizeSpec spec();

    /**
     * Reads sum, sqSum, gamma, beta; updates runningMean and runningVar in place; writes saveMean, saveInvStd (for the
     * batch norm's backward) and eqScale, eqBias (the normalisation as one multiply-add per element).
     */
    void finalizeStatistics(Tensor sum, Tensor sqSum, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
                            Tensor saveMean, Tensor saveInvStd, Tensor eqScale, Tensor eqBias, Tensor workspace);
}
