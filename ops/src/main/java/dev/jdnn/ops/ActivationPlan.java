package dev.jdnn.ops;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;

/** A pointwise activation prepared for one shape. x and y may be the same tensor (in place) in forward. */
public interface ActivationPlan extends AutoCloseable {
    Activation kind();

    Shape shape();

    /** The format and dtype of x, y, dy and dx. */
    OperandType operands();

    void forward(float alpha, Tensor x, float beta, Tensor y);

    /** dx = alpha * f'(x) * dy + beta * dx. Needs x (and y, which some backends use instead of x). */
    void backward(float alpha, Tensor x, Tensor y, Tensor dy, float beta, Tensor dx);

    @Override
    default void close() {}
}
