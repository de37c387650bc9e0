package dev.jdnn.ops;

import dev.jdnn.memory.Tensor;

/**
 * A convolution prepared for one {@link Conv2dSpec}: algorithms chosen, descriptors built, workspace reserved.
 * Every call computes {@code out = alpha * op(...) + beta * out}; beta = 0 ignores (and may contain NaN) the old
 * contents, beta = 1 accumulates (gradients of shared parameters, branch gradients). Operand dtypes and layouts are
 * the spec's {@link OperandType} (see {@link Conv2dSpec}: x, w, y, dx, dy in it; bias, dW, db float32). The plan uses
 * its backend's one shared workspace (on CUDA), reserved at plan time, so calls take none.
 */
public interface Conv2dPlan extends AutoCloseable {
    Conv2dSpec spec();

    /** What this plan needs of the backend's shared workspace (0 on the CPU): for memory reports, nothing to allocate. */
    long workspaceBytes();

    /**
     * How this backend computes the convolution, for profiles: on CUDA the cuDNN algorithm, math type and workspace
     * of each direction; on the CPU the loop structure (im2col + GEMM, a GEMM on the input planes, direct depthwise
     * loops).
     */
    String implementation();

    /** y = alpha * conv(x, w) (+ bias if given) + beta * y. */
    void forward(float alpha, Tensor x, Tensor w, Tensor bias, float beta, Tensor y);

    /** dx = alpha * conv_transpose(dy, w) + beta * dx. */
    void backwardData(float alpha, Tensor dy, Tensor w, float beta, Tensor dx);

    /** dw = alpha * correlate(x, dy) + beta * dw. */
    void backwardFilter(float alpha, Tensor x, Tensor dy, float beta, Tensor dw);

    /** db = alpha * sum_{n,h,w} dy + beta * db. */
    void backwardBias(float alpha, Tensor dy, float beta, Tensor db);

    @Override
    default void close() {}
}
