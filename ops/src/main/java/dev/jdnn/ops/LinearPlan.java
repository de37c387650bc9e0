package dev.jdnn.ops;

import dev.jdnn.memory.Tensor;

/** A fully connected layer prepared for one {@link LinearSpec}. Same alpha/beta convention as {@link Conv2dPlan}. */
public interface LinearPlan extends AutoCloseable {
    LinearSpec spec();

    /** How this backend computes the products, for profiles (the GEMM and its math mode). */
    String implementation();

    /** y = alpha * (x · Wᵀ + b) + beta * y; bias may be null. */
    void forward(float alpha, Tensor x, Tensor w, Tensor bias, float beta, Tensor y);

    /** dx = alpha * dy · W + beta * dx. */
    void backwardData(float alpha, Tensor dy, Tensor w, float beta, Tensor dx);

    /** dW = alpha * dyᵀ · x + beta * dW. */
    void backwardWeight(float alpha, Tensor x, Tensor dy, float beta, Tensor dw);

    /** db = alpha * sum_n dy + beta * db. */
    void backwardBias(float alpha, Tensor dy, float beta, Tensor db);

    @Override
    default void close() {}
}
