package dev.jdnn.ops;

import dev.jdnn.memory.Tensor;

/**
 * Batch normalisation prepared for one {@link BatchNormSpec}. gamma, beta, running statistics and the saved
 * statistics are all [C] tensors. {@code saveMean}/{@code saveInvStd} are written by the training forward and read
 * by the backward (cuDNN's resultSaveMean / resultSaveInvVariance).
 */
public interface BatchNormPlan extends AutoCloseable {
    BatchNormSpec spec();

    /** Training: normalise with batch statistics, update running statistics with the spec's momentum. */
    void forwardTraining(Tensor x, Tensor gamma, Tensor beta, Tensor y,
                         Tensor runningMean, Tensor runningVar, Tensor saveMean, Tensor saveInvStd);

    /** Inference: normalise with the running statistics. */
    void forwardInference(Tensor x, Tensor gamma, Tensor beta, Tensor y, Tensor runningMean, Tensor runningVar);

    /**
     * Gradients of the training forward: dx = alphaData * dx_op + betaData * dx; dgamma/dbeta likewise with
     * alphaParam/betaParam (betaParam = 1 accumulates parameter gradients).
     */
    void backward(float alphaData, float betaData, float alphaParam, float betaParam,
                  Tensor x, Tensor dy, Tensor gamma, Tensor dx, Tensor dgamma, Tensor dbeta,
                  Tensor saveMean, Tensor saveInvStd);

    @Override
    default void close() {}
}
