package dev.jdnn.ops;

import dev.jdnn.memory.Tensor;

/** Local response normalisation prepared for one {@link LrnSpec}. */
public interface LrnPlan extends AutoCloseable {
    LrnSpec spec();

    void forward(float alpha, Tensor x, float beta, Tensor y);

    void backward(float alpha, Tensor x, Tensor y, Tensor dy, float beta, Tensor dx);

    @Override
    default void close() {}
}
