package dev.jdnn.ops;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;

/** Softmax or log-softmax over dimension 1 of an [N, C] tensor. */
public interface SoftmaxPlan extends AutoCloseable {
    Shape shape();

    boolean log();

    void forward(Tensor x, Tensor y);

    /** dx = alpha * softmax_backward(y, dy) + beta * dx, from the forward output y. */
    void backward(float alpha, Tensor y, Tensor dy, float beta, Tensor dx);

    @Override
    default void close() {}
}
