package dev.jdnn.ops;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.Tensor;

/**
 * Fused softmax + cross-entropy for [N, C] logits and int32 labels [N], mean over the batch, with label smoothing
 * ε as PyTorch's CrossEntropyLoss(label_smoothing=ε): target = (1-ε)·onehot + ε/C.
 */
public interface CrossEntropyPlan extends AutoCloseable {
    int batch();

    int classes();

    float labelSmoothing();

    /** The dtype of the logits (and of dLogits, unless that is float32). */
    DType logitsDtype();

    /**
     * Writes the mean loss into {@code loss} (a 1-element float32 tensor on the backend's device) and, when
     * {@code dLogits} is not null, dLogits = gradScale * (softmax - target) / N + beta * dLogits, computed in float32
     * and written in dLogits' dtype ({@link #logitsDtype()} or float32).
     */
    void forwardBackward(Tensor logits, Tensor labels, Tensor loss, float gradScale, float beta, Tensor dLogits);

    @Override
    default void close() {}
}
