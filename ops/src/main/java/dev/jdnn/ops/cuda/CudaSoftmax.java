package dev.jdnn.ops.cuda;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.MemoryFormat;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.OperandType;
import dev.jdnn.ops.Operands;
import dev.jdnn.ops.SoftmaxPlan;

/**
 * Softmax / log-softmax over dimension 1 of [N, C] as loss.cu's row kernels (one block per row, sums in double, as
 * CpuSoftmax), in float32: the input x is read in its storage type, y and dy are float32, and dx is written in x's
 * type. Not cuDNN's cudnnSoftmaxForward/Backward: on the first GPU run the contract test found a non-finite value in
 * their output (which of its operand layouts caused it was not established); the kernels take any row stride, never
 * read outside the view, and are deterministic.
 */
final class CudaSoftmax implements SoftmaxPlan {
    private final CudaContext ctx;
    private final Shape shape;
    private final boolean log;
    private final OperandType input;

    CudaSoftmax(CudaContext ctx, Shape shape, boolean log, DType inputDtype) {
        if (shape.rank() != 2) throw new IllegalArgumentException("softmax expects [N, C], got " + shape);
        this.ctx = ctx;
        this.shape = shape;
        this.log = log;
        this.input = OperandType.of(MemoryFormat.NCHW, inputDtype);
    }

    /** The row stride of a float32 [N, C] operand (for one row, the row length). */
    private static long rowStride(Tensor t) {
        return t.dim(0) <= 1 ? t.dim(1) : t.stride(0);
    }

    /** softmax_forward's arguments (static, so their kinds are checked against the source without a GPU). */
    static Object[] forwardArgs(Shape shape, boolean log, Tensor x, Tensor y) {
        return new Object[]{shape.dim(1), log, KernelOperands.ref(x), y, rowStride(y)};
    }

    static Object[] backwardArgs(Shape shape, boolean log, float alpha, Tensor y, Tensor dy, float beta, Tensor dx) {
        return new Object[]{shape.dim(1), log, alpha, y, rowStride(y), dy, rowStride(dy), beta, KernelOperands.ref(dx)};
    }

    @Override public Shape shape() { return shape; }
    @Override public boolean log() { return log; }
    @Override public DType inputDtype() { return input.dtype(); }

    @Override
    public void forward(Tensor x, Tensor y) {
        ctx.ensureContext();
        Operands.activation("softmax input", x, shape, input, ctx.device);
        Operands.batched("softmax output", y, shape, ctx.device);
        ctx.launch.perBlock(Kernel.SOFTMAX_FORWARD, shape.dim(0), forwardArgs(shape, log, x, y));
    }

    @Override
    public void backward(float alpha, Tensor y, Tensor dy, float beta, Tensor dx) {
        ctx.ensureContext();
        Operands.batched("softmax output", y, shape, ctx.device);
        Operands.batched("softmax output gradient", dy, shape, ctx.device);
        Operands.activation("softmax input gradient", dx, shape, input, ctx.device);
        ctx.launch.perBlock(Kernel.SOFTMAX_BACKWARD, shape.dim(0), backwardArgs(shape, log, alpha, y, dy, beta, dx));
    }
}
