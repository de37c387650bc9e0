package dev.jdnn.ops;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;

/** Softmax or log-softmax over dimension 1 of an [N, C] tensor, computed in float32 (see {@link Backend#softmax}). */
public interface SoftmaxPlan extends AutoCloseable {
    Shape shape();

    boolean log();

    /** The dtype of x and dx; y and dy are float32. */
    DType inputDtype();

    void forward(Tensor x, Tensor y);

    /** dx = alpha * softmax_backward(y, dy) + beta * dx, from the forward output y. */
    void backward(float alpha, Tensor y, Tensor dy, float beta, Tensor dx);

    @Override
    default void close() {}
}
