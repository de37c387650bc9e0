package dev.jdnn.ops;

import dev.jdnn.memory.Tensor;

/** Pooling prepared for one {@link PoolSpec}. Max-pool backward recomputes the arg-max from x (as cuDNN does). */
public interface PoolPlan extends AutoCloseable {
    PoolSpec spec();

    void forward(float alpha, Tensor x, float beta, Tensor y);

    /** dx = alpha * pool_backward(x, y, dy) + beta * dx. */
    void backward(float alpha, Tensor x, Tensor y, Tensor dy, float beta, Tensor dx);

    @Override
    default void close() {}
}
